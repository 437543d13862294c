//! Elementwise kernels: unary math, binary arithmetic and comparisons, `where`, `clip`.
//!
//! Every kernel takes and returns [`Block`]s; the dtype rules (what `i32 / i32` or `sqrt(i16)`
//! gives) live in [`UnaryOp::out_dtype`] and [`BinaryOp::out_dtype`] so that the lazy layer
//! knows result types without computing anything.

use std::fmt;

use ndarray::{ArrayD, IxDyn, Zip};

use crate::block::{Block, BlockElement};
use crate::dtype::{DType, Element, ScalarKind};
use crate::with_dtype;

/// Arithmetic that every element type supports natively (integers wrap, as in NumPy).
pub trait Num: BlockElement {
    /// `a + b`
    fn add(a: Self, b: Self) -> Self;
    /// `a - b`
    fn sub(a: Self, b: Self) -> Self;
    /// `a * b`
    fn mul(a: Self, b: Self) -> Self;
    /// `a / b` (integer division by zero gives 0, as NumPy does with a warning)
    fn div(a: Self, b: Self) -> Self;
    /// `a ** b`
    fn pow(a: Self, b: Self) -> Self;
    /// `-a`
    fn neg(a: Self) -> Self;
    /// `|a|`
    fn abs(a: Self) -> Self;
    /// `a % b` (Python's modulo: the sign of `b`)
    fn rem(a: Self, b: Self) -> Self;
}

macro_rules! impl_num_int {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline] fn add(a: Self, b: Self) -> Self { a.wrapping_add(b) }
            #[inline] fn sub(a: Self, b: Self) -> Self { a.wrapping_sub(b) }
            #[inline] fn mul(a: Self, b: Self) -> Self { a.wrapping_mul(b) }
            #[inline] fn div(a: Self, b: Self) -> Self { if b == 0 { 0 } else { a.wrapping_div(b) } }
            #[inline] fn pow(a: Self, b: Self) -> Self { a.wrapping_pow(b.to_i64().clamp(0, u32::MAX as i64) as u32) }
            #[inline] fn neg(a: Self) -> Self { (0 as $t).wrapping_sub(a) }
            #[inline] fn abs(a: Self) -> Self { if a.to_i64() < 0 { (0 as $t).wrapping_sub(a) } else { a } }
            #[inline] fn rem(a: Self, b: Self) -> Self {
                if b == 0 { return 0; }
                let r = a.wrapping_rem(b);
                if r != 0 && ((r.to_i64() < 0) != (b.to_i64() < 0)) { r.wrapping_add(b) } else { r }
            }
        }
    )*};
}
impl_num_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! impl_num_float {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline] fn add(a: Self, b: Self) -> Self { a + b }
            #[inline] fn sub(a: Self, b: Self) -> Self { a - b }
            #[inline] fn mul(a: Self, b: Self) -> Self { a * b }
            #[inline] fn div(a: Self, b: Self) -> Self { a / b }
            #[inline] fn pow(a: Self, b: Self) -> Self { a.powf(b) }
            #[inline] fn neg(a: Self) -> Self { -a }
            #[inline] fn abs(a: Self) -> Self { a.abs() }
            #[inline] fn rem(a: Self, b: Self) -> Self {
                let r = a % b;
                if r != 0.0 && ((r < 0.0) != (b < 0.0)) { r + b } else { r }
            }
        }
    )*};
}
impl_num_float!(f32, f64);

impl Num for bool {
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn div(a: Self, _b: Self) -> Self {
        a
    }
    fn pow(a: Self, b: Self) -> Self {
        a | !b
    }
    fn neg(a: Self) -> Self {
        a
    }
    fn abs(a: Self) -> Self {
        a
    }
    fn rem(_a: Self, _b: Self) -> Self {
        false
    }
}

/// Elementwise functions of one array.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `|x|`
    Abs,
    /// `√x`
    Sqrt,
    /// `eˣ`
    Exp,
    /// natural logarithm
    Log,
    /// base-10 logarithm
    Log10,
    /// sine (radians)
    Sin,
    /// cosine (radians)
    Cos,
    /// tangent (radians)
    Tan,
    /// arctangent (radians)
    Arctan,
    /// round down
    Floor,
    /// round up
    Ceil,
    /// `x²`
    Square,
    /// NaN test, gives `bool`
    IsNan,
    /// finiteness test, gives `bool`
    IsFinite,
    /// logical not, gives `bool`
    Not,
    /// clamp into `[lo, hi]` (NaN stays NaN)
    Clip(f64, f64),
    /// convert to another dtype
    Cast(DType),
}

impl UnaryOp {
    /// The dtype the operation gives for an input of `dtype`.
    pub fn out_dtype(self, dtype: DType) -> DType {
        match self {
            UnaryOp::Neg | UnaryOp::Abs | UnaryOp::Square | UnaryOp::Clip(..) => dtype,
            UnaryOp::Floor | UnaryOp::Ceil => {
                if dtype.is_float() {
                    dtype
                } else {
                    dtype.float_result()
                }
            }
            UnaryOp::IsNan | UnaryOp::IsFinite | UnaryOp::Not => DType::Bool,
            UnaryOp::Cast(d) => d,
            _ => dtype.float_result(),
        }
    }

    /// The short name used in plans and task names.
    pub fn name(self) -> String {
        match self {
            UnaryOp::Clip(lo, hi) => format!("clip({lo}, {hi})"),
            UnaryOp::Cast(d) => format!("astype({d})"),
            other => format!("{other:?}").to_lowercase(),
        }
    }

    /// Apply to a block.
    ///
    /// # Panics
    /// Never: the casts it relies on cannot fail.
    pub fn apply(self, x: &Block) -> Block {
        let out = self.out_dtype(x.dtype());
        match self {
            UnaryOp::Cast(d) => x.cast(d),
            UnaryOp::IsNan => match x {
                Block::F32(a) => a.mapv(f32::is_nan).into(),
                Block::F64(a) => a.mapv(f64::is_nan).into(),
                other => ArrayD::from_elem(IxDyn(other.shape()), false).into(),
            },
            UnaryOp::IsFinite => match x {
                Block::F32(a) => a.mapv(f32::is_finite).into(),
                Block::F64(a) => a.mapv(f64::is_finite).into(),
                other => ArrayD::from_elem(IxDyn(other.shape()), true).into(),
            },
            UnaryOp::Not => match x.cast(DType::Bool) {
                Block::Bool(a) => a.mapv(|v| !v).into(),
                _ => unreachable!("cast to bool gives bool"),
            },
            UnaryOp::Neg | UnaryOp::Abs | UnaryOp::Square => {
                with_dtype!(out, T => {
                    let a = T::unwrap_ref(x).expect("dtype is preserved");
                    let r: ArrayD<T> = match self {
                        UnaryOp::Neg => a.mapv(T::neg),
                        UnaryOp::Abs => a.mapv(T::abs),
                        _ => a.mapv(|v| T::mul(v, v)),
                    };
                    r.into()
                })
            }
            UnaryOp::Clip(lo, hi) => {
                with_dtype!(out, T => {
                    let a = T::unwrap_ref(x).expect("dtype is preserved");
                    let (lo, hi) = (T::from_f64(lo), T::from_f64(hi));
                    let r: ArrayD<T> = a.mapv(|v| clamp(v, lo, hi));
                    r.into()
                })
            }
            _ => match x.cast(out) {
                Block::F32(a) => a.mapv(|v| float_fn(self, v as f64) as f32).into(),
                Block::F64(a) => a.mapv(|v| float_fn(self, v)).into(),
                _ => unreachable!("math functions give floats"),
            },
        }
    }
}

/// `v` clamped into `[lo, hi]`; NaN stays NaN.
#[inline]
fn clamp<T: PartialOrd>(v: T, lo: T, hi: T) -> T {
    if v.partial_cmp(&lo) == Some(std::cmp::Ordering::Less) {
        lo
    } else if v.partial_cmp(&hi) == Some(std::cmp::Ordering::Greater) {
        hi
    } else {
        v
    }
}

macro_rules! float_inplace {
    ($op:expr, $a:expr, $t:ty) => {
        match $op {
            UnaryOp::Sqrt => $a.mapv_inplace(<$t>::sqrt),
            UnaryOp::Exp => $a.mapv_inplace(<$t>::exp),
            UnaryOp::Log => $a.mapv_inplace(<$t>::ln),
            UnaryOp::Log10 => $a.mapv_inplace(<$t>::log10),
            UnaryOp::Sin => $a.mapv_inplace(<$t>::sin),
            UnaryOp::Cos => $a.mapv_inplace(<$t>::cos),
            UnaryOp::Tan => $a.mapv_inplace(<$t>::tan),
            UnaryOp::Arctan => $a.mapv_inplace(<$t>::atan),
            UnaryOp::Floor => $a.mapv_inplace(<$t>::floor),
            UnaryOp::Ceil => $a.mapv_inplace(<$t>::ceil),
            UnaryOp::Neg => $a.mapv_inplace(|v| -v),
            UnaryOp::Abs => $a.mapv_inplace(<$t>::abs),
            UnaryOp::Square => $a.mapv_inplace(|v| v * v),
            _ => unreachable!("not an in-place float operation"),
        }
    };
}

impl UnaryOp {
    /// Like [`UnaryOp::apply`], reusing the input's memory when the dtype does not change.
    pub fn apply_owned(self, x: Block) -> Block {
        let same = self.out_dtype(x.dtype()) == x.dtype();
        let inplace = same
            && !matches!(
                self,
                UnaryOp::Cast(_) | UnaryOp::Clip(..) | UnaryOp::IsNan | UnaryOp::IsFinite | UnaryOp::Not
            );
        match x {
            Block::F32(mut a) if inplace => {
                float_inplace!(self, a, f32);
                Block::F32(a)
            }
            Block::F64(mut a) if inplace => {
                float_inplace!(self, a, f64);
                Block::F64(a)
            }
            other => self.apply(&other),
        }
    }
}

#[inline]
fn float_fn(op: UnaryOp, v: f64) -> f64 {
    match op {
        UnaryOp::Sqrt => v.sqrt(),
        UnaryOp::Exp => v.exp(),
        UnaryOp::Log => v.ln(),
        UnaryOp::Log10 => v.log10(),
        UnaryOp::Sin => v.sin(),
        UnaryOp::Cos => v.cos(),
        UnaryOp::Tan => v.tan(),
        UnaryOp::Arctan => v.atan(),
        UnaryOp::Floor => v.floor(),
        UnaryOp::Ceil => v.ceil(),
        _ => unreachable!("not a float function"),
    }
}

/// Elementwise functions of two arrays (or an array and a scalar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b` (true division: integers give floats)
    Div,
    /// `a ** b`
    Pow,
    /// `a % b`
    Rem,
    /// `max(a, b)` propagating NaN (NumPy `maximum`)
    Maximum,
    /// `min(a, b)` propagating NaN (NumPy `minimum`)
    Minimum,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// logical and
    And,
    /// logical or
    Or,
    /// logical exclusive or
    Xor,
}

impl BinaryOp {
    /// True for comparisons and logical operations (they give `bool`).
    pub fn gives_bool(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::And
                | BinaryOp::Or
                | BinaryOp::Xor
        )
    }

    /// The dtype both operands are converted to before the operation.
    pub fn compute_dtype(self, a: DType, b: DType) -> DType {
        match self {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => DType::Bool,
            BinaryOp::Div => a.promote(b).float_result_for_div(),
            _ => a.promote(b),
        }
    }

    /// The dtype of the result for operands of `a` and `b`.
    pub fn out_dtype(self, a: DType, b: DType) -> DType {
        if self.gives_bool() { DType::Bool } else { self.compute_dtype(a, b) }
    }

    /// The dtype used with a weak scalar of `kind` (NEP 50).
    pub fn compute_dtype_scalar(self, a: DType, kind: ScalarKind) -> DType {
        match self {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => DType::Bool,
            BinaryOp::Div => a.promote_weak(kind).float_result_for_div(),
            _ => a.promote_weak(kind),
        }
    }

    /// The symbol or name used in plans.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "**",
            BinaryOp::Rem => "%",
            BinaryOp::Maximum => "maximum",
            BinaryOp::Minimum => "minimum",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&",
            BinaryOp::Or => "|",
            BinaryOp::Xor => "^",
        }
    }

    /// A name usable in task names (`add`, `lt`, …).
    pub fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }

    #[inline]
    fn arith<T: Num>(self, a: T, b: T) -> T {
        match self {
            BinaryOp::Add => T::add(a, b),
            BinaryOp::Sub => T::sub(a, b),
            BinaryOp::Mul => T::mul(a, b),
            BinaryOp::Div => T::div(a, b),
            BinaryOp::Pow => T::pow(a, b),
            BinaryOp::Rem => T::rem(a, b),
            BinaryOp::Maximum => {
                if a.is_nan() || b.is_nan() {
                    if a.is_nan() { a } else { b }
                } else if a >= b {
                    a
                } else {
                    b
                }
            }
            BinaryOp::Minimum => {
                if a.is_nan() || b.is_nan() {
                    if a.is_nan() { a } else { b }
                } else if a <= b {
                    a
                } else {
                    b
                }
            }
            _ => unreachable!("not arithmetic"),
        }
    }

    #[inline]
    fn compare<T: Element>(self, a: T, b: T) -> bool {
        match self {
            BinaryOp::Eq => a == b,
            BinaryOp::Ne => a != b,
            BinaryOp::Lt => a < b,
            BinaryOp::Le => a <= b,
            BinaryOp::Gt => a > b,
            BinaryOp::Ge => a >= b,
            BinaryOp::And => a.to_f64() != 0.0 && b.to_f64() != 0.0,
            BinaryOp::Or => a.to_f64() != 0.0 || b.to_f64() != 0.0,
            BinaryOp::Xor => (a.to_f64() != 0.0) != (b.to_f64() != 0.0),
            _ => unreachable!("not a comparison"),
        }
    }

    /// Apply to two blocks of the same shape (the lazy layer broadcasts before calling).
    ///
    /// # Panics
    /// When the blocks' shapes differ (the lazy layer broadcasts them first).
    pub fn apply(self, a: &Block, b: &Block) -> Block {
        let dt = self.compute_dtype(a.dtype(), b.dtype());
        let (a, b) = (a.cast_cow(dt), b.cast_cow(dt));
        with_dtype!(dt, T => {
            let (x, y) = (T::unwrap_ref(&a).expect("cast"), T::unwrap_ref(&b).expect("cast"));
            if self.gives_bool() {
                Zip::from(x).and(y).map_collect(|&p, &q| self.compare(p, q)).into()
            } else {
                Zip::from(x).and(y).map_collect(|&p, &q| self.arith(p, q)).into()
            }
        })
    }

    /// Like [`BinaryOp::apply`] but accepting operands that broadcast to each other's shape
    /// (size-1 axes), and reusing the left operand's memory when it has the result's shape and
    /// dtype.
    ///
    /// # Panics
    /// When the shapes do not broadcast (the lazy layer checks this when the expression is
    /// built).
    pub fn apply_owned(self, a: Block, b: Block) -> Block {
        let dt = self.compute_dtype(a.dtype(), b.dtype());
        let shape: Vec<usize> = a.shape().iter().zip(b.shape()).map(|(&p, &q)| p.max(q)).collect();
        let (a, b) = (a.into_dtype(dt), b.into_dtype(dt));
        with_dtype!(dt, T => {
            let x = T::unwrap(a).expect("cast");
            let y = T::unwrap(b).expect("cast");
            let yv = y.broadcast(IxDyn(&shape)).expect("operands broadcast");
            if self.gives_bool() {
                let xv = x.broadcast(IxDyn(&shape)).expect("operands broadcast");
                return Zip::from(&xv).and(&yv).map_collect(|&p, &q| self.compare(p, q)).into();
            }
            if x.shape() == shape.as_slice() {
                let mut x = x;
                match self {
                    BinaryOp::Add => Zip::from(&mut x).and(&yv).for_each(|p, &q| *p = T::add(*p, q)),
                    BinaryOp::Sub => Zip::from(&mut x).and(&yv).for_each(|p, &q| *p = T::sub(*p, q)),
                    BinaryOp::Mul => Zip::from(&mut x).and(&yv).for_each(|p, &q| *p = T::mul(*p, q)),
                    BinaryOp::Div => Zip::from(&mut x).and(&yv).for_each(|p, &q| *p = T::div(*p, q)),
                    _ => Zip::from(&mut x).and(&yv).for_each(|p, &q| *p = self.arith(*p, q)),
                }
                x.into()
            } else {
                let xv = x.broadcast(IxDyn(&shape)).expect("operands broadcast");
                Zip::from(&xv).and(&yv).map_collect(|&p, &q| self.arith(p, q)).into()
            }
        })
    }

    /// Like [`BinaryOp::apply_scalar`], reusing the array's memory when the dtype does not
    /// change, with tight loops for the common operations.
    ///
    /// # Panics
    /// Never: the dtype is checked before the typed array is taken out.
    pub fn apply_scalar_owned(self, a: Block, s: Scalar, scalar_left: bool) -> Block {
        let dt = self.compute_dtype_scalar(a.dtype(), s.kind());
        if self.gives_bool() || dt != a.dtype() {
            return self.apply_scalar(&a, s, scalar_left);
        }
        with_dtype!(dt, T => {
            let mut x = T::unwrap(a).expect("same dtype");
            let v = if dt.is_integer() { T::from_i64(s.as_i64()) } else { T::from_f64(s.as_f64()) };
            match (self, scalar_left) {
                (BinaryOp::Add, _) => x.mapv_inplace(|p| T::add(p, v)),
                (BinaryOp::Mul, _) => x.mapv_inplace(|p| T::mul(p, v)),
                (BinaryOp::Sub, false) => x.mapv_inplace(|p| T::sub(p, v)),
                (BinaryOp::Sub, true) => x.mapv_inplace(|p| T::sub(v, p)),
                (BinaryOp::Div, false) => x.mapv_inplace(|p| T::div(p, v)),
                (BinaryOp::Div, true) => x.mapv_inplace(|p| T::div(v, p)),
                (BinaryOp::Pow, false) if s.as_f64() == 2.0 => x.mapv_inplace(|p| T::mul(p, p)),
                (_, false) => x.mapv_inplace(|p| self.arith(p, v)),
                (_, true) => x.mapv_inplace(|p| self.arith(v, p)),
            }
            x.into()
        })
    }

    /// Apply with a scalar operand; `scalar_left` puts the scalar on the left (`2 - x`).
    ///
    /// # Panics
    /// Never: the casts it relies on cannot fail.
    pub fn apply_scalar(self, a: &Block, s: Scalar, scalar_left: bool) -> Block {
        let dt = self.compute_dtype_scalar(a.dtype(), s.kind());
        let a = a.cast_cow(dt);
        with_dtype!(dt, T => {
            let x = T::unwrap_ref(&a).expect("cast");
            let v = T::from_f64(s.as_f64());
            let v = if dt.is_integer() { T::from_i64(s.as_i64()) } else { v };
            if self.gives_bool() {
                if scalar_left { x.mapv(|p| self.compare(v, p)).into() } else { x.mapv(|p| self.compare(p, v)).into() }
            } else if scalar_left {
                x.mapv(|p| self.arith(v, p)).into()
            } else {
                x.mapv(|p| self.arith(p, v)).into()
            }
        })
    }
}

impl DType {
    /// True division keeps `f32` and gives `f64` for everything else, as NumPy does.
    fn float_result_for_div(self) -> DType {
        if self == DType::F32 { DType::F32 } else { DType::F64 }
    }
}

/// A scalar operand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    /// a boolean
    Bool(bool),
    /// an integer
    Int(i64),
    /// a float
    Float(f64),
}

impl Scalar {
    /// The kind, for weak promotion.
    pub fn kind(self) -> ScalarKind {
        match self {
            Scalar::Bool(_) => ScalarKind::Bool,
            Scalar::Int(_) => ScalarKind::Int,
            Scalar::Float(_) => ScalarKind::Float,
        }
    }
    /// As a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as i64 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }
    /// As an integer (floats truncate).
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
        }
    }
}

macro_rules! scalar_from {
    ($($t:ty => $v:ident as $c:ty),*) => {$(
        impl From<$t> for Scalar { fn from(x: $t) -> Scalar { Scalar::$v(x as $c) } }
    )*};
}
scalar_from!(f64 => Float as f64, f32 => Float as f64, i64 => Int as i64, i32 => Int as i64, u32 => Int as i64,
    usize => Int as i64, i16 => Int as i64, u8 => Int as i64);
impl From<bool> for Scalar {
    fn from(b: bool) -> Scalar {
        Scalar::Bool(b)
    }
}

/// `where(cond, x, y)` on blocks of the same shape; `x` and `y` are converted to `dtype`.
///
/// # Panics
/// When the blocks' shapes differ (the lazy layer broadcasts them first).
pub fn where_blocks(cond: &Block, x: &Block, y: &Block, dtype: DType) -> Block {
    let c = cond.cast(DType::Bool);
    let c = c.as_array::<bool>().expect("cast");
    let (x, y) = (x.cast(dtype), y.cast(dtype));
    with_dtype!(dtype, T => {
        let (p, q) = (T::unwrap_ref(&x).expect("cast"), T::unwrap_ref(&y).expect("cast"));
        Zip::from(c).and(p).and(q).map_collect(|&c, &p, &q| if c { p } else { q }).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(b: &Block) -> Vec<f32> {
        b.as_array::<f32>().unwrap().iter().copied().collect()
    }

    #[test]
    fn integer_division_is_true_division() {
        let a = Block::from_vec(&[2], vec![7i32, -7]).unwrap();
        let b = Block::from_vec(&[2], vec![2i32, 2]).unwrap();
        let r = BinaryOp::Div.apply(&a, &b);
        assert_eq!(r.as_array::<f64>().unwrap().as_slice().unwrap(), &[3.5, -3.5]);
        let m = BinaryOp::Rem.apply(&a, &b);
        assert_eq!(m.as_array::<i32>().unwrap().as_slice().unwrap(), &[1, 1], "Python modulo");
    }

    #[test]
    fn float_scalars_are_weak() {
        let a = Block::from_vec(&[2], vec![1.5f32, 2.0]).unwrap();
        let r = BinaryOp::Sub.apply_scalar(&a, 1.0f64.into(), true);
        assert_eq!(f32s(&r), vec![-0.5, -1.0]);
    }

    #[test]
    fn maximum_propagates_nan() {
        let a = Block::from_vec(&[2], vec![f32::NAN, 1.0]).unwrap();
        let b = Block::from_vec(&[2], vec![0.0f32, f32::NAN]).unwrap();
        let r = f32s(&BinaryOp::Maximum.apply(&a, &b));
        assert!(r[0].is_nan() && r[1].is_nan());
    }

    #[test]
    fn sqrt_of_int_is_f64() {
        let a = Block::from_vec(&[1], vec![16i32]).unwrap();
        assert_eq!(UnaryOp::Sqrt.apply(&a).as_array::<f64>().unwrap()[[0]], 4.0);
    }
}
