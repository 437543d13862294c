//! # Exercise 4: what a selection reads
//!
//! A store is read chunk by chunk: to get one value, the whole chunk holding it is read and
//! decompressed. So the cost of a selection is not its own size but the size of the chunks it
//! touches. With the class's chunks `{time: 24, level: 13, latitude: 50, longitude: 50}`, one
//! pressure level costs as much as all thirteen.
//!
//! **Task:** for `temperature.sel(time="2019-06", level=850)` of the 2019 store at `path`,
//! report how many stored chunks its computation reads and how many bytes they hold once
//! decompressed, next to the same two numbers for the whole `temperature` variable.
//!
//! ## Hint
//! Build the selection as in exercise 2 (without the mean). Its task graph,
//! `sel.data().graph(&ComputeOptions::default())?`, knows which chunks it reads:
//! `graph.touched_chunks().len()` and `graph.touched_bytes()`. For the whole variable, the
//! `ChunkedArray` behind it (`t.data()`) has `num_chunks()` and `nbytes()`.

use std::path::Path;

use cumulus::prelude::*;

use crate::Result;

/// Chunks and decompressed bytes: a selection against its whole variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkReport {
    /// Chunks the selection reads.
    pub selection_chunks: usize,
    /// Bytes of those chunks, decompressed.
    pub selection_bytes: usize,
    /// Chunks of the whole variable.
    pub variable_chunks: usize,
    /// Bytes of the whole variable, decompressed.
    pub variable_bytes: usize,
    /// Bytes of the selection's own values.
    pub selected_bytes: usize,
}

/// What `temperature.sel(time="2019-06", level=850)` reads.
pub fn chunks_touched(path: &Path) -> Result<ChunkReport> {
    todo!("exercise: replace this with your code")
}
