//! # cumulus-chunked
//!
//! The engine under cumulus: lazy chunked N-d arrays, a logical plan with an optimizer, a
//! per-chunk task graph and a memory-aware parallel scheduler, playing the part of `dask.array`
//! in the workshop.
//!
//! **Status:** not built yet. The design and the deliverables are in issue 4 and in
//! `ARCHITECTURE.md`; nothing in this crate is public until it works.
