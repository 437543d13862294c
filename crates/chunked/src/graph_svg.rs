//! The task graph as an SVG picture, without Graphviz: tasks in layers (a task sits one layer
//! below its deepest dependency), coloured by kind, with a legend. What dask's `visualize()`
//! shows, in a form a notebook or the book can display directly.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::graph::TaskGraph;
use crate::markup::escape_html as escape;

/// Pixels between node centres, horizontally and vertically.
const DX: f64 = 16.0;
const DY: f64 = 56.0;
const MARGIN: f64 = 24.0;
const LEGEND_ROW: f64 = 18.0;

struct Layout {
    /// Per node: kind, layer, position within the layer.
    nodes: Vec<(String, usize, usize)>,
    /// (from, to, label) edges between nodes.
    edges: Vec<(usize, usize, Option<usize>)>,
    /// Node label shown in the picture (only for the grouped form).
    labels: Vec<Option<String>>,
}

impl TaskGraph {
    /// The graph as SVG. Up to `max_tasks` tasks, one dot per task; above, one box per task
    /// kind with the number of tasks, and edges labelled with how many dependencies they stand
    /// for. Reads are at the top, the final results at the bottom.
    ///
    /// ```
    /// use cumulus_chunked::{ChunkedArray, ComputeOptions};
    /// let x = ChunkedArray::arange(0.0, 100.0, 1.0, 10);
    /// let g = x.sum(0)?.graph(&ComputeOptions::default())?;
    /// let svg = g.to_svg(200);
    /// assert!(svg.starts_with("<svg") && svg.contains("sum-partial"));
    /// // One dot per task (each with its kind as a tooltip), plus one per kind in the legend.
    /// assert_eq!(svg.matches("</title></circle>").count(), g.len());
    /// # Ok::<(), cumulus_chunked::ChunkedError>(())
    /// ```
    #[must_use]
    pub fn to_svg(&self, max_tasks: usize) -> String {
        let layout = if self.tasks.len() <= max_tasks { self.task_layout() } else { self.kind_layout() };
        render(&layout, &self.counts_by_kind(), self.tasks.len(), self.num_edges())
    }

    fn task_layout(&self) -> Layout {
        let n = self.tasks.len();
        let mut layer = vec![0usize; n];
        // Dependencies come before their users in the task list; relax until stable anyway, so
        // that any order gives the longest-path layering (bounded by n passes).
        for _ in 0..n.max(1) {
            let mut changed = false;
            for (i, t) in self.tasks.iter().enumerate() {
                let l = t.deps.iter().filter(|&&d| d < n).map(|&d| layer[d] + 1).max().unwrap_or(0);
                if l != layer[i] {
                    layer[i] = l;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let edges: Vec<(usize, usize, Option<usize>)> =
            self.tasks.iter().enumerate().flat_map(|(i, t)| t.deps.iter().map(move |&d| (d, i, None))).collect();
        let kinds: Vec<String> = self.tasks.iter().map(|t| t.kind.clone()).collect();
        Layout { nodes: order(&kinds, &layer, &edges), edges, labels: vec![None; n] }
    }

    fn kind_layout(&self) -> Layout {
        let counts = self.counts_by_kind();
        let kinds: Vec<String> = counts.keys().cloned().collect();
        let id = |k: &str| kinds.iter().position(|x| x == k).unwrap_or(0);
        let mut edge_counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for t in &self.tasks {
            for &d in &t.deps {
                *edge_counts.entry((id(&self.tasks[d].kind), id(&t.kind))).or_insert(0) += 1;
            }
        }
        let mut layer = vec![0usize; kinds.len()];
        for _ in 0..kinds.len() {
            for &(a, b) in edge_counts.keys() {
                if a != b {
                    layer[b] = layer[b].max(layer[a] + 1).min(kinds.len());
                }
            }
        }
        let edges: Vec<(usize, usize, Option<usize>)> =
            edge_counts.iter().filter(|((a, b), _)| a != b).map(|(&(a, b), &n)| (a, b, Some(n))).collect();
        let labels = kinds.iter().map(|k| Some(format!("{k} × {}", counts[k]))).collect();
        Layout { nodes: order(&kinds, &layer, &edges), edges, labels }
    }
}

/// Positions within each layer: by the mean position of a node's dependencies (the barycentre
/// heuristic, one sweep from the top), ties by index.
fn order(kinds: &[String], layer: &[usize], edges: &[(usize, usize, Option<usize>)]) -> Vec<(String, usize, usize)> {
    let n = kinds.len();
    let depth = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in edges {
        if b < n && a < n {
            deps[b].push(a);
        }
    }
    let mut pos = vec![0usize; n];
    for l in 0..depth {
        let mut members: Vec<(f64, usize)> = (0..n)
            .filter(|&i| layer[i] == l)
            .map(|i| {
                let key = if deps[i].is_empty() {
                    i as f64
                } else {
                    deps[i].iter().map(|&d| pos[d] as f64).sum::<f64>() / deps[i].len() as f64
                };
                (key, i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (p, &(_, i)) in members.iter().enumerate() {
            pos[i] = p;
        }
    }
    (0..n).map(|i| (kinds[i].clone(), layer[i], pos[i])).collect()
}

fn render(layout: &Layout, counts: &BTreeMap<String, usize>, n_tasks: usize, n_edges: usize) -> String {
    let colours: BTreeMap<String, &str> = crate::palette::kind_colors(counts.keys()).into_iter().collect();
    let colour = |k: &str| colours.get(k).copied().unwrap_or(crate::palette::KIND_PALETTE[0]);
    let grouped = layout.labels.iter().any(Option::is_some);
    let dx = if grouped { 190.0 } else { DX };
    let widest = {
        let mut per_layer: BTreeMap<usize, usize> = BTreeMap::new();
        for (_, l, _) in &layout.nodes {
            *per_layer.entry(*l).or_insert(0) += 1;
        }
        per_layer.values().copied().max().unwrap_or(1)
    };
    let depth = layout.nodes.iter().map(|n| n.1).max().map_or(1, |m| m + 1);
    let legend_w = 260.0;
    let graph_w = (widest as f64 * dx).max(legend_w);
    let width = graph_w + 2.0 * MARGIN;
    let top = MARGIN + 24.0;
    let graph_h = depth as f64 * DY;
    let height = top + graph_h + colours.len() as f64 * LEGEND_ROW + 2.0 * MARGIN;
    // Centre each layer.
    let mut layer_len: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, l, _) in &layout.nodes {
        *layer_len.entry(*l).or_insert(0) += 1;
    }
    let xy = |i: usize| {
        let (_, l, p) = &layout.nodes[i];
        let len = layer_len.get(l).copied().unwrap_or(1) as f64;
        let x0 = MARGIN + (graph_w - len * dx) / 2.0 + dx / 2.0;
        (x0 + *p as f64 * dx, top + *l as f64 * DY + DY / 2.0)
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{:.0}" font-size="14">{n_tasks} tasks, {n_edges} dependencies (tasks without dependencies on top)</text>"#,
        MARGIN + 6.0
    );
    for &(a, b, label) in &layout.edges {
        if a >= layout.nodes.len() || b >= layout.nodes.len() {
            continue;
        }
        let ((x1, y1), (x2, y2)) = (xy(a), xy(b));
        let _ = writeln!(
            s,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#999" stroke-width="0.8"/>"##
        );
        if let Some(n) = label {
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" fill="#555">{n}</text>"##,
                (x1 + x2) / 2.0 + 4.0,
                (y1 + y2) / 2.0
            );
        }
    }
    for (i, (kind, _, _)) in layout.nodes.iter().enumerate() {
        let (x, y) = xy(i);
        match &layout.labels[i] {
            Some(label) => {
                let w = dx - 20.0;
                let _ = writeln!(
                    s,
                    r##"<rect x="{:.1}" y="{:.1}" width="{w:.0}" height="24" rx="4" fill="{}" stroke="#333"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                    x - w / 2.0,
                    y - 12.0,
                    colour(kind),
                    y + 4.0,
                    escape(label)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{}" stroke="#333" stroke-width="0.8"><title>{}</title></circle>"##,
                    colour(kind),
                    escape(kind)
                );
            }
        }
    }
    let legend_top = top + graph_h + MARGIN;
    for (k, (kind, n)) in counts.iter().enumerate() {
        let y = legend_top + k as f64 * LEGEND_ROW;
        let _ = writeln!(
            s,
            r##"<circle cx="{:.1}" cy="{y:.1}" r="6" fill="{}" stroke="#333" stroke-width="0.8"/><text x="{:.1}" y="{:.1}">{} × {n}</text>"##,
            MARGIN + 6.0,
            colour(kind),
            MARGIN + 18.0,
            y + 4.0,
            escape(kind)
        );
    }
    s.push_str("</svg>\n");
    s
}
