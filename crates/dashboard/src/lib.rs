//! # cumulus-dashboard
//!
//! Seeing a computation while it runs, fed by the telemetry of `cumulus-chunked`:
//!
//! - [`ComputeProgress`]: a terminal progress bar for every compute (tasks done of total,
//!   decoded bytes, rate, ETA), hidden when the output is not a terminal.
//!
//! The live web dashboard on `127.0.0.1:8787` (task stream, memory) and the static performance
//! report come with issue 7.

pub mod progress;

pub use progress::ComputeProgress;
