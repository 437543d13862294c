//! # Part 3 exercises: the ML pipeline's data and verification
//!
//! The parts of the workshop's Part 3 that need no training: the convection label, xbatcher's
//! patches, a contingency table with its scores, and a map of a skill score. (Training the
//! models is in the book and `notebooks/03-ml-pipeline.ipynb`.) As in Parts 1 and 2, each
//! `exNN_*.rs` file states its task in its first doc comment, ends with a hint, and has
//! `todo!()` where your code goes; `cargo run -p grader -- --part 3` grades them in order. CI
//! computes the snapshots' numbers again with xarray, xbatcher and xskillscore
//! (`.ci/interop/exercises_xarray.py`).
//!
//! The data is the class's `tiny` preset (three years, 29 June – 2 July, a 2° grid), generated
//! into `exercises/data/tiny` the first time a test needs it ([`data::tiny`]).
//!
//! With `--features solutions` the modules are compiled from `solutions/part3/` instead, and the
//! very same tests must pass: that is how CI knows every exercise can be solved.

#![cfg_attr(not(feature = "solutions"), allow(unused_imports, unused_variables))]

pub use class_data as data;

/// What every exercise returns: any error converts with `?`.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[cfg_attr(feature = "solutions", path = "../../../solutions/part3/ex01_label.rs")]
pub mod ex01_label;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part3/ex02_patches.rs")]
pub mod ex02_patches;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part3/ex03_contingency.rs")]
pub mod ex03_contingency;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part3/ex04_correlation_map.rs")]
pub mod ex04_correlation_map;
