//! [`performance_report`]: one computation written down as a self-contained HTML file, what
//! dask's `performance_report` is to dask.
//!
//! The closure gets [`ComputeOptions`] that record telemetry; every compute run with them (or
//! with clones of them) inside the closure is in the report. Options rather than the
//! process-wide telemetry, so that it works in evcxr notebooks, where every cell links its own
//! copy of the engine (the same reason as [`crate::Dashboard::options`]).
//! [`performance_report_all`] also records the computes run with default options (through the
//! process-wide telemetry of the engine copy this crate is linked with), at the price of also
//! recording computes other threads run meanwhile.
//!
//! The file holds, with no script and nothing fetched from elsewhere (inline CSS and SVG only):
//!
//! - a summary: wall time, tasks, computes, bytes, peak memory, worker threads;
//! - the **task stream**: one row per worker thread, one rectangle per task coloured by its
//!   kind, with a tooltip (kind, chunk, task id, duration). Above [`MAX_STREAM_RECTS`] tasks,
//!   each row is cut into equal time bins and each bin drawn in the colour of the kind that was
//!   busiest in it (neighbouring bins of the same kind merged), the tooltip counting the tasks
//!   of every kind in it, so the file stays small;
//! - **durations by task kind**: a table (tasks, total, mean, longest, bytes out) and a bar chart;
//! - **memory** in use over time (tracked results and running tasks' estimates) with the peak;
//! - the **task graph** of the last compute ([`cumulus_chunked::TaskGraph::to_svg`]).
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_dashboard::performance_report;
//!
//! let path = std::env::temp_dir().join("cumulus-report-doc.html");
//! let x = ChunkedArray::random(&[400, 50], &[100, 50], 3)?;
//! let (total, report) = performance_report(&path, |opts| x.sum(0)?.compute_with(opts))?;
//! let (block, stats) = total?;
//! assert_eq!(block.shape(), &[50]);
//! assert_eq!(report.tasks, stats.tasks); // every task of the compute is in the report
//! assert_eq!(report.computes.len(), 1);
//! let html = std::fs::read_to_string(&path)?;
//! assert!(html.contains("Task stream") && !html.contains("<script"));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use cumulus_chunked::telemetry::{self, Event, Subscriber};
use cumulus_chunked::{ComputeOptions, TaskGraph};

use crate::error::DashboardError;

/// Rectangles drawn in the task stream at most (above, tasks are binned: see the module docs).
pub const MAX_STREAM_RECTS: usize = 2_000;
/// Tasks whose timings are kept for the task stream; the counts and durations of later tasks
/// are still exact, only their rectangles are missing (see [`Report::tasks_not_recorded`]).
pub const MAX_RECORDED_TASKS: usize = 200_000;
/// Memory samples kept; above, neighbouring samples are merged keeping the larger.
pub const MAX_MEMORY_SAMPLES: usize = 20_000;
/// Tasks above which the task graph is drawn one box per task kind.
pub const GRAPH_MAX_TASKS: usize = 300;

/// One task as it ran. Times are measured from the start of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskTiming {
    /// Which compute of the report (0 for the first).
    pub compute: usize,
    /// Task id (its position in that compute's graph).
    pub task: usize,
    /// Task kind (`sum-partial`, `read`, …).
    pub kind: String,
    /// The output chunk it worked for.
    pub chunk: Vec<usize>,
    /// Worker thread.
    pub thread: usize,
    /// When it started.
    pub start: Duration,
    /// When it ended.
    pub end: Duration,
    /// Bytes of the dependencies it read.
    pub bytes_in: usize,
    /// Bytes of its result.
    pub bytes_out: usize,
}

impl TaskTiming {
    /// How long it ran.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
}

/// The tasks of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSummary {
    /// Task kind.
    pub kind: String,
    /// Tasks of this kind that ran.
    pub count: usize,
    /// Their summed run time.
    pub total: Duration,
    /// The longest one.
    pub max: Duration,
    /// Bytes of their results.
    pub bytes_out: u64,
}

impl KindSummary {
    /// Mean run time (zero when none ran).
    pub fn mean(&self) -> Duration {
        u32::try_from(self.count).ok().filter(|&n| n > 0).map_or(Duration::ZERO, |n| self.total / n)
    }
}

/// One compute seen by the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeSummary {
    /// When it started, from the start of the report.
    pub start: Duration,
    /// Tasks in its graph.
    pub tasks: usize,
    /// Tasks that ran.
    pub done: usize,
    /// Tasks of its graph by kind.
    pub by_kind: Vec<(String, usize)>,
    /// Worker threads.
    pub threads: usize,
    /// Wall time (`None` if it had not finished when the report was made).
    pub elapsed: Option<Duration>,
    /// Highest tracked memory in bytes.
    pub peak_memory: usize,
    /// The error, if it failed.
    pub error: Option<String>,
}

/// What [`performance_report`] saw: numbers and the timings the HTML is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The title of the page.
    pub title: String,
    /// Wall time of the whole closure.
    pub wall_time: Duration,
    /// The computes, in the order they started.
    pub computes: Vec<ComputeSummary>,
    /// Tasks by kind, the kind that took longest in total first.
    pub kinds: Vec<KindSummary>,
    /// Tasks that ran (in all computes).
    pub tasks: usize,
    /// Their summed run time (the sum of the kinds' totals).
    pub task_time: Duration,
    /// Bytes the tasks read from their dependencies.
    pub bytes_in: u64,
    /// Bytes the tasks produced.
    pub bytes_out: u64,
    /// Bytes produced by tasks without inputs: what reads loaded (or generators made).
    pub bytes_loaded: u64,
    /// Highest tracked memory of any compute, in bytes.
    pub peak_memory: usize,
    /// Most worker threads of any compute.
    pub threads: usize,
    /// Tracked memory in use over time (summed over the computes running).
    pub memory: Vec<(Duration, usize)>,
    /// Timings of the first [`MAX_RECORDED_TASKS`] tasks, in the order they finished.
    pub task_stream: Vec<TaskTiming>,
    /// Tasks that ran beyond [`MAX_RECORDED_TASKS`] (counted, but not in `task_stream`).
    pub tasks_not_recorded: usize,
    /// The task graph of the last compute, as SVG.
    pub graph_svg: Option<String>,
}

/// Run `f` with options that record every compute made with them, then write the report of
/// what ran to `path` as one self-contained HTML file. Returns what `f` returned and the
/// [`Report`].
///
/// The file is created before `f` runs, so that a path that cannot be written fails at once
/// and not after a long computation.
///
/// # Errors
/// [`DashboardError::Report`] naming `path` when it cannot be created or written.
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_dashboard::{DashboardError, performance_report};
///
/// let err = performance_report("/no/such/dir/report.html", |_| ()).unwrap_err();
/// assert!(matches!(err, DashboardError::Report { .. }));
/// assert!(err.to_string().contains("/no/such/dir/report.html"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn performance_report<T>(
    path: impl AsRef<Path>,
    f: impl FnOnce(&ComputeOptions) -> T,
) -> Result<(T, Report), DashboardError> {
    run(path.as_ref(), false, f)
}

/// [`performance_report`], also recording the computes run with default options inside `f`
/// (through the process-wide telemetry). Computes that other threads run meanwhile are recorded
/// too; in a notebook, computes of other cells' engine copies are only seen through the options.
///
/// # Errors
/// [`DashboardError::Report`] naming `path` when it cannot be created or written.
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_dashboard::performance_report_all;
///
/// let path = std::env::temp_dir().join("cumulus-report-all-doc.html");
/// let x = ChunkedArray::arange(0.0, 100.0, 1.0, 10);
/// let (_, report) = performance_report_all(&path, |_| x.sum(0)?.compute())?; // default options
/// assert!(report.computes.len() >= 1 && report.tasks >= 10);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn performance_report_all<T>(
    path: impl AsRef<Path>,
    f: impl FnOnce(&ComputeOptions) -> T,
) -> Result<(T, Report), DashboardError> {
    run(path.as_ref(), true, f)
}

fn run<T>(path: &Path, global: bool, f: impl FnOnce(&ComputeOptions) -> T) -> Result<(T, Report), DashboardError> {
    let io_err = |source| DashboardError::Report { path: path.to_path_buf(), source };
    let mut file = std::fs::File::create(path).map_err(io_err)?;
    let recorder: Shared = Arc::new(Mutex::new(Recorder::new()));
    let opts = ComputeOptions::default().subscriber(ReportCollector { rec: recorder.clone(), source: Source::Options });
    let subscription =
        global.then(|| telemetry::subscribe(ReportCollector { rec: recorder.clone(), source: Source::Global }));
    let out = f(&opts);
    drop(subscription);
    drop(opts);
    let report = lock(&recorder).report();
    std::io::Write::write_all(&mut file, report.to_html().as_bytes()).map_err(io_err)?;
    Ok((out, report))
}

// ------------------------------------------------------------------------------- recording

type Shared = Arc<Mutex<Recorder>>;

fn lock(r: &Shared) -> MutexGuard<'_, Recorder> {
    r.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Options,
    Global,
}

/// The subscriber of a report: the options' one, or the process-wide one.
struct ReportCollector {
    rec: Shared,
    source: Source,
}

impl Subscriber for ReportCollector {
    fn on_event(&self, event: &Event) {
        lock(&self.rec).apply(self.source, event);
    }
    fn wants_graph(&self) -> bool {
        true
    }
}

#[derive(Default)]
struct KindAcc {
    count: usize,
    total: Duration,
    max: Duration,
    bytes_out: u64,
}

/// Everything recorded, folded as events arrive (on worker threads: only appends and sums).
struct Recorder {
    t0: Instant,
    computes: Vec<ComputeSummary>,
    /// Engine compute id → report compute index, per source (ids of different engine copies
    /// may collide).
    ids: HashMap<(bool, u64), usize>,
    /// Computes heard through the options: the process-wide copy of their events is skipped.
    option_starts: HashSet<(u64, SystemTime)>,
    skip_global: HashSet<u64>,
    kinds: BTreeMap<String, KindAcc>,
    tasks: usize,
    task_time: Duration,
    bytes: (u64, u64, u64),
    stream: Vec<TaskTiming>,
    not_recorded: usize,
    mem_now: Vec<usize>,
    memory: Vec<(Duration, usize)>,
    graph: Option<Arc<TaskGraph>>,
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            t0: Instant::now(),
            computes: Vec::new(),
            ids: HashMap::new(),
            option_starts: HashSet::new(),
            skip_global: HashSet::new(),
            kinds: BTreeMap::new(),
            tasks: 0,
            task_time: Duration::ZERO,
            bytes: (0, 0, 0),
            stream: Vec::new(),
            not_recorded: 0,
            mem_now: Vec::new(),
            memory: Vec::new(),
            graph: None,
        }
    }

    fn push_memory(&mut self, at: Duration) {
        if self.memory.len() >= MAX_MEMORY_SAMPLES {
            // Halve: each pair becomes its first time with the larger value (peaks survive).
            self.memory = self.memory.chunks(2).map(|p| (p[0].0, p.iter().map(|x| x.1).max().unwrap_or(0))).collect();
        }
        self.memory.push((at, self.mem_now.iter().sum()));
    }

    fn apply(&mut self, source: Source, event: &Event) {
        let (Event::ComputeStarted { compute: id, .. }
        | Event::Graph { compute: id, .. }
        | Event::TaskStarted { compute: id, .. }
        | Event::TaskFinished { compute: id, .. }
        | Event::Memory { compute: id, .. }
        | Event::ComputeFinished { compute: id, .. }) = event;
        let options = source == Source::Options;
        if let Event::ComputeStarted { started, tasks, by_kind, threads, .. } = event {
            if options {
                self.option_starts.insert((*id, *started));
            } else if self.option_starts.contains(&(*id, *started)) {
                // The options' collector heard this one first (local subscribers come first).
                self.skip_global.insert(*id);
                return;
            } else {
                self.skip_global.remove(id);
            }
            self.ids.insert((options, *id), self.computes.len());
            self.computes.push(ComputeSummary {
                start: self.t0.elapsed(),
                tasks: *tasks,
                done: 0,
                by_kind: by_kind.clone(),
                threads: *threads,
                elapsed: None,
                peak_memory: 0,
                error: None,
            });
            self.mem_now.push(0);
            return;
        }
        if !options && self.skip_global.contains(id) {
            return;
        }
        let Some(&c) = self.ids.get(&(options, *id)) else { return };
        let offset = self.computes[c].start;
        match event {
            Event::Graph { graph, .. } => self.graph = Some(graph.clone()),
            Event::TaskFinished { task, kind, chunk, thread, start, end, bytes_in, bytes_out, .. } => {
                let d = end.saturating_sub(*start);
                let k = self.kinds.entry(kind.clone()).or_default();
                k.count += 1;
                k.total += d;
                k.max = k.max.max(d);
                k.bytes_out += *bytes_out as u64;
                self.tasks += 1;
                self.task_time += d;
                self.bytes.0 += *bytes_in as u64;
                self.bytes.1 += *bytes_out as u64;
                if *bytes_in == 0 {
                    self.bytes.2 += *bytes_out as u64;
                }
                self.computes[c].done += 1;
                if self.stream.len() < MAX_RECORDED_TASKS {
                    self.stream.push(TaskTiming {
                        compute: c,
                        task: *task,
                        kind: kind.clone(),
                        chunk: chunk.clone(),
                        thread: *thread,
                        start: offset + *start,
                        end: offset + *end,
                        bytes_in: *bytes_in,
                        bytes_out: *bytes_out,
                    });
                } else {
                    self.not_recorded += 1;
                }
            }
            Event::Memory { in_use, at, .. } => {
                self.mem_now[c] = *in_use;
                self.computes[c].peak_memory = self.computes[c].peak_memory.max(*in_use);
                self.push_memory(offset + *at);
            }
            Event::ComputeFinished { elapsed, peak_memory, error, .. } => {
                let cs = &mut self.computes[c];
                cs.elapsed = Some(*elapsed);
                cs.peak_memory = cs.peak_memory.max(*peak_memory);
                cs.error.clone_from(error);
                self.mem_now[c] = 0;
                self.push_memory(offset + *elapsed);
            }
            _ => {}
        }
    }

    /// The closure's wall time, and at least the end of everything recorded. A compute's times
    /// are placed on the report's clock when its start event arrives, a little after it really
    /// started (more on a busy machine), so its last task can appear to end after the closure.
    fn wall_time(&self) -> Duration {
        let tasks = self.stream.iter().map(|t| t.end);
        let computes = self.computes.iter().filter_map(|c| c.elapsed.map(|e| c.start + e));
        tasks.chain(computes).fold(self.t0.elapsed(), Duration::max)
    }

    fn report(&self) -> Report {
        let mut kinds: Vec<KindSummary> = self
            .kinds
            .iter()
            .map(|(k, a)| KindSummary {
                kind: k.clone(),
                count: a.count,
                total: a.total,
                max: a.max,
                bytes_out: a.bytes_out,
            })
            .collect();
        kinds.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.kind.cmp(&b.kind)));
        Report {
            title: "cumulus performance report".to_string(),
            wall_time: self.wall_time(),
            kinds,
            tasks: self.tasks,
            task_time: self.task_time,
            bytes_in: self.bytes.0,
            bytes_out: self.bytes.1,
            bytes_loaded: self.bytes.2,
            peak_memory: self.computes.iter().map(|c| c.peak_memory).max().unwrap_or(0),
            threads: self.computes.iter().map(|c| c.threads).max().unwrap_or(0),
            memory: self.memory.clone(),
            task_stream: self.stream.clone(),
            tasks_not_recorded: self.not_recorded,
            graph_svg: self.graph.as_ref().map(|g| strip_xmlns(&g.to_svg(GRAPH_MAX_TASKS))),
            computes: self.computes.clone(),
        }
    }
}

/// Inline SVG needs no namespace; dropping it keeps the file free of any URL.
fn strip_xmlns(svg: &str) -> String {
    svg.replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1)
}

// ------------------------------------------------------------------------------- the page

/// `s` with `& < > " '` escaped, safe in HTML text and attribute values (the rule of every
/// cumulus picture, [`cumulus_chunked::markup::escape_html`]).
///
/// ```
/// assert_eq!(cumulus_dashboard::report::escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub use cumulus_chunked::markup::escape_html as escape;

/// A duration for people: `850 µs`, `12.3 ms`, `4.56 s`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{s:.3} s")
    }
}

/// A byte count for people: `512 B`, `1.50 KiB`, `3.20 MiB`, `1.07 GiB`.
pub fn format_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < UNITS.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{b} B") } else { format!("{x:.2} {}", UNITS[u]) }
}

const CSS: &str = "
.cumulus-report{font-family:sans-serif;font-size:14px;color:#222;max-width:1100px}
.cumulus-report h1{font-size:22px}.cumulus-report h2{font-size:17px;margin-top:28px}
.cumulus-report table{border-collapse:collapse}
.cumulus-report td,.cumulus-report th{border:1px solid #ccc;padding:3px 8px;text-align:right}
.cumulus-report th{background:#f3f3f3}.cumulus-report td.k,.cumulus-report th.k{text-align:left}
.cumulus-report .note{color:#666;font-size:12px}
.cumulus-report .sw{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #999}
";

/// Left margin of the charts (labels), plot width, row height.
const LEFT: f64 = 80.0;
const PLOT_W: f64 = 900.0;
const ROW_H: f64 = 18.0;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// About six round tick values in `0..=max`.
fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0];
    }
    let raw = max / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    (0..).map(|i| f64::from(i) * step).take_while(|t| *t <= max * 1.000_001).collect()
}

fn time_axis(s: &mut String, span: f64, y: f64) {
    for t in ticks(span) {
        let x = LEFT + t / span * PLOT_W;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" stroke="#999"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
            y + 4.0,
            y + 16.0,
            escape(&format_duration(Duration::from_secs_f64(t)))
        );
    }
}

impl Report {
    /// The summary of the kind named `kind`.
    pub fn kind(&self, kind: &str) -> Option<&KindSummary> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// The colour of each kind in the charts: the task graph's and the dashboard's
    /// ([`cumulus_chunked::palette::kind_colors`]).
    fn colours(&self) -> HashMap<String, &'static str> {
        cumulus_chunked::palette::kind_colors(self.kinds.iter().map(|k| k.kind.as_str())).into_iter().collect()
    }

    /// The report as one self-contained HTML page (what [`performance_report`] writes).
    ///
    /// ```
    /// # let path = std::env::temp_dir().join("cumulus-report-html-doc.html");
    /// # let (_, mut report) = cumulus_dashboard::performance_report(&path, |_| ())?;
    /// report.title = "<my run>".into();
    /// let html = report.to_html();
    /// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("&lt;my run&gt;"));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n{}</body>\n</html>\n",
            escape(&self.title),
            self.to_html_fragment()
        )
    }

    /// The body of the page alone (its style included and scoped to it), to show inside
    /// another page such as a notebook's output.
    pub fn to_html_fragment(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "<div class=\"cumulus-report\">\n<style>{CSS}</style>");
        let _ = writeln!(s, "<h1>{}</h1>", escape(&self.title));
        self.summary(&mut s);
        self.task_stream_svg(&mut s);
        self.kinds_section(&mut s);
        self.memory_svg(&mut s);
        if let Some(g) = &self.graph_svg {
            let _ = writeln!(s, "<h2>Task graph of the last compute</h2>\n<div>{g}</div>");
        }
        s.push_str("</div>\n");
        s
    }

    /// Show the report in an evcxr notebook (evcxr calls this when a cell ends with a `Report`).
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT", self.to_html_fragment());
    }

    fn summary(&self, s: &mut String) {
        let failed = self.computes.iter().filter(|c| c.error.is_some()).count();
        let rows: [(&str, String); 9] = [
            ("Wall time", format_duration(self.wall_time)),
            ("Computes", self.computes.len().to_string()),
            ("Computes failed", failed.to_string()),
            ("Tasks", self.tasks.to_string()),
            ("Task time (summed over threads)", format_duration(self.task_time)),
            ("Bytes read by tasks (their inputs)", format_bytes(self.bytes_in)),
            ("Bytes loaded (results of tasks without inputs)", format_bytes(self.bytes_loaded)),
            ("Peak memory (tracked)", format_bytes(self.peak_memory as u64)),
            ("Worker threads", self.threads.to_string()),
        ];
        s.push_str("<h2>Summary</h2>\n<table class=\"summary\">\n");
        for (k, v) in rows {
            let _ = writeln!(s, "<tr><th class=\"k\">{}</th><td>{}</td></tr>", escape(k), escape(&v));
        }
        s.push_str("</table>\n");
        for (i, c) in self.computes.iter().enumerate() {
            if let Some(e) = &c.error {
                let _ = writeln!(s, "<p>Compute {} failed: {}</p>", i + 1, escape(e));
            }
        }
    }

    fn legend(&self, s: &mut String) {
        let colours = self.colours();
        s.push_str("<p class=\"legend\">");
        for k in &self.kinds {
            let _ = write!(
                s,
                "<span class=\"sw\" style=\"background:{}\"></span>{} &nbsp; ",
                colours[k.kind.as_str()],
                escape(&k.kind)
            );
        }
        s.push_str("</p>\n");
    }

    fn span(&self) -> f64 {
        let end = self.task_stream.iter().map(|t| t.end).max().unwrap_or_default();
        secs(end.max(self.wall_time)).max(1e-9)
    }

    fn task_stream_svg(&self, s: &mut String) {
        s.push_str("<h2>Task stream</h2>\n");
        if self.task_stream.is_empty() {
            s.push_str("<p>No task ran.</p>\n");
            return;
        }
        let rows = self.task_stream.iter().map(|t| t.thread + 1).max().unwrap_or(1).max(self.threads);
        let span = self.span();
        let height = 10.0 + rows as f64 * ROW_H + 24.0;
        let width = LEFT + PLOT_W + 20.0;
        let binned = self.task_stream.len() > MAX_STREAM_RECTS;
        if binned {
            let _ = writeln!(
                s,
                "<p class=\"note\">{} tasks: each row is drawn in time bins coloured by the busiest kind in them (hover for the counts), to keep the page small.</p>",
                self.task_stream.len()
            );
        }
        if self.tasks_not_recorded > 0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">Only the first {MAX_RECORDED_TASKS} tasks are drawn; {} more ran.</p>",
                self.tasks_not_recorded
            );
        }
        let _ = writeln!(
            s,
            r#"<svg class="task-stream" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
        );
        for r in 0..rows {
            let y = 10.0 + r as f64 * ROW_H;
            let _ = write!(
                s,
                r##"<rect x="{LEFT}" y="{y:.1}" width="{PLOT_W}" height="{ROW_H}" fill="{}"/><text x="4" y="{:.1}">thread {r}</text>"##,
                if r % 2 == 0 { "#fafafa" } else { "#f0f0f0" },
                y + 13.0
            );
        }
        s.push('\n');
        let colours = self.colours();
        let x_of = |d: Duration| LEFT + secs(d) / span * PLOT_W;
        if binned {
            self.binned_rects(s, rows, span, &colours);
        } else {
            for t in &self.task_stream {
                let x = x_of(t.start);
                let w = (x_of(t.end) - x).max(0.5);
                let y = 10.0 + t.thread as f64 * ROW_H + 1.0;
                let tip = format!(
                    "{} · chunk {:?} · task {} of compute {} · {}",
                    t.kind,
                    t.chunk,
                    t.task,
                    t.compute + 1,
                    format_duration(t.duration())
                );
                let _ = writeln!(
                    s,
                    r##"<rect class="task" x="{x:.2}" y="{y:.1}" width="{w:.2}" height="{:.1}" fill="{}" stroke="#555" stroke-width="0.3"><title>{}</title></rect>"##,
                    ROW_H - 2.0,
                    colours.get(t.kind.as_str()).copied().unwrap_or("#ccc"),
                    escape(&tip)
                );
            }
        }
        time_axis(s, span, 10.0 + rows as f64 * ROW_H);
        s.push_str("\n</svg>\n");
        self.legend(s);
    }

    /// Above [`MAX_STREAM_RECTS`] tasks: per row, equal time bins coloured by their busiest
    /// kind, neighbours of the same kind merged.
    fn binned_rects(&self, s: &mut String, rows: usize, span: f64, colours: &HashMap<String, &'static str>) {
        let bins = (MAX_STREAM_RECTS / rows).clamp(1, PLOT_W as usize);
        let bin_w = span / bins as f64;
        // The kinds of the summary, then any other kind found in the stream (a `Report` edited
        // by hand may disagree with itself).
        let mut names: Vec<&str> = self.kinds.iter().map(|k| k.kind.as_str()).collect();
        for t in &self.task_stream {
            if !names.contains(&t.kind.as_str()) {
                names.push(&t.kind);
            }
        }
        let kind_ix: HashMap<&str, usize> = names.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        // busy[row][bin][kind] seconds, count[row][bin][kind] tasks starting there.
        let nk = names.len().max(1);
        let mut busy = vec![vec![0.0f64; bins * nk]; rows];
        let mut count = vec![vec![0usize; bins * nk]; rows];
        for t in &self.task_stream {
            let k = kind_ix.get(t.kind.as_str()).copied().unwrap_or(0);
            let (a, b) = (secs(t.start), secs(t.end));
            let first = ((a / bin_w) as usize).min(bins - 1);
            let last = ((b / bin_w) as usize).min(bins - 1);
            count[t.thread][first * nk + k] += 1;
            for bin in first..=last {
                let lo = (bin as f64 * bin_w).max(a);
                let hi = ((bin + 1) as f64 * bin_w).min(b);
                busy[t.thread][bin * nk + k] += (hi - lo).max(0.0);
            }
        }
        let dominant = |row: usize, bin: usize| -> Option<usize> {
            let cells = &busy[row][bin * nk..(bin + 1) * nk];
            let counts = &count[row][bin * nk..(bin + 1) * nk];
            (0..nk)
                .filter(|&k| cells[k] > 0.0 || counts[k] > 0)
                .max_by(|&a, &b| cells[a].total_cmp(&cells[b]).then(counts[a].cmp(&counts[b])))
        };
        for row in 0..rows {
            let mut bin = 0;
            while bin < bins {
                let Some(k) = dominant(row, bin) else {
                    bin += 1;
                    continue;
                };
                let mut end = bin + 1;
                while end < bins && dominant(row, end) == Some(k) {
                    end += 1;
                }
                let mut per_kind = vec![(0usize, 0.0f64); nk];
                for b in bin..end {
                    for (j, pk) in per_kind.iter_mut().enumerate() {
                        pk.0 += count[row][b * nk + j];
                        pk.1 += busy[row][b * nk + j];
                    }
                }
                let n: usize = per_kind.iter().map(|p| p.0).sum();
                let mut tip = format!(
                    "{n} tasks from {} to {}:",
                    format_duration(Duration::from_secs_f64(bin as f64 * bin_w)),
                    format_duration(Duration::from_secs_f64(end as f64 * bin_w))
                );
                for (j, (c, b)) in per_kind.iter().enumerate() {
                    if *c > 0 || *b > 0.0 {
                        let _ =
                            write!(tip, " {} ×{c} ({} busy);", names[j], format_duration(Duration::from_secs_f64(*b)));
                    }
                }
                let x = LEFT + bin as f64 * bin_w / span * PLOT_W;
                let w = ((end - bin) as f64 * bin_w / span * PLOT_W).max(0.5);
                let _ = writeln!(
                    s,
                    r#"<rect class="bin" x="{x:.2}" y="{:.1}" width="{w:.2}" height="{:.1}" fill="{}"><title>{}</title></rect>"#,
                    10.0 + row as f64 * ROW_H + 1.0,
                    ROW_H - 2.0,
                    colours.get(names[k]).copied().unwrap_or("#ccc"),
                    escape(&tip)
                );
                bin = end;
            }
        }
    }

    fn kinds_section(&self, s: &mut String) {
        s.push_str("<h2>Durations by task kind</h2>\n");
        if self.kinds.is_empty() {
            s.push_str("<p>No task ran.</p>\n");
            return;
        }
        s.push_str(
            "<table class=\"kinds\">\n<tr><th class=\"k\">kind</th><th>tasks</th><th>total</th><th>mean</th><th>longest</th><th>bytes out</th><th>share of task time</th></tr>\n",
        );
        let all = secs(self.task_time).max(1e-12);
        for k in &self.kinds {
            let _ = writeln!(
                s,
                "<tr><td class=\"k\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1} %</td></tr>",
                escape(&k.kind),
                k.count,
                escape(&format_duration(k.total)),
                escape(&format_duration(k.mean())),
                escape(&format_duration(k.max)),
                escape(&format_bytes(k.bytes_out)),
                100.0 * secs(k.total) / all
            );
        }
        let _ = writeln!(
            s,
            "<tr><th class=\"k\">all</th><th>{}</th><th>{}</th><th></th><th></th><th>{}</th><th>100 %</th></tr>\n</table>",
            self.tasks,
            escape(&format_duration(self.task_time)),
            escape(&format_bytes(self.bytes_out))
        );
        // Bar chart of the totals.
        let colours = self.colours();
        let label_w = 200.0;
        let bar_w = 600.0;
        let height = 10.0 + self.kinds.len() as f64 * 22.0;
        let width = label_w + bar_w + 220.0;
        let max = self.kinds.iter().map(|k| secs(k.total)).fold(0.0, f64::max).max(1e-12);
        let _ = writeln!(
            s,
            r#"<svg class="kind-bars" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
        );
        for (i, k) in self.kinds.iter().enumerate() {
            let y = 5.0 + i as f64 * 22.0;
            let w = (secs(k.total) / max * bar_w).max(0.5);
            let _ = writeln!(
                s,
                r##"<text x="{:.0}" y="{:.1}" text-anchor="end">{}</text><rect class="kind-bar" x="{label_w}" y="{y:.1}" width="{w:.1}" height="16" fill="{}" stroke="#555" stroke-width="0.3"><title>{} tasks, mean {}</title></rect><text x="{:.1}" y="{:.1}">{} ({} tasks)</text>"##,
                label_w - 6.0,
                y + 12.0,
                escape(&k.kind),
                colours[k.kind.as_str()],
                k.count,
                escape(&format_duration(k.mean())),
                label_w + w + 6.0,
                y + 12.0,
                escape(&format_duration(k.total)),
                k.count
            );
        }
        s.push_str("</svg>\n");
    }

    fn memory_svg(&self, s: &mut String) {
        s.push_str("<h2>Memory</h2>\n");
        if self.memory.is_empty() {
            s.push_str("<p>No memory samples.</p>\n");
            return;
        }
        let span = self.span();
        let h = 160.0;
        let top = 10.0;
        let peak = self.memory.iter().map(|m| m.1).max().unwrap_or(0).max(self.peak_memory).max(1) as f64;
        let y_of = |b: usize| top + h - b as f64 / peak * h;
        let x_of = |d: Duration| LEFT + secs(d) / span * PLOT_W;
        let (width, height) = (LEFT + PLOT_W + 20.0, top + h + 24.0);
        let _ = writeln!(
            s,
            r#"<svg class="memory" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
        );
        // A step line: the value holds until the next sample.
        let mut pts = format!("{LEFT:.1},{:.1}", y_of(0));
        let mut last_y = y_of(0);
        for &(t, b) in &self.memory {
            let x = x_of(t);
            let _ = write!(pts, " {x:.1},{last_y:.1} {x:.1},{:.1}", y_of(b));
            last_y = y_of(b);
        }
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT}" y="{top}" width="{PLOT_W}" height="{h}" fill="#fafafa"/><polyline points="{pts}" fill="none" stroke="#1f77b4" stroke-width="1.2"/>"##
        );
        let py = y_of(self.peak_memory);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#d62728" stroke-dasharray="4 3"/><text x="4" y="{:.1}" fill="#d62728">peak {}</text><text x="4" y="{:.1}">0</text>"##,
            LEFT + PLOT_W,
            py + 4.0,
            escape(&format_bytes(self.peak_memory as u64)),
            top + h
        );
        time_axis(s, span, top + h);
        s.push_str("\n</svg>\n<p class=\"note\">Tracked memory: results held for later tasks plus the estimates of running tasks.</p>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(id: u64, tasks: usize, threads: usize) -> Event {
        Event::ComputeStarted {
            compute: id,
            started: SystemTime::now(),
            tasks,
            by_kind: vec![("a<b&c".into(), tasks)],
            threads,
            memory_limit: None,
        }
    }

    fn finished(id: u64, task: usize, kind: &str, thread: usize, start_us: u64, end_us: u64) -> Event {
        Event::TaskFinished {
            compute: id,
            task,
            kind: kind.into(),
            chunk: vec![task],
            thread,
            start: Duration::from_micros(start_us),
            end: Duration::from_micros(end_us),
            bytes_in: if task.is_multiple_of(2) { 0 } else { 8 },
            bytes_out: 16,
        }
    }

    #[test]
    fn kinds_are_escaped_and_totals_add_up() {
        let mut r = Recorder::new();
        r.apply(Source::Options, &started(7, 3, 2));
        r.apply(Source::Options, &finished(7, 0, "a<b&c", 0, 0, 100));
        r.apply(Source::Options, &finished(7, 1, "a<b&c", 1, 10, 40));
        r.apply(Source::Options, &finished(7, 2, "\"q\"", 0, 100, 400));
        let rep = r.report();
        assert_eq!(rep.tasks, 3);
        assert_eq!(rep.task_time, Duration::from_micros(430));
        assert_eq!(rep.kinds[0].kind, "\"q\"");
        assert_eq!(
            rep.kind("a<b&c").map(|k| (k.count, k.total, k.max)),
            Some((2, Duration::from_micros(130), Duration::from_micros(100)))
        );
        assert_eq!(rep.kind("a<b&c").map(KindSummary::mean), Some(Duration::from_micros(65)));
        assert_eq!((rep.bytes_in, rep.bytes_out, rep.bytes_loaded), (8, 48, 32));
        let html = rep.to_html();
        assert!(html.contains("a&lt;b&amp;c") && html.contains("&quot;q&quot;"));
        assert!(!html.contains("a<b") && !html.contains("\"q\""));
        assert_eq!(html.matches("<rect class=\"task\"").count(), 3);
    }

    #[test]
    fn options_and_global_copies_of_one_compute_count_once() {
        let mut r = Recorder::new();
        let s = started(3, 1, 1);
        r.apply(Source::Options, &s);
        r.apply(Source::Global, &s);
        let f = finished(3, 0, "k", 0, 0, 5);
        r.apply(Source::Options, &f);
        r.apply(Source::Global, &f);
        // Another engine copy's compute 3 (another start time) is a compute of its own.
        r.apply(Source::Global, &started(3, 1, 1));
        r.apply(Source::Global, &f);
        let rep = r.report();
        assert_eq!(rep.computes.len(), 2);
        assert_eq!(rep.tasks, 2);
        assert_eq!(rep.computes.iter().map(|c| c.done).collect::<Vec<_>>(), vec![1, 1]);
    }

    #[test]
    fn big_streams_are_binned_under_the_cap() {
        let mut r = Recorder::new();
        let n = 3 * MAX_STREAM_RECTS;
        r.apply(Source::Options, &started(1, n, 4));
        for i in 0..n {
            let kind = if i % 3 == 0 { "read" } else { "sum" };
            let t0 = (i / 4) as u64 * 10;
            r.apply(Source::Options, &finished(1, i, kind, i % 4, t0, t0 + 9));
        }
        let rep = r.report();
        assert_eq!(rep.tasks, n);
        let html = rep.to_html();
        let rects = html.matches("<rect class=\"bin\"").count();
        assert!(rects > 0 && rects <= MAX_STREAM_RECTS, "{rects}");
        assert_eq!(html.matches("<rect class=\"task\"").count(), 0);
        // Every task is counted in exactly one bin's tooltip.
        let counted: usize =
            html.split("<title>").skip(1).filter_map(|t| t.split(" tasks from ").next()?.parse::<usize>().ok()).sum();
        assert_eq!(counted, n);
    }

    #[test]
    fn memory_samples_stay_bounded_and_keep_the_peak() {
        let mut r = Recorder::new();
        r.apply(Source::Options, &started(1, 1, 1));
        for i in 0..(3 * MAX_MEMORY_SAMPLES) {
            let in_use = if i == 12_345 { 1_000_000 } else { i % 100 };
            r.apply(Source::Options, &Event::Memory { compute: 1, in_use, at: Duration::from_micros(i as u64) });
        }
        let rep = r.report();
        assert!(rep.memory.len() <= MAX_MEMORY_SAMPLES);
        assert_eq!(rep.memory.iter().map(|m| m.1).max(), Some(1_000_000));
        assert_eq!(rep.peak_memory, 1_000_000);
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.50 KiB");
        assert_eq!(format_duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.500 s");
        let t = ticks(1.0);
        assert_eq!(t.len(), 6);
        assert!((t[5] - 1.0).abs() < 1e-9 && (t[1] - 0.2).abs() < 1e-12);
        assert_eq!(ticks(0.0), vec![0.0]);
    }
}
