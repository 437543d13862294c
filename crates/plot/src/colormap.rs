//! [`Colormap`]: matplotlib's colormaps as 256-entry lookup tables, and [`Rgba`] colours.
//!
//! A value `x` in `[0, 1]` picks entry `floor(x * 256)` (1.0 picks the last), exactly as
//! matplotlib's `Colormap.__call__` does, so colours equal `matplotlib.colors.to_hex(cmap(x))`.
//! Values below 0 take the first colour and above 1 the last (matplotlib's default "under" and
//! "over"); NaN gives transparent, matplotlib's default "bad" colour.
//!
//! ```
//! use cumulus_plot::{Colormap, Rgba};
//!
//! assert_eq!(Colormap::Viridis.rgba(0.0).to_hex(), "#440154");
//! assert_eq!(Colormap::RdBuR.rgba(1.0), Rgba::rgb(0x67, 0x00, 0x1f));
//! assert_eq!(Colormap::Turbo.rgba(f64::NAN), Rgba::TRANSPARENT);
//! ```

mod tables;

use std::fmt;

/// An 8-bit RGBA colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity: 255 is opaque, 0 transparent.
    pub a: u8,
}

impl Rgba {
    /// Fully transparent (matplotlib's default colour for NaN).
    pub const TRANSPARENT: Rgba = Rgba { r: 0, g: 0, b: 0, a: 0 };

    /// An opaque colour.
    ///
    /// ```
    /// assert_eq!(cumulus_plot::Rgba::rgb(255, 0, 0).a, 255);
    /// ```
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// `#rrggbb` (the opacity is left out), as matplotlib's `to_hex`.
    ///
    /// ```
    /// assert_eq!(cumulus_plot::Rgba::rgb(33, 145, 140).to_hex(), "#21918c");
    /// ```
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    pub(crate) fn to_plotters(self) -> plotters::style::RGBAColor {
        plotters::style::RGBAColor(self.r, self.g, self.b, f64::from(self.a) / 255.0)
    }
}

impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A colormap, named as in matplotlib.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Colormap {
    /// `viridis`: perceptually uniform, matplotlib's and xarray's default for one-signed data.
    Viridis,
    /// `turbo`: a rainbow with smooth lightness, for fields where hue helps (wind speed).
    Turbo,
    /// `RdBu_r`: diverging blue–white–red, xarray's default for data of both signs
    /// (anomalies); maps draw it with limits symmetric about zero unless told otherwise.
    RdBuR,
}

impl Colormap {
    /// The matplotlib name.
    ///
    /// ```
    /// assert_eq!(cumulus_plot::Colormap::RdBuR.name(), "RdBu_r");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Colormap::Viridis => "viridis",
            Colormap::Turbo => "turbo",
            Colormap::RdBuR => "RdBu_r",
        }
    }

    /// The colormap with this matplotlib name, if this crate has it.
    ///
    /// ```
    /// use cumulus_plot::Colormap;
    /// assert_eq!(Colormap::from_name("RdBu_r"), Some(Colormap::RdBuR));
    /// assert_eq!(Colormap::from_name("jet"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Colormap> {
        Colormap::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Every colormap.
    pub const ALL: [Colormap; 3] = [Colormap::Viridis, Colormap::Turbo, Colormap::RdBuR];

    /// True for diverging colormaps, whose middle colour should sit at zero.
    ///
    /// ```
    /// assert!(cumulus_plot::Colormap::RdBuR.is_diverging());
    /// assert!(!cumulus_plot::Colormap::Viridis.is_diverging());
    /// ```
    pub fn is_diverging(self) -> bool {
        matches!(self, Colormap::RdBuR)
    }

    fn table(self) -> &'static [[u8; 3]; 256] {
        match self {
            Colormap::Viridis => &tables::VIRIDIS,
            Colormap::Turbo => &tables::TURBO,
            Colormap::RdBuR => &tables::RDBU_R,
        }
    }

    /// The colour of `x` in `[0, 1]` (clamped outside; NaN is transparent).
    ///
    /// ```
    /// use cumulus_plot::Colormap;
    /// assert_eq!(Colormap::Viridis.rgba(0.5).to_hex(), "#21918c");
    /// assert_eq!(Colormap::Viridis.rgba(7.0), Colormap::Viridis.rgba(1.0));
    /// ```
    pub fn rgba(self, x: f64) -> Rgba {
        if x.is_nan() {
            return Rgba::TRANSPARENT;
        }
        let [r, g, b] = self.table()[Self::bin(x)];
        Rgba::rgb(r, g, b)
    }

    /// The colour of `value` with limits `vmin..vmax` (matplotlib's `Normalize` then the map).
    ///
    /// ```
    /// use cumulus_plot::Colormap;
    /// let c = Colormap::RdBuR;
    /// assert_eq!(c.color_of(0.0, -5.0, 5.0), c.rgba(0.5));
    /// ```
    pub fn color_of(self, value: f64, vmin: f64, vmax: f64) -> Rgba {
        self.rgba((value - vmin) / (vmax - vmin))
    }

    /// The table entry for `x` (matplotlib: `int(x * N)`, clipped to `0..N`).
    fn bin(x: f64) -> usize {
        // `as` saturates: negative values and -inf give 0, +inf gives usize::MAX.
        ((x * 256.0) as usize).min(255)
    }

    /// The number of entries in the lookup table (matplotlib's `N`).
    pub const N: usize = 256;
}

impl fmt::Display for Colormap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference colours from matplotlib 3.11.2: `to_hex(matplotlib.colormaps[name](x))`.
    const REFERENCE: [(Colormap, f64, &str); 21] = [
        (Colormap::Viridis, 0.0, "#440154"),
        (Colormap::Viridis, 0.25, "#3b528b"),
        (Colormap::Viridis, 0.3, "#355f8d"),
        (Colormap::Viridis, 0.5, "#21918c"),
        (Colormap::Viridis, 0.75, "#5ec962"),
        (Colormap::Viridis, 0.999, "#fde725"),
        (Colormap::Viridis, 1.0, "#fde725"),
        (Colormap::Turbo, 0.0, "#30123b"),
        (Colormap::Turbo, 0.25, "#28bceb"),
        (Colormap::Turbo, 0.3, "#19d5cd"),
        (Colormap::Turbo, 0.5, "#a4fc3c"),
        (Colormap::Turbo, 0.75, "#fb7e21"),
        (Colormap::Turbo, 0.999, "#7a0403"),
        (Colormap::Turbo, 1.0, "#7a0403"),
        (Colormap::RdBuR, 0.0, "#053061"),
        (Colormap::RdBuR, 0.25, "#6bacd1"),
        (Colormap::RdBuR, 0.3, "#90c4dd"),
        (Colormap::RdBuR, 0.5, "#f7f6f6"),
        (Colormap::RdBuR, 0.75, "#e48066"),
        (Colormap::RdBuR, 0.999, "#67001f"),
        (Colormap::RdBuR, 1.0, "#67001f"),
    ];

    #[test]
    fn colours_equal_matplotlib() {
        for (cmap, x, hex) in REFERENCE {
            assert_eq!(cmap.rgba(x).to_hex(), hex, "{cmap}({x})");
        }
    }

    fn close(c: Rgba, hex: u32) -> bool {
        let want = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8];
        [c.r, c.g, c.b].iter().zip(want).all(|(a, b)| a.abs_diff(b) <= 1)
    }

    #[test]
    fn brief_reference_points_within_one_per_channel() {
        assert!(close(Colormap::Viridis.rgba(0.0), 0x440154));
        assert!(close(Colormap::Viridis.rgba(0.5), 0x21918c));
        assert!(close(Colormap::Viridis.rgba(1.0), 0xfde725));
        assert!(close(Colormap::RdBuR.rgba(0.5), 0xf7f7f7));
        assert!(close(Colormap::RdBuR.rgba(0.0), 0x053061));
        assert!(close(Colormap::RdBuR.rgba(1.0), 0x67001f));
    }

    #[test]
    fn out_of_range_clamps_and_nan_is_transparent() {
        for cmap in Colormap::ALL {
            assert_eq!(cmap.rgba(-0.5), cmap.rgba(0.0));
            assert_eq!(cmap.rgba(f64::NEG_INFINITY), cmap.rgba(0.0));
            assert_eq!(cmap.rgba(f64::INFINITY), cmap.rgba(1.0));
            assert_eq!(cmap.rgba(f64::NAN), Rgba::TRANSPARENT);
        }
    }

    #[test]
    fn bins_follow_matplotlib() {
        // 255/256 is the first value of the last bin; just below it is the bin before.
        assert_eq!(Colormap::bin(255.0 / 256.0), 255);
        assert_eq!(Colormap::bin(255.0 / 256.0 - 1e-9), 254);
        assert_eq!(Colormap::bin(1.0 / 256.0), 1);
    }

    #[test]
    fn color_of_normalises() {
        let c = Colormap::Viridis;
        assert_eq!(c.color_of(280.0, 270.0, 290.0), c.rgba(0.5));
        assert_eq!(c.color_of(260.0, 270.0, 290.0), c.rgba(0.0));
        assert_eq!(c.color_of(f64::NAN, 270.0, 290.0), Rgba::TRANSPARENT);
    }

    #[test]
    fn names_round_trip() {
        for c in Colormap::ALL {
            assert_eq!(Colormap::from_name(c.name()), Some(c));
        }
    }
}
