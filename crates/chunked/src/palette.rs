//! The colours of task kinds, shared by every picture of a computation: the task graph
//! ([`TaskGraph::to_dot`](crate::TaskGraph::to_dot), [`TaskGraph::to_svg`](crate::TaskGraph::to_svg)),
//! the dashboard's task stream, the performance report and `cumulus-plot`'s task-stream chart.
//! One rule everywhere: the kinds, sorted by name, take the palette's colours in turn.

/// ColorBrewer Set3, twelve light colours that keep black labels readable.
pub const KIND_PALETTE: [&str; 12] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd",
    "#ccebc5", "#ffed6f",
];

/// Each kind (sorted by name, once) with its colour: the `k`-th kind gets
/// `KIND_PALETTE[k % 12]`.
///
/// ```
/// use cumulus_chunked::palette::{KIND_PALETTE, kind_colors};
/// let c = kind_colors(["sum", "arange", "sum", "combine"]);
/// let names: Vec<&str> = c.iter().map(|(k, _)| k.as_str()).collect();
/// assert_eq!(names, ["arange", "combine", "sum"]);
/// assert_eq!(c[0].1, KIND_PALETTE[0]);
/// assert_eq!(c[2].1, "#bebada");
/// ```
pub fn kind_colors<S: AsRef<str>>(kinds: impl IntoIterator<Item = S>) -> Vec<(String, &'static str)> {
    let mut k: Vec<String> = kinds.into_iter().map(|s| s.as_ref().to_string()).collect();
    k.sort();
    k.dedup();
    k.into_iter().enumerate().map(|(i, s)| (s, KIND_PALETTE[i % KIND_PALETTE.len()])).collect()
}
