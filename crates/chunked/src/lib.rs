//! # cumulus-chunked
//!
//! The engine under cumulus: lazy chunked N-d arrays, a logical plan with an optimizer, a
//! per-chunk task graph and a memory-aware parallel scheduler, playing the part of `dask.array`
//! in the workshop.

pub mod block;
pub mod chunks;
pub mod dtype;
pub mod error;
pub mod source;

pub use block::{Block, BlockElement};
pub use chunks::{Chunks, Region};
pub use dtype::{DType, Element, ScalarKind};
pub use error::{ChunkedError, Result};
pub use source::{ChunkSource, FnSource, MemorySource, SourceError};
