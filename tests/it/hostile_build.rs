//! Hostile inputs to `hypervisual sim build`: each must end quickly with a clear error
//! (`file:line:col` where there is a file), never hang, abort or eat gigabytes.
//!
//! The command-line cases run the real binary with a time limit: a child still running
//! after [`LIMIT`] is killed and the test fails, so a hang fails instead of stalling CI.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hypervisual::sim::image::build::MAX_LAYERS;
use hypervisual::sim::image::dockerfile::{MAX_EXPANDED_BYTES, MAX_INSTRUCTIONS};
use hypervisual::sim::image::{Cache, Context};

/// Generous for a debug build on a loaded machine; every case here takes well under a
/// second when it works, and the broken versions took 9 s to hours.
/// A run still going after this is killed and fails its test. Every reproduction took
/// 23 s or more (or hung) before the fix and finishes within a few seconds of a debug build
/// now: the limit tells a hang from a slow, busy machine, without timing the fix itself
/// (its speed is measured in release builds, see PERFORMANCE.md).
const LIMIT: Duration = Duration::from_secs(20);

struct Outcome {
    code: Option<i32>,
    /// stdout and stderr together (errors move from one to the other with the shell's
    /// change to print failures on stderr; the text is what matters here).
    text: String,
}

fn hv(args: &[&std::ffi::OsStr]) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hypervisual");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hypervisual {args:?} still running after {LIMIT:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = t_out.join().unwrap_or_default() + &t_err.join().unwrap_or_default();
    Outcome {
        code: status.code(),
        text,
    }
}

fn build(ctx: &Path, extra: &[&std::ffi::OsStr]) -> Outcome {
    let mut args: Vec<&std::ffi::OsStr> = vec!["sim".as_ref(), "build".as_ref(), "--context".as_ref(), ctx.as_os_str()];
    args.extend_from_slice(extra);
    hv(&args)
}

fn context(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn assert_fails_fast(o: &Outcome, wants: &[&str]) {
    assert_eq!(o.code, Some(1), "exit code; output:\n{}", o.text);
    for w in wants {
        assert!(o.text.contains(w), "wanted `{w}` in:\n{}", o.text);
    }
}

fn dockerfile_path(ctx: &Path) -> String {
    ctx.join("Dockerfile").display().to_string()
}

// --- 5. Dockerfile ---------------------------------------------------------------------

#[test]
fn doubling_env_values_stop_at_the_expansion_limit() {
    let mut df = String::from("FROM scratch\nENV A0=xxxxxxxx\n");
    for k in 1..=41 {
        let _ = writeln!(df, "ENV A{k}=${{A{}}}${{A{}}}", k - 1, k - 1);
    }
    let ctx = context(&[("Dockerfile", &df)]);
    let o = build(ctx.path(), &[]);
    // A_k holds 8 * 2^k bytes; the first one past the limit fails, on its own line.
    let k = (0..41).find(|k| 8usize << k > MAX_EXPANDED_BYTES).unwrap_or(0);
    let line = 2 + k;
    assert_fails_fast(
        &o,
        &[&format!("{}:{line}:1:", dockerfile_path(ctx.path())), "MAX_ARG_STRLEN"],
    );
}

fn many_runs(n: usize) -> String {
    let mut df = String::from("FROM scratch\n");
    for i in 0..n {
        let _ = writeln!(df, "RUN echo {i} > /f{i}");
    }
    df
}

#[test]
fn eight_thousand_run_lines_are_refused_at_the_instruction_limit() {
    let ctx = context(&[("Dockerfile", &many_runs(8000))]);
    let o = build(ctx.path(), &[]);
    // FROM is instruction 1; the one after the limit is on the line after it.
    let line = MAX_INSTRUCTIONS + 1;
    assert_fails_fast(
        &o,
        &[
            &format!("{}:{line}:1:", dockerfile_path(ctx.path())),
            &format!("more than {MAX_INSTRUCTIONS} instructions"),
        ],
    );
}

#[test]
fn run_lines_stop_at_dockers_layer_limit() {
    let ctx = context(&[("Dockerfile", &many_runs(MAX_LAYERS + 50))]);
    let o = build(ctx.path(), &[]);
    // scratch has no layers: RUN number MAX_LAYERS + 1 (on that line + 1) is one too many.
    let line = 1 + MAX_LAYERS + 1;
    assert_fails_fast(
        &o,
        &[
            &format!("{}:{line}:1:", dockerfile_path(ctx.path())),
            "max depth exceeded",
            &MAX_LAYERS.to_string(),
        ],
    );
}

#[test]
fn installing_five_thousand_packages_is_refused_not_hashed() {
    let pkgs: Vec<String> = (0..5000).map(|i| format!("p{i}")).collect();
    let df = format!("FROM debian:bookworm-slim\nRUN apt-get install -y {}\n", pkgs.join(" "));
    let ctx = context(&[("Dockerfile", &df)]);
    let o = build(ctx.path(), &[]);
    assert_fails_fast(
        &o,
        &[
            &format!("{}:2:1:", dockerfile_path(ctx.path())),
            "GiB layer",
            "smaller RUN steps",
        ],
    );
}

#[test]
fn many_large_run_layers_stop_at_the_build_limit() {
    // Each RUN stays under the per-layer limit; together they pass the per-build one.
    let mut df = String::from("FROM scratch\n");
    for j in 0..MAX_LAYERS - 1 {
        let pkgs: Vec<String> = (0..90).map(|i| format!("q{j}x{i}")).collect();
        let _ = writeln!(df, "RUN apt-get install -y {}", pkgs.join(" "));
    }
    let ctx = context(&[("Dockerfile", &df)]);
    let o = build(ctx.path(), &[]);
    assert_eq!(o.code, Some(1), "{}", o.text);
    assert!(o.text.contains("MiB per build"), "{}", o.text);
}

// --- 6. --cache FILE -------------------------------------------------------------------

#[test]
fn a_cache_entry_declaring_a_huge_filler_is_refused_at_once() {
    let ctx = context(&[("Dockerfile", "FROM scratch\nRUN echo hi > /x\n")]);
    let cache = ctx.path().join("cache.json");
    let json = r#"{"entries":{"k":{"parent":"p","instruction":"RUN x","layer":{"changes":{"a":{"file":{"meta":{"mode":420,"uid":0,"gid":0},"content":{"filler_len":1000000000000000,"filler_seed":1,"bytes":""}}}}}}}}"#;
    std::fs::write(&cache, json).expect("write cache");
    let o = build(ctx.path(), &["--cache".as_ref(), cache.as_os_str()]);
    assert_fails_fast(&o, &[&cache.display().to_string(), "1000000000000000", "delete it"]);
}

#[test]
fn a_hand_edited_cached_layer_is_refused_and_not_exported() {
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY app.py /app/\n"),
        ("app.py", "print('original')\n"),
    ]);
    let cache = ctx.path().join("cache.json");
    let export = ctx.path().join("layers");
    let first = build(ctx.path(), &["--cache".as_ref(), cache.as_os_str()]);
    assert_eq!(first.code, Some(0), "{}", first.text);
    let text = std::fs::read_to_string(&cache).expect("cache written");
    assert!(text.contains("print('original')"), "the layer keeps the file's text");
    std::fs::write(&cache, text.replace("print('original')", "print('tampered')")).expect("edit");
    let o = build(
        ctx.path(),
        &[
            "--cache".as_ref(),
            cache.as_os_str(),
            "--export-layers".as_ref(),
            export.as_os_str(),
        ],
    );
    assert_fails_fast(
        &o,
        &[&cache.display().to_string(), "COPY app.py /app/", "edited or damaged"],
    );
    assert!(!export.exists(), "nothing exported from a tampered cache");
}

#[test]
fn a_torn_cache_file_says_where_and_what_to_do() {
    let ctx = context(&[("Dockerfile", "FROM scratch\nRUN echo hi > /x\n")]);
    let cache = ctx.path().join("cache.json");
    assert_eq!(
        build(ctx.path(), &["--cache".as_ref(), cache.as_os_str()]).code,
        Some(0)
    );
    let text = std::fs::read_to_string(&cache).expect("cache");
    std::fs::write(&cache, &text[..text.len() / 2]).expect("tear");
    let o = build(ctx.path(), &["--cache".as_ref(), cache.as_os_str()]);
    assert_fails_fast(&o, &[&format!("{}:1:", cache.display()), "delete it"]);
}

#[cfg(unix)]
#[test]
fn saving_the_cache_replaces_a_planted_link_instead_of_writing_through_it() {
    let ctx = context(&[("Dockerfile", "FROM scratch\nRUN echo hi > /x\n")]);
    let outside = tempfile::tempdir().expect("tempdir");
    let victim = outside.path().join("victim");
    // The link points at a valid (empty) cache outside the folder: the build reads it...
    std::fs::write(&victim, "{\"entries\":{}}").expect("victim");
    let cache = ctx.path().join("cache.json");
    std::os::unix::fs::symlink(&victim, &cache).expect("link");
    let o = build(ctx.path(), &["--cache".as_ref(), cache.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.text);
    // ...and the save renamed a new file over the link: the target is unchanged.
    assert_eq!(std::fs::read_to_string(&victim).unwrap_or_default(), "{\"entries\":{}}");
    let meta = std::fs::symlink_metadata(&cache).expect("cache");
    assert!(meta.file_type().is_file());
    let leftovers: Vec<_> = std::fs::read_dir(ctx.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

// --- 7. Build context ------------------------------------------------------------------

fn sparse_ignored_context() -> tempfile::TempDir {
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY . /app/\n"),
        (".dockerignore", "big.bin\n"),
        ("app.py", "print(1)\n"),
    ]);
    let big = std::fs::File::create(ctx.path().join("big.bin")).expect("create");
    // Sparse: 2 GiB long, no disk blocks.
    big.set_len(2 << 30).expect("set_len");
    ctx
}

#[test]
fn an_ignored_two_gib_file_is_never_read_by_the_command() {
    let ctx = sparse_ignored_context();
    let o = build(ctx.path(), &[]);
    assert_eq!(o.code, Some(0), "{}", o.text);
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn an_ignored_two_gib_file_is_never_read_into_memory() {
    let ctx = sparse_ignored_context();
    let before = peak_rss_kib();
    let loaded = Context::from_dir(ctx.path()).expect("context loads");
    assert!(loaded.get("app.py").is_some());
    assert!(loaded.get("big.bin").is_none(), "the ignored file is not loaded");
    // Reading the file would raise this process's peak by 2 GiB; allow 256 MiB of noise
    // from the other tests of this binary (they run the command in child processes).
    if let (Some(b), Some(a)) = (before, peak_rss_kib()) {
        assert!(
            a.saturating_sub(b) < 256 * 1024,
            "peak memory grew by {} MiB",
            (a - b) / 1024
        );
    }
}

#[test]
fn pathological_dockerignore_patterns_match_quickly() {
    let ignore = format!("{}z\n*a*a*a*a*a*a*a*a*b\n", "**/".repeat(12));
    let deep = vec!["d"; 25].join("/");
    let long_name = "a".repeat(60);
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY . /app/\n"),
        (".dockerignore", &ignore),
        (&format!("{deep}/f"), "x"),
        (&long_name, "x"),
    ]);
    let o = build(ctx.path(), &[]);
    assert_eq!(o.code, Some(0), "{}", o.text);
}

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_invalid_bytes_are_refused_not_merged() {
    use std::os::unix::ffi::OsStrExt as _;
    let ctx = context(&[("Dockerfile", "FROM scratch\nCOPY . /app/\n")]);
    for b in [0xffu8, 0xfe] {
        let bytes = [b'a', b];
        std::fs::write(ctx.path().join(std::ffi::OsStr::from_bytes(&bytes)), [b]).expect("write");
    }
    let o = build(ctx.path(), &[]);
    assert_fails_fast(&o, &["not valid UTF-8", &ctx.path().display().to_string()]);
    // Listed in .dockerignore, such files are fine (the pattern matches the shown name).
    std::fs::write(ctx.path().join(".dockerignore"), "a?\n").expect("ignore");
    let o = build(ctx.path(), &[]);
    assert_eq!(o.code, Some(0), "{}", o.text);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_not_its_folder() {
    use std::os::unix::fs::PermissionsExt as _;
    let ctx = context(&[("Dockerfile", "FROM scratch\nCOPY . /app/\n"), ("sub/secret.txt", "x")]);
    let secret = ctx.path().join("sub/secret.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        return;
    }
    let o = build(ctx.path(), &[]);
    assert_fails_fast(&o, &[&secret.display().to_string()]);
}

#[test]
fn copy_from_outside_the_context_is_refused_with_dockers_message() {
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY ../../etc/passwd /p\n"),
        ("etc/passwd", "the context's own file\n"),
    ]);
    let o = build(ctx.path(), &[]);
    assert_fails_fast(
        &o,
        &[
            &format!("{}:2:1:", dockerfile_path(ctx.path())),
            "forbidden path outside the build context: ../../etc/passwd ()",
        ],
    );
    // Climbing back in stays allowed: sub/../etc/passwd is etc/passwd.
    std::fs::write(
        ctx.path().join("Dockerfile"),
        "FROM scratch\nCOPY sub/../etc/passwd /p\n",
    )
    .expect("write");
    assert_eq!(build(ctx.path(), &[]).code, Some(0));
}

// --- 8. --export-layers DIR ------------------------------------------------------------

fn layer_names(ctx: &Path) -> Vec<String> {
    let o = build(ctx, &["--format".as_ref(), "json".as_ref()]);
    assert_eq!(o.code, Some(0), "{}", o.text);
    let v: serde_json::Value = serde_json::from_str(&o.text).expect("json report");
    v["layers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str())
                .map(|d| format!("{}.tar", d.trim_start_matches("sha256:")))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn a_planted_link_at_a_layer_name_is_refused_and_its_target_untouched() {
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY app.py /\n"),
        ("app.py", "print(1)\n"),
    ]);
    let names = layer_names(ctx.path());
    assert_eq!(names.len(), 1);
    let outside = tempfile::tempdir().expect("tempdir");
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    let export: PathBuf = ctx.path().join("layers");
    std::fs::create_dir(&export).expect("mkdir");
    std::os::unix::fs::symlink(&victim, export.join(&names[0])).expect("plant link");
    let o = build(ctx.path(), &["--export-layers".as_ref(), export.as_os_str()]);
    assert_fails_fast(&o, &["symbolic link", &names[0]]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap_or_default(), "precious");
}

#[test]
fn exporting_twice_keeps_the_same_files_and_refuses_a_foreign_one() {
    let ctx = context(&[
        ("Dockerfile", "FROM scratch\nCOPY app.py /\n"),
        ("app.py", "print(1)\n"),
    ]);
    let export = ctx.path().join("layers");
    let args: [&std::ffi::OsStr; 2] = ["--export-layers".as_ref(), export.as_os_str()];
    assert_eq!(build(ctx.path(), &args).code, Some(0));
    assert_eq!(build(ctx.path(), &args).code, Some(0), "an identical export is kept");
    let names = layer_names(ctx.path());
    std::fs::write(export.join(&names[0]), "not a layer").expect("overwrite");
    let o = build(ctx.path(), &args);
    assert_fails_fast(&o, &["does not hold this layer"]);
    assert_eq!(
        std::fs::read_to_string(export.join(&names[0])).unwrap_or_default(),
        "not a layer"
    );
}

// --- The cache parser, property-tested ---------------------------------------------------

mod props {
    use proptest::prelude::*;

    use super::*;

    fn entry(filler: &str, bytes: &str) -> String {
        format!(
            r#"{{"entries":{{"k":{{"parent":"p","instruction":"RUN x","layer":{{"changes":{{"a":{{"file":{{"meta":{{"mode":420,"uid":0,"gid":0}},"content":{{"filler_len":{filler},"filler_seed":1,"bytes":"{bytes}"}}}}}}}}}}}}}}}}"#
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,400}") {
            let _ = Cache::from_json(&s);
        }

        #[test]
        fn never_panics_on_cache_like_text(parts in proptest::collection::vec(0..FRAGMENTS.len(), 0..80)) {
            let s: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
            let _ = Cache::from_json(&s);
        }

        #[test]
        fn rejects_fillers_beyond_the_layer_limit(extra in 1u64..u64::MAX / 2) {
            let too_big = cache_file_limit().saturating_add(extra);
            let r = Cache::from_json(&entry(&too_big.to_string(), ""));
            prop_assert!(r.is_err());
            let text = r.err().map(|e| e.to_string()).unwrap_or_default();
            prop_assert!(text.contains("filler"), "{}", text);
        }

        #[test]
        fn rejects_negative_and_fractional_lengths(n in -1.0e18f64..-0.5) {
            let negative = format!("{n}");
            let fractional = format!("{}.5", n.abs() as u64 % 1000);
            prop_assert!(Cache::from_json(&entry(&negative, "")).is_err());
            prop_assert!(Cache::from_json(&entry(&fractional, "")).is_err());
        }

        #[test]
        fn rejects_entries_whose_recorded_digest_does_not_match(text in "[a-z]{1,20}") {
            // No recorded diff_id: refused, the contents cannot be checked.
            prop_assert!(Cache::from_json(&entry("0", &text)).is_err());
            let with = entry("0", &text).replacen(r#""parent""#, r#""diff_id":"sha256:00","parent""#, 1);
            let r = Cache::from_json(&with);
            prop_assert!(r.is_err_and(|e| e.to_string().contains("edited or damaged")));
        }
    }

    fn cache_file_limit() -> u64 {
        hypervisual::sim::image::run::MAX_LAYER_BYTES
    }

    const FRAGMENTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"entries\"",
        "\"k\"",
        "\"parent\"",
        "\"instruction\"",
        "\"layer\"",
        "\"changes\"",
        "\"file\"",
        "\"dir\"",
        "\"whiteout\"",
        "\"content\"",
        "\"filler_len\"",
        "\"bytes\"",
        "\"hex:zz\"",
        "\"hex:0\"",
        "\"meta\"",
        "\"mode\"",
        "\"diff_id\"",
        "\"inputs\"",
        "0",
        "1e300",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "null",
        "true",
        "\"\"",
        "\"a/../../b\"",
        " ",
    ];

    #[test]
    fn a_saved_cache_loads_back_unchanged() {
        let ctx = Context::new();
        let mut cache = Cache::new();
        let built = hypervisual::sim::image::build("FROM scratch\nRUN apt-get install -y curl\n", &ctx, &mut cache);
        assert!(built.is_ok());
        assert_eq!(Cache::from_json(&cache.to_json()).ok(), Some(cache));
    }
}
