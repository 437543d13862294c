//! # cumulus-dashboard
//!
//! A live web dashboard on `127.0.0.1:8787` (task stream, progress, memory) and static
//! performance reports, fed by the telemetry of `cumulus-chunked`.
//!
//! **Status:** not built yet (issue 7). Nothing in this crate is public until it works.
