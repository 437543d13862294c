//! # Part 1 exercises: Zarr stores and lazy arrays
//!
//! One idea per exercise, in order. Each `exNN_*.rs` file states its task in its first doc
//! comment, ends with a hint, and has `todo!()` where your code goes. The tests in `tests/`
//! grade them with snapshots of rounded results:
//!
//! ```text
//! cargo run -p grader          # progress, the next exercise, its task and hint
//! cargo run -p grader watch    # the same, re-run every time you save
//! cargo test --test ex02_june_mean   # one exercise's test, with the full output
//! ```
//!
//! The data is the class's `tiny` preset (three years, 29 June – 2 July, a 2° grid), generated
//! into `exercises/data/tiny` the first time a test needs it ([`data::tiny`]).
//!
//! With `--features solutions` the modules are compiled from `solutions/part1/` instead, and the
//! very same tests must pass: that is how CI knows every exercise can be solved.

#![cfg_attr(not(feature = "solutions"), allow(unused_imports, unused_variables))]

pub use class_data as data;

/// What every exercise returns: any error converts with `?`.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[cfg_attr(feature = "solutions", path = "../../../solutions/part1/ex01_describe_store.rs")]
pub mod ex01_describe_store;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part1/ex02_june_mean.rs")]
pub mod ex02_june_mean;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part1/ex03_nearest_city.rs")]
pub mod ex03_nearest_city;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part1/ex04_chunks_touched.rs")]
pub mod ex04_chunks_touched;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part1/ex05_lazy_vs_eager.rs")]
pub mod ex05_lazy_vs_eager;
