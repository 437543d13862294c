//! Telemetry: typed events from the scheduler, delivered to subscribers.
//!
//! Progress bars, the dashboard's task stream and the memory chart are all subscribers. When
//! nobody listens, emitting an event costs one atomic load.
//!
//! ```
//! use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
//! use cumulus_chunked::{ChunkedArray, telemetry::{self, Event}};
//!
//! let finished = Arc::new(AtomicUsize::new(0));
//! let seen = finished.clone();
//! let _sub = telemetry::subscribe(move |e: &Event| {
//!     if let Event::TaskFinished { .. } = e {
//!         seen.fetch_add(1, Ordering::Relaxed);
//!     }
//! });
//! let a = ChunkedArray::arange(0.0, 100.0, 1.0, 10);
//! a.sum(0).unwrap().compute().unwrap();
//! assert!(finished.load(Ordering::Relaxed) >= 10);
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::graph::TaskGraph;

/// Something that happened during a compute. Times are measured from the compute's start.
#[derive(Debug, Clone)]
pub enum Event {
    /// A compute begins.
    ComputeStarted {
        /// Process-unique id of the compute.
        compute: u64,
        /// Wall-clock start.
        started: SystemTime,
        /// Number of tasks.
        tasks: usize,
        /// Tasks by kind.
        by_kind: Vec<(String, usize)>,
        /// Worker threads.
        threads: usize,
        /// The memory limit, if any.
        memory_limit: Option<usize>,
    },
    /// A task starts on a worker.
    TaskStarted {
        /// The compute.
        compute: u64,
        /// Task id (its position in the graph).
        task: usize,
        /// Task kind.
        kind: String,
        /// The output chunk it works for.
        chunk: Vec<usize>,
        /// Worker index.
        thread: usize,
        /// When.
        at: Duration,
    },
    /// A task is done.
    TaskFinished {
        /// The compute.
        compute: u64,
        /// Task id.
        task: usize,
        /// Task kind.
        kind: String,
        /// The output chunk it worked for.
        chunk: Vec<usize>,
        /// Worker index.
        thread: usize,
        /// When it started.
        start: Duration,
        /// When it ended.
        end: Duration,
        /// Bytes of the dependencies it read.
        bytes_in: usize,
        /// Bytes of its result.
        bytes_out: usize,
    },
    /// Tracked memory changed (results held plus running tasks' estimates).
    Memory {
        /// The compute.
        compute: u64,
        /// Bytes in use.
        in_use: usize,
        /// When.
        at: Duration,
    },
    /// The task graph a compute runs, sent right after [`Event::ComputeStarted`] and only to
    /// subscribers whose [`Subscriber::wants_graph`] is true (the dashboard draws it).
    Graph {
        /// The compute.
        compute: u64,
        /// Its task graph (a copy: holding it keeps nothing of the compute alive but the
        /// lazy plan's nodes).
        graph: Arc<TaskGraph>,
    },
    /// A compute ended.
    ComputeFinished {
        /// The compute.
        compute: u64,
        /// Tasks that ran.
        tasks_done: usize,
        /// Wall time.
        elapsed: Duration,
        /// Highest tracked memory.
        peak_memory: usize,
        /// The error, if it failed.
        error: Option<String>,
    },
}

/// Receives events. Called from worker threads: keep it quick.
pub trait Subscriber: Send + Sync {
    /// One event.
    fn on_event(&self, event: &Event);

    /// True when this subscriber wants [`Event::Graph`] (copying the graph costs a little, so
    /// the scheduler only does it when someone asks). False unless overridden.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use cumulus_chunked::telemetry::{Event, Subscriber};
    /// use cumulus_chunked::{ChunkedArray, ComputeOptions};
    ///
    /// #[derive(Clone, Default)]
    /// struct Graphs(Arc<Mutex<Vec<usize>>>);
    /// impl Subscriber for Graphs {
    ///     fn on_event(&self, e: &Event) {
    ///         if let Event::Graph { graph, .. } = e {
    ///             self.0.lock().unwrap().push(graph.len());
    ///         }
    ///     }
    ///     fn wants_graph(&self) -> bool {
    ///         true
    ///     }
    /// }
    /// let graphs = Graphs::default();
    /// let x = ChunkedArray::arange(0.0, 100.0, 1.0, 10).sum(0)?;
    /// let tasks = x.graph(&ComputeOptions::default())?.len();
    /// x.compute_with(&ComputeOptions::default().subscriber(graphs.clone()))?;
    /// assert_eq!(*graphs.0.lock().unwrap(), vec![tasks]);
    /// # Ok::<(), cumulus_chunked::ChunkedError>(())
    /// ```
    fn wants_graph(&self) -> bool {
        false
    }
}

impl<F: Fn(&Event) + Send + Sync> Subscriber for F {
    fn on_event(&self, event: &Event) {
        self(event)
    }
}

type Registry = RwLock<Vec<(u64, Arc<dyn Subscriber>)>>;

static SUBSCRIBERS: Registry = RwLock::new(Vec::new());
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Keeps a subscription alive; dropping it unsubscribes.
#[must_use = "the subscription ends when this is dropped"]
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut subs = SUBSCRIBERS.write().unwrap_or_else(|e| e.into_inner());
        subs.retain(|(id, _)| *id != self.0);
        COUNT.store(subs.len(), Ordering::Release);
    }
}

/// Listen to every compute in this process until the returned guard is dropped.
pub fn subscribe(s: impl Subscriber + 'static) -> Subscription {
    let id = crate::ids::unique_id();
    let mut subs = SUBSCRIBERS.write().unwrap_or_else(|e| e.into_inner());
    subs.push((id, Arc::new(s)));
    COUNT.store(subs.len(), Ordering::Release);
    Subscription(id)
}

/// True when someone listens (globally or for this compute).
pub(crate) fn active(local: &[Arc<dyn Subscriber>]) -> bool {
    !local.is_empty() || COUNT.load(Ordering::Acquire) > 0
}

/// Deliver an event to the global subscribers and to `local` ones.
pub(crate) fn emit(local: &[Arc<dyn Subscriber>], event: &Event) {
    for s in local {
        s.on_event(event);
    }
    if COUNT.load(Ordering::Acquire) > 0 {
        let subs = SUBSCRIBERS.read().unwrap_or_else(|e| e.into_inner());
        for (_, s) in subs.iter() {
            s.on_event(event);
        }
    }
}

/// Deliver the task graph of `compute` to the subscribers that want it (copied once, and only
/// when one does).
pub(crate) fn emit_graph(local: &[Arc<dyn Subscriber>], compute: u64, graph: &TaskGraph) {
    let mut event: Option<Event> = None;
    let mut send = |s: &Arc<dyn Subscriber>| {
        if s.wants_graph() {
            let e = event.get_or_insert_with(|| Event::Graph { compute, graph: Arc::new(graph.clone()) });
            s.on_event(e);
        }
    };
    for s in local {
        send(s);
    }
    if COUNT.load(Ordering::Acquire) > 0 {
        let subs = SUBSCRIBERS.read().unwrap_or_else(|e| e.into_inner());
        for (_, s) in subs.iter() {
            send(s);
        }
    }
}

/// A new compute id, unique in the process even across the copies of this crate that an
/// evcxr notebook links into its cells (see [`crate::ids`]).
pub(crate) fn next_compute_id() -> u64 {
    crate::ids::unique_id()
}
