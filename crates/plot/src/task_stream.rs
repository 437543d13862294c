//! [`task_stream`]: the tasks of one compute as a static picture — one row per worker
//! thread, a rectangle per task from its start to its end, coloured by task kind, with a
//! legend of kinds. The dashboard's live task stream, kept as a PNG or SVG.
//!
//! Collect the engine's telemetry events with a subscriber, then draw them:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use cumulus_chunked::telemetry::Event;
//! use cumulus_chunked::{ChunkedArray, ComputeOptions};
//! use cumulus_plot::task_stream;
//!
//! let events = Arc::new(Mutex::new(Vec::new()));
//! let sink = events.clone();
//! let record = move |e: &Event| sink.lock().unwrap().push(e.clone());
//! let x = ChunkedArray::arange(0.0, 1000.0, 1.0, 100).sum(0).unwrap();
//! x.compute_with(&ComputeOptions::default().subscriber(record)).unwrap();
//! let svg = task_stream(&events.lock().unwrap()).to_svg().unwrap();
//! assert!(svg.contains("thread 0") && svg.contains("time [s]"));
//! ```

use cumulus_chunked::telemetry::Event;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axis::LabeledAxis;
use crate::colormap::Rgba;
use crate::error::{PlotError, Result, draw_err};
use crate::font::FAMILY;
use crate::output::{self, Draw, outputs, padded};

/// The colours of task kinds, [`cumulus_chunked::palette::KIND_PALETTE`] (ColorBrewer Set3),
/// the palette of the task graph (`/graph.svg`), the dashboard's task stream and the
/// performance report. The kinds, sorted by name, take them in turn; see [`kind_colors`].
pub const KIND_PALETTE: [Rgba; 12] = {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    const fn byte(s: &[u8], at: usize) -> u8 {
        nibble(s[at]) * 16 + nibble(s[at + 1])
    }
    let mut out = [Rgba::rgb(0, 0, 0); 12];
    let mut i = 0;
    while i < out.len() {
        let hex = cumulus_chunked::palette::KIND_PALETTE[i].as_bytes();
        out[i] = Rgba::rgb(byte(hex, 1), byte(hex, 3), byte(hex, 5));
        i += 1;
    }
    out
};

/// Each kind (sorted by name, once) with its colour: the `k`-th kind gets
/// `KIND_PALETTE[k % 12]`, as the task graph's legend does.
///
/// ```
/// use cumulus_plot::task_stream::{KIND_PALETTE, kind_colors};
/// let c = kind_colors(["sum", "arange", "sum", "combine"]);
/// let names: Vec<&str> = c.iter().map(|(k, _)| k.as_str()).collect();
/// assert_eq!(names, ["arange", "combine", "sum"]);
/// assert_eq!(c[0].1, KIND_PALETTE[0]);
/// assert_eq!(c[2].1.to_hex(), "#bebada");
/// ```
pub fn kind_colors<S: AsRef<str>>(kinds: impl IntoIterator<Item = S>) -> Vec<(String, Rgba)> {
    let mut k: Vec<String> = kinds.into_iter().map(|s| s.as_ref().to_string()).collect();
    k.sort();
    k.dedup();
    k.into_iter().enumerate().map(|(i, s)| (s, KIND_PALETTE[i % KIND_PALETTE.len()])).collect()
}

/// One finished task: worker thread, kind, start and end in seconds from the compute's start.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpan {
    /// The worker thread.
    pub thread: usize,
    /// The task kind.
    pub kind: String,
    /// Start, in seconds.
    pub start: f64,
    /// End, in seconds.
    pub end: f64,
}

/// Start a task-stream chart from a compute's telemetry events (only
/// [`Event::TaskFinished`] counts; the others are ignored). The events must come from one
/// compute, or choose one with [`TaskStream::compute`].
pub fn task_stream(events: &[Event]) -> TaskStream {
    TaskStream { events: events.to_vec(), compute: None, title: None, size: (900, 360) }
}

/// A task-stream chart being set up; see [`task_stream`]. Setters chain; outputs as for maps.
#[derive(Debug, Clone)]
pub struct TaskStream {
    events: Vec<Event>,
    compute: Option<u64>,
    title: Option<String>,
    size: (u32, u32),
}

impl TaskStream {
    /// Draw only the tasks of this compute (the id in the events), when the events hold several.
    ///
    /// ```
    /// # use cumulus_chunked::telemetry::Event;
    /// # use std::time::Duration;
    /// let task = |compute| Event::TaskFinished { compute, task: 0, kind: "sum".into(), chunk: vec![0], thread: 0,
    ///     start: Duration::ZERO, end: Duration::from_millis(5), bytes_in: 0, bytes_out: 8 };
    /// let events = [task(1), task(2)];
    /// let e = cumulus_plot::task_stream(&events).to_svg().unwrap_err();
    /// assert!(e.to_string().contains("computes 1, 2"), "{e}");
    /// assert!(cumulus_plot::task_stream(&events).compute(2).to_svg().is_ok());
    /// ```
    pub fn compute(mut self, id: u64) -> TaskStream {
        self.compute = Some(id);
        self
    }

    /// The title (default `Task stream`).
    ///
    /// ```
    /// # use cumulus_chunked::telemetry::Event;
    /// # use std::time::Duration;
    /// # let events = [Event::TaskFinished { compute: 1, task: 0, kind: "sum".into(), chunk: vec![0], thread: 0,
    /// #     start: Duration::ZERO, end: Duration::from_millis(5), bytes_in: 0, bytes_out: 8 }];
    /// let svg = cumulus_plot::task_stream(&events).title("Mean of t2m").to_svg().unwrap();
    /// assert!(svg.contains("Mean of t2m"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> TaskStream {
        self.title = Some(title.into());
        self
    }

    /// Width and height in pixels (default 900 × 360; at least 300 × 150).
    ///
    /// ```
    /// # use cumulus_chunked::telemetry::Event;
    /// # use std::time::Duration;
    /// # let events = [Event::TaskFinished { compute: 1, task: 0, kind: "sum".into(), chunk: vec![0], thread: 0,
    /// #     start: Duration::ZERO, end: Duration::from_millis(5), bytes_in: 0, bytes_out: 8 }];
    /// let svg = cumulus_plot::task_stream(&events).size(600, 300).to_svg().unwrap();
    /// assert!(svg.starts_with("<svg width=\"600\" height=\"300\""));
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> TaskStream {
        self.size = (width, height);
        self
    }

    /// The finished tasks drawn, in the order of the events.
    ///
    /// # Errors
    /// [`PlotError::Argument`] when there is no finished task, or tasks of several computes
    /// and none was chosen.
    ///
    /// ```
    /// # use cumulus_chunked::telemetry::Event;
    /// # use std::time::Duration;
    /// let events = [Event::TaskFinished { compute: 1, task: 0, kind: "sum".into(), chunk: vec![0], thread: 3,
    ///     start: Duration::from_millis(2), end: Duration::from_millis(5), bytes_in: 0, bytes_out: 8 }];
    /// let t = cumulus_plot::task_stream(&events).tasks().unwrap();
    /// assert_eq!((t[0].thread, t[0].kind.as_str(), t[0].start, t[0].end), (3, "sum", 0.002, 0.005));
    /// ```
    pub fn tasks(&self) -> Result<Vec<TaskSpan>> {
        let mut computes: Vec<u64> = Vec::new();
        let mut spans = Vec::new();
        for e in &self.events {
            if let Event::TaskFinished { compute, kind, thread, start, end, .. } = e {
                if self.compute.is_some_and(|c| c != *compute) {
                    continue;
                }
                if !computes.contains(compute) {
                    computes.push(*compute);
                }
                spans.push(TaskSpan {
                    thread: *thread,
                    kind: kind.clone(),
                    start: start.as_secs_f64(),
                    end: end.as_secs_f64(),
                });
            }
        }
        if spans.is_empty() {
            return Err(PlotError::Argument {
                arg: "events",
                reason: match self.compute {
                    Some(c) => format!("expected finished tasks of compute {c}, got none"),
                    None => "expected TaskFinished events, got none".into(),
                },
            });
        }
        if computes.len() > 1 {
            let ids: Vec<String> = computes.iter().map(u64::to_string).collect();
            return Err(PlotError::Argument {
                arg: "events",
                reason: format!(
                    "expected the events of one compute, got computes {} (choose one with .compute(id))",
                    ids.join(", ")
                ),
            });
        }
        Ok(spans)
    }
}

outputs!(TaskStream);

/// The smallest chart that fits (width, height in pixels).
pub(crate) const MIN_SIZE: (u32, u32) = (300, 150);

/// The tasks, the colours of their kinds, the number of threads and the time range.
#[derive(Debug)]
pub(crate) struct Prepared {
    tasks: Vec<TaskSpan>,
    colors: Vec<(String, Rgba)>,
    threads: usize,
    x: (f64, f64),
}

impl Draw for TaskStream {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn prepare(&self) -> Result<Prepared> {
        output::check_size(self.size.0, self.size.1, MIN_SIZE)?;
        let tasks = self.tasks()?;
        let colors = kind_colors(tasks.iter().map(|t| t.kind.as_str()));
        let threads = tasks.iter().map(|t| t.thread).max().unwrap_or(0) + 1;
        let end = tasks.iter().map(|t| t.end).fold(0.0f64, f64::max);
        let (lo, hi) = padded(0.0, end.max(1e-6), true);
        Ok(Prepared { tasks, colors, threads, x: (lo, hi) })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let title = self.title.clone().unwrap_or_else(|| "Task stream".into());
        let n = p.threads as f64;
        // Thread 0 at the top: row k spans n − k − 1 .. n − k.
        let row = |k: usize| n - k as f64 - 1.0;
        let ticks = (0..p.threads).map(|k| (row(k) + 0.5, format!("thread {k}"))).collect();
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(24)
            .caption(title, (FAMILY, 18))
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(p.x.0..p.x.1, LabeledAxis::new(0.0..n, ticks))
            .map_err(draw_err("task stream axes"))?;
        let range = p.x.1 - p.x.0;
        let fmt = |x: &f64| output::value_label(*x, range);
        let label = |y: &f64| {
            let k = (n - 0.5 - *y).round();
            if k >= 0.0 { format!("thread {}", k as usize) } else { String::new() }
        };
        chart
            .configure_mesh()
            .x_label_formatter(&fmt)
            .y_label_formatter(&label)
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.1))
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 14))
            .x_desc("time [s]")
            .draw()
            .map_err(draw_err("task stream ticks"))?;
        for (kind, color) in &p.colors {
            let style = color.to_plotters().filled();
            let rects = p.tasks.iter().filter(|t| &t.kind == kind).map(|t| {
                let y = row(t.thread);
                Rectangle::new([(t.start, y + 0.1), (t.end, y + 0.9)], style)
            });
            chart
                .draw_series(rects)
                .map_err(draw_err("tasks"))?
                .label(kind.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FAMILY, 13))
            .draw()
            .map_err(draw_err("legend"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{svg_rects, svg_texts};
    use std::time::Duration;

    fn task(thread: usize, kind: &str, start_ms: u64, end_ms: u64) -> Event {
        Event::TaskFinished {
            compute: 7,
            task: 0,
            kind: kind.into(),
            chunk: vec![0],
            thread,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    #[test]
    fn rectangles_span_each_task_in_its_threads_row_in_its_kinds_colour() {
        let events = [
            task(0, "load", 0, 400),
            task(1, "load", 0, 200),
            task(1, "sum", 200, 600),
            task(0, "combine", 600, 1000),
            Event::Memory { compute: 7, in_use: 10, at: Duration::ZERO },
        ];
        let chart = task_stream(&events).size(800, 300);
        let svg = chart.to_svg().unwrap();
        let colors = kind_colors(["load", "sum", "combine"]);
        let hex = |k: &str| colors.iter().find(|c| c.0 == k).unwrap().1.to_hex().to_uppercase();
        let rects = svg_rects(&svg);
        // The legend's swatches are 14 pixels wide; tasks are longer than that.
        let of = |k: &str| -> Vec<_> { rects.iter().filter(|r| r.fill == hex(k) && r.w > 16).cloned().collect() };
        let (load, sum, combine) = (of("load"), of("sum"), of("combine"));
        assert_eq!((load.len(), sum.len(), combine.len()), (2, 1, 1));
        // Thread 0's load (0–0.4 s) is twice as long as thread 1's (0–0.2 s), starts at the
        // same x, and lies above it.
        let (t0, t1) = if load[0].y < load[1].y { (&load[0], &load[1]) } else { (&load[1], &load[0]) };
        assert_eq!(t0.x, t1.x);
        assert!((t0.w - 2 * t1.w).abs() <= 2, "{} vs {}", t0.w, t1.w);
        assert!(t0.y + t0.h <= t1.y, "thread 0 above thread 1");
        // Sum starts where thread 1's load ends; combine is on thread 0's row.
        assert!((sum[0].x - (t1.x + t1.w)).abs() <= 1);
        assert_eq!(sum[0].y, t1.y);
        assert_eq!(combine[0].y, t0.y);
        // Legend and labels.
        let texts: Vec<String> = svg_texts(&svg).into_iter().map(|t| t.text).collect();
        for t in ["load", "sum", "combine", "thread 0", "thread 1", "time [s]", "Task stream"] {
            assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
        }
    }

    #[test]
    fn kind_colours_follow_sorted_kinds_as_the_task_graph() {
        let c = kind_colors((0..13).map(|k| format!("k{k:02}")));
        assert_eq!(c[0].1.to_hex(), "#8dd3c7");
        assert_eq!(c[7].1.to_hex(), "#fccde5");
        assert_eq!(c[12].1, c[0].1, "after 12 kinds the colours repeat");
    }

    #[test]
    fn a_real_compute_gives_one_rectangle_per_task() {
        use cumulus_chunked::{ChunkedArray, ComputeOptions};
        use std::sync::{Arc, Mutex};
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let x = ChunkedArray::arange(0.0, 1000.0, 1.0, 100).sum(0).unwrap();
        let n = x.graph(&ComputeOptions::default()).unwrap().len();
        x.compute_with(&ComputeOptions::default().subscriber(move |e: &Event| sink.lock().unwrap().push(e.clone())))
            .unwrap();
        let events = events.lock().unwrap().clone();
        let chart = task_stream(&events);
        assert_eq!(chart.tasks().unwrap().len(), n);
        let p = chart.prepare().unwrap();
        let svg = chart.to_svg().unwrap();
        let fills: Vec<String> = p.colors.iter().map(|c| c.1.to_hex().to_uppercase()).collect();
        let drawn = svg_rects(&svg).iter().filter(|r| fills.contains(&r.fill)).count();
        assert_eq!(drawn, n + p.colors.len(), "a rectangle per task and a swatch per kind");
    }

    #[test]
    fn the_palette_is_the_engine_s() {
        let ours: Vec<String> = KIND_PALETTE.iter().map(|c| c.to_hex().to_lowercase()).collect();
        assert_eq!(ours, cumulus_chunked::palette::KIND_PALETTE);
        let engine = cumulus_chunked::palette::kind_colors(["sum", "load", "combine"]);
        let here = kind_colors(["sum", "load", "combine"]);
        for ((k1, c1), (k2, c2)) in engine.iter().zip(&here) {
            assert_eq!((k1, c1.to_string()), (k2, c2.to_hex().to_lowercase()));
        }
    }

    #[test]
    fn no_tasks_is_refused() {
        let e = task_stream(&[]).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument events: expected TaskFinished events, got none");
        let e = task_stream(&[task(0, "a", 0, 1)]).compute(3).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument events: expected finished tasks of compute 3, got none");
    }
}
