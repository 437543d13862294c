//! The executor: runs a [`TaskGraph`] on a rayon thread pool, in a memory-aware order.
//!
//! - **Order**: among ready tasks the lowest id runs first. The graph builder numbers tasks
//!   depth-first (leaves of a reduction subtree, then the combine that frees them), so each
//!   subtree finishes early — the goal of `dask.order`.
//! - **Memory**: the scheduler tracks the bytes of results still needed plus an estimate for
//!   every running task. With a limit set, a task that reads from a source waits while starting
//!   it would go over the limit; tasks that free memory (combines, aggregates) always run. When
//!   nothing is running the next task starts anyway, so a limit smaller than one task slows
//!   nothing down into a hang.
//! - **Freeing**: a result is dropped as soon as its last consumer has run.
//! - **Failures**: the first error (a bad chunk, a panicking closure) stops the compute; tasks
//!   already running finish, nothing new starts, and the error names the task and its chunk.

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use crate::block::Block;
use crate::cache::ChunkCache;
use crate::error::{ChunkedError, Result};
use crate::graph::{Action, Task, TaskGraph};
use crate::kernels::pair::PairPartial;
use crate::kernels::reduce::Partial;
use crate::plan::eval::{Evaluator, StageValues};
use crate::telemetry::{self, Event, Subscriber};

/// How to run a compute.
#[derive(Clone, Default)]
pub struct ComputeOptions {
    /// Worker threads (default: rayon's global count, i.e. the number of cores).
    pub threads: Option<usize>,
    /// Bytes the scheduler tries to stay under (tracked results plus running estimates).
    pub memory_limit: Option<usize>,
    /// Subscribers for this compute only (global ones are in [`telemetry`]).
    pub subscribers: Vec<Arc<dyn Subscriber>>,
    /// Skip the optimizer (to compare plans in class).
    pub no_optimize: bool,
}

impl std::fmt::Debug for ComputeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeOptions")
            .field("threads", &self.threads)
            .field("memory_limit", &self.memory_limit)
            .field("subscribers", &self.subscribers.len())
            .field("no_optimize", &self.no_optimize)
            .finish()
    }
}

impl ComputeOptions {
    /// Use `n` worker threads.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = Some(n.max(1));
        self
    }
    /// Stay under `bytes` of tracked memory.
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = Some(bytes);
        self
    }
    /// Send this compute's events to `s`.
    pub fn subscriber(mut self, s: impl Subscriber + 'static) -> Self {
        self.subscribers.push(Arc::new(s));
        self
    }
}

/// What a compute did.
#[derive(Debug, Clone)]
pub struct ComputeStats {
    /// Tasks run.
    pub tasks: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Highest tracked memory in bytes.
    pub peak_memory: usize,
    /// Worker threads used.
    pub threads: usize,
}

#[derive(Clone)]
enum Value {
    Block(Arc<Block>),
    Partial(Arc<Partial>),
    Pair(Arc<PairPartial>),
}

impl Value {
    fn nbytes(&self) -> usize {
        match self {
            Value::Block(b) => b.nbytes(),
            Value::Partial(p) => p.nbytes(),
            Value::Pair(p) => p.nbytes(),
        }
    }
}

struct State {
    ready: BTreeSet<usize>,
    waiting_deps: Vec<usize>,
    consumers: Vec<usize>,
    results: Vec<Option<Value>>,
    running: usize,
    running_bytes: usize,
    held: usize,
    peak: usize,
    done: usize,
    error: Option<ChunkedError>,
}

/// Receives every finished output chunk: `(output index, chunk index, block)`.
pub type Sink<'a> = dyn Fn(usize, &[usize], Block) -> Result<()> + Sync + 'a;

fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = pools.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(threads)
        .or_insert_with(|| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("cumulus-worker-{i}"))
                    .build()
                    .expect("a thread pool can be created"),
            )
        })
        .clone()
}

/// Run `graph`, handing every output chunk to `sink` as soon as it is ready.
pub(crate) fn run(graph: &TaskGraph, opts: &ComputeOptions, sink: &Sink<'_>) -> Result<ComputeStats> {
    let n = graph.tasks.len();
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let compute = telemetry::next_compute_id();
    let listening = telemetry::active(&opts.subscribers);
    let t0 = Instant::now();
    if listening {
        telemetry::emit(
            &opts.subscribers,
            &Event::ComputeStarted {
                compute,
                started: SystemTime::now(),
                tasks: n,
                by_kind: graph.counts_by_kind().into_iter().collect(),
                threads,
                memory_limit: opts.memory_limit,
            },
        );
        telemetry::emit_graph(&opts.subscribers, compute, graph);
    }
    let mut dependents = vec![Vec::new(); n];
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            dependents[d].push(i);
        }
    }
    let mut outputs: HashMap<usize, Vec<(usize, Vec<usize>)>> = HashMap::new();
    for (o, (_, chunks)) in graph.outputs.iter().enumerate() {
        for (idx, t) in chunks {
            outputs.entry(*t).or_default().push((o, idx.clone()));
        }
    }
    let state = Mutex::new(State {
        ready: graph.tasks.iter().enumerate().filter(|(_, t)| t.deps.is_empty()).map(|(i, _)| i).collect(),
        waiting_deps: graph.tasks.iter().map(|t| t.deps.len()).collect(),
        consumers: dependents.iter().map(Vec::len).collect(),
        results: vec![None; n],
        running: 0,
        running_bytes: 0,
        held: 0,
        peak: 0,
        done: 0,
        error: None,
    });
    let cv = Condvar::new();
    // Decoded chunks shared between tasks that read parts of them: 64 MiB, or an eighth of
    // the memory limit.
    let cache = ChunkCache::new(opts.memory_limit.map_or(64 << 20, |l| l / 8));
    let ctx = Ctx {
        cache: &cache,
        graph,
        opts,
        sink,
        state: &state,
        cv: &cv,
        dependents: &dependents,
        outputs: &outputs,
        compute,
        t0,
        listening,
    };
    if n > 0 {
        let pool = pool(threads);
        pool.scope(|s| {
            for w in 0..threads {
                let ctx = &ctx;
                s.spawn(move |_| ctx.worker(w));
            }
        });
    }
    let st = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let elapsed = t0.elapsed();
    if listening {
        telemetry::emit(
            &opts.subscribers,
            &Event::ComputeFinished {
                compute,
                tasks_done: st.done,
                elapsed,
                peak_memory: st.peak,
                error: st.error.as_ref().map(ToString::to_string),
            },
        );
    }
    if let Some(e) = st.error {
        return Err(e);
    }
    Ok(ComputeStats { tasks: st.done, elapsed, peak_memory: st.peak, threads })
}

struct Ctx<'a> {
    graph: &'a TaskGraph,
    opts: &'a ComputeOptions,
    sink: &'a Sink<'a>,
    state: &'a Mutex<State>,
    cv: &'a Condvar,
    dependents: &'a [Vec<usize>],
    outputs: &'a HashMap<usize, Vec<(usize, Vec<usize>)>>,
    compute: u64,
    t0: Instant,
    listening: bool,
    cache: &'a ChunkCache,
}

impl Ctx<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pick the next task: lowest id, but a source-reading task only if it fits the memory limit.
    fn pick(&self, st: &State) -> Option<usize> {
        let limit = self.opts.memory_limit;
        for &t in &st.ready {
            let task = &self.graph.tasks[t];
            let fits = match limit {
                None => true,
                Some(l) => !task.reads || st.held + st.running_bytes + self.cache.bytes() + task.est_bytes <= l,
            };
            if fits {
                return Some(t);
            }
        }
        if st.running == 0 { st.ready.iter().next().copied() } else { None }
    }

    fn worker(&self, w: usize) {
        let n = self.graph.tasks.len();
        loop {
            let mut st = self.lock();
            let (t, inputs) = loop {
                if st.error.is_some() || st.done == n {
                    return;
                }
                if let Some(t) = self.pick(&st) {
                    st.ready.remove(&t);
                    let task = &self.graph.tasks[t];
                    let inputs: Vec<(usize, Value)> = task
                        .deps
                        .iter()
                        .map(|&d| {
                            let v = if st.consumers[d] == 1 && !self.outputs.contains_key(&d) {
                                st.results[d].take()
                            } else {
                                st.results[d].clone()
                            };
                            (d, v.expect("dependencies finish before their consumers"))
                        })
                        .collect();
                    st.running += 1;
                    st.running_bytes += task.est_bytes;
                    let now = st.held + st.running_bytes + self.cache.bytes();
                    st.peak = st.peak.max(now);
                    break (t, inputs);
                }
                if st.running == 0 && st.ready.is_empty() {
                    st.error = Some(ChunkedError::Task {
                        task: "scheduler".into(),
                        chunk: vec![],
                        message: "internal error: no task can run but the graph is not finished".into(),
                    });
                    self.cv.notify_all();
                    return;
                }
                st = self.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            };
            drop(st);
            let task = &self.graph.tasks[t];
            let start = self.t0.elapsed();
            if self.listening {
                telemetry::emit(
                    &self.opts.subscribers,
                    &Event::TaskStarted {
                        compute: self.compute,
                        task: t,
                        kind: task.kind.clone(),
                        chunk: task.chunk.clone(),
                        thread: w,
                        at: start,
                    },
                );
            }
            let bytes_in: usize = inputs.iter().map(|(_, v)| v.nbytes()).sum();
            let taken: Vec<(usize, usize)> = inputs.iter().map(|(d, v)| (*d, v.nbytes())).collect();
            let result = catch_unwind(AssertUnwindSafe(|| execute(self.graph, task, inputs, self.cache)))
                .unwrap_or_else(|p| Err(task_error(task, &format!("panicked: {}", panic_message(&p)))));
            let end = self.t0.elapsed();
            let mut st = self.lock();
            st.running -= 1;
            st.running_bytes -= task.est_bytes;
            for (d, bytes) in taken {
                st.consumers[d] -= 1;
                if st.consumers[d] == 0 {
                    // Either taken by this task or dropped now: no longer held.
                    st.results[d] = None;
                    st.held -= bytes;
                }
            }
            let value = match result {
                Ok(v) => v,
                Err(e) => {
                    if st.error.is_none() {
                        st.error = Some(e);
                    }
                    self.cv.notify_all();
                    return;
                }
            };
            let bytes_out = value.nbytes();
            let keep = st.consumers[t] > 0;
            if keep {
                st.held += bytes_out;
                st.peak = st.peak.max(st.held + st.running_bytes + self.cache.bytes());
                st.results[t] = Some(value.clone());
            }
            for &c in &self.dependents[t] {
                st.waiting_deps[c] -= 1;
                if st.waiting_deps[c] == 0 {
                    st.ready.insert(c);
                }
            }
            st.done += 1;
            let held = st.held + st.running_bytes;
            self.cv.notify_all();
            drop(st);
            if self.listening {
                telemetry::emit(
                    &self.opts.subscribers,
                    &Event::TaskFinished {
                        compute: self.compute,
                        task: t,
                        kind: task.kind.clone(),
                        chunk: task.chunk.clone(),
                        thread: w,
                        start,
                        end,
                        bytes_in,
                        bytes_out,
                    },
                );
                telemetry::emit(
                    &self.opts.subscribers,
                    &Event::Memory { compute: self.compute, in_use: held, at: end },
                );
            }
            if let Some(outs) = self.outputs.get(&t) {
                let Value::Block(block) = value else { unreachable!("outputs are blocks") };
                let mut block = Some(block);
                for (k, (o, idx)) in outs.iter().enumerate() {
                    let b = if k + 1 == outs.len() && !keep {
                        let arc = block.take().expect("present");
                        Arc::try_unwrap(arc).unwrap_or_else(|a| (*a).clone())
                    } else {
                        (**block.as_ref().expect("present")).clone()
                    };
                    if let Err(e) = (self.sink)(*o, idx, b) {
                        let mut st = self.lock();
                        if st.error.is_none() {
                            st.error = Some(e);
                        }
                        self.cv.notify_all();
                        return;
                    }
                }
            }
        }
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

fn task_error(task: &Task, message: &str) -> ChunkedError {
    ChunkedError::Task { task: task.kind.clone(), chunk: task.chunk.clone(), message: message.to_string() }
}

fn stage_values(graph: &TaskGraph, inputs: &[(usize, Value)]) -> StageValues {
    let mut m = StageValues::new();
    for (d, v) in inputs {
        if let Value::Block(b) = v {
            let t = &graph.tasks[*d];
            m.insert((t.node, t.chunk.clone()), b.clone());
        }
    }
    m
}

fn partials(inputs: Vec<(usize, Value)>) -> Vec<Partial> {
    inputs
        .into_iter()
        .filter_map(|(_, v)| match v {
            Value::Partial(p) => Some(Arc::try_unwrap(p).unwrap_or_else(|a| (*a).clone())),
            _ => None,
        })
        .collect()
}

/// The merged co-moments of the pair states among `inputs` (`None` when there is none).
/// Shared trees hand the same state to several aggregates, hence the clone when shared.
fn merged_pairs(inputs: Vec<(usize, Value)>) -> Option<PairPartial> {
    inputs
        .into_iter()
        .filter_map(|(_, v)| match v {
            Value::Pair(p) => Some(Arc::try_unwrap(p).unwrap_or_else(|a| (*a).clone())),
            _ => None,
        })
        .reduce(PairPartial::combine)
}

fn execute(graph: &TaskGraph, task: &Task, inputs: Vec<(usize, Value)>, cache: &ChunkCache) -> Result<Value> {
    match &task.action {
        Action::Fused { node, region } => {
            let sv = stage_values(graph, &inputs);
            Ok(Value::Block(Arc::new(
                Evaluator::new(&sv).with_cache(cache).with_shared_chunks(&graph.shared_chunks).eval(node, region)?,
            )))
        }
        Action::Partial { input, region, red, axes, offset } => {
            let sv = stage_values(graph, &inputs);
            let block =
                Evaluator::new(&sv).with_cache(cache).with_shared_chunks(&graph.shared_chunks).eval(input, region)?;
            Ok(Value::Partial(Arc::new(Partial::from_block(*red, &block, axes, *offset))))
        }
        Action::GroupPartial { input, region, red, axis, labels } => {
            let sv = stage_values(graph, &inputs);
            let block =
                Evaluator::new(&sv).with_cache(cache).with_shared_chunks(&graph.shared_chunks).eval(input, region)?;
            Ok(Value::Partial(Arc::new(Partial::from_block_grouped(*red, &block, *axis, labels))))
        }
        Action::Combine => {
            if matches!(inputs.first(), Some((_, Value::Pair(_)))) {
                return Ok(Value::Pair(Arc::new(merged_pairs(inputs).expect("a combine has inputs"))));
            }
            let p = partials(inputs).into_iter().reduce(Partial::combine).expect("a combine has inputs");
            Ok(Value::Partial(Arc::new(p)))
        }
        Action::PairPartial { a, b, region, skipna, axes } => {
            let sv = stage_values(graph, &inputs);
            let mut ev = Evaluator::new(&sv).with_cache(cache).with_shared_chunks(&graph.shared_chunks);
            let xy = ev.eval_all(&[a, b], region)?;
            Ok(Value::Pair(Arc::new(PairPartial::from_blocks(*skipna, &xy[0], &xy[1], axes))))
        }
        Action::PairAggregate { stat, dtype, shape } => {
            let p = merged_pairs(inputs).unwrap_or_else(|| PairPartial::empty(shape));
            Ok(Value::Block(Arc::new(p.finalize(*stat, *dtype))))
        }
        Action::Aggregate { input_dtype, ngroups, red, shape, group_axis, as_op } => {
            let p = partials(inputs)
                .into_iter()
                .reduce(Partial::combine)
                .unwrap_or_else(|| Partial::empty(*red, *input_dtype, shape, *group_axis));
            let block = match as_op {
                Some(op) => p.finalize_as(*op, *input_dtype, *ngroups),
                None => p.finalize(*input_dtype, *ngroups),
            }
            .map_err(|m| task_error(task, &m))?;
            Ok(Value::Block(Arc::new(block)))
        }
        Action::MapBlock { input, region, f, name, dtype } => {
            let sv = stage_values(graph, &inputs);
            let block =
                Evaluator::new(&sv).with_cache(cache).with_shared_chunks(&graph.shared_chunks).eval(input, region)?;
            let want: Vec<usize> = block.shape().to_vec();
            let out = f(&block).map_err(|m| task_error(task, &format!("map_blocks {name}: {m}")))?;
            if out.shape() != want.as_slice() || out.dtype() != *dtype {
                return Err(task_error(
                    task,
                    &format!(
                        "map_blocks {name} returned a {} block of shape {:?}; expected {dtype} {want:?}",
                        out.dtype(),
                        out.shape()
                    ),
                ));
            }
            Ok(Value::Block(Arc::new(out)))
        }
    }
}
