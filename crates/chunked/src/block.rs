//! [`Block`]: one in-memory chunk of any [`DType`], an `ndarray::ArrayD` behind an enum.
//!
//! Tasks pass blocks between each other; sources produce them; `compute()` stitches them into
//! the result. The [`with_block!`](crate::with_block) macro runs the same generic code on whichever
//! variant a block holds.

use ndarray::{ArrayD, ArrayViewD, IxDyn, SliceInfoElem};

use crate::dtype::{DType, Element};

/// One in-memory N-d chunk.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `bool` elements
    Bool(ArrayD<bool>),
    /// `i8` elements
    I8(ArrayD<i8>),
    /// `i16` elements
    I16(ArrayD<i16>),
    /// `i32` elements
    I32(ArrayD<i32>),
    /// `i64` elements
    I64(ArrayD<i64>),
    /// `u8` elements
    U8(ArrayD<u8>),
    /// `u16` elements
    U16(ArrayD<u16>),
    /// `u32` elements
    U32(ArrayD<u32>),
    /// `u64` elements
    U64(ArrayD<u64>),
    /// `f32` elements
    F32(ArrayD<f32>),
    /// `f64` elements
    F64(ArrayD<f64>),
}

/// Run `$body` with `$a` bound to the typed `ArrayD<T>` inside a [`Block`] (by reference or by
/// value, depending on how the block expression is given).
#[macro_export]
macro_rules! with_block {
    ($block:expr, $a:ident => $body:expr) => {
        match $block {
            $crate::Block::Bool($a) => $body,
            $crate::Block::I8($a) => $body,
            $crate::Block::I16($a) => $body,
            $crate::Block::I32($a) => $body,
            $crate::Block::I64($a) => $body,
            $crate::Block::U8($a) => $body,
            $crate::Block::U16($a) => $body,
            $crate::Block::U32($a) => $body,
            $crate::Block::U64($a) => $body,
            $crate::Block::F32($a) => $body,
            $crate::Block::F64($a) => $body,
        }
    };
}

/// Run `$body` with the type alias `$t` set to the Rust type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            $crate::DType::Bool => {
                type $t = bool;
                $body
            }
            $crate::DType::I8 => {
                type $t = i8;
                $body
            }
            $crate::DType::I16 => {
                type $t = i16;
                $body
            }
            $crate::DType::I32 => {
                type $t = i32;
                $body
            }
            $crate::DType::I64 => {
                type $t = i64;
                $body
            }
            $crate::DType::U8 => {
                type $t = u8;
                $body
            }
            $crate::DType::U16 => {
                type $t = u16;
                $body
            }
            $crate::DType::U32 => {
                type $t = u32;
                $body
            }
            $crate::DType::U64 => {
                type $t = u64;
                $body
            }
            $crate::DType::F32 => {
                type $t = f32;
                $body
            }
            $crate::DType::F64 => {
                type $t = f64;
                $body
            }
        }
    };
}

/// Conversion between a typed array and a [`Block`].
pub trait BlockElement: Element {
    /// Wrap a typed array.
    fn wrap(a: ArrayD<Self>) -> Block;
    /// Borrow the typed array if the block holds this type.
    fn unwrap_ref(b: &Block) -> Option<&ArrayD<Self>>;
    /// Borrow the typed array mutably if the block holds this type.
    fn unwrap_mut(b: &mut Block) -> Option<&mut ArrayD<Self>>;
    /// Take the typed array if the block holds this type.
    ///
    /// # Errors
    /// When the block holds another type, it is given back.
    fn unwrap(b: Block) -> Result<ArrayD<Self>, Block>;
}

macro_rules! impl_block_element {
    ($($t:ty => $v:ident),*) => {$(
        impl BlockElement for $t {
            fn wrap(a: ArrayD<Self>) -> Block { Block::$v(a) }
            fn unwrap_ref(b: &Block) -> Option<&ArrayD<Self>> {
                if let Block::$v(a) = b { Some(a) } else { None }
            }
            fn unwrap_mut(b: &mut Block) -> Option<&mut ArrayD<Self>> {
                if let Block::$v(a) = b { Some(a) } else { None }
            }
            fn unwrap(b: Block) -> Result<ArrayD<Self>, Block> {
                if let Block::$v(a) = b { Ok(a) } else { Err(b) }
            }
        }
        impl From<ArrayD<$t>> for Block {
            fn from(a: ArrayD<$t>) -> Block { Block::$v(a) }
        }
    )*};
}
impl_block_element!(bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16,
    u32 => U32, u64 => U64, f32 => F32, f64 => F64);

impl Block {
    /// A block of `shape` filled with zeros (`false`) of `dtype`. The memory comes zeroed from
    /// the allocator, so pages of a large block are only touched when written.
    pub fn zeros(dtype: DType, shape: &[usize]) -> Block {
        with_dtype!(dtype, T => T::wrap(ArrayD::from_elem(IxDyn(shape), T::default())))
    }

    /// A block of `shape` filled with `value` converted to `dtype`.
    pub fn full(dtype: DType, shape: &[usize], value: f64) -> Block {
        with_dtype!(dtype, T => T::wrap(ArrayD::from_elem(IxDyn(shape), T::from_f64(value))))
    }

    /// A block from a flat row-major vector (used by stores after decoding a chunk).
    ///
    /// # Errors
    /// Returns the expected and actual element counts when `data` does not fill `shape`.
    pub fn from_vec<T: BlockElement>(shape: &[usize], data: Vec<T>) -> Result<Block, (usize, usize)> {
        let expected: usize = shape.iter().product();
        let got = data.len();
        ArrayD::from_shape_vec(IxDyn(shape), data).map(T::wrap).map_err(|_| (expected, got))
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            Block::Bool(_) => DType::Bool,
            Block::I8(_) => DType::I8,
            Block::I16(_) => DType::I16,
            Block::I32(_) => DType::I32,
            Block::I64(_) => DType::I64,
            Block::U8(_) => DType::U8,
            Block::U16(_) => DType::U16,
            Block::U32(_) => DType::U32,
            Block::U64(_) => DType::U64,
            Block::F32(_) => DType::F32,
            Block::F64(_) => DType::F64,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        with_block!(self, a => a.shape())
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        with_block!(self, a => a.len())
    }

    /// True when the block has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the elements are contiguous in row-major order.
    pub fn is_standard_layout(&self) -> bool {
        with_block!(self, a => a.is_standard_layout())
    }

    /// The same values in row-major order (no copy when they already are).
    pub fn into_standard_layout(self) -> Block {
        if self.is_standard_layout() {
            return self;
        }
        with_block!(self, a => standard_copy(a.view()).into())
    }

    /// Bytes held by the elements.
    pub fn nbytes(&self) -> usize {
        self.len() * self.dtype().size()
    }

    /// Borrow as a typed array.
    pub fn as_array<T: BlockElement>(&self) -> Option<&ArrayD<T>> {
        T::unwrap_ref(self)
    }

    /// Take as a typed array.
    ///
    /// # Errors
    /// Gives the block back when it holds another type.
    pub fn into_array<T: BlockElement>(self) -> Result<ArrayD<T>, Block> {
        T::unwrap(self)
    }

    /// Convert every element to `dtype` (`astype`, with `as` semantics).
    pub fn cast(&self, dtype: DType) -> Block {
        if self.dtype() == dtype {
            return self.clone();
        }
        with_dtype!(dtype, T => with_block!(self, a => T::wrap(cast_array::<_, T>(a.view()))))
    }

    /// Borrow when the dtype already matches, convert otherwise.
    pub fn cast_cow(&self, dtype: DType) -> std::borrow::Cow<'_, Block> {
        if self.dtype() == dtype { std::borrow::Cow::Borrowed(self) } else { std::borrow::Cow::Owned(self.cast(dtype)) }
    }

    /// Convert by value, avoiding a copy when the type already matches.
    pub fn into_dtype(self, dtype: DType) -> Block {
        if self.dtype() == dtype { self } else { self.cast(dtype) }
    }

    /// The sub-block `ranges` (one per axis, each `start..end` with a step), copied.
    pub fn slice(&self, ranges: &[(usize, usize, isize)]) -> Block {
        let info: Vec<SliceInfoElem> = ranges
            .iter()
            .map(|&(s, e, step)| SliceInfoElem::Slice { start: s as isize, end: Some(e as isize), step })
            .collect();
        with_block!(self, a => standard_copy(a.slice(info.as_slice())).into())
    }

    /// The sub-block `ranges` without copying: the block keeps its buffer and gets new strides
    /// (the result may not be in standard layout; every kernel accepts that).
    pub fn slice_move(self, ranges: &[(usize, usize, isize)]) -> Block {
        let info: Vec<SliceInfoElem> = ranges
            .iter()
            .map(|&(s, e, step)| SliceInfoElem::Slice { start: s as isize, end: Some(e as isize), step })
            .collect();
        with_block!(self, a => a.slice_move(info.as_slice()).into())
    }

    /// Pick `indices` along `axis` (NumPy `take`).
    pub fn select(&self, axis: usize, indices: &[usize]) -> Block {
        with_block!(self, a => a.select(ndarray::Axis(axis), indices).into())
    }

    /// Permute the axes.
    pub fn permuted(&self, perm: &[usize]) -> Block {
        with_block!(self, a => standard_copy(a.view().permuted_axes(IxDyn(perm))).into())
    }

    /// Reshape (the element count must match; used by expand/squeeze).
    ///
    /// # Panics
    /// Never for the shapes the engine passes (same element count); otherwise this is a bug.
    pub fn reshaped(self, shape: &[usize]) -> Block {
        with_block!(self, a => {
            let a = if a.is_standard_layout() { a } else { standard_copy(a.view()) };
            a.into_shape_with_order(IxDyn(shape)).expect("reshape keeps the element count").into()
        })
    }

    /// Broadcast to `shape` (size-1 axes repeat), copied.
    pub fn broadcast_to(&self, shape: &[usize]) -> Option<Block> {
        with_block!(self, a => a.broadcast(IxDyn(shape)).map(|v| v.to_owned().into()))
    }
}

/// The elements of an array in row-major order. A contiguous array is copied as one slice:
/// ndarray's element iterator over dynamic dimensions is several times slower (1.9 M `f32`:
/// 8–13 ms against 1.1–1.5 ms).
///
/// ```
/// use ndarray::{ArrayD, IxDyn};
/// let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1, 2, 3, 4]).unwrap();
/// assert_eq!(cumulus_chunked::block::row_major_vec(a.view()), vec![1, 2, 3, 4]);
/// assert_eq!(cumulus_chunked::block::row_major_vec(a.t()), vec![1, 3, 2, 4]);
/// ```
pub fn row_major_vec<T: Clone>(a: ArrayViewD<'_, T>) -> Vec<T> {
    match a.as_slice() {
        Some(s) => s.to_vec(),
        None => a.iter().cloned().collect(),
    }
}

/// A row-major copy of `v`. ndarray's `as_standard_layout` walks a dynamic-dimension view
/// element by element; assigning into a fresh array copies whole inner rows at a time (2.6×
/// faster for a latitude band cut out of a (time, latitude, longitude) block).
pub(crate) fn standard_copy<T: Clone>(v: ArrayViewD<'_, T>) -> ArrayD<T> {
    match v.iter().next() {
        Some(first) if !v.is_standard_layout() => {
            let mut out = ArrayD::from_elem(v.raw_dim(), first.clone());
            out.assign(&v);
            out
        }
        _ => v.to_owned(),
    }
}

/// Convert a typed view element by element.
pub(crate) fn cast_array<S: Element, T: Element>(a: ArrayViewD<'_, S>) -> ArrayD<T> {
    if S::DTYPE.is_float() || T::DTYPE.is_float() || T::DTYPE == DType::Bool {
        if T::DTYPE == DType::Bool {
            a.mapv(|v| T::from_f64(if v.to_f64() != 0.0 { 1.0 } else { 0.0 }))
        } else {
            a.mapv(|v| T::from_f64(v.to_f64()))
        }
    } else {
        a.mapv(|v| T::from_i64(v.to_i64()))
    }
}

/// Concatenate blocks along `axis` (all of the same dtype).
pub(crate) fn concat_blocks(axis: usize, parts: &[Block]) -> Block {
    let dtype = parts[0].dtype();
    with_dtype!(dtype, T => {
        let views: Vec<_> = parts.iter().map(|p| T::unwrap_ref(p).expect("parts share a dtype").view()).collect();
        T::wrap(ndarray::concatenate(ndarray::Axis(axis), &views).expect("parts have matching shapes"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_copy_keeps_values_in_row_major_order() {
        let a = ArrayD::from_shape_fn(IxDyn(&[3, 4, 5]), |d| (d[0] * 100 + d[1] * 10 + d[2]) as i32);
        let cut = |r: [(isize, isize, isize); 3]| {
            let info: Vec<SliceInfoElem> =
                r.iter().map(|&(start, end, step)| SliceInfoElem::Slice { start, end: Some(end), step }).collect();
            a.slice(info.as_slice())
        };
        // A band (not contiguous), a transposition, a reversed step and an empty slice.
        let band = cut([(0, 3, 1), (1, 3, 1), (0, 5, 1)]);
        let perm = a.view().permuted_axes(IxDyn(&[2, 0, 1]));
        let rev = cut([(0, 3, -1), (0, 4, 1), (1, 4, 1)]);
        let empty = cut([(0, 3, 1), (2, 2, 1), (0, 5, 1)]);
        for v in [band, perm, rev, empty] {
            let c = standard_copy(v.view());
            assert!(c.is_standard_layout());
            assert_eq!(c.shape(), v.shape());
            assert_eq!(c.iter().copied().collect::<Vec<_>>(), v.iter().copied().collect::<Vec<_>>());
        }
    }

    #[test]
    fn cast_follows_as_semantics() {
        let b = Block::from_vec(&[3], vec![1.7f32, -2.5, f32::NAN]).unwrap();
        let i = b.cast(DType::I32);
        assert_eq!(i.as_array::<i32>().unwrap().as_slice().unwrap(), &[1, -2, 0]);
        let t = b.cast(DType::Bool);
        assert_eq!(t.as_array::<bool>().unwrap().as_slice().unwrap(), &[true, true, true]);
    }

    #[test]
    fn slice_with_negative_step() {
        let b = Block::from_vec(&[5], vec![0i64, 1, 2, 3, 4]).unwrap();
        let s = b.slice(&[(1, 4, -1)]);
        assert_eq!(s.as_array::<i64>().unwrap().as_slice().unwrap(), &[3, 2, 1]);
    }
}
