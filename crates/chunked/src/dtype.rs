//! Element types: the [`DType`] tag carried by every lazy array and the [`Element`] trait that
//! ties a Rust type to its tag.
//!
//! Promotion follows NumPy 2 for the cases the workshop meets: two arrays promote to the
//! smallest type that holds both (`f32 + f64 → f64`, `i32 + f32 → f64`, `u8 + i8 → i16`), and a
//! Rust scalar is "weak" (NEP 50): `f32_array * 2.0` stays `f32`.

use std::fmt;

/// The element type of an array.
///
/// Datetimes are stored as [`DType::I64`]; their meaning (unit and epoch) is added by
/// `cumulus-labeled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// `bool`
    Bool,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl DType {
    /// Every dtype, in promotion-friendly order.
    pub const ALL: [DType; 11] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
    ];

    /// Size of one element in bytes.
    ///
    /// ```
    /// use cumulus_chunked::DType;
    /// assert_eq!(DType::F32.size(), 4);
    /// assert_eq!(DType::Bool.size(), 1);
    /// ```
    pub const fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 => 8,
        }
    }

    /// The NumPy name of the dtype (`"float32"`, `"int64"`, `"bool"`, …).
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// True for `f32` and `f64`.
    pub const fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// True for the signed and unsigned integers.
    pub const fn is_integer(self) -> bool {
        !self.is_float() && !matches!(self, DType::Bool)
    }

    const fn is_signed(self) -> bool {
        matches!(self, DType::I8 | DType::I16 | DType::I32 | DType::I64)
    }

    /// The float type math functions (`sqrt`, `exp`, a mean) return for this dtype: `f32` stays
    /// `f32`, everything else becomes `f64`, as in NumPy.
    pub const fn float_result(self) -> DType {
        match self {
            DType::F32 => DType::F32,
            DType::Bool | DType::I8 | DType::U8 | DType::I16 | DType::U16 => DType::F32,
            _ => DType::F64,
        }
    }

    /// The dtype two arrays promote to (NumPy's `result_type` for two arrays).
    ///
    /// ```
    /// use cumulus_chunked::DType;
    /// assert_eq!(DType::F32.promote(DType::F64), DType::F64);
    /// assert_eq!(DType::I32.promote(DType::F32), DType::F64);
    /// assert_eq!(DType::U8.promote(DType::I8), DType::I16);
    /// assert_eq!(DType::Bool.promote(DType::I32), DType::I32);
    /// ```
    pub fn promote(self, other: DType) -> DType {
        use DType::*;
        if self == other {
            return self;
        }
        match (self, other) {
            (Bool, x) | (x, Bool) => x,
            (F64, _) | (_, F64) => F64,
            (F32, x) | (x, F32) => {
                if x.size() <= 2 {
                    F32
                } else {
                    F64
                }
            }
            (a, b) if a.is_signed() == b.is_signed() => {
                if a.size() >= b.size() {
                    a
                } else {
                    b
                }
            }
            (a, b) => {
                let (s, u) = if a.is_signed() { (a, b) } else { (b, a) };
                if s.size() > u.size() {
                    s
                } else {
                    match u.size() {
                        1 => I16,
                        2 => I32,
                        4 => I64,
                        _ => F64,
                    }
                }
            }
        }
    }

    /// The dtype an array of this type becomes when combined with a Rust scalar of kind
    /// `scalar` (NEP 50 "weak" scalars): the array's dtype wins unless the scalar is a float and
    /// the array is not.
    pub fn promote_weak(self, scalar: ScalarKind) -> DType {
        match scalar {
            ScalarKind::Float if !self.is_float() => DType::F64,
            ScalarKind::Int if self == DType::Bool => DType::I64,
            _ => self,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of Rust scalar an operand is, for weak promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// `true`/`false`
    Bool,
    /// an integer literal
    Int,
    /// a float literal
    Float,
}

/// A Rust type that can be an array element.
///
/// Implemented for `bool`, `i8`–`i64`, `u8`–`u64`, `f32` and `f64`. The conversions go through
/// `f64`/`i64` with `as` semantics (saturating float → int, NaN → 0), which is what `astype`
/// does in NumPy for in-range values.
pub trait Element: Copy + Send + Sync + PartialOrd + fmt::Debug + Default + 'static {
    /// The tag of this type.
    const DTYPE: DType;
    /// Convert to `f64`.
    fn to_f64(self) -> f64;
    /// Convert from `f64` (`as` semantics).
    fn from_f64(v: f64) -> Self;
    /// Convert to `i64` (`as` semantics).
    fn to_i64(self) -> i64;
    /// Convert from `i64` (`as` semantics).
    fn from_i64(v: i64) -> Self;
    /// True when the value is a float NaN (always false for integers and bools).
    fn is_nan(self) -> bool;
}

macro_rules! impl_int {
    ($($t:ty => $d:ident),*) => {$(
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            #[inline] fn to_f64(self) -> f64 { self as f64 }
            #[inline] fn from_f64(v: f64) -> Self { v as $t }
            #[inline] fn to_i64(self) -> i64 { self as i64 }
            #[inline] fn from_i64(v: i64) -> Self { v as $t }
            #[inline] fn is_nan(self) -> bool { false }
        }
    )*};
}
impl_int!(i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16, u32 => U32, u64 => U64);

impl Element for f32 {
    const DTYPE: DType = DType::F32;
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline]
    fn from_i64(v: i64) -> Self {
        v as f32
    }
    #[inline]
    fn is_nan(self) -> bool {
        self.is_nan()
    }
}

impl Element for f64 {
    const DTYPE: DType = DType::F64;
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline]
    fn from_i64(v: i64) -> Self {
        v as f64
    }
    #[inline]
    fn is_nan(self) -> bool {
        self.is_nan()
    }
}

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    #[inline]
    fn to_f64(self) -> f64 {
        if self { 1.0 } else { 0.0 }
    }
    #[inline]
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    #[inline]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline]
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    #[inline]
    fn is_nan(self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_is_symmetric_and_matches_numpy_table() {
        for a in DType::ALL {
            for b in DType::ALL {
                assert_eq!(a.promote(b), b.promote(a), "{a} {b}");
            }
        }
        // Spot checks from numpy.result_type.
        assert_eq!(DType::U16.promote(DType::I16), DType::I32);
        assert_eq!(DType::U32.promote(DType::I64), DType::I64);
        assert_eq!(DType::U64.promote(DType::I64), DType::F64);
        assert_eq!(DType::I16.promote(DType::F32), DType::F32);
        assert_eq!(DType::I8.promote(DType::I32), DType::I32);
    }

    #[test]
    fn weak_scalars_keep_the_array_type() {
        assert_eq!(DType::F32.promote_weak(ScalarKind::Float), DType::F32);
        assert_eq!(DType::I32.promote_weak(ScalarKind::Float), DType::F64);
        assert_eq!(DType::U8.promote_weak(ScalarKind::Int), DType::U8);
    }
}
