//! # cumulus-chunked
//!
//! The engine under cumulus: lazy chunked N-d arrays, a logical plan with an optimizer, a
//! per-chunk task graph and a memory-aware parallel scheduler, playing the part of
//! `dask.array` in the workshop.
//!
//! The layers, each in its own module:
//!
//! | layer | module | plays |
//! |---|---|---|
//! | user API | [`array`](mod@array) ([`ChunkedArray`]) | `dask.array.Array` |
//! | logical plan | [`plan::node`], [`plan::explain`] | the high-level graph |
//! | optimizer | [`plan::optimize`] | `dask.optimize`, polars' optimizer |
//! | physical plan | [`graph`] ([`TaskGraph`]) | the low-level task graph, `dask.order` |
//! | execution | [`scheduler`] | the threaded scheduler |
//! | kernels | [`kernels`] | NumPy on one chunk |
//! | telemetry | [`telemetry`] | the dashboard's event stream |
//!
//! ```
//! use cumulus_chunked::{ChunkedArray, DType};
//!
//! // 100 × 100 random numbers in 25 × 25 chunks: 16 chunks, nothing computed yet.
//! let x = ChunkedArray::random(&[100, 100], &[25, 25], 42).unwrap();
//! let m = (&x - 0.5).abs().mean([0, 1]).unwrap();
//! println!("{}", m.explain());
//! let v = cumulus_chunked::array::scalar_value(&m.compute().unwrap()).unwrap();
//! assert!((v - 0.25).abs() < 0.01);
//! ```

pub mod array;
pub mod block;
pub mod cache;
pub mod chunks;
pub mod dtype;
pub mod error;
pub mod graph;
mod graph_svg;
pub mod ids;
pub mod kernels;
pub mod markup;
pub mod palette;
pub mod plan;
pub mod scheduler;
pub mod source;
pub mod telemetry;

pub use array::{Axes, ChunkedArray};
pub use block::{Block, BlockElement};
pub use chunks::{Chunks, Region};
pub use dtype::{DType, Element, ScalarKind};
pub use error::{ChunkedError, Result};
pub use graph::TaskGraph;
pub use kernels::elementwise::{BinaryOp, Scalar, UnaryOp};
pub use kernels::pair::PairStat;
pub use kernels::reduce::ReduceOp;
pub use scheduler::{ComputeOptions, ComputeStats};
pub use source::{ChunkSource, FnSource, MemorySource, SourceError};
