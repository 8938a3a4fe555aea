//! Pictures of a diagram for slides and handouts: SVG, PNG and animated GIF.
//!
//! One path serves the app's "Export picture" and `hypervisual render`: the lesson's scene
//! is drawn in a headless egui context (no window, no GPU, [`stage`]); its shapes become
//! SVG elements ([`svg`]), or egui tessellates them exactly as for the window and a small
//! software rasteriser fills the triangles ([`raster`]) for PNG and GIF frames ([`anim`]).

pub mod anim;
pub mod audit;
pub mod raster;
pub mod stage;
pub mod svg;

use std::path::{Path, PathBuf};

pub use stage::Stage;

use crate::sim::catalog::ParamMap;
use crate::theme::ThemeName;

/// Largest picture side, pixels: four times a 4K screen's width is past any slide's need
/// and still fits in memory (16 384² RGBA is 1 GiB, so the area is capped too).
pub const MAX_SIDE_PX: u32 = 8192;

/// Largest picture area, pixels (a 4K screen twice over).
pub const MAX_AREA_PX: u64 = 3840 * 2160 * 2;

/// Largest number of GIF frames in one recording (a minute at 15 frames a second).
pub const MAX_GIF_FRAMES: u32 = 900;

/// Picture formats, chosen by the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureFormat {
    /// Vector: shapes and text as SVG elements.
    Svg,
    /// Pixels, as the window draws them.
    Png,
    /// An animation of the diagram playing.
    Gif,
}

impl PictureFormat {
    /// The format a file name asks for, by its extension.
    pub fn of_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            _ => None,
        }
    }

    /// The extension, without its dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
            Self::Gif => "gif",
        }
    }
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The lesson's scene is not one this build knows.
    #[error("the lesson's diagram `{0}` is not a scene this version knows")]
    UnknownScene(String),
    /// A size of zero, or too large to hold.
    #[error("a picture of {0}×{1} pixels is outside 1…{MAX_SIDE_PX} per side and {MAX_AREA_PX} pixels in all")]
    BadSize(u32, u32),
    /// Too many frames asked for.
    #[error(
        "{0} frames is more than the {MAX_GIF_FRAMES} a recording may hold (shorten the span or lower the frame rate)"
    )]
    TooManyFrames(u64),
    /// Writing the file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The encoder refused the picture.
    #[error("cannot encode the picture: {0}")]
    Encode(String),
}

/// Checks a picture size before anything is allocated.
pub fn check_size(width: u32, height: u32) -> Result<(), ExportError> {
    let area = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 || width > MAX_SIDE_PX || height > MAX_SIDE_PX || area > MAX_AREA_PX {
        return Err(ExportError::BadSize(width, height));
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all ([`crate::atomic::write`]): a failed or
/// interrupted export never leaves half a picture under the final name.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::atomic::write(path, bytes).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// What a picture shows: one moment, or a span played as an animation.
#[derive(Clone, Debug, PartialEq)]
pub enum Moment {
    /// One tick of the model's clock.
    At(u64),
    /// A span of model time, as GIF frames.
    Span(anim::Recording),
}

/// Everything that decides a picture: the same for the app's menu and `hypervisual render`.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Scene id, e.g. `migration`.
    pub scene: String,
    /// The scene's parameters (a lesson's, with a preset's or the learner's on top).
    pub params: ParamMap,
    /// Colour theme.
    pub theme: ThemeName,
    /// Layout size, points (the picture is this times `scale` in pixels).
    pub size: [u32; 2],
    /// Pixels per point: 2 for a sharp PNG of the same layout.
    pub scale: f32,
    /// The moment or span shown.
    pub moment: Moment,
    /// Presentation mode's text floors (large labels for a slide).
    pub presenting: bool,
}

impl Job {
    /// Picture size, pixels.
    pub fn size_px(&self) -> [u32; 2] {
        self.size.map(|v| (v as f32 * self.scale).round() as u32)
    }

    /// Makes the picture's bytes in `format` (a span needs GIF, a moment SVG or PNG);
    /// `progress` hears of each frame and may cancel by returning false.
    pub fn make(
        &self,
        format: PictureFormat,
        progress: impl FnMut(usize, usize) -> bool,
    ) -> Result<Vec<u8>, ExportError> {
        let mut stage = self.stage()?;
        self.make_on(&mut stage, format, progress)
    }

    /// The stage this job draws on (its scene built and settled).
    pub fn stage(&self) -> Result<Stage, ExportError> {
        let px = self.size_px();
        check_size(px[0], px[1])?;
        let mut stage = Stage::new(&self.scene, &self.params, self.theme, px, self.scale)?;
        stage.presenting = self.presenting;
        Ok(stage)
    }

    /// Like [`Self::make`], on a stage made by [`Self::stage`] (to ask it for the end of
    /// its timeline first without building the scene twice).
    pub fn make_on(
        &self,
        stage: &mut Stage,
        format: PictureFormat,
        progress: impl FnMut(usize, usize) -> bool,
    ) -> Result<Vec<u8>, ExportError> {
        match (&self.moment, format) {
            (Moment::At(tick), PictureFormat::Svg) => Ok(stage.svg(*tick).into_bytes()),
            (Moment::At(tick), PictureFormat::Png) => stage.pixels(*tick).to_png(),
            (Moment::Span(rec), PictureFormat::Gif) => anim::record_gif(stage, rec, progress),
            (Moment::At(tick), PictureFormat::Gif) => {
                let secs = *tick as f64 * crate::sim::clock::TICK_SECS;
                let rec = anim::Recording {
                    from_secs: secs,
                    to_secs: secs,
                    fps: 1.0,
                };
                anim::record_gif(stage, &rec, progress)
            }
            (Moment::Span(_), _) => Err(ExportError::Encode("a span of time needs a .gif file".to_owned())),
        }
    }
}
