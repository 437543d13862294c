//! Arithmetic operators on `&DataArray`, as xarray writes them: `&a - &b` aligns by label and
//! broadcasts by dimension name ([`DataArray::binary`]), so it returns a `Result`; an operation
//! with a number cannot fail and returns the `DataArray` itself.
//!
//! ```
//! use cumulus_labeled::{DataArray, Variable};
//! let t = DataArray::new("t", Variable::from_vec("time", vec![1.0_f64, 2.0, 6.0]));
//! let mean = t.mean("time")?;
//! let anomaly = (&t - &mean)?;            // broadcast: (time) - ()
//! let scaled = &anomaly * 2.0;
//! assert_eq!(scaled.to_vec_f64()?, vec![-4.0, -2.0, 6.0]);
//! # Ok::<(), cumulus_labeled::LabeledError>(())
//! ```

use std::ops::{Add, Div, Mul, Sub};

use cumulus_chunked::BinaryOp;

use crate::dataarray::DataArray;
use crate::error::Result;

macro_rules! operator {
    ($trait:ident, $method:ident, $op:expr) => {
        impl $trait<&DataArray> for &DataArray {
            type Output = Result<DataArray>;
            fn $method(self, rhs: &DataArray) -> Result<DataArray> {
                self.binary($op, rhs)
            }
        }
        impl $trait<f64> for &DataArray {
            type Output = DataArray;
            fn $method(self, rhs: f64) -> DataArray {
                self.scalar_op($op, rhs)
            }
        }
    };
}

operator!(Add, add, BinaryOp::Add);
operator!(Sub, sub, BinaryOp::Sub);
operator!(Mul, mul, BinaryOp::Mul);
operator!(Div, div, BinaryOp::Div);
