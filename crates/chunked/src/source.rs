//! Where chunks come from: the [`ChunkSource`] trait and the in-memory and generated sources.
//!
//! A stored array (a Zarr variable in `cumulus-store`) implements [`ChunkSource`] to plug into
//! the engine; the engine asks it for whole stored chunks and cuts out the part a task needs.

use std::fmt;
use std::sync::Arc;

use ndarray::{ArrayD, Dimension};

use crate::block::{Block, BlockElement};
use crate::chunks::{Chunks, Region};
use crate::dtype::DType;

/// The failure of a source to produce a chunk, with a message meant for the user (the engine
/// adds the source's name and the chunk index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// Something that can produce the chunks of an N-d array on demand.
pub trait ChunkSource: Send + Sync + fmt::Debug {
    /// A short name for plans, graphs and errors: `store.zarr/temperature`, `zeros`, …
    fn name(&self) -> String;
    /// The element type.
    fn dtype(&self) -> DType;
    /// The array's shape.
    fn shape(&self) -> Vec<usize>;
    /// The native chunking: reading one of these chunks is the unit of I/O.
    fn chunks(&self) -> Chunks;
    /// Produce chunk `idx` (an index into [`ChunkSource::chunks`]'s grid), with exactly that
    /// chunk's shape.
    ///
    /// # Errors
    /// Whatever prevents reading it (I/O, a corrupt or truncated chunk), as a message.
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError>;
    /// True when reading part of a chunk costs as much as reading all of it (compressed
    /// stores): the engine then decodes whole chunks and keeps recent ones in a
    /// [`ChunkCache`](crate::cache::ChunkCache) for the tasks that need the other parts.
    fn decodes_whole_chunks(&self) -> bool {
        true
    }
    /// Produce `region` (used when a task needs only part of a chunk and the source can do
    /// better than decoding the whole chunk, e.g. generators). The default reads the chunk and
    /// copies the part out (in row-major order); `region` always lies inside chunk `idx`.
    ///
    /// # Errors
    /// As [`ChunkSource::read_chunk`].
    fn read_region(&self, idx: &[usize], region: &Region) -> Result<Block, SourceError> {
        let chunk = self.read_chunk(idx)?;
        let start = self.chunks().region(idx);
        let local: Vec<_> = region.iter().zip(&start).map(|(r, s)| (r.start - s.start, r.end - s.start, 1)).collect();
        if local.iter().zip(chunk.shape()).all(|(&(s, e, _), &n)| s == 0 && e == n) {
            Ok(chunk)
        } else {
            // Compacted (one row-wise copy, none when the part is contiguous): the kernels
            // after the read run over contiguous memory, and the rest of the chunk is freed.
            Ok(chunk.slice_move(&local).into_standard_layout())
        }
    }
}

/// An in-memory array cut into chunks.
#[derive(Debug)]
pub struct MemorySource {
    name: String,
    data: Block,
    chunks: Chunks,
}

impl MemorySource {
    /// Wrap a block with a chunking of its shape.
    pub fn new(name: impl Into<String>, data: Block, chunks: Chunks) -> MemorySource {
        MemorySource { name: name.into(), data, chunks }
    }
}

impl ChunkSource for MemorySource {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dtype(&self) -> DType {
        self.data.dtype()
    }
    fn shape(&self) -> Vec<usize> {
        self.data.shape().to_vec()
    }
    fn chunks(&self) -> Chunks {
        self.chunks.clone()
    }
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError> {
        let r = self.chunks.region(idx);
        self.read_region(idx, &r)
    }
    fn decodes_whole_chunks(&self) -> bool {
        false
    }
    fn read_region(&self, _idx: &[usize], region: &Region) -> Result<Block, SourceError> {
        let local: Vec<_> = region.iter().map(|r| (r.start, r.end, 1)).collect();
        Ok(self.data.slice(&local))
    }
}

/// A function of the global element index, evaluated chunk by chunk: `zeros`, `ones`, `full`,
/// `arange`, `linspace` and seeded random arrays never exist whole in memory.
pub struct FnSource {
    name: String,
    dtype: DType,
    chunks: Chunks,
    f: Arc<dyn Fn(&Region) -> Block + Send + Sync>,
}

impl fmt::Debug for FnSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnSource").field("name", &self.name).field("dtype", &self.dtype).finish()
    }
}

impl FnSource {
    /// A source whose region `r` is `f(r)`; `f` must return a block of `dtype` with the region's
    /// shape.
    pub fn new(
        name: impl Into<String>,
        dtype: DType,
        chunks: Chunks,
        f: impl Fn(&Region) -> Block + Send + Sync + 'static,
    ) -> FnSource {
        FnSource { name: name.into(), dtype, chunks, f: Arc::new(f) }
    }

    /// A source from a typed function of the flat (row-major) element index.
    pub fn from_index_fn<T: BlockElement>(
        name: impl Into<String>,
        chunks: Chunks,
        f: impl Fn(&[usize]) -> T + Send + Sync + 'static,
    ) -> FnSource {
        FnSource::new(name, T::DTYPE, chunks, move |region| {
            let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
            let a = ArrayD::from_shape_fn(shape, |idx| {
                let g: Vec<usize> = idx.slice().iter().zip(region).map(|(i, r)| i + r.start).collect();
                f(&g)
            });
            T::wrap(a)
        })
    }
}

impl ChunkSource for FnSource {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dtype(&self) -> DType {
        self.dtype
    }
    fn shape(&self) -> Vec<usize> {
        self.chunks.shape()
    }
    fn chunks(&self) -> Chunks {
        self.chunks.clone()
    }
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError> {
        Ok((self.f)(&self.chunks.region(idx)))
    }
    fn decodes_whole_chunks(&self) -> bool {
        false
    }
    fn read_region(&self, _idx: &[usize], region: &Region) -> Result<Block, SourceError> {
        Ok((self.f)(region))
    }
}
