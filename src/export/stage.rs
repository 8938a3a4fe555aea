//! A lesson's diagram drawn without a window: a headless egui context of a given size.

use egui::{Pos2, RawInput, Rect, Vec2, ViewportId, ViewportInfo, epaint::ClippedShape};

use super::ExportError;
use super::raster::{self, Image, Textures};
use crate::scenes::{self, Scene};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::theme::{Theme, ThemeName, install_fonts};

/// One frame's input for a headless context: a screen of `size` points at `time`, drawn
/// at `pixels_per_point`, and no events.
fn headless_input(size: Vec2, time: f64, pixels_per_point: f32) -> RawInput {
    let mut raw = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
        time: Some(time),
        predicted_dt: TICK_SECS as f32,
        ..RawInput::default()
    };
    raw.viewports.insert(
        ViewportId::ROOT,
        ViewportInfo {
            native_pixels_per_point: Some(pixels_per_point),
            ..ViewportInfo::default()
        },
    );
    raw
}

impl Textures {
    /// Takes a frame's texture changes and returns its shapes as drawn on `background`.
    fn keep(&mut self, mut output: egui::FullOutput, size: Vec2, background: egui::Color32) -> Drawn {
        self.apply(&output.textures_delta);
        output.textures_delta.clear();
        Drawn {
            shapes: output.shapes,
            pixels_per_point: output.pixels_per_point,
            size,
            background,
        }
    }
}

/// Tessellates a drawn frame on the context that drew it (its font atlas) and fills its
/// pixels.
fn fill(ctx: &egui::Context, textures: &Textures, size_px: [u32; 2], drawn: Drawn) -> Image {
    let primitives = ctx.tessellate(drawn.shapes, drawn.pixels_per_point);
    raster::rasterize(&primitives, textures, size_px, drawn.pixels_per_point, drawn.background)
}

/// The shapes of one drawn frame.
pub struct Drawn {
    /// What egui would paint, with their clip rectangles, in points.
    pub shapes: Vec<ClippedShape>,
    /// Pixels per point the frame was laid out for.
    pub pixels_per_point: f32,
    /// Size of the picture, points.
    pub size: Vec2,
    /// The theme's canvas colour, under everything.
    pub background: egui::Color32,
}

/// A scene on its own headless egui context.
pub struct Stage {
    ctx: egui::Context,
    scene: Box<dyn Scene>,
    theme: Theme,
    size_px: [u32; 2],
    pixels_per_point: f32,
    textures: Textures,
    frames: u64,
    /// Draw with presentation mode's text floors (a slide for the back of a room).
    pub presenting: bool,
}

impl Stage {
    /// A stage for `scene` with `params`, drawn at `size_px` pixels with `pixels_per_point`
    /// (2 gives a picture twice as sharp with the same layout as 1 at half the size).
    pub fn new(
        scene: &str,
        params: &ParamMap,
        theme: ThemeName,
        size_px: [u32; 2],
        pixels_per_point: f32,
    ) -> Result<Self, ExportError> {
        super::check_size(size_px[0], size_px[1])?;
        let mut scene = scenes::create(scene, params).ok_or_else(|| ExportError::UnknownScene(scene.to_owned()))?;
        scene.settle();
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        let theme = Theme::new(theme);
        theme.apply(&ctx);
        // Egui's own fades would show half-way states in a still picture.
        ctx.all_styles_mut(|s| s.animation_time = 0.0);
        Ok(Self {
            ctx,
            scene,
            theme,
            size_px,
            pixels_per_point: pixels_per_point.clamp(0.25, 8.0),
            textures: Textures::default(),
            frames: 0,
            presenting: false,
        })
    }

    /// Last tick of the scene's timeline, when it has one.
    pub fn end_tick(&self) -> Option<u64> {
        self.scene.end_tick()
    }

    /// Size of the picture, pixels.
    pub fn size_px(&self) -> [u32; 2] {
        self.size_px
    }

    /// Draws the scene at `tick` and returns its shapes.
    pub fn draw(&mut self, tick: u64) -> Drawn {
        let size = Vec2::new(self.size_px[0] as f32, self.size_px[1] as f32) / self.pixels_per_point;
        let raw = headless_input(size, self.frames as f64 * TICK_SECS, self.pixels_per_point);
        self.frames += 1;
        self.scene.seek(tick);
        let (scene, theme, presenting) = (&mut self.scene, &self.theme, self.presenting);
        let output = self.ctx.run_ui(raw, |ui| {
            ui.painter().rect_filled(ui.max_rect(), 0.0, theme.canvas);
            let inner = ui.max_rect().shrink(theme.body_size * 0.5);
            ui.scope_builder(egui::UiBuilder::new().max_rect(inner), |ui| {
                scenes::show(scene.as_mut(), ui, theme, presenting);
            });
        });
        self.textures.keep(output, size, self.theme.canvas)
    }

    /// Draws the scene at `tick` twice (the first lays out text and settles hover state)
    /// and returns the second.
    pub fn draw_settled(&mut self, tick: u64) -> Drawn {
        let _ = self.draw(tick);
        self.draw(tick)
    }

    /// The picture at `tick`, as the window would paint it.
    pub fn pixels(&mut self, tick: u64) -> Image {
        let drawn = self.draw_settled(tick);
        self.rasterize(drawn)
    }

    /// Fills the pixels of drawn shapes.
    pub fn rasterize(&self, drawn: Drawn) -> Image {
        fill(&self.ctx, &self.textures, self.size_px, drawn)
    }

    /// The picture at `tick` as SVG.
    pub fn svg(&mut self, tick: u64) -> String {
        let drawn = self.draw_settled(tick);
        super::svg::to_svg(&drawn)
    }
}

/// The whole app window on a headless egui context: frames drawn one after another, as
/// a window would draw them (for handouts, the window comparison and the text audit).
pub struct WindowStage {
    ctx: egui::Context,
    textures: Textures,
    size_px: [u32; 2],
    frames: u32,
}

impl WindowStage {
    /// A window of `size_px` pixels at one pixel per point.
    pub fn new(size_px: [u32; 2]) -> Result<Self, ExportError> {
        super::check_size(size_px[0], size_px[1])?;
        Ok(Self {
            ctx: egui::Context::default(),
            textures: Textures::default(),
            size_px,
            frames: 0,
        })
    }

    /// Resizes the window (the next frame is drawn at `size_px`).
    pub fn resize(&mut self, size_px: [u32; 2]) -> Result<(), ExportError> {
        super::check_size(size_px[0], size_px[1])?;
        self.size_px = size_px;
        Ok(())
    }

    /// The context the app draws on (to enter presentation mode, say).
    pub fn ctx(&self) -> &egui::Context {
        &self.ctx
    }

    /// Draws `app` once and returns the frame.
    pub fn frame(&mut self, app: &mut crate::app::HypervisualApp) -> Drawn {
        self.frame_with(app, Vec::new())
    }

    /// Draws `app` once with input `events` (keys pressed, say) and returns the frame.
    pub fn frame_with(&mut self, app: &mut crate::app::HypervisualApp, events: Vec<egui::Event>) -> Drawn {
        let size = Vec2::new(self.size_px[0] as f32, self.size_px[1] as f32);
        let mut raw = headless_input(size, f64::from(self.frames) * TICK_SECS, 1.0);
        raw.events = events;
        self.frames += 1;
        let output = self.ctx.run_ui(raw, |ui| app.frame(ui));
        self.textures.keep(output, size, app.theme().panel)
    }

    /// A drawn frame as pixels.
    pub fn rasterize(&self, drawn: Drawn) -> Image {
        fill(&self.ctx, &self.textures, self.size_px, drawn)
    }
}

/// The whole app window drawn headless, `frames` frames after start (in presentation mode
/// when `present`): to compare the rasteriser with the real window
/// (scripts/export-matches-window.sh), and for handouts that show the lesson text beside
/// the diagram.
pub fn window_pixels(
    app: &mut crate::app::HypervisualApp,
    size_px: [u32; 2],
    frames: u32,
    present: bool,
) -> Result<Image, ExportError> {
    let mut stage = WindowStage::new(size_px)?;
    if present {
        app.enter_presentation(stage.ctx());
    }
    let mut last = stage.frame(app);
    for _ in 1..frames.max(2) {
        last = stage.frame(app);
    }
    Ok(stage.rasterize(last))
}
