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
}

const fn bind(command: Command, modifiers: Modifiers, key: Key, label: &'static str) -> Binding {
    Binding {
        command,
        shortcut: KeyboardShortcut::new(modifiers, key),
        label,
        plain_key: !(modifiers.alt || modifiers.ctrl || modifiers.shift || modifiers.mac_cmd || modifiers.command),
    }
}

/// Every shortcut of the app.
pub const BINDINGS: &[Binding] = &[
    bind(Command::NextLesson, Modifiers::NONE, Key::PageDown, "Next lesson"),
    bind(Command::PrevLesson, Modifiers::NONE, Key::PageUp, "Previous lesson"),
    bind(
        Command::PlayPause,
        Modifiers::NONE,
        Key::Space,
        "Play or pause the diagram",
    ),
    bind(Command::StepForward, Modifiers::NONE, Key::ArrowRight, "Step forward"),
    bind(Command::StepBack, Modifiers::NONE, Key::ArrowLeft, "Step back"),
    bind(Command::Faster, Modifiers::NONE, Key::Plus, "Faster"),
    bind(Command::Faster, Modifiers::NONE, Key::Equals, "Faster"),
    bind(Command::Slower, Modifiers::NONE, Key::Minus, "Slower"),
    bind(Command::Reset, Modifiers::NONE, Key::Home, "Reset the diagram"),
    bind(Command::ZoomIn, Modifiers::COMMAND, Key::Equals, "Zoom in"),
    bind(Command::ZoomIn, Modifiers::COMMAND, Key::Plus, "Zoom in"),
    bind(Command::ZoomOut, Modifiers::COMMAND, Key::Minus, "Zoom out"),
    bind(Command::Fullscreen, Modifiers::NONE, Key::F11, "Full screen"),
];

/// Takes this frame's shortcut presses out of the input, in table order.
///
/// Modified shortcuts are matched first, so Ctrl+= zooms instead of speeding up.
pub fn take_commands(ctx: &egui::Context) -> Vec<Command> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut out = Vec::new();
    ctx.input_mut(|input| {
        for modified in [true, false] {
            for b in BINDINGS.iter().filter(|b| b.plain_key != modified) {
                if b.plain_key && typing {
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
