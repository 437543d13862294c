//! `performance_report_all` also hears computes run with default options. Alone in its test
//! binary: it listens to the whole process.

use cumulus_chunked::{ChunkedArray, ComputeOptions};
use cumulus_dashboard::performance_report_all;

#[test]
fn default_and_option_computes_are_recorded_once_each() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("all.html");
    let a = ChunkedArray::arange(0.0, 100.0, 1.0, 10).sum(0)?;
    let n = a.graph(&ComputeOptions::default())?.len();
    let (_, report) = performance_report_all(&path, |opts| -> Result<(), cumulus_chunked::ChunkedError> {
        a.compute()?; // process-wide telemetry
        a.compute_with(opts)?; // heard through the options and process-wide: counted once
        Ok(())
    })?;
    assert_eq!(report.computes.len(), 2);
    assert_eq!(report.tasks, 2 * n);
    let html = std::fs::read_to_string(&path)?;
    assert_eq!(html.matches("<rect class=\"task\"").count(), 2 * n);
    Ok(())
}
