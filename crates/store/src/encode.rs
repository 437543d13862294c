//! CF encoding on write: a variable's stored type, `_FillValue`, `scale_factor` and `add_offset`.
//!
//! This is the inverse of the decoding [`open_zarr`](crate::open_zarr) applies: a value `x` is
//! stored as `round((x - add_offset) / scale_factor)` in the stored type, and NaN as the
//! `_FillValue`. It is how ERA5's NetCDF files pack temperatures into `int16`, and what
//! xarray's `encoding={"t": {"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32767}}`
//! does.
//!
//! ```
//! use cumulus_store::{CfEncoding, DType};
//! let enc = CfEncoding::packed(DType::I16, 0.01, 273.15, -32767.0);
//! assert_eq!(enc.encode(300.0), Ok(2685.0));
//! assert_eq!(enc.encode(f64::NAN), Ok(-32767.0));
//! // 700 K would pack to 42685, beyond int16's 32767:
//! assert!(enc.encode(700.0).is_err());
//! ```

use serde_json::{Map, Value};

use crate::spec::DType;

/// How values are stored: the stored type, the fill value for missing values, and the linear
/// packing. `Default` is "float32 as is".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CfEncoding {
    /// The stored element type.
    pub dtype: DType,
    /// Where the data are NaN, this is stored (needed for integer types when data have NaN).
    pub fill_value: Option<f64>,
    /// Stored values are `(x - add_offset) / scale_factor`.
    pub scale_factor: Option<f64>,
    /// See `scale_factor`.
    pub add_offset: Option<f64>,
}

impl Default for CfEncoding {
    fn default() -> Self {
        CfEncoding { dtype: DType::F32, fill_value: None, scale_factor: None, add_offset: None }
    }
}

impl CfEncoding {
    /// The values as they are, in `dtype` (integers are rounded to the nearest).
    #[must_use]
    pub fn plain(dtype: DType) -> Self {
        CfEncoding { dtype, ..CfEncoding::default() }
    }

    /// Linear packing into an integer type, with a fill value for NaN.
    #[must_use]
    pub fn packed(dtype: DType, scale_factor: f64, add_offset: f64, fill_value: f64) -> Self {
        CfEncoding {
            dtype,
            fill_value: Some(fill_value),
            scale_factor: Some(scale_factor),
            add_offset: Some(add_offset),
        }
    }

    /// The encoding an existing array's metadata describe (`_FillValue` or `missing_value`
    /// among the attributes, else the array's fill value when it is not NaN; `scale_factor`,
    /// `add_offset`).
    pub(crate) fn from_stored(dtype: DType, attrs: &Map<String, Value>, array_fill: Option<f64>) -> Self {
        let num = |k: &str| attrs.get(k).and_then(Value::as_f64);
        let fill = num("_FillValue").or_else(|| num("missing_value")).or(array_fill.filter(|f| !f.is_nan()));
        CfEncoding { dtype, fill_value: fill, scale_factor: num("scale_factor"), add_offset: num("add_offset") }
    }

    /// True when values go through [`CfEncoding::encode`] (packing, a non-NaN fill, or an
    /// integer type), false when they can be copied as they are.
    #[must_use]
    pub fn transforms(&self) -> bool {
        self.scale_factor.is_some()
            || self.add_offset.is_some()
            || self.fill_value.is_some_and(|f| !f.is_nan())
            || !self.dtype.is_float()
    }

    /// Why this encoding cannot be used, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        if let Some(s) = self.scale_factor
            && (s == 0.0 || !s.is_finite())
        {
            return Some(format!("scale_factor must be a finite non-zero number, got {s}"));
        }
        if let Some(o) = self.add_offset
            && !o.is_finite()
        {
            return Some(format!("add_offset must be finite, got {o}"));
        }
        if let Some(f) = self.fill_value {
            let (lo, hi) = self.dtype.range();
            if !self.dtype.is_float() && (f.is_nan() || f.fract() != 0.0 || f < lo || f > hi) {
                return Some(format!("_FillValue {f} is not a {:?} value", self.dtype));
            }
        }
        None
    }

    /// The attributes that tell readers how to decode (`scale_factor`, `add_offset`).
    /// `_FillValue` is written by the store writer (format 2 keeps it as the array's fill value).
    pub(crate) fn attrs(&self) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(s) = self.scale_factor {
            m.insert("scale_factor".into(), Value::from(s));
        }
        if let Some(o) = self.add_offset {
            m.insert("add_offset".into(), Value::from(o));
        }
        m
    }

    /// The stored value of `x`, as f64 (the caller converts it to the stored type).
    ///
    /// # Errors
    /// A message when `x` is NaN and an integer type has no fill value, or when the packed
    /// value does not fit the stored type.
    pub fn encode(&self, x: f64) -> Result<f64, String> {
        if x.is_nan() {
            return match self.fill_value {
                Some(f) => Ok(f),
                None if self.dtype.is_float() => Ok(f64::NAN),
                None => Err(format!("a missing value (NaN) cannot be stored as {:?} without a _FillValue", self.dtype)),
            };
        }
        let mut v = x;
        if let Some(o) = self.add_offset {
            v -= o;
        }
        if let Some(s) = self.scale_factor {
            v /= s;
        }
        if self.dtype.is_float() {
            return Ok(v);
        }
        // numpy's around: halves to even, as xarray's encoder does.
        let r = v.round_ties_even();
        let (lo, hi) = self.dtype.range();
        if !(lo..=hi).contains(&r) || Some(r) == self.fill_value {
            return Err(format!(
                "{x} packs to {r}, which {} {:?}{}",
                if Some(r) == self.fill_value { "is the _FillValue of" } else { "does not fit" },
                self.dtype,
                match (self.scale_factor, self.add_offset) {
                    (None, None) => String::new(),
                    (s, o) => format!(" with scale_factor {} and add_offset {}", s.unwrap_or(1.0), o.unwrap_or(0.0)),
                }
            ));
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_inverts_decoding() {
        let enc = CfEncoding::packed(DType::I16, 0.5, 100.0, -32768.0);
        for x in [100.0, 99.5, 1000.0, -1000.0] {
            let s = enc.encode(x).unwrap();
            assert_eq!(s * 0.5 + 100.0, x);
        }
        // ties go to even, like numpy.around: 100.25 -> 0.5 -> 0, 100.75 -> 1.5 -> 2
        assert_eq!(enc.encode(100.25).unwrap(), 0.0);
        assert_eq!(enc.encode(100.75).unwrap(), 2.0);
    }

    #[test]
    fn errors_name_the_problem() {
        let e = CfEncoding::plain(DType::I16).encode(f64::NAN).unwrap_err();
        assert!(e.contains("without a _FillValue"), "{e}");
        let e = CfEncoding::plain(DType::U8).encode(-1.0).unwrap_err();
        assert!(e.contains("does not fit U8"), "{e}");
        let e = CfEncoding::packed(DType::I8, 1.0, 0.0, -128.0).encode(-128.0).unwrap_err();
        assert!(e.contains("is the _FillValue"), "{e}");
        assert!(CfEncoding::packed(DType::I16, 0.0, 0.0, 0.0).problem().unwrap().contains("scale_factor"));
        assert!(CfEncoding::packed(DType::I16, 1.0, 0.0, 1e6).problem().unwrap().contains("_FillValue"));
        assert!(CfEncoding::plain(DType::F32).problem().is_none());
    }

    #[test]
    fn floats_pass_nan_through() {
        assert!(CfEncoding::plain(DType::F32).encode(f64::NAN).unwrap().is_nan());
        assert!(!CfEncoding::plain(DType::F64).transforms());
        assert!(CfEncoding::plain(DType::I32).transforms());
    }
}
