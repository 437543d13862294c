//! Turning a drawing into SVG text, PNG bytes, files, or a notebook display block.

use std::path::Path;

use base64::Engine as _;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{PlotError, Result};
use crate::font;

/// Something that can draw itself on any plotters backend.
pub(crate) trait Draw {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Check everything that can fail before drawing (data, limits, size).
    fn prepare(&self) -> Result<Self::Prepared>;
    /// What `prepare` found out.
    type Prepared;
    /// Draw on `root`, which has `size()`.
    fn draw<DB: DrawingBackend>(&self, prepared: &Self::Prepared, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// The figure as an SVG document.
pub(crate) fn to_svg<D: Draw>(d: &D) -> Result<String> {
    font::ensure_registered()?;
    let prepared = d.prepare()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, d.size()).into_drawing_area();
        d.draw(&prepared, &root)?;
        root.present().map_err(crate::error::draw_err("SVG"))?;
    }
    Ok(s)
}

/// The figure as 8-bit RGB pixels, row by row from the top.
pub(crate) fn to_rgb<D: Draw>(d: &D) -> Result<Vec<u8>> {
    font::ensure_registered()?;
    let prepared = d.prepare()?;
    let (w, h) = d.size();
    let mut buf = vec![255u8; 3 * w as usize * h as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        d.draw(&prepared, &root)?;
        root.present().map_err(crate::error::draw_err("PNG"))?;
    }
    Ok(buf)
}

/// The figure as a PNG file's bytes.
pub(crate) fn to_png<D: Draw>(d: &D) -> Result<Vec<u8>> {
    let rgb = to_rgb(d)?;
    let (w, h) = d.size();
    encode_png(&rgb, w, h)
}

/// Encode 8-bit RGB pixels as PNG.
pub(crate) fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Write `bytes` to `path`.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| PlotError::Io { path: path.display().to_string(), source })
}

/// The block evcxr reads from a cell's output to show rich content: `EVCXR_BEGIN_CONTENT
/// image/png`, the PNG in base64, `EVCXR_END_CONTENT`. An error shows as `text/plain`.
pub(crate) fn evcxr_block(png: Result<Vec<u8>>) -> String {
    match png {
        Ok(bytes) => format!(
            "EVCXR_BEGIN_CONTENT image/png\n{}\nEVCXR_END_CONTENT",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        Err(e) => format!("EVCXR_BEGIN_CONTENT text/plain\nerror: {e}\nEVCXR_END_CONTENT"),
    }
}

/// Check a figure size.
pub(crate) fn check_size(w: u32, h: u32, min: (u32, u32)) -> Result<()> {
    if w < min.0 || h < min.1 || w > 10_000 || h > 10_000 {
        return Err(PlotError::Argument {
            arg: "size",
            reason: format!(
                "expected a width of {} to 10000 and a height of {} to 10000 pixels, got {w}×{h}",
                min.0, min.1
            ),
        });
    }
    Ok(())
}
