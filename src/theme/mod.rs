//! Design tokens: every colour and size the app uses, for the dark, light and projector
//! themes. Nothing outside this module constructs a colour (`clippy.toml` forbids it), so a
//! theme change reaches every pixel and meaning never hides in a stray constant.

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, Stroke, TextStyle, Visuals};

use crate::fonts;

/// The themes a learner or teacher can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeName {
    /// Dark background, for a desktop at home.
    Dark,
    /// Light background, for a bright room.
    Light,
    /// White background, large text and thick lines, for the back of a classroom.
    Projector,
}

impl ThemeName {
    /// All themes, in menu order.
    pub const ALL: [Self; 3] = [Self::Dark, Self::Light, Self::Projector];

    /// Id used on the command line and in saved settings.
    pub fn id(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
            Self::Projector => "projector",
        }
    }

    /// Label shown in menus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "Dark",
            Self::Light => "Light",
            Self::Projector => "Projector",
        }
    }

    /// Parses a theme id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// Semantic colours and sizes of one theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Which theme this is.
    pub name: ThemeName,
    /// Background of the diagram area.
    pub canvas: Color32,
    /// Background of panels.
    pub panel: Color32,
    /// Main text and outlines.
    pub ink: Color32,
    /// Secondary text.
    pub ink_muted: Color32,
    /// Links, selection, the thing to look at.
    pub accent: Color32,
    /// A right answer, a cache hit, a converged migration.
    pub good: Color32,
    /// A wrong answer, a cache miss, a failure.
    pub bad: Color32,
    /// A warning (never yellow on white: the projector theme uses a dark orange).
    pub warn: Color32,
    /// Physical hardware.
    pub hardware: Color32,
    /// A host operating system or host machine.
    pub host: Color32,
    /// The hypervisor layer.
    pub hypervisor: Color32,
    /// A guest (VM) and what runs in it.
    pub guest: Color32,
    /// A kernel.
    pub kernel: Color32,
    /// A container.
    pub container: Color32,
    /// A memory page dirtied by the guest.
    pub dirty_page: Color32,
    /// A memory page already on the target.
    pub sent_page: Color32,
    /// Data on the wire.
    pub in_flight: Color32,
    /// A build step taken from cache.
    pub cache_hit: Color32,
    /// A build step that ran again.
    pub cache_miss: Color32,
    /// Faint grid lines and empty slots.
    pub faint: Color32,
    /// Glossary terms in lesson text: apart from links (accent) and body text (ink).
    pub term: Color32,
    /// The teacher's pen, apart from every diagram highlight (which use `accent`).
    pub pen: Color32,
    /// Text drawn on a `hypervisor` fill.
    pub on_hypervisor: Color32,
    /// Text drawn on a `guest` fill.
    pub on_guest: Color32,
    /// Text drawn on a `faint` fill (an empty slot, a host switched off).
    pub on_faint: Color32,
    /// Body text size, points.
    pub body_size: f32,
    /// Heading size, points.
    pub heading_size: f32,
    /// Small print size, points.
    pub small_size: f32,
    /// Width of diagram lines, points.
    pub line_width: f32,
    /// Smallest text a diagram may draw, in pixels (what reaches the screen, whatever the
    /// zoom): diagram sizes scale with the room the diagram gets, down to this floor.
    pub diagram_min_px: f32,
    /// Smallest size of a diagram's primary labels (the names a class is asked to read),
    /// in pixels.
    pub diagram_primary_min_px: f32,
    /// Whether the background is dark.
    pub dark: bool,
}

/// A text colour and the background it is drawn on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextPair {
    /// What the pair is, for test messages.
    pub name: &'static str,
    /// The text colour.
    pub text: Color32,
    /// The background under it.
    pub background: Color32,
}

/// Relative luminance of a colour (WCAG 2.x).
pub fn luminance(color: Color32) -> f32 {
    let linear = |channel: u8| {
        let v = f32::from(channel) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let [red, green, blue, _] = color.to_array();
    0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
}

/// WCAG contrast ratio of two colours, 1 to 21.
pub fn contrast(one: Color32, other: Color32) -> f32 {
    let (x, y) = (luminance(one), luminance(other));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The diagram space a theme's sizes are designed for, in points: a diagram given this
/// much room draws its text at the theme's own sizes.
pub const DIAGRAM_DESIGN_SIZE: [f32; 2] = [900.0, 560.0];
/// Presentation mode's floor for any diagram text, in pixels (read from the back of a room).
pub const PRESENT_MIN_PX: f32 = 24.0;
/// Presentation mode's floor for a diagram's primary labels, in pixels.
pub const PRESENT_PRIMARY_MIN_PX: f32 = 28.0;
/// Headings stay at least this much larger than body text once floors lift the body.
const HEADING_OVER_BODY: f32 = 1.15;
/// Lines thin with the diagram only this far, so outlines stay visible.
const MIN_LINE_SCALE: f32 = 0.8;

/// How much a diagram of `size` points scales its text: the tighter of its two
/// dimensions against the design size, within 0.5–3 (a thumbnail to a 4K wall).
pub fn diagram_scale(size: egui::Vec2) -> f32 {
    let [w, h] = DIAGRAM_DESIGN_SIZE;
    let s = (size.x / w).min(size.y / h);
    if s.is_finite() { s.clamp(0.5, 3.0) } else { 1.0 }
}

/// The bold face (`DejaVu` Sans Bold, registered by `fonts`) at a size, in points.
pub fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name(crate::fonts::BOLD.into()))
}

/// Builds a colour from its hex value; the one place colours are made.
#[expect(clippy::disallowed_methods, reason = "the theme is where colours are made")]
const fn hex(rgb: u32) -> Color32 {
    Color32::from_rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

impl Theme {
    /// The tokens of a theme.
    pub fn new(name: ThemeName) -> Self {
        let mut theme = Self::base(name);
        theme.on_hypervisor = theme.ink_on(theme.hypervisor);
        theme.on_guest = theme.ink_on(theme.guest);
        theme.on_faint = theme.ink_on(theme.faint);
        theme
    }

    /// The chosen tokens of a theme; the `on_*` text tokens follow from them in `new`.
    #[expect(clippy::too_many_lines, reason = "three themes' tokens, side by side")]
    fn base(name: ThemeName) -> Self {
        match name {
            ThemeName::Dark => Self {
                name,
                canvas: hex(0x1b_1e_24),
                panel: hex(0x23_27_2e),
                ink: hex(0xe6_e8_eb),
                ink_muted: hex(0xa0_a6_b0),
                accent: hex(0x6c_b6_ff),
                good: hex(0x5c_c8_7a),
                bad: hex(0xff_7b_72),
                warn: hex(0xf0_b4_4c),
                hardware: hex(0x6e_76_81),
                host: hex(0x4a_6f_a5),
                hypervisor: hex(0x9b_6c_d6),
                guest: hex(0x3f_a3_8c),
                kernel: hex(0xc0_7a_3a),
                container: hex(0x2f_8f_c4),
                dirty_page: hex(0xff_7b_72),
                sent_page: hex(0x5c_c8_7a),
                in_flight: hex(0x6c_b6_ff),
                cache_hit: hex(0x5c_c8_7a),
                cache_miss: hex(0xff_9e_57),
                faint: hex(0x3a_40_4a),
                term: hex(0xd2_a8_ff),
                pen: hex(0xff_6a_d5),
                on_hypervisor: hex(0x00_00_00),
                on_guest: hex(0x00_00_00),
                on_faint: hex(0x00_00_00),
                body_size: 16.0,
                heading_size: 24.0,
                small_size: 13.0,
                line_width: 1.5,
                diagram_min_px: 12.0,
                diagram_primary_min_px: 14.0,
                dark: true,
            },
            ThemeName::Light => Self {
                name,
                canvas: hex(0xfa_fa_f7),
                panel: hex(0xef_f0_f2),
                ink: hex(0x1f_23_28),
                ink_muted: hex(0x57_60_6a),
                accent: hex(0x0b_62_c4),
                good: hex(0x18_7a_34),
                bad: hex(0xc9_25_1d),
                warn: hex(0xa0_52_00),
                hardware: hex(0x8c_95_9f),
                host: hex(0x3d_6b_b3),
                hypervisor: hex(0x7b_4c_c2),
                guest: hex(0x1f_8a_70),
                kernel: hex(0xb0_5a_12),
                container: hex(0x1d_76_b0),
                dirty_page: hex(0xd9_3f_33),
                sent_page: hex(0x2e_9e_4f),
                in_flight: hex(0x0b_62_c4),
                cache_hit: hex(0x2e_9e_4f),
                cache_miss: hex(0xd0_6a_10),
                faint: hex(0xd4_d8_dd),
                term: hex(0x7a_3f_c0),
                pen: hex(0xc8_19_7f),
                on_hypervisor: hex(0x00_00_00),
                on_guest: hex(0x00_00_00),
                on_faint: hex(0x00_00_00),
                body_size: 16.0,
                heading_size: 24.0,
                small_size: 13.0,
                line_width: 1.5,
                diagram_min_px: 12.0,
                diagram_primary_min_px: 14.0,
                dark: false,
            },
            // High contrast on white, large type, thick lines; no yellow anywhere.
            ThemeName::Projector => Self {
                name,
                canvas: hex(0xff_ff_ff),
                panel: hex(0xf2_f3_f5),
                ink: hex(0x00_00_00),
                ink_muted: hex(0x33_33_33),
                accent: hex(0x00_4e_c2),
                good: hex(0x00_6b_24),
                bad: hex(0xb0_00_12),
                warn: hex(0x9a_3f_00),
                hardware: hex(0x55_5d_66),
                host: hex(0x1f_4e_9c),
                hypervisor: hex(0x5e_2b_a8),
                guest: hex(0x00_6e_55),
                kernel: hex(0x8f_3f_00),
                container: hex(0x00_5f_99),
                dirty_page: hex(0xc0_00_1a),
                sent_page: hex(0x00_7a_2b),
                in_flight: hex(0x00_4e_c2),
                cache_hit: hex(0x00_7a_2b),
                cache_miss: hex(0xb3_44_00),
                faint: hex(0xbf_c4_ca),
                term: hex(0x5b_1f_9e),
                pen: hex(0xb0_00_6e),
                on_hypervisor: hex(0x00_00_00),
                on_guest: hex(0x00_00_00),
                on_faint: hex(0x00_00_00),
                body_size: 24.0,
                heading_size: 34.0,
                small_size: 19.0,
                line_width: 2.5,
                diagram_min_px: 18.0,
                diagram_primary_min_px: 20.0,
                dark: false,
            },
        }
    }

    /// The tokens a diagram draws with in a space of `size` points: text sizes and line
    /// widths scale with the room (the scene's layout already follows its rect, so diagram
    /// and labels grow and shrink together), down to the theme's pixel floors at
    /// `pixels_per_point`. Presenting raises the floors to what a class reads across a room.
    #[must_use]
    pub fn for_diagram(&self, size: egui::Vec2, pixels_per_point: f32, presenting: bool) -> Self {
        let mut t = self.clone();
        if presenting {
            t.diagram_min_px = t.diagram_min_px.max(PRESENT_MIN_PX);
            t.diagram_primary_min_px = t.diagram_primary_min_px.max(PRESENT_PRIMARY_MIN_PX);
        }
        let scale = diagram_scale(size);
        let ppp = pixels_per_point.max(0.1);
        let min = t.diagram_min_px / ppp;
        let primary = t.diagram_primary_min_px / ppp;
        t.small_size = (self.small_size * scale).max(min);
        t.body_size = (self.body_size * scale).max(primary);
        t.heading_size = (self.heading_size * scale).max(t.body_size * HEADING_OVER_BODY);
        t.line_width = self.line_width * scale.max(MIN_LINE_SCALE);
        t
    }

    /// A stroke of the theme's line width.
    pub fn stroke(&self, color: Color32) -> Stroke {
        Stroke::new(self.line_width, color)
    }

    /// A translucent version of a token, for fills behind text.
    pub fn faded(&self, color: Color32, alpha: f32) -> Color32 {
        color.gamma_multiply(alpha)
    }

    /// Text colour that reads on a fill of `color`: black or white, whichever has the
    /// higher WCAG contrast (a brightness threshold put white on mid purples at 3.8:1).
    pub fn ink_on(&self, color: Color32) -> Color32 {
        let (black, white) = (hex(0x00_00_00), hex(0xff_ff_ff));
        if contrast(black, color) >= contrast(white, color) {
            black
        } else {
            white
        }
    }

    /// Text colour for a label on `fill` faded to `alpha` over the canvas: the body ink
    /// where it reads (4.5:1), otherwise black or white, whichever reads better.
    pub fn ink_on_tint(&self, fill: Color32, alpha: f32) -> Color32 {
        let background = self.over(self.faded(fill, alpha), self.canvas);
        if contrast(self.ink, background) >= 4.5 {
            self.ink
        } else {
            self.ink_on(background)
        }
    }

    /// What a translucent `fill` looks like painted over `under` (both as the theme makes
    /// them: `faded` colours are premultiplied).
    pub fn over(&self, fill: Color32, under: Color32) -> Color32 {
        let [fr, fg, fb, fa] = fill.to_array();
        let [ur, ug, ub, _] = under.to_array();
        let keep = 1.0 - f32::from(fa) / 255.0;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to 0-255"
        )]
        let mix = |f: u8, u: u8| (f32::from(f) + f32::from(u) * keep).round().clamp(0.0, 255.0) as u8;
        #[expect(clippy::disallowed_methods, reason = "a blend of two theme colours")]
        Color32::from_rgb(mix(fr, ur), mix(fg, ug), mix(fb, ub))
    }

    /// Every text-on-background pair the app draws (panels, lesson text, scenes), by name,
    /// so one test holds them all to WCAG AA (4.5:1). A scene that puts text on a new fill
    /// adds its pair here.
    pub fn text_pairs(&self) -> Vec<TextPair> {
        let pair = |name: &'static str, text: Color32, background: Color32| TextPair { name, text, background };
        let over_canvas = |fill: Color32, alpha: f32| self.over(self.faded(fill, alpha), self.canvas);
        let mut pairs = vec![
            pair("ink on canvas", self.ink, self.canvas),
            pair("ink on panel", self.ink, self.panel),
            pair("ink_muted on canvas", self.ink_muted, self.canvas),
            pair("ink_muted on panel", self.ink_muted, self.panel),
            pair("accent (links) on panel", self.accent, self.panel),
            pair("term on panel", self.term, self.panel),
            pair("good (quiz) on panel", self.good, self.panel),
            pair("bad (quiz) on panel", self.bad, self.panel),
            pair("warn (notices) on panel", self.warn, self.panel),
            pair("on_hypervisor on hypervisor", self.on_hypervisor, self.hypervisor),
            pair("on_guest on guest", self.on_guest, self.guest),
            pair("on_faint on faint", self.on_faint, self.faint),
            pair(
                "ink_muted on a physical server",
                self.ink_muted,
                self.over(self.faded(self.hardware, 0.25), self.canvas),
            ),
            pair(
                "ink on a paused guest badge",
                self.ink,
                self.over(self.faded(self.guest, 0.25), self.canvas),
            ),
        ];
        // Build badges (image scenes) in ink on the outcome's colour at 18 %; stack layers
        // (stacks scene) in ink at 25 %; start-up lanes (startup scene) in whichever ink
        // reads on each kind's colour at 75 % and 40 %.
        let tints: [(&'static str, Color32, &[f32], bool); 15] = [
            ("ink on a cached badge", self.cache_hit, &[0.18], false),
            ("ink on a rebuilt badge", self.cache_miss, &[0.18], false),
            ("ink on a base-image badge", self.hardware, &[0.18], false),
            ("ink on a config badge", self.faint, &[0.18], false),
            ("ink on a checking badge", self.accent, &[0.18], false),
            ("ink on a hardware layer", self.hardware, &[0.25], false),
            ("ink on a host layer", self.host, &[0.25], false),
            ("ink on a hypervisor layer", self.hypervisor, &[0.25], false),
            ("ink on a kernel layer", self.kernel, &[0.25], false),
            ("ink on a container layer", self.container, &[0.25], false),
            ("ink on a guest layer", self.guest, &[0.25], false),
            ("ink on a VM lane", self.guest, &[0.75, 0.4], true),
            ("ink on a microVM lane", self.hypervisor, &[0.75, 0.4], true),
            ("ink on a container lane", self.container, &[0.75, 0.4], true),
            ("ink on a process lane", self.host, &[0.75, 0.4], true),
        ];
        for (name, fill, alphas, chosen_ink) in tints {
            for &alpha in alphas {
                let ink = if chosen_ink {
                    self.ink_on_tint(fill, alpha)
                } else {
                    self.ink
                };
                pairs.push(pair(name, ink, over_canvas(fill, alpha)));
            }
        }
        pairs
    }

    /// The colour the window is cleared to each frame, as eframe wants it: the panel
    /// colour, since panels themselves paint no fill.
    pub fn clear_rgba(&self) -> [f32; 4] {
        self.panel.to_normalized_gamma_f32()
    }

    /// Body font.
    pub fn body(&self) -> FontId {
        FontId::proportional(self.body_size)
    }

    /// Small font.
    pub fn small(&self) -> FontId {
        FontId::proportional(self.small_size)
    }

    /// Heading font.
    pub fn heading(&self) -> FontId {
        bold(self.heading_size)
    }

    /// Bold body font, for a diagram's primary labels.
    pub fn bold_body(&self) -> FontId {
        bold(self.body_size)
    }

    /// Monospace font.
    pub fn mono(&self) -> FontId {
        FontId::monospace(self.body_size * 0.9)
    }

    /// Applies the theme's visuals and text sizes to egui.
    pub fn apply(&self, ctx: &egui::Context) {
        let mut visuals = if self.dark { Visuals::dark() } else { Visuals::light() };
        // Panels paint nothing: the window is cleared to the panel colour (see
        // `clear_rgba`), so nested panels no longer fill the same pixels again and again.
        // Under software OpenGL fill is the frame's cost: this halves it.
        visuals.panel_fill = Color32::TRANSPARENT;
        visuals.window_fill = self.panel;
        visuals.extreme_bg_color = self.canvas;
        // No override: it would repaint links and strong text in body colour too, hiding
        // the text-to-diagram links. Labels take `noninteractive.fg_stroke` below instead.
        visuals.override_text_color = None;
        visuals.weak_text_color = Some(self.ink_muted);
        visuals.hyperlink_color = self.accent;
        visuals.selection.bg_fill = self.faded(self.accent, 0.35);
        // Selected labels draw their text in this colour: ink reads on the tint.
        visuals.selection.stroke = Stroke::new(self.line_width, self.ink);
        visuals.widgets.noninteractive.fg_stroke.color = self.ink;
        visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.0, self.faint);
        visuals.widgets.inactive.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        visuals.widgets.hovered.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        visuals.widgets.active.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        // Radio buttons and check boxes draw their ring with `bg_stroke`: without one they
        // vanish into a dark panel.
        visuals.widgets.inactive.bg_stroke = Stroke::new(self.line_width.min(2.0), self.ink_muted);
        if self.name == ThemeName::Projector {
            visuals.widgets.inactive.weak_bg_fill = self.panel;
        }
        // Both of egui's style slots: when the system switches between light and dark, egui
        // switches slots, and the learner's chosen theme must stay.
        ctx.set_visuals_of(egui::Theme::Dark, visuals.clone());
        ctx.set_visuals_of(egui::Theme::Light, visuals);
        ctx.all_styles_mut(|style| {
            style.text_styles = [
                (TextStyle::Small, FontId::proportional(self.small_size)),
                (TextStyle::Body, FontId::proportional(self.body_size)),
                (TextStyle::Button, FontId::proportional(self.body_size)),
                (TextStyle::Heading, self.heading()),
                (TextStyle::Monospace, FontId::monospace(self.body_size * 0.9)),
            ]
            .into();
            style.spacing.interact_size.y = self.body_size + 6.0;
            style.spacing.slider_width = self.body_size * 10.0;
        });
    }
}

/// Installs the shipped fonts: `DejaVu` first, egui's own as fallbacks.
pub fn install_fonts(ctx: &egui::Context) {
    let mut defs = FontDefinitions::default();
    defs.font_data
        .insert("dejavu".to_owned(), FontData::from_static(fonts::SANS).into());
    defs.font_data
        .insert("dejavu-bold".to_owned(), FontData::from_static(fonts::SANS_BOLD).into());
    defs.font_data
        .insert("dejavu-mono".to_owned(), FontData::from_static(fonts::MONO).into());
    if let Some(list) = defs.families.get_mut(&FontFamily::Proportional) {
        list.insert(0, "dejavu".to_owned());
    }
    if let Some(list) = defs.families.get_mut(&FontFamily::Monospace) {
        list.insert(0, "dejavu-mono".to_owned());
    }
    let mut bold = vec!["dejavu-bold".to_owned()];
    bold.extend(
        defs.families
            .get(&FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    defs.families.insert(FontFamily::Name(fonts::BOLD.into()), bold);
    ctx.set_fonts(defs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_theme_survives_a_system_switch_between_light_and_dark() {
        let ctx = egui::Context::default();
        let theme = Theme::new(ThemeName::Projector);
        theme.apply(&ctx);
        for system in [egui::Theme::Dark, egui::Theme::Light] {
            ctx.set_theme(system);
            assert_eq!(ctx.global_style().visuals.window_fill, theme.panel, "{system:?}");
        }
    }

    #[test]
    fn projector_is_large_thick_and_high_contrast() {
        let t = Theme::new(ThemeName::Projector);
        assert_eq!(t.canvas.to_array(), [255, 255, 255, 255]);
        assert!(t.body_size >= 24.0);
        assert!(t.line_width >= 2.0);
        for c in [
            t.ink,
            t.accent,
            t.good,
            t.bad,
            t.warn,
            t.dirty_page,
            t.sent_page,
            t.cache_hit,
            t.cache_miss,
        ] {
            assert!(
                contrast(c, t.canvas) >= 4.5,
                "{c:?} has contrast {}",
                contrast(c, t.canvas)
            );
        }
    }

    #[test]
    fn every_text_pair_meets_wcag_aa_in_every_theme() {
        let mut failures = Vec::new();
        for name in ThemeName::ALL {
            let t = Theme::new(name);
            for p in t.text_pairs() {
                let ratio = contrast(p.text, p.background);
                if ratio < 4.5 {
                    failures.push(format!("{name:?}: {} is {ratio:.2}:1", p.name));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn white_on_light_grey_is_caught() {
        // The old hypervisor label: white on the projector's faint grey.
        let t = Theme::new(ThemeName::Projector);
        assert!(contrast(hex(0xff_ff_ff), t.faint) < 2.0);
        assert!(contrast(t.on_faint, t.faint) >= 4.5);
        assert!(contrast(t.on_hypervisor, t.hypervisor) >= 4.5);
    }

    #[test]
    fn pen_and_links_have_their_own_colours() {
        for name in ThemeName::ALL {
            let t = Theme::new(name);
            for other in [t.accent, t.bad, t.good, t.warn, t.hypervisor, t.ink] {
                assert_ne!(t.pen, other, "{name:?}");
            }
            assert!(contrast(t.pen, t.canvas) >= 3.0, "{name:?}");
            assert_ne!(t.term, t.accent);
            assert_ne!(t.term, t.ink);
        }
    }

    #[test]
    fn every_theme_reads_text_on_its_panels() {
        for name in ThemeName::ALL {
            let t = Theme::new(name);
            assert!(contrast(t.ink, t.panel) >= 7.0, "{name:?}");
            assert_eq!(ThemeName::from_id(name.id()), Some(name));
        }
    }
}
