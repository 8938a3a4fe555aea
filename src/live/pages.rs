//! The pages the live quiz serves: plain HTML, CSS and ES5 JavaScript, built into the
//! binary (no external assets, no CDN), so any phone browser in the room can use them.

/// Helpers both pages' scripts use.
pub const COMMON_JS: &str = include_str!("web/common.js");
/// The student's page: join, then answer.
pub const STUDENT_HTML: &str = include_str!("web/student.html");
/// The student page's script.
pub const STUDENT_JS: &str = include_str!("web/student.js");
/// The teacher's page: next, reveal, end, results.
pub const TEACHER_HTML: &str = include_str!("web/teacher.html");
/// The teacher page's script.
pub const TEACHER_JS: &str = include_str!("web/teacher.js");
/// One style sheet for both.
pub const STYLE_CSS: &str = include_str!("web/style.css");
