//! [`ComputeProgress`]: an indicatif progress bar driven by telemetry events.
//!
//! ```
//! use cumulus_chunked::{ChunkedArray, ComputeOptions};
//! use cumulus_dashboard::ComputeProgress;
//!
//! let progress = ComputeProgress::hidden("mean");
//! let opts = ComputeOptions::default().subscriber(progress.clone());
//! let x = ChunkedArray::random(&[1000, 100], &[100, 100], 1).unwrap();
//! x.mean(0).unwrap().compute_with(&opts).unwrap();
//! assert_eq!(progress.done(), progress.total());
//! assert!(progress.total() > 10);
//! ```

use std::sync::Arc;

use cumulus_chunked::telemetry::{Event, Subscriber};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar for computes: its length is the task count, it advances as tasks finish and
/// shows the bytes the tasks produced.
#[derive(Clone)]
pub struct ComputeProgress {
    bar: ProgressBar,
    bytes: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for ComputeProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeProgress").field("done", &self.done()).field("total", &self.total()).finish()
    }
}

impl ComputeProgress {
    /// A bar on standard error labelled `what` (hidden when standard error is not a terminal,
    /// as indicatif does).
    pub fn new(what: &str) -> ComputeProgress {
        Self::with_target(what, ProgressDrawTarget::stderr())
    }

    /// A bar that draws nothing (tests, `--quiet`), still counting.
    pub fn hidden(what: &str) -> ComputeProgress {
        Self::with_target(what, ProgressDrawTarget::hidden())
    }

    /// `new` or `hidden`.
    pub fn visible(what: &str, visible: bool) -> ComputeProgress {
        if visible { Self::new(what) } else { Self::hidden(what) }
    }

    fn with_target(what: &str, target: ProgressDrawTarget) -> ComputeProgress {
        let bar = ProgressBar::with_draw_target(Some(0), target);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} tasks {elapsed_precise} ETA {eta} {prefix}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        ComputeProgress { bar, bytes: Arc::default() }
    }

    /// Tasks finished so far.
    pub fn done(&self) -> u64 {
        self.bar.position()
    }

    /// Tasks in the computes seen so far.
    pub fn total(&self) -> u64 {
        self.bar.length().unwrap_or(0)
    }

    /// Stop drawing, leaving the final state on screen.
    pub fn finish(&self) {
        self.bar.finish();
    }
}

impl Subscriber for ComputeProgress {
    fn on_event(&self, event: &Event) {
        match event {
            Event::ComputeStarted { tasks, .. } => self.bar.inc_length(*tasks as u64),
            Event::TaskFinished { bytes_out, .. } => {
                let b =
                    self.bytes.fetch_add(*bytes_out as u64, std::sync::atomic::Ordering::Relaxed) + *bytes_out as u64;
                self.bar.set_prefix(format!("{} produced", indicatif::HumanBytes(b)));
                self.bar.inc(1);
            }
            Event::ComputeFinished { .. } if self.bar.position() >= self.bar.length().unwrap_or(0) => {
                self.bar.tick();
            }
            _ => {}
        }
    }
}
