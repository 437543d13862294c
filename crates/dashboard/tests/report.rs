//! `performance_report` against real computes: the numbers and the pictures of the report are
//! those of the task graph that ran (the graph's own task list and an independent subscriber are
//! the truth), the file is self-contained, and unwritable paths are named in the error.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cumulus_chunked::telemetry::Event;
use cumulus_chunked::{ChunkedArray, ComputeOptions};
use cumulus_dashboard::report::MAX_STREAM_RECTS;
use cumulus_dashboard::{DashboardError, performance_report};

/// Run time summed by kind, heard independently of the report.
#[derive(Clone, Default)]
struct ByKind(Arc<Mutex<BTreeMap<String, (usize, Duration)>>>, Arc<Mutex<[u64; 3]>>);

impl cumulus_chunked::telemetry::Subscriber for ByKind {
    fn on_event(&self, e: &Event) {
        if let Event::TaskFinished { kind, start, end, bytes_in, bytes_out, .. } = e {
            let mut b = self.1.lock().unwrap();
            b[0] += *bytes_in as u64;
            b[1] += *bytes_out as u64;
            if *bytes_in == 0 {
                b[2] += *bytes_out as u64;
            }
            let mut m = self.0.lock().unwrap();
            let k = m.entry(kind.clone()).or_default();
            k.0 += 1;
            k.1 += end.saturating_sub(*start);
        }
    }
}

fn assert_self_contained(html: &str) {
    for bad in ["<script", "http://", "https://", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(bad), "the report contains {bad:?}");
    }
}

#[test]
fn a_sum_is_reported_task_by_task() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("report.html");
    let y = ChunkedArray::random(&[400, 60], &[100, 20], 5)?.sum(0)?;
    let graph = y.graph(&ComputeOptions::default())?;
    let heard = ByKind::default();
    let (out, report) =
        performance_report(&path, |opts| y.compute_with(&opts.clone().threads(2).subscriber(heard.clone())))?;
    let (block, stats) = out?;
    assert_eq!(block.shape(), &[60]);

    // Counts: the graph's, the engine's stats', the report's.
    assert_eq!(stats.tasks, graph.len());
    assert_eq!(report.tasks, graph.len());
    assert_eq!(report.computes.len(), 1);
    assert_eq!(report.computes[0].tasks, graph.len());
    assert_eq!(report.computes[0].done, graph.len());
    assert_eq!(report.threads, 2);
    assert_eq!(report.peak_memory, stats.peak_memory);
    let kinds: BTreeMap<String, usize> = report.kinds.iter().map(|k| (k.kind.clone(), k.count)).collect();
    assert_eq!(kinds, graph.counts_by_kind());

    // Durations: per kind as an independent subscriber summed them; kinds add up to the total.
    let heard_bytes = heard.1.clone();
    let heard = heard.0.lock().unwrap().clone();
    for k in &report.kinds {
        assert_eq!(heard[&k.kind], (k.count, k.total), "kind {}", k.kind);
        assert!(k.max <= k.total && k.mean() <= k.max);
    }
    assert_eq!(report.kinds.iter().map(|k| k.total).sum::<Duration>(), report.task_time);
    assert!(report.kinds.windows(2).all(|w| w[0].total >= w[1].total));
    let bytes = *heard_bytes.lock().unwrap();
    assert_eq!([report.bytes_in, report.bytes_out, report.bytes_loaded], bytes);
    assert!(report.bytes_out > 0 && report.bytes_loaded > 0);
    assert!(report.task_stream.iter().all(|t| t.thread < 2 && t.start <= t.end && t.end <= report.wall_time));

    // The file is the report's page, self-contained, one rectangle per task.
    let html = std::fs::read_to_string(&path)?;
    assert_eq!(html, report.to_html());
    assert_self_contained(&html);
    assert_eq!(html.matches("<rect class=\"task\"").count(), graph.len());
    assert!(html.contains(&format!("<th class=\"k\">Tasks</th><td>{}</td>", graph.len())));
    assert!(html.contains("<th class=\"k\">Computes</th><td>1</td>"));
    assert!(html.contains("<th class=\"k\">Worker threads</th><td>2</td>"));
    for (kind, n) in graph.counts_by_kind() {
        assert!(html.contains(&format!("<td class=\"k\">{kind}</td><td>{n}</td>")), "kind {kind} in the table");
        assert_eq!(html.matches(&format!("<title>{kind} · chunk")).count(), n, "tooltips of {kind}");
    }
    assert_eq!(html.matches("<rect class=\"kind-bar\"").count(), report.kinds.len());
    // The task graph of the compute: one dot per task.
    assert_eq!(html.matches("</title></circle>").count(), graph.len());
    assert!(html.contains("<polyline"), "the memory chart");
    Ok(())
}

#[test]
fn every_compute_with_the_options_is_in_the_report() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("two.html");
    let a = ChunkedArray::arange(0.0, 100.0, 1.0, 10).sum(0)?;
    let b = ChunkedArray::random(&[60, 60], &[20, 30], 1)?.mean(1)?;
    let n = a.graph(&ComputeOptions::default())?.len() + b.graph(&ComputeOptions::default())?.len();
    let (sums, report) = performance_report(&path, |opts| -> Result<f64, cumulus_chunked::ChunkedError> {
        let s = a.compute_with(opts)?.0;
        b.compute_with(opts)?;
        a.compute()?; // default options: not recorded by `performance_report`
        Ok(s.as_array::<f64>().and_then(|v| v.iter().next().copied()).unwrap_or(f64::NAN))
    })?;
    assert_eq!(sums?, 4950.0);
    assert_eq!(report.computes.len(), 2);
    assert_eq!(report.tasks, n);
    assert!(report.computes[0].start <= report.computes[1].start);
    let html = std::fs::read_to_string(&path)?;
    assert_eq!(html.matches("<rect class=\"task\"").count(), n);
    Ok(())
}

#[test]
fn nothing_computed_is_an_empty_report() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("empty.html");
    let (v, report) = performance_report(&path, |_| 42)?;
    assert_eq!((v, report.tasks, report.computes.len()), (42, 0, 0));
    let html = std::fs::read_to_string(&path)?;
    assert!(html.contains("No task ran."));
    assert_self_contained(&html);
    Ok(())
}

#[test]
fn unwritable_paths_are_named_and_nothing_runs() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    for path in [dir.path().join("missing").join("r.html"), dir.path().to_path_buf()] {
        let mut ran = false;
        let err = performance_report(&path, |_| ran = true).unwrap_err();
        assert!(!ran, "the closure must not run when the file cannot be created");
        let DashboardError::Report { path: named, .. } = &err else { panic!("{err:?}") };
        assert_eq!(named, &path);
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    }
    Ok(())
}

#[test]
fn titles_are_escaped() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (_, mut report) = performance_report(dir.path().join("t.html"), |_| ())?;
    report.title = "<script>alert('x')</script> & co".into();
    let html = report.to_html();
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert_self_contained(&html);
    Ok(())
}

#[test]
fn big_computes_are_drawn_in_bins_and_stay_small() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("big.html");
    let y = ChunkedArray::arange(0.0, 3000.0, 1.0, 1).sum(0)?;
    let n = y.graph(&ComputeOptions::default())?.len();
    assert!(n > MAX_STREAM_RECTS, "{n} tasks");
    let (out, report) = performance_report(&path, |opts| y.compute_with(opts))?;
    assert_eq!(out?.1.tasks, n);
    assert_eq!((report.tasks, report.task_stream.len(), report.tasks_not_recorded), (n, n, 0));
    let html = std::fs::read_to_string(&path)?;
    assert_self_contained(&html);
    assert_eq!(html.matches("<rect class=\"task\"").count(), 0);
    let bins = html.matches("<rect class=\"bin\"").count();
    assert!(bins > 0 && bins <= MAX_STREAM_RECTS, "{bins} bins");
    // Every task is counted in exactly one bin's tooltip ("N tasks from ...").
    let counted: usize =
        html.split("<title>").skip(1).filter_map(|t| t.split(" tasks from ").next()?.parse::<usize>().ok()).sum();
    assert_eq!(counted, n);
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    Ok(())
}

#[test]
fn a_report_edited_by_hand_still_renders() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let y = ChunkedArray::arange(0.0, 3000.0, 1.0, 1).sum(0)?;
    let (_, mut report) = performance_report(dir.path().join("e.html"), |opts| y.compute_with(opts))?;
    report.kinds.clear();
    report.threads = 0;
    let html = report.to_html();
    assert!(html.matches("<rect class=\"bin\"").count() > 0);
    Ok(())
}
