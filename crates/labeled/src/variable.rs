//! [`Variable`]: named dimensions over lazy data, with attributes and encoding; and the
//! selectors used by `isel` and `sel`.

use std::ops::{Range, RangeInclusive};
use std::sync::Arc;

use cumulus_chunked::block::row_major_vec;
use cumulus_chunked::plan::node::AxisIndex;
use cumulus_chunked::{Block, ChunkedArray, Chunks, DType};

use crate::error::{LabeledError, Result};
use crate::index::{Index, IndexValues, Label};

/// Attributes (and encodings): JSON values by name, as stored in Zarr.
pub type Attrs = serde_json::Map<String, serde_json::Value>;

/// Dimension names over a lazy chunked array.
#[derive(Clone, Debug)]
pub struct Variable {
    dims: Vec<String>,
    data: ChunkedArray,
    attrs: Attrs,
    encoding: Attrs,
    datetime: bool,
}

impl Variable {
    /// A variable; `dims` must name every axis of `data`, each once.
    ///
    /// # Errors
    /// [`LabeledError::Mismatch`] when the names do not fit the data.
    pub fn new(dims: &[&str], data: ChunkedArray) -> Result<Variable> {
        Self::from_parts(dims.iter().map(|d| d.to_string()).collect(), data, Attrs::new())
    }

    /// A variable from owned parts.
    ///
    /// # Errors
    /// [`LabeledError::Mismatch`] when the names do not fit the data.
    pub fn from_parts(dims: Vec<String>, data: ChunkedArray, attrs: Attrs) -> Result<Variable> {
        if dims.len() != data.ndim() {
            return Err(LabeledError::Mismatch {
                op: "Variable".into(),
                reason: format!("{} dimension names {dims:?} for data of shape {:?}", dims.len(), data.shape()),
            });
        }
        for (i, d) in dims.iter().enumerate() {
            if dims[..i].contains(d) {
                return Err(LabeledError::Mismatch {
                    op: "Variable".into(),
                    reason: format!("dimension {d:?} appears twice"),
                });
            }
        }
        Ok(Variable { dims, data, attrs, encoding: Attrs::new(), datetime: false })
    }

    /// An in-memory 1-d variable (a coordinate).
    ///
    /// # Panics
    /// Never: a vector always fits its own 1-d shape.
    pub fn from_vec<T: cumulus_chunked::BlockElement>(dim: &str, values: Vec<T>) -> Variable {
        let n = values.len();
        let a = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[n]), values).expect("1-d shape fits");
        let data = ChunkedArray::from_array(a, &[n.max(1)]).expect("one chunk");
        Variable { dims: vec![dim.to_string()], data, attrs: Attrs::new(), encoding: Attrs::new(), datetime: false }
    }

    /// A 1-d datetime variable (ns since 1970).
    pub fn from_times(dim: &str, ns: Vec<i64>) -> Variable {
        let mut v = Self::from_vec(dim, ns);
        v.datetime = true;
        v
    }

    /// Mark the (int64) values as datetimes in ns since 1970.
    pub fn with_datetime(mut self, yes: bool) -> Variable {
        self.datetime = yes;
        self
    }

    /// Replace the attributes.
    pub fn with_attrs(mut self, attrs: Attrs) -> Variable {
        self.attrs = attrs;
        self
    }

    /// Replace the encoding (how the variable was or will be stored).
    pub fn with_encoding(mut self, encoding: Attrs) -> Variable {
        self.encoding = encoding;
        self
    }

    /// Dimension names.
    pub fn dims(&self) -> &[String] {
        &self.dims
    }
    /// The lazy data.
    pub fn data(&self) -> &ChunkedArray {
        &self.data
    }
    /// Attributes.
    pub fn attrs(&self) -> &Attrs {
        &self.attrs
    }
    /// Encoding.
    pub fn encoding(&self) -> &Attrs {
        &self.encoding
    }
    /// True when the values are datetimes.
    pub fn is_datetime(&self) -> bool {
        self.datetime
    }
    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.data.shape()
    }
    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// The chunks.
    pub fn chunks(&self) -> &Chunks {
        self.data.chunks()
    }

    /// The axis of `dim`.
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] listing the dimensions.
    pub fn axis(&self, dim: &str) -> Result<usize> {
        self.dims
            .iter()
            .position(|d| d == dim)
            .ok_or_else(|| LabeledError::NoDim { dim: dim.to_string(), available: self.dims.clone() })
    }

    /// The same metadata over new data and dims.
    pub(crate) fn replace(&self, dims: Vec<String>, data: ChunkedArray) -> Variable {
        Variable { dims, data, attrs: self.attrs.clone(), encoding: self.encoding.clone(), datetime: self.datetime }
    }

    /// Build the index of a 1-d coordinate variable (computes its values: coordinates are
    /// small).
    ///
    /// # Errors
    /// When computing the values fails, or the variable is not 1-d.
    pub fn to_index(&self, dim: &str) -> Result<Index> {
        if self.dims.len() != 1 {
            return Err(LabeledError::Mismatch {
                op: "index".into(),
                reason: format!("coordinate {dim:?} has dimensions {:?}; an index needs one", self.dims),
            });
        }
        let b = self.data.compute()?;
        let values = if self.datetime {
            IndexValues::Time(block_i64(&b).into())
        } else if b.dtype().is_float() {
            IndexValues::Float(block_f64(&b).into())
        } else {
            IndexValues::Int(block_i64(&b).into())
        };
        Ok(Index::new(dim, values))
    }
}

/// A block's values as `f64`.
pub fn block_f64(b: &Block) -> Vec<f64> {
    b.cast_cow(DType::F64).as_array::<f64>().map(|a| row_major_vec(a.view())).unwrap_or_default()
}

/// A block's values as `i64`.
pub fn block_i64(b: &Block) -> Vec<i64> {
    b.cast_cow(DType::I64).as_array::<i64>().map(|a| row_major_vec(a.view())).unwrap_or_default()
}

/// How `isel` picks along one dimension (positions).
#[derive(Debug, Clone, PartialEq)]
pub enum Isel {
    /// One position (negative counts from the end); the dimension is dropped.
    At(isize),
    /// Python slice `start:stop:step`.
    Slice(Option<isize>, Option<isize>, isize),
    /// These positions; the dimension is kept.
    List(Vec<usize>),
}

impl From<isize> for Isel {
    fn from(i: isize) -> Isel {
        Isel::At(i)
    }
}
impl From<i32> for Isel {
    fn from(i: i32) -> Isel {
        Isel::At(i as isize)
    }
}
impl From<usize> for Isel {
    fn from(i: usize) -> Isel {
        Isel::At(i as isize)
    }
}
impl From<Range<usize>> for Isel {
    fn from(r: Range<usize>) -> Isel {
        Isel::Slice(Some(r.start as isize), Some(r.end as isize), 1)
    }
}
impl From<Vec<usize>> for Isel {
    fn from(v: Vec<usize>) -> Isel {
        Isel::List(v)
    }
}

/// How `sel` picks along one dimension (labels).
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// One label (a partial date string may select a range on a time index).
    Label(Label),
    /// Labels from `start` to `stop`, both included, in the index's order.
    Slice(Option<Label>, Option<Label>),
    /// The nearest label, optionally within a tolerance.
    Nearest(Label, Option<f64>),
    /// Several labels, in this order.
    List(Vec<Label>),
    /// Positions where the mask is true (from `time.dt.month == 6`, `isin`, …).
    Mask(Vec<bool>),
}

/// The nearest label to `x` (xarray's `method="nearest"`).
pub fn nearest(x: impl Into<Label>) -> Selector {
    Selector::Nearest(x.into(), None)
}

/// The nearest label to `x` within `tolerance`.
pub fn nearest_within(x: impl Into<Label>, tolerance: f64) -> Selector {
    Selector::Nearest(x.into(), Some(tolerance))
}

/// A label slice with both ends included (`slice(start, stop)` in xarray).
pub fn slice(start: impl Into<Label>, stop: impl Into<Label>) -> Selector {
    Selector::Slice(Some(start.into()), Some(stop.into()))
}

macro_rules! selector_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Selector { fn from(x: $t) -> Selector { Selector::Label(x.into()) } }
        impl From<RangeInclusive<$t>> for Selector {
            fn from(r: RangeInclusive<$t>) -> Selector {
                let (a, b) = r.into_inner();
                Selector::Slice(Some(a.into()), Some(b.into()))
            }
        }
        impl From<Vec<$t>> for Selector {
            fn from(v: Vec<$t>) -> Selector { Selector::List(v.into_iter().map(Into::into).collect()) }
        }
    )*};
}
selector_from!(f64, f32, i64, i32, &str, String);

impl From<Label> for Selector {
    fn from(l: Label) -> Selector {
        Selector::Label(l)
    }
}

/// An `AxisIndex` for positions.
pub(crate) fn axis_index(pos: &[usize]) -> AxisIndex {
    if let (Some(&first), true) = (pos.first(), pos.windows(2).all(|w| w[1] == w[0] + 1)) {
        AxisIndex::Slice { start: first, step: 1, len: pos.len() }
    } else {
        AxisIndex::Take(Arc::from(pos))
    }
}
