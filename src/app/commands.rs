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
    /// The live class quiz (students answer from their phones) on or off (presentation mode).
    LiveQuiz,
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

/// Which window a command acts on, whichever window the key was pressed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The main window (full screen, for instance, even when pressed in the presenter's).
    Root,
    /// The app's state, shown in every window.
    App,
}

/// A command as the learner meets it: its label, where it applies, its keys and its target.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The command run.
    pub command: Command,
    /// Where its keys apply.
    pub mode: Mode,
    /// What it does, in the help, on buttons' tooltips and in menus.
    pub label: &'static str,
    /// Every key combination bound to it, the first being the one hints show.
    pub keys: &'static [KeyboardShortcut],
    /// The window it acts on.
    pub target: Target,
}

impl Spec {
    /// Whether a key of this command is ignored while the learner types in a text field.
    fn plain(shortcut: KeyboardShortcut) -> bool {
        let m = shortcut.modifiers;
        !(m.alt || m.ctrl || m.mac_cmd || m.command)
    }
}

/// A shortcut and what it does (one row of [`Spec::keys`]).
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

const fn key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::SHIFT, key)
}

const fn spec(mode: Mode, command: Command, label: &'static str, keys: &'static [KeyboardShortcut]) -> Spec {
    let target = match command {
        Command::Fullscreen => Target::Root,
        _ => Target::App,
    };
    Spec {
        command,
        mode,
        label,
        keys,
        target,
    }
}

use Mode::{Any, Normal, Presenting};

/// Every command of the app with its keys: the keys are bound, and the help, the buttons'
/// tooltips and the README's table are written, from this one table.
pub const COMMANDS: &[Spec] = &[
    spec(
        Any,
        Command::Help,
        "Keyboard help",
        &[key(Key::F1), key(Key::Questionmark)],
    ),
    spec(
        Any,
        Command::Back,
        "Close help, or leave presentation mode",
        &[key(Key::Escape)],
    ),
    spec(Any, Command::PlayPause, "Play or pause the diagram", &[key(Key::Space)]),
    spec(Any, Command::Reset, "Reset the diagram", &[key(Key::Home)]),
    spec(Any, Command::Slower, "Slower", &[key(Key::Minus)]),
    spec(Any, Command::Faster, "Faster", &[key(Key::Plus), key(Key::Equals)]),
    spec(Any, Command::Fullscreen, "Full screen", &[key(Key::F11)]),
    spec(Any, Command::TeacherNotes, "Teacher notes on or off", &[key(Key::T)]),
    spec(Any, Command::PresenterView, "Presenter view on or off", &[key(Key::F6)]),
    spec(
        Any,
        Command::PresenterPlace,
        "Presenter view: second window or this window",
        &[shift(Key::F6)],
    ),
    spec(Any, Command::ReducedMotion, "Reduced motion on or off", &[ctrl(Key::M)]),
    spec(Normal, Command::NextLesson, "Next lesson", &[key(Key::PageDown)]),
    spec(Normal, Command::PrevLesson, "Previous lesson", &[key(Key::PageUp)]),
    spec(Normal, Command::StepForward, "Step forward", &[key(Key::ArrowRight)]),
    spec(Normal, Command::StepBack, "Step back", &[key(Key::ArrowLeft)]),
    spec(
        Normal,
        Command::ZoomIn,
        "Zoom in",
        &[ctrl(Key::Equals), ctrl(Key::Plus)],
    ),
    spec(Normal, Command::ZoomOut, "Zoom out", &[ctrl(Key::Minus)]),
    spec(Normal, Command::Present, "Start presentation mode", &[key(Key::F5)]),
    spec(Normal, Command::PageLessons, "Lessons page", &[ctrl(Key::Num1)]),
    spec(Normal, Command::PageReview, "Review page", &[ctrl(Key::Num2)]),
    spec(Normal, Command::PageProgress, "Progress page", &[ctrl(Key::Num3)]),
    spec(Normal, Command::PageGlossary, "Glossary page", &[ctrl(Key::Num4)]),
    spec(
        Presenting,
        Command::NextStep,
        "Next step",
        &[key(Key::ArrowRight), key(Key::PageDown)],
    ),
    spec(
        Presenting,
        Command::PrevStep,
        "Previous step",
        &[key(Key::ArrowLeft), key(Key::PageUp)],
    ),
    spec(
        Presenting,
        Command::TextBigger,
        "Larger text",
        &[ctrl(Key::Equals), ctrl(Key::Plus)],
    ),
    spec(Presenting, Command::TextSmaller, "Smaller text", &[ctrl(Key::Minus)]),
    spec(Presenting, Command::ClassQuiz, "Class quiz on or off", &[key(Key::Q)]),
    spec(
        Presenting,
        Command::LiveQuiz,
        "Live quiz: students answer on their phones",
        &[key(Key::L)],
    ),
    spec(Presenting, Command::Reveal, "Reveal the answer", &[key(Key::R)]),
    spec(Presenting, Command::NextQuestion, "Next quiz question", &[key(Key::N)]),
    spec(Presenting, Command::Pen, "Pen on or off", &[key(Key::P)]),
    spec(
        Presenting,
        Command::ClearPen,
        "Clear the pen's drawings",
        &[key(Key::C)],
    ),
];

/// Every shortcut of the app, one row per key combination, in table order.
pub fn bindings() -> Vec<Binding> {
    COMMANDS
        .iter()
        .flat_map(|s| {
            s.keys.iter().map(|k| Binding {
                command: s.command,
                shortcut: *k,
                label: s.label,
                plain_key: Spec::plain(*k),
                mode: s.mode,
            })
        })
        .collect()
}

impl Command {
    /// This command's row of the table (the first, when it has several).
    pub fn spec(self) -> Option<&'static Spec> {
        COMMANDS.iter().find(|s| s.command == self)
    }

    /// What it does, as the help says it.
    pub fn label(self) -> &'static str {
        self.spec().map_or("", |s| s.label)
    }

    /// A button's tooltip: what it does and its keys, e.g. `Next step (→ or PgDn)`.
    pub fn tooltip(self) -> String {
        let Some(spec) = self.spec() else { return String::new() };
        let keys: Vec<String> = spec.keys.iter().map(shortcut_text).collect();
        if keys.is_empty() {
            spec.label.to_owned()
        } else {
            format!("{} ({})", spec.label, keys.join(" or "))
        }
    }

    /// The window this command acts on.
    pub fn target(self) -> Target {
        self.spec().map_or(Target::App, |s| s.target)
    }
}

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
        let all = bindings();
        for level in [2, 1, 0] {
            for b in all
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

/// The help's rows: each command once with all its keys, in table order.
pub fn help_rows() -> Vec<(Mode, &'static str, String)> {
    COMMANDS
        .iter()
        .map(|s| {
            let keys: Vec<String> = s.keys.iter().map(shortcut_text).collect();
            (s.mode, s.label, keys.join(" or "))
        })
        .collect()
}
