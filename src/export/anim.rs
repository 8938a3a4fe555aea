//! An animated GIF of a diagram playing: frames from the rasteriser, each frame only the
//! rectangle that changed, with its own palette.

use super::raster::Image;
use super::{ExportError, MAX_GIF_FRAMES, Stage};
use crate::sim::clock::TICK_SECS;

/// What to record: a span of the model's time at a frame rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recording {
    /// Model time of the first frame, seconds.
    pub from_secs: f64,
    /// Model time of the last frame, seconds.
    pub to_secs: f64,
    /// Frames per second of the GIF (1 to 50; GIF delays are whole hundredths).
    pub fps: f64,
}

impl Recording {
    /// The ticks the frames show, first to last, the last always at `to_secs`.
    pub fn ticks(&self) -> Result<Vec<u64>, ExportError> {
        let fps = self.fps.clamp(1.0, 50.0);
        let span = (self.to_secs - self.from_secs).max(0.0);
        let count = (span * fps).floor() + 1.0;
        if !count.is_finite() || count > f64::from(MAX_GIF_FRAMES) {
            return Err(ExportError::TooManyFrames(if count.is_finite() {
                count as u64
            } else {
                u64::MAX
            }));
        }
        let tick_of = |secs: f64| (secs.max(0.0) / TICK_SECS).round() as u64;
        let mut ticks: Vec<u64> = (0..count as u64)
            .map(|i| tick_of(self.from_secs + i as f64 / fps))
            .collect();
        let last = tick_of(self.to_secs);
        if ticks.last() != Some(&last) {
            ticks.push(last);
        }
        Ok(ticks)
    }
}

/// The bounding box of the pixels that differ between two pictures of one size.
fn changed_box(before: &Image, after: &Image) -> Option<(u32, u32, u32, u32)> {
    let (width, height) = (before.width, before.height);
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for row in 0..height {
        let bytes = (row * width * 4) as usize..((row + 1) * width * 4) as usize;
        if before.rgba[bytes.clone()] == after.rgba[bytes.clone()] {
            continue;
        }
        for col in 0..width {
            let at = ((row * width + col) * 4) as usize;
            if before.rgba[at..at + 4] != after.rgba[at..at + 4] {
                x0 = x0.min(col);
                x1 = x1.max(col + 1);
                y0 = y0.min(row);
                y1 = y1.max(row + 1);
            }
        }
    }
    (x0 < x1).then_some((x0, y0, x1, y1))
}

/// Records the stage over `rec` as a looping GIF; `progress` is told each frame done
/// (frames done, frames in all) and may stop the recording by returning false.
pub fn record_gif(
    stage: &mut Stage,
    rec: &Recording,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<Vec<u8>, ExportError> {
    let ticks = rec.ticks()?;
    let [w, h] = stage.size_px();
    let (gw, gh) = (
        u16::try_from(w).map_err(|_| ExportError::BadSize(w, h))?,
        u16::try_from(h).map_err(|_| ExportError::BadSize(w, h))?,
    );
    let enc = |e: gif::EncodingError| ExportError::Encode(e.to_string());
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, gw, gh, &[]).map_err(enc)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(enc)?;
        let delay = (100.0 / rec.fps.clamp(1.0, 50.0)).round() as u16;
        let mut previous: Option<Image> = None;
        // A frame is written once the next different one is known, so an unchanged
        // stretch lengthens the shown frame's delay instead of adding frames.
        let mut held: Option<gif::Frame<'static>> = None;
        for (i, &tick) in ticks.iter().enumerate() {
            let image = stage.pixels(tick);
            let rect = match &previous {
                None => Some((0, 0, w, h)),
                Some(prev) => changed_box(prev, &image),
            };
            match (rect, held.as_mut()) {
                (None, Some(frame)) => frame.delay = frame.delay.saturating_add(delay),
                (rect, _) => {
                    if let Some(frame) = held.take() {
                        encoder.write_frame(&frame).map_err(enc)?;
                    }
                    let (x0, y0, x1, y1) = rect.unwrap_or((0, 0, 1, 1));
                    let mut part = Vec::with_capacity(((x1 - x0) * (y1 - y0) * 4) as usize);
                    for y in y0..y1 {
                        let start = ((y * w + x0) * 4) as usize;
                        part.extend_from_slice(&image.rgba[start..start + ((x1 - x0) * 4) as usize]);
                    }
                    let mut frame = gif::Frame::from_rgba_speed((x1 - x0) as u16, (y1 - y0) as u16, &mut part, 10);
                    frame.left = x0 as u16;
                    frame.top = y0 as u16;
                    frame.dispose = gif::DisposalMethod::Keep;
                    frame.delay = delay;
                    held = Some(frame);
                }
            }
            previous = Some(image);
            if !progress(i + 1, ticks.len()) {
                return Err(ExportError::Encode("the recording was cancelled".to_owned()));
            }
        }
        if let Some(frame) = held.take() {
            encoder.write_frame(&frame).map_err(enc)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_cover_the_span_and_end_on_its_last_moment() {
        let rec = Recording {
            from_secs: 1.0,
            to_secs: 2.0,
            fps: 10.0,
        };
        let ticks = rec.ticks().expect("fits");
        // One second at 10 frames a second: ten gaps, eleven moments.
        assert_eq!(ticks.len(), 11);
        // Each frame shows the model within half a tick of its moment, the last at the end.
        for (i, &tick) in ticks.iter().enumerate() {
            let want = rec.from_secs + i as f64 / rec.fps;
            assert!(
                (tick as f64 * TICK_SECS - want).abs() <= TICK_SECS / 2.0 + 1e-9,
                "frame {i}: tick {tick} for {want} s"
            );
        }
        let last = ticks.last().map_or(f64::NAN, |&t| t as f64 * TICK_SECS);
        assert!((last - rec.to_secs).abs() < 1e-9, "last frame at {last} s");
        assert!(ticks.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn too_long_a_recording_is_refused() {
        let rec = Recording {
            from_secs: 0.0,
            to_secs: 3600.0,
            fps: 15.0,
        };
        assert!(matches!(rec.ticks(), Err(ExportError::TooManyFrames(_))));
    }
}
