//! A small cache of decoded source chunks, shared by the tasks of one compute.
//!
//! When tasks read only part of a stored chunk (after a rechunk to smaller chunks, or for
//! overlapping patches), the next task usually needs another part of the same chunk. Keeping
//! the last few decoded chunks means each one is decompressed about once instead of once per
//! task. Whole-chunk reads bypass the cache: nobody else will want them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::block::Block;

type Key = (usize, Vec<usize>);

struct Inner {
    map: HashMap<Key, (Arc<Block>, u64)>,
    bytes: usize,
    tick: u64,
    hits: u64,
    misses: u64,
}

/// A bounded least-recently-used cache of decoded chunks.
pub struct ChunkCache {
    cap: usize,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for ChunkCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (hits, misses) = self.stats();
        f.debug_struct("ChunkCache").field("cap", &self.cap).field("hits", &hits).field("misses", &misses).finish()
    }
}

impl ChunkCache {
    /// A cache holding at most `cap` bytes of blocks.
    pub fn new(cap: usize) -> ChunkCache {
        ChunkCache { cap, inner: Mutex::new(Inner { map: HashMap::new(), bytes: 0, tick: 0, hits: 0, misses: 0 }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached chunk `idx` of source `src` (an address identifying the source).
    pub fn get(&self, src: usize, idx: &[usize]) -> Option<Arc<Block>> {
        let mut g = self.lock();
        g.tick += 1;
        let tick = g.tick;
        let found = g.map.get_mut(&(src, idx.to_vec())).map(|e| {
            e.1 = tick;
            e.0.clone()
        });
        if found.is_some() {
            g.hits += 1;
        } else {
            g.misses += 1;
        }
        found
    }

    /// Remember a decoded chunk, evicting the least recently used ones beyond the capacity.
    pub fn put(&self, src: usize, idx: &[usize], block: Arc<Block>) {
        let n = block.nbytes();
        if n > self.cap {
            return;
        }
        let mut g = self.lock();
        g.tick += 1;
        let tick = g.tick;
        if let Some(old) = g.map.insert((src, idx.to_vec()), (block, tick)) {
            g.bytes -= old.0.nbytes();
        }
        g.bytes += n;
        while g.bytes > self.cap {
            let Some(oldest) = g.map.iter().min_by_key(|(_, (_, t))| *t).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some((b, _)) = g.map.remove(&oldest) {
                g.bytes -= b.nbytes();
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (u64, u64) {
        let g = self.lock();
        (g.hits, g.misses)
    }
}
