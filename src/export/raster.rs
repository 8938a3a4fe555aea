//! A software rasteriser for egui's own triangles, so a PNG is the window's picture.
//!
//! Egui tessellates every shape into triangles with premultiplied sRGB vertex colours and
//! texture coordinates into its font atlas, and anti-aliases by feathering edges itself.
//! Filling those triangles with the same blend the GL painter uses (premultiplied alpha,
//! in gamma space) gives the window's picture without a GPU.

use std::collections::BTreeMap;

use egui::epaint::{ClippedPrimitive, Primitive, Vertex};
use egui::{Color32, TextureId, TexturesDelta};

/// Textures the frames have uploaded (the font atlas, mostly), kept across frames.
#[derive(Default)]
pub struct Textures {
    images: BTreeMap<TextureKey, (usize, usize, Vec<Color32>)>,
}

/// A sortable key for a texture id.
type TextureKey = (bool, u64);

fn key(id: TextureId) -> TextureKey {
    match id {
        TextureId::Managed(n) => (false, n),
        TextureId::User(n) => (true, n),
    }
}

impl Textures {
    /// Applies a frame's texture changes: whole new images and patches of old ones.
    pub fn apply(&mut self, delta: &TexturesDelta) {
        let mut ids: Vec<&TextureId> = delta.set.keys().collect();
        ids.sort_by_key(|id| key(**id));
        for id in ids {
            for change in delta.set.get(id).into_iter().flatten() {
                let egui::ImageData::Color(image) = &change.image;
                let [w, h] = image.size;
                match change.pos {
                    None => {
                        self.images.insert(key(*id), (w, h, image.pixels.clone()));
                    }
                    Some([x0, y0]) => {
                        if let Some((tw, th, pixels)) = self.images.get_mut(&key(*id)) {
                            for y in 0..h.min(th.saturating_sub(y0)) {
                                for x in 0..w.min(tw.saturating_sub(x0)) {
                                    pixels[(y0 + y) * *tw + x0 + x] = image.pixels[y * w + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut freed: Vec<TextureKey> = delta.free.iter().map(|id| key(*id)).collect();
        freed.sort_unstable();
        for id in freed {
            self.images.remove(&id);
        }
    }

    /// Bilinear sample at `uv` (0…1), premultiplied, as floats 0…1.
    #[expect(
        clippy::many_single_char_names,
        reason = "texel coordinates and weights as in the bilinear formula"
    )]
    fn sample(&self, id: TextureId, u: f32, v: f32) -> [f32; 4] {
        let Some((w, h, pixels)) = self.images.get(&key(id)) else {
            return [1.0; 4];
        };
        if *w == 0 || *h == 0 {
            return [1.0; 4];
        }
        let x = (u * *w as f32 - 0.5).clamp(0.0, (*w - 1) as f32);
        let y = (v * *h as f32 - 0.5).clamp(0.0, (*h - 1) as f32);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let at = |x: usize, y: usize| pixels[y * w + x].to_array().map(|c| f32::from(c) / 255.0);
        let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
        std::array::from_fn(|i| {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            top + (bottom - top) * fy
        })
    }
}

/// An RGBA picture, 8 bits a channel, not premultiplied (the canvas is opaque).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Rows top to bottom, four bytes a pixel.
    pub rgba: Vec<u8>,
}

impl Image {
    /// The pixel at (x, y), RGBA.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2], self.rgba[i + 3]]
    }

    /// Encodes the picture as PNG.
    pub fn to_png(&self) -> Result<Vec<u8>, super::ExportError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let enc = |e: png::EncodingError| super::ExportError::Encode(e.to_string());
        let mut writer = encoder.write_header().map_err(enc)?;
        writer.write_image_data(&self.rgba).map_err(enc)?;
        writer.finish().map_err(enc)?;
        Ok(out)
    }
}

/// A vertex in pixels with its colour and texture coordinate as floats.
#[derive(Clone, Copy)]
struct Pt {
    x: f32,
    y: f32,
    c: [f32; 4],
    u: f32,
    v: f32,
}

fn pt(v: &Vertex, ppp: f32) -> Pt {
    Pt {
        x: v.pos.x * ppp,
        y: v.pos.y * ppp,
        c: v.color.to_array().map(|c| f32::from(c) / 255.0),
        u: v.uv.x,
        v: v.uv.y,
    }
}

/// Whether an edge from `a` to `b` is a top or left edge of a triangle wound so that
/// inside points have positive edge functions (the fill rule GPUs use, so triangles that
/// share an edge cover each pixel once).
fn top_left(a: Pt, b: Pt) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    (dy == 0.0 && dx < 0.0) || dy > 0.0
}

/// Fills egui's tessellated primitives into a picture of `size_px` over `background`.
#[expect(
    clippy::many_single_char_names,
    clippy::float_cmp,
    reason = "vertices a, b, c and pixel x, y as in the edge-function formulas; uv equality is \
              exact on purpose (egui copies the same white-texel uv to every vertex of a plain shape)"
)]
pub fn rasterize(
    primitives: &[ClippedPrimitive],
    textures: &Textures,
    size_px: [u32; 2],
    ppp: f32,
    background: Color32,
) -> Image {
    let [w, h] = size_px;
    let bg = background.to_array().map(|c| f32::from(c) / 255.0);
    let mut buf: Vec<[f32; 4]> = vec![bg; w as usize * h as usize];
    for prim in primitives {
        let Primitive::Mesh(mesh) = &prim.primitive else {
            continue;
        };
        let clip = prim.clip_rect;
        let cx0 = (clip.min.x * ppp).round().max(0.0) as i64;
        let cy0 = (clip.min.y * ppp).round().max(0.0) as i64;
        let cx1 = ((clip.max.x * ppp).round() as i64).min(i64::from(w));
        let cy1 = ((clip.max.y * ppp).round() as i64).min(i64::from(h));
        if cx0 >= cx1 || cy0 >= cy1 {
            continue;
        }
        for tri in mesh.indices.chunks_exact(3) {
            let get = |i: u32| mesh.vertices.get(i as usize).map(|v| pt(v, ppp));
            let (Some(mut a), Some(b), Some(mut c)) = (get(tri[0]), get(tri[1]), get(tri[2])) else {
                continue;
            };
            let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
            if area == 0.0 || !area.is_finite() {
                continue;
            }
            if area < 0.0 {
                std::mem::swap(&mut a, &mut c);
            }
            let area = area.abs();
            let x0 = (a.x.min(b.x).min(c.x).floor() as i64).max(cx0);
            let x1 = (a.x.max(b.x).max(c.x).ceil() as i64).min(cx1);
            let y0 = (a.y.min(b.y).min(c.y).floor() as i64).max(cy0);
            let y1 = (a.y.max(b.y).max(c.y).ceil() as i64).min(cy1);
            if x0 >= x1 || y0 >= y1 {
                continue;
            }
            let flat_uv = a.u == b.u && a.u == c.u && a.v == b.v && a.v == c.v;
            let flat_tex = flat_uv.then(|| textures.sample(mesh.texture_id, a.u, a.v));
            let edges = [(b, c), (c, a), (a, b)];
            let bias = edges.map(|(p, q)| top_left(p, q));
            for y in y0..y1 {
                let py = y as f32 + 0.5;
                for x in x0..x1 {
                    let px = x as f32 + 0.5;
                    let mut wts = [0.0_f32; 3];
                    let mut inside = true;
                    for (i, (p, q)) in edges.iter().enumerate() {
                        let e = (q.x - p.x) * (py - p.y) - (q.y - p.y) * (px - p.x);
                        if e < 0.0 || (e == 0.0 && !bias[i]) {
                            inside = false;
                            break;
                        }
                        wts[i] = e / area;
                    }
                    if !inside {
                        continue;
                    }
                    // wts[0] weighs a (opposite edge b–c), wts[1] b, wts[2] c.
                    let [wa, wb, wc] = wts;
                    let tex = flat_tex.unwrap_or_else(|| {
                        textures.sample(
                            mesh.texture_id,
                            wa * a.u + wb * b.u + wc * c.u,
                            wa * a.v + wb * b.v + wc * c.v,
                        )
                    });
                    let src: [f32; 4] = std::array::from_fn(|i| (wa * a.c[i] + wb * b.c[i] + wc * c.c[i]) * tex[i]);
                    let dst = &mut buf[y as usize * w as usize + x as usize];
                    let keep = 1.0 - src[3];
                    for i in 0..4 {
                        dst[i] = src[i] + dst[i] * keep;
                    }
                }
            }
        }
    }
    let rgba = buf
        .iter()
        .flat_map(|p| {
            let a = p[3].clamp(0.0, 1.0);
            let un = |c: f32| if a > 0.0 { (c / a).clamp(0.0, 1.0) } else { 0.0 };
            [un(p[0]), un(p[1]), un(p[2]), a].map(|c| (c * 255.0).round() as u8)
        })
        .collect();
    Image {
        width: w,
        height: h,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use egui::epaint::Mesh;
    use egui::{Rect, pos2};

    use super::*;

    /// A filled rectangle (two triangles sharing a diagonal) at `ppp` pixels per point.
    fn rect_picture(rect: Rect, colour: Color32, size_px: [u32; 2], ppp: f32) -> Image {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(rect, colour);
        let primitive = ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        };
        rasterize(&[primitive], &Textures::default(), size_px, ppp, Color32::BLACK)
    }

    #[test]
    fn a_rectangle_covers_exactly_its_pixels_once() {
        // Half-transparent over black: a pixel blended twice (the shared diagonal drawn by
        // both triangles) would come out brighter, a pixel missed would stay black. The
        // edges lie on pixel boundaries, so the pixels whose centres are inside are known;
        // the rectangle is square, so its diagonal runs through pixel centres, where only
        // the fill rule decides which triangle owns them.
        let colour = crate::theme::Theme::new(crate::theme::ThemeName::Light)
            .accent
            .gamma_multiply(0.5);
        let [r, g, b, _] = colour.to_array();
        for ppp in [1.0, 2.0] {
            let rect = Rect::from_min_max(pos2(2.0, 3.0), pos2(10.0, 11.0));
            let side = (16.0 * ppp) as u32;
            let image = rect_picture(rect, colour, [side, side], ppp);
            let inside_x = (2.0 * ppp) as u32..(10.0 * ppp) as u32;
            let inside_y = (3.0 * ppp) as u32..(11.0 * ppp) as u32;
            for y in 0..side {
                for x in 0..side {
                    // Over opaque black, premultiplied source-over leaves the source's own
                    // (premultiplied) channels on an opaque pixel.
                    let want = if inside_x.contains(&x) && inside_y.contains(&y) {
                        [r, g, b, 255]
                    } else {
                        [0, 0, 0, 255]
                    };
                    let got = image.pixel(x, y);
                    assert!(
                        got.iter().zip(want).all(|(&a, b)| a.abs_diff(b) <= 1),
                        "ppp {ppp}, pixel ({x}, {y}): {got:?}, want {want:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_png_decodes_to_the_same_pixels() {
        let colour = crate::theme::Theme::new(crate::theme::ThemeName::Dark).good;
        let image = rect_picture(Rect::from_min_max(pos2(1.0, 1.0), pos2(5.0, 4.0)), colour, [7, 5], 1.0);
        let png = image.to_png().expect("encodes");
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("pixels");
        assert_eq!((info.width, info.height), (image.width, image.height));
        assert_eq!(&buf[..info.buffer_size()], image.rgba.as_slice());
    }
}
