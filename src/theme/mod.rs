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
    /// Body text size, points.
    pub body_size: f32,
    /// Heading size, points.
    pub heading_size: f32,
    /// Small print size, points.
    pub small_size: f32,
    /// Width of diagram lines, points.
    pub line_width: f32,
    /// Whether the background is dark.
    pub dark: bool,
}

/// Builds a colour from its hex value; the one place colours are made.
#[expect(clippy::disallowed_methods, reason = "the theme is where colours are made")]
const fn hex(rgb: u32) -> Color32 {
    Color32::from_rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

impl Theme {
    /// The tokens of a theme.
    pub fn new(name: ThemeName) -> Self {
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
                body_size: 16.0,
                heading_size: 24.0,
                small_size: 13.0,
                line_width: 1.5,
                dark: true,
            },
            ThemeName::Light => Self {
                name,
                canvas: hex(0xfa_fa_f7),
                panel: hex(0xef_f0_f2),
                ink: hex(0x1f_23_28),
                ink_muted: hex(0x57_60_6a),
                accent: hex(0x0b_62_c4),
                good: hex(0x1a_7f_37),
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
                body_size: 16.0,
                heading_size: 24.0,
                small_size: 13.0,
                line_width: 1.5,
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
                body_size: 24.0,
                heading_size: 34.0,
                small_size: 19.0,
                line_width: 2.5,
                dark: false,
            },
        }
    }

    /// A stroke of the theme's line width.
    pub fn stroke(&self, color: Color32) -> Stroke {
        Stroke::new(self.line_width, color)
    }

    /// A translucent version of a token, for fills behind text.
    pub fn faded(&self, color: Color32, alpha: f32) -> Color32 {
        color.gamma_multiply(alpha)
    }

    /// Text colour that reads on a fill of `color`.
    pub fn ink_on(&self, color: Color32) -> Color32 {
        let [r, g, b, _] = color.to_array();
        let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
        if luma > 150.0 { hex(0x00_00_00) } else { hex(0xff_ff_ff) }
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
        FontId::new(self.heading_size, FontFamily::Name("bold".into()))
    }

    /// Monospace font.
    pub fn mono(&self) -> FontId {
        FontId::monospace(self.body_size * 0.9)
    }

    /// Applies the theme's visuals and text sizes to egui.
    pub fn apply(&self, ctx: &egui::Context) {
        let mut visuals = if self.dark { Visuals::dark() } else { Visuals::light() };
        visuals.panel_fill = self.panel;
        visuals.window_fill = self.panel;
        visuals.extreme_bg_color = self.canvas;
        visuals.override_text_color = Some(self.ink);
        visuals.hyperlink_color = self.accent;
        visuals.selection.bg_fill = self.faded(self.accent, 0.35);
        visuals.selection.stroke = Stroke::new(self.line_width, self.accent);
        visuals.widgets.noninteractive.fg_stroke.color = self.ink;
        visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.0, self.faint);
        visuals.widgets.inactive.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        visuals.widgets.hovered.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        visuals.widgets.active.fg_stroke = Stroke::new(self.line_width.min(2.0), self.ink);
        if self.name == ThemeName::Projector {
            visuals.widgets.inactive.bg_stroke = Stroke::new(2.0, self.ink_muted);
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
    defs.families.insert(FontFamily::Name("bold".into()), bold);
    ctx.set_fonts(defs);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(color: Color32) -> f32 {
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

    /// WCAG contrast ratio of two colours.
    fn contrast(one: Color32, other: Color32) -> f32 {
        let (x, y) = (luminance(one), luminance(other));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn the_chosen_theme_survives_a_system_switch_between_light_and_dark() {
        let ctx = egui::Context::default();
        let theme = Theme::new(ThemeName::Projector);
        theme.apply(&ctx);
        for system in [egui::Theme::Dark, egui::Theme::Light] {
            ctx.set_theme(system);
            assert_eq!(ctx.global_style().visuals.panel_fill, theme.panel, "{system:?}");
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
    fn every_theme_reads_text_on_its_panels() {
        for name in ThemeName::ALL {
            let t = Theme::new(name);
            assert!(contrast(t.ink, t.panel) >= 7.0, "{name:?}");
            assert_eq!(ThemeName::from_id(name.id()), Some(name));
        }
    }
}
