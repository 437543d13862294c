//! [`WindowReader`]: reads a rectangular window of a lazy variable, chunk by chunk, keeping
//! recently decoded chunks so that overlapping and neighbouring patches do not decode the same
//! chunk again (xbatcher on dask decodes every touched chunk for every batch).
//!
//! Three ways, by what the variable is:
//! - a stored array (a source that decodes whole chunks, e.g. a Zarr variable): its chunks are
//!   decoded with the source's own reader and cached;
//! - an in-memory array (after `load`/`compute`): the window is copied out directly;
//! - any other lazy plan (`tp > 5`, CF decoding, a concatenation of yearly stores): each chunk
//!   of the plan is computed by the engine (which decodes the stored chunks under it) and
//!   cached.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cumulus_chunked::cache::ChunkCache;
use cumulus_chunked::plan::eval::assemble;
use cumulus_chunked::plan::node::{AxisIndex, Op};
use cumulus_chunked::{Block, ChunkedArray, ComputeOptions};

use crate::error::{BatchError, Result};

/// Counters of a [`WindowReader`]: how many chunks were decoded (or computed) and how many
/// were served from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Chunks decoded or computed (cache misses, or every chunk read without a cache); for
    /// in-memory arrays, the pieces of windows copied out of them.
    pub decoded: u64,
    /// Chunks served from the cache.
    pub hits: u64,
    /// Windows read.
    pub windows: u64,
}

/// Reads windows of variables through a shared, bounded chunk cache.
pub struct WindowReader {
    cache: Option<ChunkCache>,
    decoded: AtomicU64,
    hits: AtomicU64,
    windows: AtomicU64,
    opts: ComputeOptions,
}

impl std::fmt::Debug for WindowReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowReader").field("cache", &self.cache).field("stats", &self.stats()).finish()
    }
}

impl WindowReader {
    /// A reader whose cache holds at most `cache_bytes` of decoded chunks (0: no cache, every
    /// window decodes the chunks it touches, as xbatcher on dask does).
    pub fn new(cache_bytes: usize) -> WindowReader {
        WindowReader {
            cache: (cache_bytes > 0).then(|| ChunkCache::new(cache_bytes)),
            decoded: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            windows: AtomicU64::new(0),
            opts: ComputeOptions::default().threads(1),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            decoded: self.decoded.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            windows: self.windows.load(Ordering::Relaxed),
        }
    }

    /// Read `region` (one range per axis) of `data`, the variable called `name` (for errors);
    /// `key` identifies the variable in the cache.
    ///
    /// # Errors
    /// [`BatchError::Chunk`] when a chunk cannot be read or computed.
    pub fn read(&self, name: &str, key: usize, data: &ChunkedArray, region: &[Range<usize>]) -> Result<Block> {
        self.windows.fetch_add(1, Ordering::Relaxed);
        let chunks = data.chunks();
        let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
        let overlaps = chunks.overlaps(region);
        let mut parts = Vec::new();
        let mut idx = vec![0usize; region.len()];
        let mut pos = vec![0usize; region.len()];
        let n_total: usize = overlaps.iter().map(Vec::len).product();
        let source = match &data.node().op {
            Op::Source(src) => Some(src.clone()),
            _ => None,
        };
        for _ in 0..n_total {
            let mut inner = Vec::with_capacity(region.len());
            let mut dest = Vec::with_capacity(region.len());
            for (a, o) in overlaps.iter().enumerate() {
                let (c, within, at) = &o[pos[a]];
                idx[a] = *c;
                inner.push(within.clone());
                dest.push(at.clone());
            }
            let err =
                |source| BatchError::Chunk { name: name.to_string(), chunk: idx.clone(), source: Box::new(source) };
            let piece = match &source {
                Some(src) if !src.decodes_whole_chunks() => {
                    let start = chunks.region(&idx);
                    let global: Vec<Range<usize>> =
                        inner.iter().zip(&start).map(|(r, s)| r.start + s.start..r.end + s.start).collect();
                    self.decoded.fetch_add(1, Ordering::Relaxed);
                    src.read_region(&idx, &global).map_err(|e| {
                        err(cumulus_chunked::ChunkedError::Source {
                            source_name: src.name(),
                            chunk: idx.clone(),
                            message: e.0,
                        })
                    })?
                }
                _ => {
                    let whole = self.chunk(key, data, &idx, source.as_ref()).map_err(err)?;
                    let local: Vec<(usize, usize, isize)> = inner.iter().map(|r| (r.start, r.end, 1)).collect();
                    if local.iter().zip(whole.shape()).all(|(&(s, e, _), &n)| s == 0 && e == n) {
                        Arc::unwrap_or_clone(whole)
                    } else {
                        whole.slice(&local)
                    }
                }
            };
            parts.push((dest, piece));
            // Next chunk combination (row-major).
            for a in (0..region.len()).rev() {
                pos[a] += 1;
                if pos[a] < overlaps[a].len() {
                    break;
                }
                pos[a] = 0;
            }
        }
        Ok(assemble(data.dtype(), &shape, parts))
    }

    /// Chunk `idx` of `data`, from the cache or decoded/computed now.
    fn chunk(
        &self,
        key: usize,
        data: &ChunkedArray,
        idx: &[usize],
        source: Option<&Arc<dyn cumulus_chunked::ChunkSource>>,
    ) -> std::result::Result<Arc<Block>, cumulus_chunked::ChunkedError> {
        if let Some(c) = &self.cache
            && let Some(b) = c.get(key, idx)
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(b);
        }
        self.decoded.fetch_add(1, Ordering::Relaxed);
        let block = match source {
            Some(src) => src.read_chunk(idx).map_err(|e| cumulus_chunked::ChunkedError::Source {
                source_name: src.name(),
                chunk: idx.to_vec(),
                message: e.0,
            })?,
            None => {
                let region = data.chunks().region(idx);
                let mut sub = data.clone();
                for (axis, r) in region.iter().enumerate() {
                    if r.start != 0 || r.end != sub.shape()[axis] {
                        sub = sub.index(axis, AxisIndex::Slice { start: r.start, step: 1, len: r.end - r.start })?;
                    }
                }
                sub.compute_with(&self.opts)?.0
            }
        };
        let block = Arc::new(block);
        if let Some(c) = &self.cache {
            c.put(key, idx, block.clone());
        }
        Ok(block)
    }
}
