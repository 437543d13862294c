//! # cumulus-batches
//!
//! A patch `BatchGenerator` with xbatcher semantics, map-style datasets and a `DataLoader`.
//!
//! **Status:** not built yet (issue 8). Nothing in this crate is public until it works.
