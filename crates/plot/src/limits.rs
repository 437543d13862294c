//! Colour limits: from the data (min/max, or the 2nd and 98th percentiles with `robust`), or
//! set by the user, and symmetric about zero for diverging colormaps — xarray's rules.

use crate::colormap::Colormap;
use crate::error::{PlotError, Result};

/// The percentile `robust` limits use (xarray's `ROBUST_PERCENTILE`).
pub const ROBUST_PERCENTILE: f64 = 2.0;

/// The `p`-th percentile (0–100) of the finite values, with linear interpolation between
/// the sorted values (NumPy's default method), or `None` when no value is finite.
///
/// ```
/// use cumulus_plot::limits::percentile;
/// assert_eq!(percentile(&[4.0, 1.0, f64::NAN, 3.0, 2.0], 50.0), Some(2.5));
/// assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 25.0), Some(2.0));
/// assert_eq!(percentile(&[f64::NAN], 50.0), None);
/// ```
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(sorted_percentile(&v, p))
}

fn sorted_percentile(v: &[f64], p: f64) -> f64 {
    let pos = (p / 100.0).clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// What the user asked for; `None` means "choose".
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LimitOptions {
    pub vmin: Option<f64>,
    pub vmax: Option<f64>,
    pub robust: bool,
    pub cmap: Option<Colormap>,
}

/// The limits and colormap a plot uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Resolved {
    pub vmin: f64,
    pub vmax: f64,
    pub cmap: Colormap,
}

/// Choose limits and colormap for `values`, as xarray does:
/// - missing limits come from the data: min and max, or the 2nd and 98th percentiles when
///   `robust`;
/// - without a colormap, data with both signs gets `RdBu_r` and other data `viridis`;
/// - with a diverging colormap the limits are symmetric about zero unless both are given
///   (one given limit is mirrored);
/// - constant data gets limits widened a little around the value, so it still has a colour.
pub(crate) fn resolve(values: &[f64], opts: LimitOptions, name: &str) -> Result<Resolved> {
    for (which, v) in [("vmin", opts.vmin), ("vmax", opts.vmax)] {
        if let Some(x) = v
            && !x.is_finite()
        {
            let (vmin, vmax) = (opts.vmin.unwrap_or(f64::NAN), opts.vmax.unwrap_or(f64::NAN));
            return Err(PlotError::Limits {
                vmin,
                vmax,
                reason: if which == "vmin" { "vmin must be a finite number" } else { "vmax must be a finite number" },
            });
        }
    }
    if let (Some(vmin), Some(vmax)) = (opts.vmin, opts.vmax) {
        if vmin >= vmax {
            return Err(PlotError::Limits { vmin, vmax, reason: "vmin must be below vmax" });
        }
        return Ok(Resolved { vmin, vmax, cmap: opts.cmap.unwrap_or(Colormap::Viridis) });
    }
    let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return Err(PlotError::AllNan {
            name: name.to_string(),
            hint: "the colour limits cannot come from the data; pass vmin and vmax to draw a blank map",
        });
    }
    sorted.sort_by(f64::total_cmp);
    let (lo_p, hi_p) = if opts.robust { (ROBUST_PERCENTILE, 100.0 - ROBUST_PERCENTILE) } else { (0.0, 100.0) };
    let data_min = sorted_percentile(&sorted, lo_p);
    let data_max = sorted_percentile(&sorted, hi_p);
    let mut vmin = opts.vmin.unwrap_or(data_min);
    let mut vmax = opts.vmax.unwrap_or(data_max);
    let cmap = opts.cmap.unwrap_or(if vmin < 0.0 && vmax > 0.0 { Colormap::RdBuR } else { Colormap::Viridis });
    if cmap.is_diverging() {
        let vlim = match (opts.vmin, opts.vmax) {
            (Some(v), None) | (None, Some(v)) => v.abs(),
            _ => vmin.abs().max(vmax.abs()),
        };
        (vmin, vmax) = (-vlim, vlim);
    }
    if vmin == vmax && opts.vmin.is_none() && opts.vmax.is_none() {
        // Constant data: widen around the value (5 %, or ±1 around zero).
        let d = if vmin == 0.0 { 1.0 } else { 0.05 * vmin.abs() };
        (vmin, vmax) = (vmin - d, vmax + d);
    }
    if vmin >= vmax {
        return Err(PlotError::Limits {
            vmin,
            vmax,
            reason: "vmin must be below vmax (one was given, the other came from the data)",
        });
    }
    Ok(Resolved { vmin, vmax, cmap })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> LimitOptions {
        LimitOptions::default()
    }

    #[test]
    fn data_limits_and_default_colormaps() {
        let r = resolve(&[280.0, f64::NAN, 300.0, 290.0], opts(), "t").unwrap();
        assert_eq!(r, Resolved { vmin: 280.0, vmax: 300.0, cmap: Colormap::Viridis });
        // Both signs: RdBu_r, symmetric about zero from the larger magnitude.
        let r = resolve(&[-2.0, 5.0], opts(), "anomaly").unwrap();
        assert_eq!(r, Resolved { vmin: -5.0, vmax: 5.0, cmap: Colormap::RdBuR });
    }

    #[test]
    fn robust_takes_the_2nd_and_98th_percentiles() {
        // 0, 1, …, 100: the 2nd percentile sits at position 2 of 100 → 2.0; the 98th at 98.0.
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        let r = resolve(&v, LimitOptions { robust: true, ..opts() }, "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (2.0, 98.0));
        // 0..=10: position 0.02 * 10 = 0.2 → 0.2; 0.98 * 10 = 9.8 → 9.8.
        let v: Vec<f64> = (0..=10).map(f64::from).collect();
        let r = resolve(&v, LimitOptions { robust: true, ..opts() }, "x").unwrap();
        assert!((r.vmin - 0.2).abs() < 1e-12 && (r.vmax - 9.8).abs() < 1e-12, "{r:?}");
    }

    #[test]
    fn user_limits_win_and_one_limit_is_mirrored_for_diverging_maps() {
        let both = LimitOptions { vmin: Some(-1.0), vmax: Some(3.0), cmap: Some(Colormap::RdBuR), ..opts() };
        let r = resolve(&[-10.0, 10.0], both, "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (-1.0, 3.0));
        let one = LimitOptions { vmax: Some(4.0), cmap: Some(Colormap::RdBuR), ..opts() };
        let r = resolve(&[-10.0, 10.0], one, "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (-4.0, 4.0));
        // A diverging colormap asked for on one-signed data is still centred on zero.
        let div = LimitOptions { cmap: Some(Colormap::RdBuR), ..opts() };
        let r = resolve(&[1.0, 3.0], div, "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (-3.0, 3.0));
    }

    #[test]
    fn bad_limits_are_errors() {
        let e = resolve(&[1.0], LimitOptions { vmin: Some(2.0), vmax: Some(2.0), ..opts() }, "x").unwrap_err();
        assert!(e.to_string().contains("vmin must be below vmax"), "{e}");
        let e = resolve(&[1.0], LimitOptions { vmin: Some(f64::NAN), ..opts() }, "x").unwrap_err();
        assert!(e.to_string().contains("vmin must be a finite number"), "{e}");
        let e = resolve(&[1.0, 2.0], LimitOptions { vmin: Some(5.0), ..opts() }, "x").unwrap_err();
        assert!(e.to_string().contains("vmin = 5, vmax = 2"), "{e}");
    }

    #[test]
    fn all_nan_needs_user_limits() {
        let e = resolve(&[f64::NAN; 3], opts(), "\"t\"").unwrap_err().to_string();
        assert!(e.contains("every value of \"t\" is NaN") && e.contains("pass vmin and vmax"), "{e}");
        let r = resolve(&[f64::NAN; 3], LimitOptions { vmin: Some(0.0), vmax: Some(1.0), ..opts() }, "t").unwrap();
        assert_eq!((r.vmin, r.vmax), (0.0, 1.0));
    }

    #[test]
    fn constant_data_is_widened() {
        let r = resolve(&[300.0, 300.0], opts(), "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (285.0, 315.0));
        let r = resolve(&[0.0], opts(), "x").unwrap();
        assert_eq!((r.vmin, r.vmax), (-1.0, 1.0));
    }
}
