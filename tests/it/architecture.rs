//! Architecture rules that must fail loudly when broken.

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Models and content are pure: they must build and be tested without any UI library.
#[test]
fn sim_and_content_never_use_egui() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for pure in ["sim", "content"] {
        let mut files = Vec::new();
        rust_files(&root.join(pure), &mut files);
        assert!(!files.is_empty(), "no files under src/{pure}");
        for file in files {
            let text = fs::read_to_string(&file).expect("readable file");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if ["egui", "eframe"].iter().any(|word| code.contains(word)) {
                    offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "UI code in pure modules:\n{}",
        offenders.join("\n")
    );
}

/// Colours are theme tokens: no module outside src/theme builds one. Clippy's
/// `disallowed-methods`/`disallowed-types` (clippy.toml) catch the calls; this catches by
/// name what clippy cannot: a `Hsva { .. }`/`HsvaGamma { .. }` literal converted with
/// `into()`, and ecolor's `hex_color!` should its feature ever be switched on.
#[test]
fn colours_are_only_made_in_the_theme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let theme_dir = root.join("theme");
    let mut offenders = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&theme_dir)) {
        let text = fs::read_to_string(file).expect("readable file");
        for (n, line) in text.lines().enumerate() {
            if [
                "Color32::from_",
                "Color32::from(",
                "Rgba::",
                "Rgba(",
                "Hsva",
                "HexColor",
                "hex_color!",
            ]
            .iter()
            .any(|c| line.contains(c))
            {
                offenders.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "colours made outside the theme: {offenders:?}");
}
