//! Every lesson at classroom screen sizes, as the class sees it: diagram text at or above
//! the theme's floor (presentation mode's 24 px when presenting), nothing cut off or
//! shortened with "…", and no text drawn over other text anywhere in the window. The
//! start, the end and every preset of each lesson are looked at.

use hypervisual::cli::audit::{Case, look_all};
use hypervisual::theme::ThemeName;

/// The looks a classroom needs: the projector theme on a school laptop, a 16:10 projector
/// and a full-HD screen, the same in presentation mode, and the dark theme's floor.
const LOOKS: &[([u32; 2], ThemeName, bool)] = &[
    ([1280, 800], ThemeName::Projector, false),
    ([1366, 768], ThemeName::Projector, false),
    ([1920, 1080], ThemeName::Projector, false),
    ([1280, 800], ThemeName::Projector, true),
    ([1366, 768], ThemeName::Projector, true),
    ([1920, 1080], ThemeName::Projector, true),
    ([1280, 800], ThemeName::Dark, false),
];

fn readable(lesson: &str) {
    let cases: Vec<Case> = LOOKS
        .iter()
        .map(|&(size, theme, present)| Case {
            lesson: lesson.to_owned(),
            size,
            theme,
            present,
        })
        .collect();
    let found = look_all(&cases, None).expect("the lesson opens");
    let mut all = Vec::new();
    for (&(size, theme, present), reports) in LOOKS.iter().zip(found) {
        let mode = if present { " presenting" } else { "" };
        all.extend(reports.into_iter().map(|r| {
            format!(
                "{}x{} {}{mode} {}: {}",
                size[0],
                size[1],
                theme.id(),
                r.moment,
                r.finding
            )
        }));
    }
    assert!(all.is_empty(), "{lesson}: {} findings:\n{}", all.len(), all.join("\n"));
}

macro_rules! lessons {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                readable($id);
            }
        )*

        /// Every lesson the tests above look at.
        const LOOKED_AT: &[&str] = &[$($id),*];
    };
}

lessons! {
    a1_reads_from_the_back => "A1",
    a2_reads_from_the_back => "A2",
    a3_reads_from_the_back => "A3",
    a4_reads_from_the_back => "A4",
    a5_reads_from_the_back => "A5",
    a6_reads_from_the_back => "A6",
    a7_reads_from_the_back => "A7",
    a8_reads_from_the_back => "A8",
    a9_reads_from_the_back => "A9",
    b1_reads_from_the_back => "B1",
    b2_reads_from_the_back => "B2",
    b3_reads_from_the_back => "B3",
    b4_reads_from_the_back => "B4",
    b5_reads_from_the_back => "B5",
    b6_reads_from_the_back => "B6",
    b7_reads_from_the_back => "B7",
    b8_reads_from_the_back => "B8",
    c1_reads_from_the_back => "C1",
    c2_reads_from_the_back => "C2",
    c3_reads_from_the_back => "C3",
    c4_reads_from_the_back => "C4",
}

#[test]
fn every_lesson_of_the_course_is_looked_at() {
    let library = hypervisual::content::Library::built_in();
    let missing: Vec<&str> = library
        .order()
        .into_iter()
        .filter(|id| !LOOKED_AT.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "a new lesson needs its line in `lessons!` above: {missing:?}"
    );
}
