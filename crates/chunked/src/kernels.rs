//! The arithmetic on blocks: what one task does to its data. No laziness here.

pub mod elementwise;
pub mod pair;
pub mod reduce;
