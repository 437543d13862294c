//! The font text is drawn with in PNGs: DejaVu Sans, embedded (no system font libraries).
//!
//! plotters' `ab_glyph` text renderer only knows fonts registered by name; this registers
//! DejaVu Sans (regular and bold, from the `dejavu` crate) as `sans-serif`, once. SVGs name
//! `sans-serif` and leave the choice to the viewer; they use the same font to measure text.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::error::{PlotError, Result};

/// The family every plot in this crate uses.
pub(crate) const FAMILY: &str = "sans-serif";

/// Register the embedded fonts (once per process).
pub(crate) fn ensure_registered() -> Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
            .and_then(|()| register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()))
            .map_err(|_| "the embedded DejaVu Sans font could not be read".to_string())
    })
    .clone()
    .map_err(|reason| PlotError::Draw { what: "text", reason })
}
