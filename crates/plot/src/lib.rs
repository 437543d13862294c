//! # cumulus-plot
//!
//! Maps with colorbars and coastlines, multi-panel figures, line and bar charts and task-stream
//! charts, drawn with plotters.
//!
//! **Status:** not built yet (issue 7). Nothing in this crate is public until it works.
