//! Elementwise math on [`DataArray`] — what NumPy's ufuncs do to an xarray `DataArray`
//! (`np.cos(da)`, `np.deg2rad(da)`, …): lazy, one value per value, the dimensions,
//! coordinates, name and attributes kept (xarray keeps the attributes through ufuncs by
//! default), the dtype as NumPy gives it (`f32` stays `f32`, integers give `f64`).
//!
//! The latitude weights of the workshop, `np.cos(np.deg2rad(ds.latitude))`:
//!
//! ```
//! use cumulus_labeled::{DataArray, Variable};
//! let lat = DataArray::new("latitude", Variable::from_vec("latitude", vec![60.0_f64, 0.0, -60.0]))
//!     .with_coord("latitude", Variable::from_vec("latitude", vec![60.0_f64, 0.0, -60.0]))?;
//! let weights = lat.deg2rad().cos();
//! let w = weights.to_vec_f64()?;
//! assert!((w[0] - 0.5).abs() < 1e-15 && w[1] == 1.0 && (w[2] - 0.5).abs() < 1e-15);
//! assert_eq!(weights.coord("latitude")?.to_vec_f64()?, vec![60.0, 0.0, -60.0]);
//! # Ok::<(), cumulus_labeled::LabeledError>(())
//! ```

use std::ops::Neg;

use cumulus_chunked::{BinaryOp, UnaryOp};

use crate::dataarray::DataArray;

impl DataArray {
    /// `eˣ` (NumPy's `exp`).
    pub fn exp(&self) -> DataArray {
        self.map_unary(UnaryOp::Exp)
    }
    /// The natural logarithm (NumPy's `log`; NaN for negative values, −∞ for 0).
    pub fn log(&self) -> DataArray {
        self.map_unary(UnaryOp::Log)
    }
    /// The base-10 logarithm (NumPy's `log10`).
    pub fn log10(&self) -> DataArray {
        self.map_unary(UnaryOp::Log10)
    }
    /// Sine of values in radians (NumPy's `sin`).
    pub fn sin(&self) -> DataArray {
        self.map_unary(UnaryOp::Sin)
    }
    /// Cosine of values in radians (NumPy's `cos`).
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let x = DataArray::new("x", Variable::from_vec("i", vec![0.0_f64, std::f64::consts::PI]));
    /// assert_eq!(x.cos().to_vec_f64()?, vec![1.0, -1.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn cos(&self) -> DataArray {
        self.map_unary(UnaryOp::Cos)
    }
    /// Tangent of values in radians (NumPy's `tan`).
    pub fn tan(&self) -> DataArray {
        self.map_unary(UnaryOp::Tan)
    }
    /// Arctangent, in radians (NumPy's `arctan`).
    pub fn arctan(&self) -> DataArray {
        self.map_unary(UnaryOp::Arctan)
    }
    /// `x²` (NumPy's `square`).
    pub fn square(&self) -> DataArray {
        self.map_unary(UnaryOp::Square)
    }
    /// Degrees to radians (NumPy's `deg2rad`, also `radians`): `x · (π / 180)`, with the factor
    /// in the array's float type as NumPy does, so `f32` data gives NumPy's `f32` values.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let deg = DataArray::new("lat", Variable::from_vec("lat", vec![180_i64, 90]));
    /// assert_eq!(deg.deg2rad().to_vec_f64()?, vec![std::f64::consts::PI, std::f64::consts::FRAC_PI_2]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn deg2rad(&self) -> DataArray {
        self.scalar_op(BinaryOp::Mul, std::f64::consts::PI / 180.0)
    }
    /// Radians to degrees (NumPy's `rad2deg`, also `degrees`): `x · (180 / π)`.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let rad = DataArray::new("a", Variable::from_vec("i", vec![std::f64::consts::PI, 0.0]));
    /// assert_eq!(rad.rad2deg().to_vec_f64()?, vec![180.0, 0.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn rad2deg(&self) -> DataArray {
        self.scalar_op(BinaryOp::Mul, 180.0 / std::f64::consts::PI)
    }
}

macro_rules! comparison {
    ($($(#[$doc:meta])* $name:ident => $op:ident),* $(,)?) => {
        impl DataArray {
            $(
                $(#[$doc])*
                pub fn $name(&self, value: f64) -> DataArray {
                    self.scalar_op(BinaryOp::$op, value)
                }
            )*
        }
    };
}

comparison! {
    /// `da == value` as a lazy boolean array (NumPy's `equal`), e.g. the mask
    /// `time.dt.month == 6` for [`DataArray::sel_mask`] and
    /// [`Dataset::sel_mask`](crate::Dataset::sel_mask). NaN equals nothing.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let m = DataArray::new("month", Variable::from_vec("time", vec![5_i64, 6, 6, 7]));
    /// assert_eq!(m.equal(6.0).to_vec_f64()?, vec![0.0, 1.0, 1.0, 0.0]);
    /// assert_eq!(m.greater_equal(6.0).to_vec_f64()?, vec![0.0, 1.0, 1.0, 1.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    equal => Eq,
    /// `da != value` (NumPy's `not_equal`); NaN differs from everything.
    not_equal => Ne,
    /// `da < value` (NumPy's `less`).
    less => Lt,
    /// `da <= value` (NumPy's `less_equal`).
    less_equal => Le,
    /// `da > value` (NumPy's `greater`).
    greater => Gt,
    /// `da >= value` (NumPy's `greater_equal`).
    greater_equal => Ge,
}

/// `-da` (NumPy's `negative`): lazy, coordinates, name and attributes kept.
impl Neg for &DataArray {
    type Output = DataArray;
    fn neg(self) -> DataArray {
        self.map_unary(UnaryOp::Neg)
    }
}

#[cfg(test)]
mod tests {
    use cumulus_chunked::{ChunkedArray, DType};
    use ndarray::{ArrayD, IxDyn};

    use crate::{Attrs, DataArray, Variable};

    /// Latitudes 90, 60, 30, 0 as `f32`, with `units` and a coordinate.
    fn lat_f32() -> DataArray {
        let v = ArrayD::from_shape_vec(IxDyn(&[4]), vec![90.0_f32, 60.0, 30.0, 0.0]).unwrap();
        let mut attrs = Attrs::new();
        attrs.insert("units".into(), "degrees_north".into());
        let var = Variable::new(&["latitude"], ChunkedArray::from_array(v, &[2]).unwrap()).unwrap().with_attrs(attrs);
        DataArray::new("latitude", var)
            .with_coord("latitude", Variable::from_vec("latitude", vec![90.0_f32, 60.0, 30.0, 0.0]))
            .unwrap()
    }

    #[test]
    fn cos_of_latitude_in_radians_keeps_dtype_coords_name_and_attrs() {
        let w = lat_f32().deg2rad().cos();
        assert_eq!(w.dtype(), DType::F32);
        assert_eq!(w.name(), Some("latitude"));
        assert_eq!(w.attrs()["units"], "degrees_north");
        assert_eq!(w.coord("latitude").unwrap().to_vec_f64().unwrap(), vec![90.0, 60.0, 30.0, 0.0]);
        let v = w.to_vec_f64().unwrap();
        // cos 90° = 0, cos 60° = 1/2, cos 30° = √3/2, cos 0° = 1, within f32 rounding.
        for (got, want) in v.iter().zip([0.0, 0.5, 3f64.sqrt() / 2.0, 1.0]) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        // NumPy's float32 deg2rad multiplies by the factor rounded to f32.
        let r = lat_f32().deg2rad().to_vec_f64().unwrap();
        assert_eq!(r[1], f64::from(60.0_f32 * (std::f64::consts::PI / 180.0) as f32));
    }

    #[test]
    fn round_trips_and_identities() {
        let x = DataArray::new("x", Variable::from_vec("i", vec![0.5_f64, 1.0, 2.0, 10.0]));
        let back = x.deg2rad().rad2deg().to_vec_f64().unwrap();
        let logexp = x.log().exp().to_vec_f64().unwrap();
        for ((a, b), c) in back.iter().zip(&logexp).zip([0.5, 1.0, 2.0, 10.0]) {
            assert!((a - c).abs() < 1e-14 && (b - c).abs() < 1e-14);
        }
        assert_eq!(x.log10().to_vec_f64().unwrap()[3], 1.0);
        assert_eq!(x.square().to_vec_f64().unwrap(), vec![0.25, 1.0, 4.0, 100.0]);
        assert_eq!((-&x).to_vec_f64().unwrap(), vec![-0.5, -1.0, -2.0, -10.0]);
        // sin² + cos² = 1; tan = sin / cos; arctan(tan x) = x on (−π/2, π/2).
        let s = x.sin().to_vec_f64().unwrap();
        let c = x.cos().to_vec_f64().unwrap();
        let t = x.tan().to_vec_f64().unwrap();
        for k in 0..4 {
            assert!((s[k] * s[k] + c[k] * c[k] - 1.0).abs() < 1e-15);
            assert!((t[k] - s[k] / c[k]).abs() < 1e-12 * t[k].abs().max(1.0));
        }
        assert!((x.tan().arctan().to_vec_f64().unwrap()[1] - 1.0).abs() < 1e-15);
        // log of a non-positive value: −∞ for 0, NaN below, as NumPy.
        let z = DataArray::new("z", Variable::from_vec("i", vec![0.0_f64, -1.0])).log().to_vec_f64().unwrap();
        assert!(z[0] == f64::NEG_INFINITY && z[1].is_nan());
    }

    #[test]
    fn comparisons_give_lazy_booleans_with_nan_as_numpy() {
        let x = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 2.0, f64::NAN, 3.0]));
        let b = |d: DataArray| {
            assert_eq!(d.dtype(), DType::Bool);
            d.to_vec_f64().unwrap()
        };
        assert_eq!(b(x.equal(2.0)), vec![0.0, 1.0, 0.0, 0.0]);
        assert_eq!(b(x.not_equal(2.0)), vec![1.0, 0.0, 1.0, 1.0]);
        assert_eq!(b(x.less(2.0)), vec![1.0, 0.0, 0.0, 0.0]);
        assert_eq!(b(x.less_equal(2.0)), vec![1.0, 1.0, 0.0, 0.0]);
        assert_eq!(b(x.greater(2.0)), vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(b(x.greater_equal(2.0)), vec![0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn integers_give_f64_and_the_data_stays_lazy() {
        let d = DataArray::new("d", Variable::from_vec("i", vec![180_i32, -90]));
        let r = d.deg2rad();
        assert_eq!(r.dtype(), DType::F64);
        assert_eq!(r.to_vec_f64().unwrap(), vec![std::f64::consts::PI, -std::f64::consts::FRAC_PI_2]);
        assert_eq!(lat_f32().cos().data().num_chunks(), 2);
    }
}
