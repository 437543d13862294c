//! The physical plan: one task per piece of work on one chunk.
//!
//! `TaskGraph::build` lowers optimized plan nodes into tasks:
//! - a **fused** task produces one output chunk by pulling its region through a pipeline of
//!   reads, selections and elementwise operations (dask's blockwise fusion);
//! - a reduction becomes, per output chunk, **partial** tasks (one per input chunk along the
//!   reduced axes), a tree of **combine** tasks with a bounded fan-in, and an **aggregate** task
//!   at the root — generated in post-order, so running tasks in id order finishes each subtree
//!   early and frees its inputs (the idea of `dask.order`);
//! - a grouped reduction is the same map-reduce with per-group states (flox's "map-reduce");
//! - `map_blocks` is one task per chunk.
//!
//! Stages shared by several outputs are lowered once (`compute_many`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use crate::chunks::{Region, grid_indices};
use crate::kernels::pair::PairStat;
use crate::kernels::reduce::Reduction;
use crate::plan::eval::{StageKey, requirements, stage_deps};
use crate::plan::node::{BlockFn, NodeRef, Op};
use crate::source::ChunkSource;

/// What a task does.
#[derive(Clone)]
pub(crate) enum Action {
    /// Pull `region` of `node`.
    Fused { node: NodeRef, region: Region },
    /// Pull `region` of `input` and reduce it.
    Partial { input: NodeRef, region: Region, red: Reduction, axes: Vec<usize>, offset: usize },
    /// Pull `region` of `input` and reduce it by group along `axis`.
    GroupPartial { input: NodeRef, region: Region, red: Reduction, axis: usize, labels: Vec<i64> },
    /// Merge the partials of the dependencies.
    Combine,
    /// Merge the partials of the dependencies and produce the result block.
    Aggregate {
        input_dtype: crate::DType,
        ngroups: Option<usize>,
        red: Reduction,
        /// Finalize the (moments) state as this operation instead (shared mean/std passes).
        as_op: Option<crate::ReduceOp>,
        /// Shape of the state when no partial exists (a group chunk nobody belongs to).
        shape: Vec<usize>,
        group_axis: Option<usize>,
    },
    /// Pull `region` of both arrays of a pair and reduce the pairs to co-moments.
    PairPartial { a: NodeRef, b: NodeRef, region: Region, skipna: bool, axes: Vec<usize> },
    /// Merge the co-moments of the dependencies and produce the statistic's block.
    PairAggregate { stat: PairStat, dtype: crate::DType, shape: Vec<usize> },
    /// Pull `region` of `input` and apply a user function.
    MapBlock { input: NodeRef, region: Region, f: BlockFn, name: String, dtype: crate::DType },
}

/// One task.
#[derive(Clone)]
pub(crate) struct Task {
    pub kind: String,
    pub node: u64,
    pub chunk: Vec<usize>,
    pub deps: Vec<usize>,
    pub action: Action,
    /// Rough bytes the task holds while it runs (inputs it decodes and its output).
    pub est_bytes: usize,
    /// True when the task reads sources (a leaf for memory throttling).
    pub reads: bool,
}

/// For one output: the task that produces each of its chunks.
pub(crate) type ChunkTasks = Vec<(Vec<usize>, usize)>;

impl Task {
    /// The nodes and region this task pulls through pipelines (none for combines and
    /// aggregates).
    fn pulls(&self) -> Vec<(&NodeRef, &Region)> {
        match &self.action {
            Action::Fused { node, region } => vec![(node, region)],
            Action::Partial { input, region, .. }
            | Action::GroupPartial { input, region, .. }
            | Action::MapBlock { input, region, .. } => vec![(input, region)],
            Action::PairPartial { a, b, region, .. } => vec![(a, region), (b, region)],
            _ => vec![],
        }
    }
}

/// A task graph ready to run: tasks in a good execution order (ids are priorities).
#[derive(Clone)]
pub struct TaskGraph {
    pub(crate) tasks: Vec<Task>,
    /// For every requested output: its node and the task producing each of its chunks.
    pub(crate) outputs: Vec<(NodeRef, ChunkTasks)>,
    /// Source chunks (source address, chunk) read by more than one task: only these are worth
    /// keeping in the decoded-chunk cache.
    pub(crate) shared_chunks: Arc<std::collections::HashSet<(usize, Vec<usize>)>>,
}

impl std::fmt::Debug for TaskGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskGraph")
            .field("tasks", &self.tasks.len())
            .field("dependencies", &self.num_edges())
            .field("outputs", &self.outputs.len())
            .finish()
    }
}

/// How far apart (in tasks) two reads of the same source chunk may be for the chunk to be
/// kept decoded in between.
pub const CACHE_WINDOW: usize = 128;

/// Fan-in of reduction trees (dask's `split_every`).
pub const SPLIT_EVERY: usize = 8;

/// Reductions of the same input over the same axes that can share one moments pass:
/// (input node, axes, skipna).
type MomentsKey = (u64, Vec<usize>, bool);

/// Pair reductions of the same two inputs over the same axes, which all share one pass of
/// co-moments: (first input, second input, axes, skipna).
type PairKey = (u64, u64, Vec<usize>, bool);

struct Builder {
    tasks: Vec<Task>,
    stage_out: HashMap<StageKey, usize>,
    lowered: BTreeSet<u64>,
    /// Reduce nodes that share a moments pass, by node id.
    moments: HashMap<u64, MomentsKey>,
    /// The final-level tasks of each shared moments tree, per output chunk.
    moment_roots: HashMap<(MomentsKey, Vec<usize>), Vec<usize>>,
    /// The final-level tasks of each pair-moments tree, per output chunk.
    pair_roots: HashMap<(PairKey, Vec<usize>), Vec<usize>>,
}

/// Find the mean/var/std reductions that read the same input over the same axes: when there is
/// more than one, they are computed from one pass of moments.
fn find_moment_groups(outputs: &[NodeRef]) -> HashMap<u64, MomentsKey> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<NodeRef> = outputs.to_vec();
    let mut groups: HashMap<MomentsKey, Vec<u64>> = HashMap::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id) {
            continue;
        }
        if let Op::Reduce { input, red, axes } = &n.op
            && matches!(red.op, crate::ReduceOp::Mean | crate::ReduceOp::Var(_) | crate::ReduceOp::Std(_))
        {
            groups.entry((input.id, axes.clone(), red.skipna)).or_default().push(n.id);
        }
        stack.extend(n.inputs().into_iter().cloned());
    }
    let mut out = HashMap::new();
    for (k, ids) in groups {
        if ids.len() > 1 {
            for id in ids {
                out.insert(id, k.clone());
            }
        }
    }
    out
}

/// The input chunk index made of an output chunk index `kept` (over the kept axes) and an
/// index `reduced` over the reduced `axes`.
fn expand_index(kept: &[usize], reduced: &[usize], axes: &[usize], ndim: usize) -> Vec<usize> {
    let (mut k, mut r) = (kept.iter(), reduced.iter());
    (0..ndim)
        .map(|d| if axes.contains(&d) { r.next() } else { k.next() }.copied().expect("one index per axis"))
        .collect()
}

fn region_elems(r: &Region) -> usize {
    r.iter().map(|x| x.end - x.start).product()
}

fn pipeline_name(node: &NodeRef) -> String {
    // Name a fused pipeline after its distinct operations, top first: "sub-read".
    let mut names: Vec<String> = Vec::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        let k = if n.is_stage() { format!("{}-result", n.kind_name()) } else { n.kind_name() };
        if !names.contains(&k) {
            names.push(k);
        }
        if !n.is_stage() {
            for i in n.inputs() {
                stack.push(i.clone());
            }
        }
    }
    names.truncate(4);
    names.join("-")
}

fn reads_sources(node: &NodeRef) -> bool {
    match node.op {
        Op::Source(_) => true,
        _ if node.is_stage() => false,
        _ => node.inputs().iter().any(|n| reads_sources(n)),
    }
}

impl Builder {
    fn deps_of(&mut self, node: &NodeRef, region: &Region) -> Vec<usize> {
        let mut keys = BTreeSet::new();
        stage_deps(node, region, &mut keys);
        keys.iter().map(|k| self.stage_out[k]).collect()
    }

    /// Lower every stage under `node` (inputs first), once.
    fn lower_stages_below(&mut self, node: &NodeRef) {
        for i in node.inputs() {
            if i.is_stage() {
                self.lower_stage(i);
            } else {
                self.lower_stages_below(i);
            }
        }
    }

    fn push(&mut self, t: Task) -> usize {
        self.tasks.push(t);
        self.tasks.len() - 1
    }

    fn lower_stage(&mut self, node: &NodeRef) {
        if !self.lowered.insert(node.id) {
            return;
        }
        self.lower_stages_below(node);
        match &node.op {
            Op::Reduce { input, red, axes } => self.lower_reduce(node, input, *red, axes),
            Op::GroupReduce { input, red, axis, labels, ngroups } => {
                self.lower_group(node, input, *red, *axis, labels, *ngroups)
            }
            Op::PairReduce { a, b, stat, skipna, axes } => self.lower_pair(node, (a, b), *stat, *skipna, axes),
            Op::MapBlocks { input, f, name } => {
                for idx in node.chunks.indices() {
                    let region = node.chunks.region(&idx);
                    let deps = self.deps_of(input, &region);
                    let est = region_elems(&region) * (input.dtype.size() + node.dtype.size());
                    let id = self.push(Task {
                        kind: node.kind_name(),
                        node: node.id,
                        chunk: idx.clone(),
                        deps,
                        action: Action::MapBlock {
                            input: input.clone(),
                            region,
                            f: f.clone(),
                            name: name.clone(),
                            dtype: node.dtype,
                        },
                        est_bytes: est,
                        reads: reads_sources(input),
                    });
                    self.stage_out.insert((node.id, idx), id);
                }
            }
            _ => unreachable!("only reductions and map_blocks are stages"),
        }
    }

    /// Combine `leaves` in a tree of fan-in `SPLIT_EVERY`, post-order, down to at most
    /// `SPLIT_EVERY` roots (which the aggregate merges).
    fn tree(&mut self, node: &NodeRef, idx: &[usize], leaves: Vec<usize>, part_bytes: usize) -> Vec<usize> {
        let mut level = leaves;
        let kind = node.kind_name();
        while level.len() > SPLIT_EVERY {
            let mut next = Vec::new();
            for group in level.chunks(SPLIT_EVERY) {
                next.push(self.push(Task {
                    kind: format!("{kind}-combine"),
                    node: node.id,
                    chunk: idx.to_vec(),
                    deps: group.to_vec(),
                    action: Action::Combine,
                    est_bytes: part_bytes,
                    reads: false,
                }));
            }
            level = next;
        }
        level
    }

    fn aggregate(&mut self, node: &NodeRef, idx: &[usize], roots: Vec<usize>, part_bytes: usize, agg: Action) -> usize {
        self.push(Task {
            kind: format!("{}-aggregate", node.kind_name()),
            node: node.id,
            chunk: idx.to_vec(),
            deps: roots,
            action: agg,
            est_bytes: part_bytes + node.chunks.max_chunk_len() * node.dtype.size(),
            reads: false,
        })
    }

    /// Leaves interleaved with their combines: groups of `SPLIT_EVERY` leaves are followed
    /// directly by the task combining them, so ids give a depth-first order.
    fn leaves_then_tree(
        &mut self,
        node: &NodeRef,
        idx: &[usize],
        leaf_actions: Vec<(Region, Action, bool)>,
        part_bytes: usize,
    ) -> Vec<usize> {
        let kind = node.kind_name();
        let mut firsts = Vec::new();
        let n = leaf_actions.len();
        for (k, group) in leaf_actions.chunks(SPLIT_EVERY).enumerate() {
            let mut ids = Vec::new();
            for (region, action, reads) in group.iter().cloned() {
                let inputs = match &action {
                    Action::Partial { input, .. } | Action::GroupPartial { input, .. } => vec![input.clone()],
                    Action::PairPartial { a, b, .. } => vec![a.clone(), b.clone()],
                    _ => unreachable!(),
                };
                let mut deps = Vec::new();
                for input in &inputs {
                    deps.extend(self.deps_of(input, &region));
                }
                deps.sort_unstable();
                deps.dedup();
                let in_bytes: usize = inputs.iter().map(|x| x.dtype.size() * 2).sum();
                let est = region_elems(&region) * in_bytes + part_bytes;
                ids.push(self.push(Task {
                    kind: format!("{kind}-partial"),
                    node: node.id,
                    chunk: idx.to_vec(),
                    deps,
                    action,
                    est_bytes: est,
                    reads,
                }));
            }
            if n > SPLIT_EVERY && ids.len() > 1 {
                let c = self.push(Task {
                    kind: format!("{kind}-combine"),
                    node: node.id,
                    chunk: idx.to_vec(),
                    deps: ids,
                    action: Action::Combine,
                    est_bytes: part_bytes,
                    reads: false,
                });
                firsts.push(c);
            } else {
                firsts.extend(ids);
            }
            let _ = k;
        }
        self.tree(node, idx, firsts, part_bytes)
    }

    fn lower_reduce(&mut self, node: &NodeRef, input: &NodeRef, red: Reduction, axes: &[usize]) {
        let in_chunks = &input.chunks;
        let reads = reads_sources(input);
        let red_counts: Vec<usize> = axes.iter().map(|&a| in_chunks.axis(a).len()).collect();
        // Shared mean/std passes reduce to moments and finalize each as its own operation.
        let share = self.moments.get(&node.id).cloned();
        let (leaf_red, as_op) = match share {
            Some(_) => (Reduction { op: crate::ReduceOp::Var(0), skipna: red.skipna }, Some(red.op)),
            None => (red, None),
        };
        for idx in node.chunks.indices() {
            let shape: Vec<usize> = node.chunks.region(&idx).iter().map(|r| r.end - r.start).collect();
            let part_bytes = shape.iter().product::<usize>() * 8 * 3;
            let existing = share.as_ref().and_then(|k| self.moment_roots.get(&(k.clone(), idx.clone())).cloned());
            let roots = match existing {
                Some(r) => r,
                None => {
                    // Expand the output index with every chunk along the reduced axes.
                    let mut leaf_actions = Vec::new();
                    for r in grid_indices(&red_counts) {
                        let region = in_chunks.region(&expand_index(&idx, &r, axes, in_chunks.ndim()));
                        let offset = if red.op.single_axis() { region[axes[0]].start } else { 0 };
                        leaf_actions.push((
                            region.clone(),
                            Action::Partial {
                                input: input.clone(),
                                region,
                                red: leaf_red,
                                axes: axes.to_vec(),
                                offset,
                            },
                            reads,
                        ));
                    }
                    let roots = self.leaves_then_tree(node, &idx, leaf_actions, part_bytes);
                    if let Some(k) = &share {
                        self.moment_roots.insert((k.clone(), idx.clone()), roots.clone());
                    }
                    roots
                }
            };
            let agg = Action::Aggregate {
                input_dtype: input.dtype,
                ngroups: None,
                red: leaf_red,
                as_op,
                shape,
                group_axis: None,
            };
            let id = self.aggregate(node, &idx, roots, part_bytes, agg);
            self.stage_out.insert((node.id, idx), id);
        }
    }

    /// A pair reduction: per output chunk, co-moment leaves over the chunks of `a` along the
    /// reduced axes, a combine tree, and an aggregate finalizing `stat`. Pair reductions of the
    /// same inputs over the same axes (rmse, mae and pearson_r of one forecast) share the
    /// leaves and the tree, so the data are read once for all of them.
    fn lower_pair(
        &mut self,
        node: &NodeRef,
        (a, b): (&NodeRef, &NodeRef),
        stat: PairStat,
        skipna: bool,
        axes: &[usize],
    ) {
        let key: PairKey = (a.id, b.id, axes.to_vec(), skipna);
        let reads = reads_sources(a) || reads_sources(b);
        let red_counts: Vec<usize> = axes.iter().map(|&d| a.chunks.axis(d).len()).collect();
        for idx in node.chunks.indices() {
            let shape: Vec<usize> = node.chunks.region(&idx).iter().map(|r| r.end - r.start).collect();
            let part_bytes = shape.iter().product::<usize>() * 8 * 8;
            let roots = match self.pair_roots.get(&(key.clone(), idx.clone())) {
                Some(r) => r.clone(),
                None => {
                    let leaf_actions = grid_indices(&red_counts)
                        .into_iter()
                        .map(|r| {
                            let region = a.chunks.region(&expand_index(&idx, &r, axes, a.chunks.ndim()));
                            let action = Action::PairPartial {
                                a: a.clone(),
                                b: b.clone(),
                                region: region.clone(),
                                skipna,
                                axes: axes.to_vec(),
                            };
                            (region, action, reads)
                        })
                        .collect();
                    let roots = self.leaves_then_tree(node, &idx, leaf_actions, part_bytes);
                    self.pair_roots.insert((key.clone(), idx.clone()), roots.clone());
                    roots
                }
            };
            let agg = Action::PairAggregate { stat, dtype: node.dtype, shape };
            let id = self.aggregate(node, &idx, roots, part_bytes, agg);
            self.stage_out.insert((node.id, idx), id);
        }
    }

    fn lower_group(
        &mut self,
        node: &NodeRef,
        input: &NodeRef,
        red: Reduction,
        axis: usize,
        labels: &[i64],
        ngroups: usize,
    ) {
        let in_chunks = &input.chunks;
        let reads = reads_sources(input);
        let n_along = in_chunks.axis(axis).len();
        for idx in node.chunks.indices() {
            let mut leaf_actions = Vec::new();
            for j in 0..n_along {
                let mut full = idx.clone();
                full[axis] = j;
                let region = in_chunks.region(&full);
                let local = labels[region[axis].clone()].to_vec();
                if local.iter().all(|&g| g < 0) {
                    continue;
                }
                leaf_actions.push((
                    region.clone(),
                    Action::GroupPartial { input: input.clone(), region, red, axis, labels: local },
                    reads,
                ));
            }
            let out_len: usize = node.chunks.region(&idx).iter().map(|r| r.end - r.start).product();
            let part_bytes = out_len * 8 * 3 / ngroups.max(1);
            let agg = Action::Aggregate {
                input_dtype: input.dtype,
                ngroups: Some(ngroups),
                red,
                shape: node.chunks.region(&idx).iter().map(|r| r.end - r.start).collect(),
                group_axis: Some(axis),
                as_op: None,
            };
            // With no position in any group, the aggregate (of nothing) has no inputs.
            let roots = if leaf_actions.is_empty() {
                vec![]
            } else {
                self.leaves_then_tree(node, &idx, leaf_actions, part_bytes)
            };
            let _ = out_len;
            let id = self.aggregate(node, &idx, roots, part_bytes, agg);
            self.stage_out.insert((node.id, idx), id);
        }
    }
}

fn collect_touched(
    node: &NodeRef,
    region: &Region,
    seen: &mut BTreeSet<(u64, Vec<usize>)>,
    out: &mut Vec<(Arc<dyn ChunkSource>, Vec<usize>)>,
) {
    if let Op::Source(src) = &node.op {
        let per_axis = node.chunks.overlaps(region);
        let counts: Vec<usize> = per_axis.iter().map(Vec::len).collect();
        for k in grid_indices(&counts) {
            let idx: Vec<usize> = k.iter().enumerate().map(|(d, &j)| per_axis[d][j].0).collect();
            if seen.insert((node.id, idx.clone())) {
                out.push((src.clone(), idx));
            }
        }
        return;
    }
    if node.is_stage() {
        return;
    }
    for (x, r) in requirements(node, region) {
        collect_touched(&x, &r, seen, out);
    }
}

/// Read and decode `chunks` on `threads` threads and throw the data away: the time a
/// workload cannot beat. Returns the bytes decoded.
///
/// # Errors
/// The first chunk that fails to read.
pub fn read_touched(chunks: &[(Arc<dyn ChunkSource>, Vec<usize>)], threads: usize) -> crate::Result<usize> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().map_err(|e| {
        crate::ChunkedError::Task { task: "read_touched".into(), chunk: vec![], message: e.to_string() }
    })?;
    pool.install(|| {
        chunks
            .par_iter()
            .map(|(src, idx)| {
                src.read_chunk(idx).map(|b| b.nbytes()).map_err(|e| crate::ChunkedError::Source {
                    source_name: src.name(),
                    chunk: idx.clone(),
                    message: e.0,
                })
            })
            .try_reduce(|| 0, |a, b| Ok(a + b))
    })
}

impl TaskGraph {
    /// Lower optimized output nodes into one task graph.
    pub(crate) fn build(outputs: &[NodeRef]) -> TaskGraph {
        let mut b = Builder {
            tasks: Vec::new(),
            stage_out: HashMap::new(),
            lowered: BTreeSet::new(),
            moments: find_moment_groups(outputs),
            moment_roots: HashMap::new(),
            pair_roots: HashMap::new(),
        };
        let mut outs = Vec::new();
        for node in outputs {
            let mut chunk_tasks = Vec::new();
            if node.is_stage() {
                b.lower_stage(node);
                for idx in node.chunks.indices() {
                    let t = b.stage_out[&(node.id, idx.clone())];
                    chunk_tasks.push((idx, t));
                }
            } else {
                b.lower_stages_below(node);
                let kind = pipeline_name(node);
                let reads = reads_sources(node);
                for idx in node.chunks.indices() {
                    let region = node.chunks.region(&idx);
                    let deps = b.deps_of(node, &region);
                    let est = region_elems(&region) * node.dtype.size() * 2;
                    let t = b.push(Task {
                        kind: kind.clone(),
                        node: node.id,
                        chunk: idx.clone(),
                        deps,
                        action: Action::Fused { node: node.clone(), region },
                        est_bytes: est,
                        reads,
                    });
                    chunk_tasks.push((idx, t));
                }
            }
            outs.push((node.clone(), chunk_tasks));
        }
        let mut g = TaskGraph { tasks: b.tasks, outputs: outs, shared_chunks: Arc::default() };
        g.shared_chunks = Arc::new(g.chunks_read_twice());
        g
    }

    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Number of tasks of each kind (`sub-read`, `nanmean-partial`, `nanmean-combine`, …).
    pub fn counts_by_kind(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for t in &self.tasks {
            *m.entry(t.kind.clone()).or_insert(0) += 1;
        }
        m
    }

    /// Source chunks that more than one task reads part of, close together in the run order
    /// (within [`CACHE_WINDOW`] tasks): only those stay decoded in the cache. Chunks read again
    /// much later (a second pass over the data) would be evicted before their next use, so
    /// caching them would only cost copies.
    fn chunks_read_twice(&self) -> std::collections::HashSet<(usize, Vec<usize>)> {
        let mut last: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        let mut shared = std::collections::HashSet::new();
        for (i, t) in self.tasks.iter().enumerate() {
            let mut seen = BTreeSet::new();
            let mut touched = Vec::new();
            for (node, region) in t.pulls() {
                collect_touched(node, region, &mut seen, &mut touched);
            }
            for (src, idx) in touched {
                let key = (Arc::as_ptr(&src) as *const () as usize, idx);
                if let Some(&prev) = last.get(&key)
                    && i - prev <= CACHE_WINDOW
                {
                    shared.insert(key.clone());
                }
                last.insert(key, i);
            }
        }
        shared
    }

    /// Every source chunk the tasks read, each once: `(source, chunk index)`, in task order.
    /// Reading exactly these (and nothing else) is the workload's **decode floor**.
    pub fn touched_chunks(&self) -> Vec<(Arc<dyn ChunkSource>, Vec<usize>)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for t in &self.tasks {
            for (node, region) in t.pulls() {
                collect_touched(node, region, &mut seen, &mut out);
            }
        }
        out
    }

    /// Bytes of the decoded source chunks the tasks read ([`TaskGraph::touched_chunks`]): what
    /// a computation must decompress, however little of each chunk it uses.
    pub fn touched_bytes(&self) -> usize {
        self.touched_chunks()
            .iter()
            .map(|(src, idx)| {
                let elems: usize = src.chunks().region(idx).iter().map(|r| r.len()).product();
                elems * src.dtype().size()
            })
            .sum()
    }

    /// Number of edges (dependencies).
    pub fn num_edges(&self) -> usize {
        self.tasks.iter().map(|t| t.deps.len()).sum()
    }

    /// The graph in Graphviz DOT: one box per task, labelled with its kind and chunk; tasks of
    /// the same kind share a colour. Render with `dot -Tsvg`. Graphs above `max_tasks` are
    /// summarized by kind instead (one node per kind, edges weighted by count).
    pub fn to_dot(&self, max_tasks: usize) -> String {
        let colours: BTreeMap<String, &str> =
            crate::palette::kind_colors(self.counts_by_kind().into_keys()).into_iter().collect();
        let colour = |k: &str| colours.get(k).copied().unwrap_or(crate::palette::KIND_PALETTE[0]);
        let mut s =
            String::from("digraph tasks {\n  rankdir=BT;\n  node [shape=box, style=filled, fontname=\"Helvetica\"];\n");
        if self.tasks.len() <= max_tasks {
            for (i, t) in self.tasks.iter().enumerate() {
                let _ =
                    writeln!(s, "  t{i} [label=\"{}\\n{:?}\", fillcolor=\"{}\"];", t.kind, t.chunk, colour(&t.kind));
            }
            for (i, t) in self.tasks.iter().enumerate() {
                for d in &t.deps {
                    let _ = writeln!(s, "  t{d} -> t{i};");
                }
            }
        } else {
            let counts = self.counts_by_kind();
            for (k, n) in &counts {
                let _ = writeln!(s, "  \"{k}\" [label=\"{k}\\n× {n}\", fillcolor=\"{}\"];", colour(k));
            }
            let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
            for t in &self.tasks {
                for &d in &t.deps {
                    *edges.entry((self.tasks[d].kind.clone(), t.kind.clone())).or_insert(0) += 1;
                }
            }
            for ((a, b), n) in edges {
                let _ = writeln!(s, "  \"{a}\" -> \"{b}\" [label=\"{n}\"];");
            }
        }
        s.push_str("}\n");
        s
    }
}
