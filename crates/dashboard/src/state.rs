//! What the dashboard knows: telemetry events folded into per-compute progress, memory, thread
//! utilisation and a window of recent tasks, and the JSON it serves from them.
//!
//! The [`Collector`] runs on the scheduler's worker threads, so it only updates counters and
//! appends to bounded buffers under one short lock; turning them into JSON (and drawing the task
//! graph) happens on the dashboard's own threads.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, UNIX_EPOCH};

use cumulus_chunked::TaskGraph;
use cumulus_chunked::telemetry::{Event, Subscriber};
use serde_json::{Value, json};

/// Computes kept (the oldest are forgotten first).
pub const MAX_COMPUTES: usize = 100;
/// Finished tasks kept for `/state.json` and new pages.
pub const RECENT_TASKS: usize = 10_000;
/// Finished tasks sent in one batch of the event stream; above, only the counts are exact.
pub const BATCH_TASKS: usize = 5_000;
/// Points of the memory history kept.
pub const MEMORY_POINTS: usize = 2_000;
/// Smallest gap between two points of the memory history, in milliseconds.
const MEMORY_STEP_MS: f64 = 10.0;

/// Field names of a task in the JSON arrays of `recent_tasks` and `tasks`.
pub const TASK_FIELDS: [&str; 7] = ["compute", "task", "kind", "thread", "start_ms", "end_ms", "bytes_out"];

/// One finished task; times in milliseconds since the dashboard started.
#[derive(Debug, Clone)]
struct TaskRecord {
    compute: u64,
    task: usize,
    kind: Arc<str>,
    thread: usize,
    start_ms: f64,
    end_ms: f64,
    bytes_out: usize,
}

impl TaskRecord {
    fn to_json(&self) -> Value {
        json!([
            self.compute,
            self.task,
            &*self.kind,
            self.thread,
            round3(self.start_ms),
            round3(self.end_ms),
            self.bytes_out
        ])
    }
}

#[derive(Debug)]
struct KindCount {
    kind: Arc<str>,
    total: usize,
    done: usize,
}

#[derive(Debug)]
struct ComputeRecord {
    /// The dashboard's number for it: 1, 2, 3, … in the order computes started.
    id: u64,
    /// The engine's id for it.
    engine_id: u64,
    started_unix_ms: f64,
    /// When it started, in milliseconds since the dashboard started.
    offset_ms: f64,
    tasks: usize,
    by_kind: Vec<KindCount>,
    threads: usize,
    memory_limit: Option<usize>,
    done: usize,
    bytes_out: u64,
    memory: usize,
    peak_memory: usize,
    busy_ms: Vec<f64>,
    running: Vec<Option<Arc<str>>>,
    /// (elapsed ms, error) once it ended.
    finished: Option<(f64, Option<String>)>,
}

impl ComputeRecord {
    fn elapsed_ms(&self, now_ms: f64) -> f64 {
        self.finished.as_ref().map_or(now_ms - self.offset_ms, |(e, _)| *e)
    }

    fn kind_name(&mut self, kind: &str) -> Arc<str> {
        match self.by_kind.iter().find(|k| &*k.kind == kind) {
            Some(k) => k.kind.clone(),
            None => {
                let k: Arc<str> = kind.into();
                self.by_kind.push(KindCount { kind: k.clone(), total: 0, done: 0 });
                k
            }
        }
    }

    fn thread_slot(&mut self, thread: usize) {
        if thread >= self.busy_ms.len() {
            self.busy_ms.resize(thread + 1, 0.0);
            self.running.resize(thread + 1, None);
        }
    }

    fn threads_json(&self, now_ms: f64) -> Value {
        let elapsed = self.elapsed_ms(now_ms).max(1e-9);
        let n = self.threads.max(self.busy_ms.len());
        Value::Array(
            (0..n)
                .map(|i| {
                    let busy = self.busy_ms.get(i).copied().unwrap_or(0.0);
                    json!({
                        "thread": i,
                        "busy_ms": round3(busy),
                        "utilisation": round3((busy / elapsed).min(1.0)),
                        "running": self.running.get(i).and_then(|r| r.as_deref()),
                    })
                })
                .collect(),
        )
    }

    fn to_json(&self, now_ms: f64) -> Value {
        json!({
            "id": self.id,
            "started_unix_ms": round3(self.started_unix_ms),
            "offset_ms": round3(self.offset_ms),
            "tasks": self.tasks,
            "done": self.done,
            "by_kind": self.by_kind.iter().map(|k| json!({"kind": &*k.kind, "total": k.total, "done": k.done})).collect::<Vec<_>>(),
            "threads": self.threads,
            "memory_limit": self.memory_limit,
            "memory": self.memory,
            "peak_memory": self.peak_memory,
            "bytes_out": self.bytes_out,
            "running": self.finished.is_none(),
            "elapsed_ms": round3(self.elapsed_ms(now_ms)),
            "error": self.finished.as_ref().and_then(|(_, e)| e.clone()),
            "utilisation": self.threads_json(now_ms),
        })
    }
}

/// The task graph of the newest compute that sent one, drawn as SVG.
#[derive(Debug, Clone)]
pub struct GraphSvg {
    /// The compute it belongs to.
    pub compute: u64,
    /// Bumped for every new picture.
    pub version: u64,
    /// The picture.
    pub svg: Arc<String>,
}

/// Everything the dashboard has seen.
#[derive(Debug)]
pub struct State {
    t0: Instant,
    computes: VecDeque<ComputeRecord>,
    recent: VecDeque<TaskRecord>,
    tasks_done: u64,
    memory_history: VecDeque<(f64, usize)>,
    // Since the last batch of the event stream:
    pending_tasks: Vec<TaskRecord>,
    pending_dropped: usize,
    pending_memory: Vec<(f64, usize)>,
    changed: BTreeSet<u64>,
    pending_graph: Option<(u64, Arc<TaskGraph>)>,
    graph: Option<GraphSvg>,
    graph_changed: bool,
    /// Engine compute id → (the dashboard's number, who reported it first).
    ids: HashMap<u64, (u64, Origin)>,
    next_number: u64,
}

/// Which subscriber an event came through: the process-wide one, or the one in a compute's
/// options (`Dashboard::options`). A compute heard through both is recorded once, from the
/// one that reported its start first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The process-wide subscription.
    Global,
    /// A compute's own options.
    Options,
}

fn compute_of(event: &Event) -> u64 {
    match event {
        Event::ComputeStarted { compute, .. }
        | Event::Graph { compute, .. }
        | Event::TaskStarted { compute, .. }
        | Event::TaskFinished { compute, .. }
        | Event::Memory { compute, .. }
        | Event::ComputeFinished { compute, .. } => *compute,
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl State {
    /// Nothing seen yet; times count from now.
    pub fn new() -> State {
        State {
            t0: Instant::now(),
            computes: VecDeque::new(),
            recent: VecDeque::new(),
            tasks_done: 0,
            memory_history: VecDeque::new(),
            pending_tasks: Vec::new(),
            pending_dropped: 0,
            pending_memory: Vec::new(),
            changed: BTreeSet::new(),
            pending_graph: None,
            graph: None,
            graph_changed: false,
            ids: HashMap::new(),
            next_number: 1,
        }
    }

    fn now_ms(&self) -> f64 {
        ms(self.t0.elapsed())
    }

    fn compute_mut(&mut self, id: u64) -> Option<&mut ComputeRecord> {
        self.computes.iter_mut().rev().find(|c| c.id == id)
    }

    /// Memory in use by the computes still running.
    fn in_use(&self) -> usize {
        self.computes.iter().filter(|c| c.finished.is_none()).map(|c| c.memory).sum()
    }

    fn push_memory(&mut self, at_ms: f64, force: bool) {
        let in_use = self.in_use();
        let last = self.memory_history.back().copied();
        if !force && last.is_some_and(|(t, _)| at_ms - t < MEMORY_STEP_MS) {
            return;
        }
        if self.memory_history.len() == MEMORY_POINTS {
            self.memory_history.pop_front();
        }
        self.memory_history.push_back((at_ms, in_use));
        self.pending_memory.push((at_ms, in_use));
    }

    /// Fold one telemetry event in, heard through the process-wide subscription.
    pub fn apply(&mut self, event: &Event) {
        self.apply_from(Origin::Global, event);
    }

    /// Fold one telemetry event in, heard through `origin`. Computes are renumbered 1, 2, 3, …
    /// (engine ids are unique but large); the second copy of a compute heard through both
    /// origins is ignored.
    pub fn apply_from(&mut self, origin: Origin, event: &Event) {
        let engine_id = compute_of(event);
        let compute = &match (event, self.ids.get(&engine_id)) {
            (Event::ComputeStarted { .. }, None) => {
                let number = self.next_number;
                self.next_number += 1;
                self.ids.insert(engine_id, (number, origin));
                number
            }
            (Event::ComputeStarted { .. }, Some(_)) => return,
            (_, Some((number, first))) if *first == origin => *number,
            _ => return,
        };
        match event {
            Event::ComputeStarted { started, tasks, by_kind, threads, memory_limit, .. } => {
                if self.computes.len() == MAX_COMPUTES
                    && let Some(old) = self.computes.pop_front()
                {
                    self.ids.remove(&old.engine_id);
                }
                let started_unix_ms = started.duration_since(UNIX_EPOCH).map_or(0.0, ms);
                self.computes.push_back(ComputeRecord {
                    id: *compute,
                    engine_id,
                    started_unix_ms,
                    offset_ms: self.now_ms(),
                    tasks: *tasks,
                    by_kind: by_kind
                        .iter()
                        .map(|(k, n)| KindCount { kind: k.as_str().into(), total: *n, done: 0 })
                        .collect(),
                    threads: *threads,
                    memory_limit: *memory_limit,
                    done: 0,
                    bytes_out: 0,
                    memory: 0,
                    peak_memory: 0,
                    busy_ms: vec![0.0; *threads],
                    running: vec![None; *threads],
                    finished: None,
                });
                self.changed.insert(*compute);
            }
            Event::Graph { graph, .. } => self.pending_graph = Some((*compute, graph.clone())),
            Event::TaskStarted { kind, thread, .. } => {
                if let Some(c) = self.compute_mut(*compute) {
                    c.thread_slot(*thread);
                    c.running[*thread] = Some(c.kind_name(kind));
                    self.changed.insert(*compute);
                }
            }
            Event::TaskFinished { task, kind, thread, start, end, bytes_out, .. } => {
                let Some(c) = self.compute_mut(*compute) else { return };
                c.thread_slot(*thread);
                let kind = c.kind_name(kind);
                if let Some(k) = c.by_kind.iter_mut().find(|k| Arc::ptr_eq(&k.kind, &kind)) {
                    k.done += 1;
                }
                c.done += 1;
                c.bytes_out += *bytes_out as u64;
                c.busy_ms[*thread] += ms(end.saturating_sub(*start));
                c.running[*thread] = None;
                let offset = c.offset_ms;
                let record = TaskRecord {
                    compute: *compute,
                    task: *task,
                    kind,
                    thread: *thread,
                    start_ms: offset + ms(*start),
                    end_ms: offset + ms(*end),
                    bytes_out: *bytes_out,
                };
                self.tasks_done += 1;
                self.changed.insert(*compute);
                if self.recent.len() == RECENT_TASKS {
                    self.recent.pop_front();
                }
                self.recent.push_back(record.clone());
                if self.pending_tasks.len() < BATCH_TASKS {
                    self.pending_tasks.push(record);
                } else {
                    self.pending_dropped += 1;
                }
            }
            Event::Memory { in_use, at, .. } => {
                let Some(c) = self.compute_mut(*compute) else { return };
                c.memory = *in_use;
                c.peak_memory = c.peak_memory.max(*in_use);
                let at_ms = c.offset_ms + ms(*at);
                self.changed.insert(*compute);
                self.push_memory(at_ms, false);
            }
            Event::ComputeFinished { elapsed, peak_memory, error, .. } => {
                let Some(c) = self.compute_mut(*compute) else { return };
                c.finished = Some((ms(*elapsed), error.clone()));
                c.peak_memory = c.peak_memory.max(*peak_memory);
                c.running.iter_mut().for_each(|r| *r = None);
                let at_ms = c.offset_ms + ms(*elapsed);
                self.changed.insert(*compute);
                self.push_memory(at_ms, true);
            }
        }
    }

    /// The newest compute.
    fn current(&self) -> Option<&ComputeRecord> {
        self.computes.back()
    }

    fn memory_json(&self, points: &[(f64, usize)]) -> Value {
        let current = self.current();
        json!({
            "in_use": self.in_use(),
            "limit": current.and_then(|c| c.memory_limit),
            "peak": current.map_or(0, |c| c.peak_memory),
            "points": points.iter().map(|(t, b)| json!([round3(*t), b])).collect::<Vec<_>>(),
        })
    }

    fn graph_json(&self) -> Value {
        self.graph.as_ref().map_or(Value::Null, |g| json!({"compute": g.compute, "version": g.version}))
    }

    /// The whole state (what `/state.json` serves and a new page starts from).
    pub fn snapshot(&self) -> Value {
        let now = self.now_ms();
        let history: Vec<(f64, usize)> = self.memory_history.iter().copied().collect();
        json!({
            "uptime_ms": round3(now),
            "tasks_done": self.tasks_done,
            "current": self.current().map(|c| c.id),
            "computes": self.computes.iter().map(|c| c.to_json(now)).collect::<Vec<_>>(),
            "memory": self.memory_json(&history),
            "threads": self.current().map_or(Value::Array(vec![]), |c| c.threads_json(now)),
            "task_fields": TASK_FIELDS,
            "palette": cumulus_chunked::palette::KIND_PALETTE,
            "recent_tasks": self.recent.iter().map(TaskRecord::to_json).collect::<Vec<_>>(),
            "graph": self.graph_json(),
        })
    }

    /// What changed since the last batch, or `None` when nothing did; clears the pending lists.
    pub fn take_batch(&mut self) -> Option<Value> {
        if self.changed.is_empty() && self.pending_memory.is_empty() && !self.graph_changed {
            return None;
        }
        let now = self.now_ms();
        let changed = std::mem::take(&mut self.changed);
        let tasks = std::mem::take(&mut self.pending_tasks);
        let memory = std::mem::take(&mut self.pending_memory);
        self.graph_changed = false;
        let batch = json!({
            "uptime_ms": round3(now),
            "tasks_done": self.tasks_done,
            "current": self.current().map(|c| c.id),
            "computes": self.computes.iter().filter(|c| changed.contains(&c.id)).map(|c| c.to_json(now)).collect::<Vec<_>>(),
            "memory": self.memory_json(&memory),
            "threads": self.current().map_or(Value::Array(vec![]), |c| c.threads_json(now)),
            "tasks": tasks.iter().map(TaskRecord::to_json).collect::<Vec<_>>(),
            "dropped": std::mem::take(&mut self.pending_dropped),
            "graph": self.graph_json(),
        });
        Some(batch)
    }

    /// A graph waiting to be drawn, if a compute sent one since the last call.
    pub fn take_graph(&mut self) -> Option<(u64, Arc<TaskGraph>)> {
        self.pending_graph.take()
    }

    /// Install a drawn graph.
    pub fn set_graph(&mut self, compute: u64, svg: String) {
        let version = self.graph.as_ref().map_or(1, |g| g.version + 1);
        self.graph = Some(GraphSvg { compute, version, svg: Arc::new(svg) });
        self.graph_changed = true;
    }

    /// The drawn graph of the newest compute that sent one.
    pub fn graph(&self) -> Option<GraphSvg> {
        self.graph.clone()
    }

    /// Tasks finished in all computes seen.
    pub fn tasks_done(&self) -> u64 {
        self.tasks_done
    }
}

/// The state shared by the collector and the server threads.
pub type Shared = Arc<Mutex<State>>;

/// Lock, recovering from a poisoned lock (the state stays usable: every update is one step).
pub fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The telemetry subscriber feeding a [`State`].
#[derive(Clone)]
pub struct Collector(pub Shared);

impl Subscriber for Collector {
    fn on_event(&self, event: &Event) {
        lock(&self.0).apply(event);
    }

    fn wants_graph(&self) -> bool {
        true
    }
}

/// A collector attached to one compute's options (see `Dashboard::options`) rather than to
/// the process-wide telemetry: where each evcxr notebook cell links its own copy of the
/// engine, computes of later cells reach the dashboard only this way.
pub struct LocalCollector(pub Shared);

impl Subscriber for LocalCollector {
    fn on_event(&self, event: &Event) {
        lock(&self.0).apply_from(Origin::Options, event);
    }

    fn wants_graph(&self) -> bool {
        true
    }
}
