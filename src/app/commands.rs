//! Keyboard commands: one table binds every shortcut, and the help lists the same table.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Something the learner or teacher can do from the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Next lesson in course order.
    NextLesson,
    /// Previous lesson.
    PrevLesson,
    /// Play or pause the diagram.
    PlayPause,
    /// One tick forward.
    StepForward,
    /// One tick back.
    StepBack,
    /// Faster playback.
    Faster,
    /// Slower playback.
    Slower,
    /// Back to the start of the timeline.
    Reset,
    /// Larger text and diagrams.
    ZoomIn,
    /// Smaller text and diagrams.
    ZoomOut,
    /// Full screen on or off.
    Fullscreen,
    /// The keyboard help overlay on or off.
    Help,
    /// Enter presentation mode.
    Present,
    /// Close the topmost overlay, or leave presentation mode.
    Back,
    /// Next paced step of the lesson (presentation mode).
    NextStep,
    /// Previous paced step (presentation mode).
    PrevStep,
    /// Larger step text (presentation mode).
    TextBigger,
    /// Smaller step text (presentation mode).
    TextSmaller,
    /// The class quiz on or off (presentation mode).
    ClassQuiz,
    /// Reveal the class quiz's answer (presentation mode).
    Reveal,
    /// Next class quiz question (presentation mode).
    NextQuestion,
    /// Teacher notes panel on or off.
    TeacherNotes,
    /// Presenter view on or off.
    PresenterView,
    /// Presenter view in a second window, or inside this one.
    PresenterPlace,
    /// Pen on or off (draw over the diagram).
    Pen,
    /// Clear the pen's drawings.
    ClearPen,
    /// Show the lesson page.
    PageLessons,
    /// Show the review page.
    PageReview,
    /// Show the progress page.
    PageProgress,
    /// Show the glossary.
    PageGlossary,
    /// Reduced motion on or off.
    ReducedMotion,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Everywhere.
    Any,
    /// Only outside presentation mode.
    Normal,
    /// Only in presentation mode.
    Presenting,
}

impl Mode {
    /// Heading of this group in the help overlay.
    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "Everywhere",
            Self::Normal => "Lessons",
            Self::Presenting => "Presentation mode",
        }
    }

    fn applies(self, presenting: bool) -> bool {
        match self {
            Self::Any => true,
            Self::Normal => !presenting,
            Self::Presenting => presenting,
        }
    }
}

/// A shortcut and what it does.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// The command run.
    pub command: Command,
    /// The key combination.
    pub shortcut: KeyboardShortcut,
    /// What it does, in the help.
    pub label: &'static str,
    /// Whether it is ignored while the learner types in a text field.
    pub plain_key: bool,
    /// Where it applies.
    pub mode: Mode,
}

const fn bind_in(mode: Mode, command: Command, modifiers: Modifiers, key: Key, label: &'static str) -> Binding {
    Binding {
        command,
        shortcut: KeyboardShortcut::new(modifiers, key),
        label,
        plain_key: !(modifiers.alt || modifiers.ctrl || modifiers.mac_cmd || modifiers.command),
        mode,
    }
}

const fn bind(command: Command, modifiers: Modifiers, key: Key, label: &'static str) -> Binding {
    bind_in(Mode::Normal, command, modifiers, key, label)
}

const fn any(command: Command, modifiers: Modifiers, key: Key, label: &'static str) -> Binding {
    bind_in(Mode::Any, command, modifiers, key, label)
}

const fn present(command: Command, modifiers: Modifiers, key: Key, label: &'static str) -> Binding {
    bind_in(Mode::Presenting, command, modifiers, key, label)
}

/// Every shortcut of the app.
pub const BINDINGS: &[Binding] = &[
    any(Command::Help, Modifiers::NONE, Key::F1, "Keyboard help"),
    any(Command::Help, Modifiers::NONE, Key::Questionmark, "Keyboard help"),
    any(
        Command::Back,
        Modifiers::NONE,
        Key::Escape,
        "Close help, or leave presentation mode",
    ),
    any(
        Command::PlayPause,
        Modifiers::NONE,
        Key::Space,
        "Play or pause the diagram",
    ),
    any(Command::Reset, Modifiers::NONE, Key::Home, "Reset the diagram"),
    any(Command::Faster, Modifiers::NONE, Key::Plus, "Faster"),
    any(Command::Faster, Modifiers::NONE, Key::Equals, "Faster"),
    any(Command::Slower, Modifiers::NONE, Key::Minus, "Slower"),
    any(Command::Fullscreen, Modifiers::NONE, Key::F11, "Full screen"),
    any(
        Command::TeacherNotes,
        Modifiers::NONE,
        Key::T,
        "Teacher notes on or off",
    ),
    any(
        Command::PresenterView,
        Modifiers::NONE,
        Key::F6,
        "Presenter view on or off",
    ),
    any(
        Command::PresenterPlace,
        Modifiers::SHIFT,
        Key::F6,
        "Presenter view: second window or this window",
    ),
    any(
        Command::ReducedMotion,
        Modifiers::COMMAND,
        Key::M,
        "Reduced motion on or off",
    ),
    bind(Command::NextLesson, Modifiers::NONE, Key::PageDown, "Next lesson"),
    bind(Command::PrevLesson, Modifiers::NONE, Key::PageUp, "Previous lesson"),
    bind(Command::StepForward, Modifiers::NONE, Key::ArrowRight, "Step forward"),
    bind(Command::StepBack, Modifiers::NONE, Key::ArrowLeft, "Step back"),
    bind(Command::ZoomIn, Modifiers::COMMAND, Key::Equals, "Zoom in"),
    bind(Command::ZoomIn, Modifiers::COMMAND, Key::Plus, "Zoom in"),
    bind(Command::ZoomOut, Modifiers::COMMAND, Key::Minus, "Zoom out"),
    bind(Command::Present, Modifiers::NONE, Key::F5, "Start presentation mode"),
    bind(Command::PageLessons, Modifiers::COMMAND, Key::Num1, "Lessons page"),
    bind(Command::PageReview, Modifiers::COMMAND, Key::Num2, "Review page"),
    bind(Command::PageProgress, Modifiers::COMMAND, Key::Num3, "Progress page"),
    bind(Command::PageGlossary, Modifiers::COMMAND, Key::Num4, "Glossary page"),
    present(Command::NextStep, Modifiers::NONE, Key::ArrowRight, "Next step"),
    present(Command::NextStep, Modifiers::NONE, Key::PageDown, "Next step"),
    present(Command::PrevStep, Modifiers::NONE, Key::ArrowLeft, "Previous step"),
    present(Command::PrevStep, Modifiers::NONE, Key::PageUp, "Previous step"),
    present(Command::TextBigger, Modifiers::COMMAND, Key::Equals, "Larger text"),
    present(Command::TextBigger, Modifiers::COMMAND, Key::Plus, "Larger text"),
    present(Command::TextSmaller, Modifiers::COMMAND, Key::Minus, "Smaller text"),
    present(Command::ClassQuiz, Modifiers::NONE, Key::Q, "Class quiz on or off"),
    present(Command::Reveal, Modifiers::NONE, Key::R, "Reveal the answer"),
    present(Command::NextQuestion, Modifiers::NONE, Key::N, "Next quiz question"),
    present(Command::Pen, Modifiers::NONE, Key::P, "Pen on or off"),
    present(Command::ClearPen, Modifiers::NONE, Key::C, "Clear the pen's drawings"),
];

/// Takes this frame's shortcut presses out of the input, in table order.
///
/// The most specific shortcuts are matched first (Ctrl or Alt, then Shift, then a bare
/// key), so Ctrl+= zooms instead of speeding up and Shift+F6 is not taken for F6. Only the
/// bindings of the current mode are looked at, so → moves a step while presenting and a
/// tick otherwise.
pub fn take_commands(ctx: &egui::Context, presenting: bool) -> Vec<Command> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut out = Vec::new();
    ctx.input_mut(|input| {
        for level in [2, 1, 0] {
            for b in BINDINGS
                .iter()
                .filter(|b| specificity(b) == level && b.mode.applies(presenting))
            {
                if b.plain_key && typing && b.shortcut.logical_key != Key::Escape {
                    continue;
                }
                if input.consume_shortcut(&b.shortcut) {
                    out.push(b.command);
                }
            }
        }
    });
    out
}

fn specificity(b: &Binding) -> u8 {
    if b.plain_key {
        u8::from(b.shortcut.modifiers.shift)
    } else {
        2
    }
}

/// How a shortcut reads in the help, e.g. `Ctrl+=`.
pub fn shortcut_text(shortcut: &KeyboardShortcut) -> String {
    let mut out = String::new();
    let m = shortcut.modifiers;
    if m.command || m.ctrl {
        out.push_str("Ctrl+");
    }
    if m.alt {
        out.push_str("Alt+");
    }
    if m.shift {
        out.push_str("Shift+");
    }
    let key = match shortcut.logical_key {
        Key::ArrowRight => "→",
        Key::ArrowLeft => "←",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::PageDown => "PgDn",
        Key::PageUp => "PgUp",
        Key::Escape => "Esc",
        k => k.symbol_or_name(),
    };
    out.push_str(key);
    out
}

/// The help's rows: each distinct (mode, label) once with all its keys, in table order.
pub fn help_rows() -> Vec<(Mode, &'static str, String)> {
    let mut rows: Vec<(Mode, &'static str, String)> = Vec::new();
    for b in BINDINGS {
        let keys = shortcut_text(&b.shortcut);
        if let Some(row) = rows.iter_mut().find(|r| r.0 == b.mode && r.1 == b.label) {
            if !row.2.split(" or ").any(|k| k == keys) {
                row.2.push_str(" or ");
                row.2.push_str(&keys);
            }
        } else {
            rows.push((b.mode, b.label, keys));
        }
    }
    rows
}
