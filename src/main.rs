//! Starts the app, or runs a headless command.

use std::process::ExitCode;

use hypervisual::app::{HypervisualApp, Options};
use hypervisual::cli::{self, Cmd};

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(code) => return ExitCode::from(u8::try_from(code).unwrap_or(2)),
    };
    match &args.command {
        Some(Cmd::Check { dir }) => {
            let code = cli::check(dir.as_deref());
            cli::authoring::print_warnings(dir.as_deref());
            return ExitCode::from(u8::try_from(code).unwrap_or(1));
        }
        Some(Cmd::NewLesson(a)) => return ExitCode::from(u8::try_from(cli::authoring::new_lesson(a)).unwrap_or(1)),
        Some(Cmd::Scenes(a)) => return ExitCode::from(u8::try_from(cli::authoring::scenes(a)).unwrap_or(1)),
        Some(Cmd::LessonFormat) => return ExitCode::from(u8::try_from(cli::authoring::lesson_format()).unwrap_or(1)),
        Some(Cmd::Sim(sim)) => return ExitCode::from(u8::try_from(cli::sim::run(sim)).unwrap_or(1)),
        Some(Cmd::Class(c)) => return ExitCode::from(u8::try_from(cli::class::run(c)).unwrap_or(1)),
        Some(Cmd::Audit(a)) => return ExitCode::from(u8::try_from(cli::audit::run(a)).unwrap_or(1)),
        Some(Cmd::Render(render)) => return ExitCode::from(u8::try_from(cli::render::run(render)).unwrap_or(1)),
        Some(Cmd::SaveStress {
            profile,
            check,
            writer,
            count,
        }) => {
            let code = if *check {
                cli::save_stress_check(profile)
            } else {
                cli::save_stress(profile, writer.as_deref(), *count)
            };
            return ExitCode::from(u8::try_from(code).unwrap_or(1));
        }
        None => {}
    }
    let options = Options {
        lesson: args.lesson.clone(),
        theme: args.theme.map(Into::into),
        lessons_dir: args.lessons_dir.clone(),
        profile: args.profile.clone(),
        fullscreen: args.fullscreen,
    };
    let app = HypervisualApp::new(&options);
    if let Some(id) = &args.lesson
        && app.current_lesson() != id
    {
        eprintln!(
            "hypervisual: unknown lesson `{}` (see the course outline, e.g. A1)",
            hypervisual::content::error::escape_controls(id)
        );
        return ExitCode::from(2);
    }
    let exit_after_first_frame = args.exit_after_first_frame;
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Hypervisual")
            .with_inner_size([1600.0, 900.0])
            .with_maximized(true)
            .with_fullscreen(args.fullscreen)
            .with_min_inner_size([960.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        // Dithering costs shader work on every pixel; on software OpenGL that is most of
        // the frame, and flat diagram colours do not band without it.
        dithering: false,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Hypervisual",
        native,
        Box::new(move |cc| {
            let mut app = app;
            if let Some(gl) = &cc.gl {
                app.set_gl_renderer(&gl_renderer(gl));
            }
            Ok(Box::new(FirstFrameExit {
                app,
                exit: exit_after_first_frame,
                frames: 0,
            }))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hypervisual: cannot open a window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The GL renderer's name (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
#[expect(
    unsafe_code,
    reason = "glGetString(GL_RENDERER) only reads a static string of the context eframe made \
              current before calling the app creator; glow offers no safe way to ask"
)]
fn gl_renderer(gl: &eframe::glow::Context) -> String {
    use eframe::glow::HasContext as _;
    // SAFETY: the context is current on this thread while eframe runs the app creator,
    // and GL_RENDERER is a valid glGetString name in every GL version.
    unsafe { gl.get_parameter_string(eframe::glow::RENDERER) }
}

/// Wraps the app to close after the first frame when asked (start-up measurement).
struct FirstFrameExit {
    app: HypervisualApp,
    exit: bool,
    frames: u32,
}

impl eframe::App for FirstFrameExit {
    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        self.app.theme().clear_rgba()
    }

    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        eframe::App::logic(&mut self.app, ctx, frame);
        if self.exit && self.frames >= 1 {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        eframe::App::on_exit(&mut self.app, gl);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
        self.frames += 1;
        if self.exit {
            ui.ctx().request_repaint();
        }
    }
}
