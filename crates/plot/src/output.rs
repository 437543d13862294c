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

/// The output methods every chart has (`to_svg`, `to_png_bytes`, `save_png`, `save_svg`,
/// `save`, `evcxr_display`), for a type that implements [`Draw`].
macro_rules! outputs {
    ($ty:ident) => {
        impl $ty {
            /// The chart as an SVG document.
            ///
            /// # Errors
            /// [`PlotError::Argument`](crate::PlotError::Argument) for bad data or size, and
            /// the errors of drawing.
            pub fn to_svg(&self) -> $crate::Result<String> {
                $crate::output::to_svg(self)
            }

            /// The chart as the bytes of a PNG file (text in the embedded DejaVu Sans).
            ///
            /// # Errors
            /// As `to_svg`, and [`PlotError::Png`](crate::PlotError::Png).
            pub fn to_png_bytes(&self) -> $crate::Result<Vec<u8>> {
                $crate::output::to_png(self)
            }

            /// Write the chart as a PNG file.
            ///
            /// # Errors
            /// As `to_png_bytes`, and [`PlotError::Io`](crate::PlotError::Io).
            pub fn save_png(&self, path: impl AsRef<std::path::Path>) -> $crate::Result<()> {
                $crate::output::write(path.as_ref(), &self.to_png_bytes()?)
            }

            /// Write the chart as an SVG file.
            ///
            /// # Errors
            /// As `to_svg`, and [`PlotError::Io`](crate::PlotError::Io).
            pub fn save_svg(&self, path: impl AsRef<std::path::Path>) -> $crate::Result<()> {
                $crate::output::write(path.as_ref(), self.to_svg()?.as_bytes())
            }

            /// Write the chart as PNG or SVG, chosen by the file's extension.
            ///
            /// # Errors
            /// [`PlotError::Argument`](crate::PlotError::Argument) for another extension;
            /// otherwise as `save_png` and `save_svg`.
            pub fn save(&self, path: impl AsRef<std::path::Path>) -> $crate::Result<()> {
                $crate::output::save_by_extension(path.as_ref(), |p| self.save_png(p), |p| self.save_svg(p))
            }

            /// Show the chart in a Jupyter notebook with the evcxr kernel (called by evcxr
            /// when the chart is a cell's last expression): prints the PNG as an `image/png`
            /// display block, or the error as text.
            pub fn evcxr_display(&self) {
                println!("{}", $crate::output::evcxr_block(self.to_png_bytes()));
            }
        }
    };
}
pub(crate) use outputs;

/// Save as PNG or SVG by the extension of `path`.
pub(crate) fn save_by_extension(
    path: &Path,
    png: impl FnOnce(&Path) -> Result<()>,
    svg: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("png") => png(path),
        Some("svg") => svg(path),
        _ => Err(PlotError::Argument {
            arg: "path",
            reason: format!("expected a file name ending in .png or .svg, got {}", path.display()),
        }),
    }
}

/// Axis limits with matplotlib's 5 % margins: `lo - 0.05·span .. hi + 0.05·span`; a single
/// value gets ±5 % of itself (±1 around zero). `include_zero` keeps 0 as an end (bars).
pub(crate) fn padded(lo: f64, hi: f64, include_zero: bool) -> (f64, f64) {
    let (lo, hi) = if include_zero { (lo.min(0.0), hi.max(0.0)) } else { (lo, hi) };
    if lo == hi {
        let d = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        return (lo - d, hi + d);
    }
    let pad = 0.05 * (hi - lo);
    let lo = if include_zero && lo == 0.0 { 0.0 } else { lo - pad };
    let hi = if include_zero && hi == 0.0 { 0.0 } else { hi + pad };
    (lo, hi)
}

/// Tick labels for values: as many decimals as the range needs, no trailing zeros.
pub(crate) fn value_label(x: f64, range: f64) -> String {
    let decimals = (2.0 - range.log10().floor()).clamp(0.0, 12.0) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_labels_have_the_decimals_the_range_needs() {
        assert_eq!(value_label(280.0, 30.0), "280");
        assert_eq!(value_label(282.5, 30.0), "282.5");
        assert_eq!(value_label(0.0125, 0.02), "0.0125");
        assert_eq!(value_label(-0.0, 10.0), "0");
    }

    #[test]
    fn padding_follows_matplotlib_margins() {
        assert_eq!(padded(0.0, 10.0, false), (-0.5, 10.5));
        assert_eq!(padded(2.0, 10.0, true), (0.0, 10.5));
        assert_eq!(padded(-4.0, -2.0, true), (-4.2, 0.0));
        assert_eq!(padded(3.0, 3.0, false), (2.85, 3.15));
    }

    #[test]
    fn evcxr_block_shows_errors_as_text() {
        let e = PlotError::Argument { arg: "size", reason: "too small".into() };
        assert_eq!(
            evcxr_block(Err(e)),
            "EVCXR_BEGIN_CONTENT text/plain\nerror: bad argument size: too small\nEVCXR_END_CONTENT"
        );
    }
}
