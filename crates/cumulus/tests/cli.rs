//! The `cumulus` command as a user runs it.

use std::process::Command;

fn cumulus(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cumulus")).args(args).output().expect("cumulus runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_generates_missing_data_then_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    // Part 1 only.
    let (ok, out, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--quiet", "--parts", "1"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("generating the tiny data"), "{out}");
    assert!(out.contains("era5_2021_10N40N_100E140E.zarr"), "{out}");
    assert!(out.contains("temperature"), "{out}");
    assert!(out.contains("== Part 1") && !out.contains("== Part 3"), "{out}");
    // Every part (the default): Part 3 trains, predicts and draws its figures.
    let (ok, out, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--quiet"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("using the tiny stores already in"), "{out}");
    assert!(out.contains("== Part 3") && out.lines().any(|l| l.starts_with("Part 3 in ")), "{out}");
    let figure = std::fs::read(std::path::Path::new(data).join("convection-verification.png")).expect("Part 3's panel");
    assert_eq!(&figure[1..4], b"PNG");
    // Part 2 is not in the demo.
    let (ok, _, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--parts", "2"]);
    assert!(!ok && err.contains("--parts") && err.contains("possible values: 1, 3"), "{err}");
    // Part 1: the lazy dataset and the T850 June mean at 25N 121E.
    assert!(out.contains("Dimensions:") && out.contains("time: 288"), "{out}");
    let line = out.lines().find(|l| l.starts_with("T850 mean of 2019-06 nearest 25N 121E:")).expect("T850 line");
    let kelvin: f64 = line.rsplit(':').next().unwrap().trim().trim_end_matches(" K").parse().unwrap();
    // The generator's 850 hPa temperature at 24N in late June is about 288 K (model.rs).
    assert!((280.0..300.0).contains(&kelvin), "{line}");
    // And its map, a PNG.
    let png = std::fs::read(std::path::Path::new(data).join("t850-mean.png")).expect("the map");
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn gen_reports_bad_input_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let (ok, _, err) = cumulus(&["gen", "--preset", "tiny", "--out", out_dir.to_str().unwrap(), "--vars", "ozone"]);
    assert!(!ok);
    assert!(err.contains("unknown variable \"ozone\""), "{err}");
    assert!(!out_dir.exists());
}

#[test]
fn info_and_convert_describe_and_rewrite_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, err) =
        cumulus(&["gen", "--preset", "tiny", "--years", "2019", "--out", data.to_str().unwrap(), "--quiet"]);
    assert!(ok, "{err}");
    let store = data.join("era5_2019_10N40N_100E140E.zarr");
    let (ok, out, err) = cumulus(&["info", store.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("Zarr format 2"), "{out}");
    let t = out.lines().find(|l| l.starts_with("temperature ")).expect("a temperature line");
    assert!(t.contains("[96, 13, 16, 21]") && t.contains("[24, 13, 8, 8]") && t.contains("zstd"), "{t}");
    assert!(out.contains("Dimensions:"), "the dataset repr follows: {out}");

    // To format 3, lz4, time chunks of 48: the same values, the new layout.
    let v3 = dir.path().join("v3.zarr");
    let args = ["convert", store.to_str().unwrap(), v3.to_str().unwrap(), "--zarr-format", "3"];
    let (ok, out, err) = cumulus(&[&args[..], &["--compressor", "lz4", "--chunks", "time=48", "--quiet"]].concat());
    assert!(ok, "{out}\n{err}");
    let (ok, out, _) = cumulus(&["info", v3.to_str().unwrap()]);
    assert!(ok && out.contains("Zarr format 3"), "{out}");
    let t = out.lines().find(|l| l.starts_with("temperature ")).expect("a temperature line");
    assert!(t.contains("[48, 13, 8, 8]"), "{t}");
    let a = cumulus::store::open_zarr(&store).unwrap().get("temperature").unwrap().to_vec_f64().unwrap();
    let b = cumulus::store::open_zarr(&v3).unwrap().get("temperature").unwrap().to_vec_f64().unwrap();
    assert_eq!(a, b);

    // Bad input: an existing target, a bad chunk spec, an unknown compressor.
    let (ok, _, err) = cumulus(&args);
    assert!(!ok && err.contains("already exists"), "{err}");
    let other = dir.path().join("x.zarr");
    let (ok, _, err) = cumulus(&["convert", store.to_str().unwrap(), other.to_str().unwrap(), "--chunks", "time"]);
    assert!(!ok && err.contains("is not DIM=SIZE"), "{err}");
    let (ok, _, err) =
        cumulus(&["convert", store.to_str().unwrap(), other.to_str().unwrap(), "--compressor", "brotli"]);
    assert!(!ok && err.contains("unknown compressor"), "{err}");
    assert!(!other.exists(), "nothing written for bad input");
}

#[test]
fn info_describes_a_folder_of_stores_with_stats_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = ["gen", "--preset", "tiny", "--years", "2019", "2020", "--out", data.to_str().unwrap(), "--quiet"];
    let (ok, _, err) = cumulus(&args);
    assert!(ok, "{err}");
    // The folder: both stores described, then one dataset joined along time.
    let (ok, out, err) = cumulus(&["info", data.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("2 Zarr stores, opened together along time"), "{out}");
    assert_eq!(out.matches("Zarr format 2").count(), 2, "{out}");
    assert!(out.contains("time: 192"), "the joined repr: {out}");

    // --stats against the values themselves.
    let store = data.join("era5_2019_10N40N_100E140E.zarr");
    let values = cumulus::store::open_zarr(&store).unwrap().get("temperature").unwrap().to_vec_f64().unwrap();
    let finite: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
    let (ok, out, err) = cumulus(&["info", store.to_str().unwrap(), "--stats", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(doc["kind"], "zarr");
    assert_eq!(doc["stores"][0]["zarr_format"], 2);
    assert_eq!(doc["dataset"]["sizes"]["time"], 96);
    let t = &doc["stats"]["temperature"];
    assert_eq!(t["size"], values.len());
    assert_eq!(t["nan_count"], values.len() - finite.len());
    for (got, want) in [(&t["min"], min), (&t["max"], max), (&t["mean"], mean)] {
        let got = got.as_f64().unwrap();
        assert!((got - want).abs() <= 1e-6 * want.abs(), "{got} vs {want}");
    }
    let temperature = doc["dataset"]["data_vars"].as_array().unwrap().iter().find(|v| v["name"] == "temperature");
    assert_eq!(temperature.unwrap()["dims"], serde_json::json!(["time", "level", "latitude", "longitude"]));
    // The text form prints the same table after the repr.
    let (ok, out, _) = cumulus(&["info", store.to_str().unwrap(), "--stats"]);
    let line = out.lines().find(|l| l.starts_with("temperature ") && l.contains('.') && !l.contains('[')).unwrap();
    assert!(ok && line.contains(&format!("{min:.6}")), "{line}");

    // Bad input: a folder with neither a store nor stores in it.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (ok, _, err) = cumulus(&["info", empty.to_str().unwrap()]);
    assert!(!ok && err.contains("nor a folder of *.zarr stores"), "{err}");
}

/// `GET path` on a dashboard: the body.
fn http_get(url: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).expect("the dashboard listens");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    out.split_once("\r\n\r\n").unwrap().1.to_string()
}

#[test]
fn demo_serves_the_dashboard_and_lingers() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cumulus"))
        .args(["demo", "--preset", "tiny", "--quiet", "--dashboard", "127.0.0.1:0", "--dashboard-linger", "120"])
        .arg("--data")
        .arg(&data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut tasks) = (None, None);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("dashboard: http") {
            url = Some(format!("http{u}"));
        }
        if let Some((_, rest)) = line.split_once("\"time\"): ") {
            // "..., 18 tasks to compute, nothing read yet"
            let n = rest.split(" tasks to compute").next().unwrap().rsplit(' ').next().unwrap();
            tasks = Some(n.parse::<u64>().unwrap());
        }
        if line.starts_with("dashboard: still up") {
            break;
        }
    }
    let (url, tasks) = (url.expect("the dashboard's URL is printed"), tasks.expect("the task count"));
    // The work is over, the server still up: every compute it keeps (the last
    // MAX_COMPUTES; Part 3 runs hundreds after the T850 mean) finished all its tasks.
    let state: serde_json::Value = serde_json::from_str(&http_get(&url, "/state.json")).unwrap();
    let computes = state["computes"].as_array().unwrap();
    assert!(!computes.is_empty() && computes.len() <= cumulus_dashboard::state::MAX_COMPUTES, "{}", computes.len());
    for c in computes {
        assert!(c["done"] == c["tasks"] && c["running"] == false && c["error"].is_null(), "{c}");
    }
    // tasks_done counts every task of the run, including the T850 mean's and those of the
    // computes no longer kept.
    let done: u64 = computes.iter().map(|c| c["done"].as_u64().unwrap()).sum();
    let total = state["tasks_done"].as_u64().unwrap();
    if computes.len() < cumulus_dashboard::state::MAX_COMPUTES {
        assert_eq!(total, done, "nothing dropped, so tasks_done is the sum over the computes");
    } else {
        assert!(total > done && total >= tasks, "tasks_done {total}, kept computes {done}, T850 mean {tasks}");
    }
    assert!(http_get(&url, "/").contains("cumulus dashboard"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn dashboard_flags_report_bad_input() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--dashboard", &addr]);
    assert!(!ok, "{out}");
    assert!(err.contains(&addr) && err.contains("already in use"), "{err}");
    // Lingering needs a dashboard.
    let (ok, _, err) = cumulus(&["demo", "--data", data, "--dashboard-linger", "5"]);
    assert!(!ok);
    assert!(err.contains("--dashboard"), "{err}");
    let (ok, _, err) = cumulus(&["bench", "--data", data, "--dashboard", "127.0.0.1:0", "--dashboard-linger=-1"]);
    assert!(!ok);
    assert!(err.contains("--dashboard-linger"), "{err}");
}

#[test]
fn demo_writes_a_performance_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let report = dir.path().join("report.html");
    let (ok, out, err) = cumulus(&[
        "demo",
        "--preset",
        "tiny",
        "--quiet",
        "--data",
        data.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(ok, "{out}\n{err}");
    // "..., 18 tasks to compute, nothing read yet": the T850 mean alone.
    let t850: usize = out
        .lines()
        .find_map(|l| l.split_once("\"time\"): "))
        .and_then(|(_, rest)| rest.split(" tasks to compute").next()?.rsplit(' ').next()?.parse().ok())
        .expect("the T850 task count");
    let line = out.lines().find(|l| l.starts_with("performance report: ")).expect("the report line");
    let (computes, tasks): (usize, usize) = {
        let inner = line.rsplit_once('(').unwrap().1;
        let mut words = inner.split(' ');
        let c = words.next().unwrap().parse().unwrap();
        let t = words.nth(1).unwrap().parse().unwrap();
        (c, t)
    };
    assert!(computes >= 1 && tasks >= t850, "{line}");
    let html = std::fs::read_to_string(&report).expect("the report file");
    for bad in ["<script", "http://", "https://", "src="] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(html.contains(&format!("<th class=\"k\">Tasks</th><td>{tasks}</td>")), "{line}");
    assert!(html.contains(&format!("<th class=\"k\">Computes</th><td>{computes}</td>")), "{line}");
    let drawn = html.matches("<rect class=\"task\"").count();
    assert!(
        drawn == tasks || (tasks > 2000 && html.matches("<rect class=\"bin\"").count() <= 2000),
        "{drawn} of {tasks}"
    );

    // An unwritable report fails at once, naming the file, before any work.
    let bad = dir.path().join("missing").join("r.html");
    let (ok, out, err) = cumulus(&["demo", "--data", data.to_str().unwrap(), "--report", bad.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(err.contains(bad.to_str().unwrap()), "{err}");
    assert!(!out.contains("== Part 1"), "{out}");
}

/// `cumulus info` on an `http://` store (the `remote` feature; CI step 4k): Python's static
/// file server on 127.0.0.1 serves a generated store, and the command describes it as it
/// describes the folder.
#[cfg(feature = "remote")]
#[test]
fn info_over_http_describes_a_remote_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, err) =
        cumulus(&["gen", "--preset", "tiny", "--years", "2019", "--out", data.to_str().unwrap(), "--quiet"]);
    assert!(ok, "{err}");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let python = std::env::var_os("CUMULUS_MOTO_SERVER")
        .map(|m| std::path::PathBuf::from(m).with_file_name("python3"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| "python3".into());
    let mut server = Command::new(python)
        .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
        .arg(&data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(t0.elapsed().as_secs() < 30, "the HTTP server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let url = format!("http://127.0.0.1:{port}/era5_2019_10N40N_100E140E.zarr");
    let (ok, remote, err) = cumulus(&["info", &url]);
    let (_, local, _) = cumulus(&["info", data.join("era5_2019_10N40N_100E140E.zarr").to_str().unwrap()]);
    let _ = server.kill();
    let _ = server.wait();
    assert!(ok, "{err}");
    assert!(remote.contains(&format!("{url}: Zarr format 2, remote")), "{remote}");
    // The same arrays (without sizes on disk) and the same dataset.
    let arrays = |s: &str| -> Vec<String> {
        s.lines().filter(|l| l.starts_with("temperature ")).map(|l| l.split_whitespace().take(4).collect()).collect()
    };
    assert_eq!(arrays(&remote), arrays(&local));
    let repr = |s: &str| s[s.find("<xarray.Dataset>").or_else(|| s.find("Dimensions:")).unwrap()..].to_string();
    assert_eq!(repr(&remote), repr(&local));
}
