//! Pictures of diagrams: `hypervisual render` and the app's Picture menu make real SVG,
//! PNG and GIF files, and refuse bad requests without writing anything.

use std::path::Path;
use std::process::Command;

use egui_kittest::kittest::Queryable as _;
use hypervisual::export::{Job, Moment, PictureFormat};
use hypervisual::theme::ThemeName;

use crate::common;

fn render(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .arg("render")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn texts_of_svg(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("svg written");
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

/// A picture of a built-in lesson's diagram with its starting parameters, at scale 1.
fn lesson_job(id: &str, theme: ThemeName, size: [u32; 2], moment: Moment) -> Job {
    let library = hypervisual::content::Library::built_in();
    let lesson = library.lesson(id).unwrap_or_else(|| panic!("{id} loads"));
    Job {
        scene: lesson.diagram.scene.clone(),
        params: lesson.diagram.params.clone(),
        theme,
        size,
        scale: 1.0,
        moment,
        presenting: false,
    }
}

/// Every glyph egui laid out in the drawn text shapes, in drawing order, spaces left out.
fn drawn_glyphs(shape: &egui::Shape, out: &mut String) {
    match shape {
        egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| drawn_glyphs(s, out)),
        egui::Shape::Text(t) => out.extend(
            t.galley
                .rows
                .iter()
                .flat_map(|r| r.row.glyphs.iter().map(|g| g.chr))
                .filter(|c| !c.is_whitespace()),
        ),
        _ => {}
    }
}

/// The SVG's text, spaces left out (XML unescaped by a real parser).
fn svg_glyphs(texts: &[String]) -> String {
    texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn an_svg_is_xml_with_the_diagrams_labels_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("a7.svg");
    let (code, stdout, stderr) = render(&[
        "--lesson",
        "A7",
        "--size",
        "1280x800",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The same frame drawn by the app's own stage (render's defaults: light theme, the
    // end of the run): every glyph egui placed is in the SVG's text, in order, and no
    // other, so a label lost, doubled or mangled by escaping shows here.
    let job = lesson_job("A7", ThemeName::Light, [1280, 800], Moment::At(0));
    let mut stage = job.stage().expect("a stage");
    let end = stage.end_tick().expect("A7's migration ends");
    let drawn = stage.draw_settled(end);
    let mut glyphs = String::new();
    for clipped in &drawn.shapes {
        drawn_glyphs(&clipped.shape, &mut glyphs);
    }
    assert!(glyphs.chars().count() > 50, "the diagram has labels: {glyphs}");
    assert_eq!(svg_glyphs(&texts_of_svg(&out)), glyphs);
}

#[test]
fn a_png_has_the_asked_size_and_draws_ink_on_the_canvas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("b6.png");
    let (code, stdout, stderr) = render(&[
        "--lesson",
        "B6",
        "--size",
        "640x400",
        "--scale",
        "2",
        "--theme",
        "projector",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).expect("png written")));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("pixels");
    assert_eq!((info.width, info.height), (1280, 800), "2× of 640×400");
    let pixels = &buf[..info.buffer_size()];
    let canvas = hypervisual::theme::Theme::new(ThemeName::Projector).canvas.to_array();
    let inked = pixels.chunks_exact(4).filter(|p| p[..3] != canvas[..3]).count();
    let share = inked as f64 / f64::from(info.width * info.height);
    assert!(
        share > 0.01 && share < 0.9,
        "{share:.3} of the pixels differ from the canvas"
    );
}

#[test]
fn a_gif_plays_the_span_frame_by_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("a1.gif");
    let (code, stdout, stderr) = render(&[
        "--lesson",
        "A1",
        "--size",
        "480x300",
        "--from",
        "0s",
        "--to",
        "2s",
        "--fps",
        "5",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&out).expect("gif written"))
        .expect("a GIF");
    assert_eq!((decoder.width(), decoder.height()), (480, 300));
    let mut frames = 0;
    let mut shown_cs = 0_u32;
    while let Some(frame) = decoder.read_next_frame().expect("frame") {
        frames += 1;
        shown_cs += u32::from(frame.delay);
    }
    // Eleven moments 0.2 s apart; unchanged ones merge into a longer delay.
    assert!(
        frames >= 2,
        "{frames} frames: the workloads move in the first two seconds"
    );
    assert_eq!(shown_cs, 11 * 20, "every moment is shown for 1/5 s");
}

#[test]
fn bad_requests_fail_with_one_line_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--lesson".into(), "Z9".into(), "--out".into(), p("a.png")],
            "unknown lesson",
        ),
        (
            vec![
                "--lesson".into(),
                "A7".into(),
                "--preset".into(),
                "nope".into(),
                "--out".into(),
                p("b.png"),
            ],
            "no preset",
        ),
        (
            vec!["--lesson".into(), "A7".into(), "--out".into(), p("c.jpg")],
            ".svg, .png or .gif",
        ),
        (
            vec![
                "--lesson".into(),
                "B5".into(),
                "--at".into(),
                "3600s".into(),
                "--out".into(),
                p("d.png"),
            ],
            "past the end",
        ),
        (
            vec![
                "--lesson".into(),
                "A1".into(),
                "--size".into(),
                "0x0".into(),
                "--out".into(),
                p("e.png"),
            ],
            "0×0",
        ),
        (
            vec![
                "--lesson".into(),
                "A1".into(),
                "--size".into(),
                "100000x100000".into(),
                "--out".into(),
                p("f.png"),
            ],
            "100000×100000",
        ),
    ];
    for (args, wanted) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = render(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{args:?}: nothing on stdout, got {stdout}");
        assert!(stderr.contains(wanted), "{args:?}: wanted `{wanted}` in {stderr}");
        assert!(
            stderr.trim_end().lines().count() <= 2,
            "{args:?}: short error, got {stderr}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
}

#[test]
fn the_same_job_makes_the_same_picture_twice() {
    let job = lesson_job("A2", ThemeName::Dark, [400, 300], Moment::At(30));
    let a = job.make(PictureFormat::Png, |_, _| true).expect("png");
    let b = job.make(PictureFormat::Png, |_, _| true).expect("png");
    assert!(a == b, "deterministic");
    let svg = String::from_utf8(job.make(PictureFormat::Svg, |_, _| true).expect("svg")).expect("utf-8");
    assert!(svg.starts_with("<svg"));
}

#[test]
fn the_picture_menu_saves_the_diagram_shown() {
    let profile = tempfile::tempdir().expect("temp dir");
    let pictures = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("A2"), profile.path(), egui::vec2(1366.0, 768.0));
    h.state_mut().picture_menu_mut().folder = pictures.path().display().to_string();
    h.get_by_label("Picture").click();
    h.run_steps(2);
    h.get_by_label("Save as SVG").click();
    h.run_steps(2);
    h.state_mut().picture_menu_mut().wait();
    let (ok, text) = h.state_mut().picture_menu_mut().status.clone().expect("a result");
    assert!(ok, "{text}");
    let path = Path::new(text.strip_prefix("Saved ").expect("a path"));
    assert_eq!(path.parent(), Some(pictures.path()), "saved in the folder chosen");
    assert!(path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("A2-")));
    let texts = texts_of_svg(path);
    assert!(!texts.is_empty(), "labels as text");
}
