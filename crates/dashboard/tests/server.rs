//! The dashboard's server against real computes and real sockets: the counts it serves are
//! those of the task graph that ran (the graph's own task list is the truth), malformed
//! requests get errors and never a panic.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cumulus_chunked::{ChunkedArray, ComputeOptions};
use cumulus_dashboard::{Dashboard, DashboardError};
use serde_json::Value;

/// The dashboard listens to every compute of the process: tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn serial() -> MutexGuard<'static, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const TIMEOUT: Duration = Duration::from_secs(20);

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.set_write_timeout(Some(TIMEOUT)).unwrap();
    s
}

/// Send raw bytes, read the whole response: (status, head, body).
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = connect(addr);
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8(out[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, out[split + 4..].to_vec())
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    raw(addr, format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
}

fn state(addr: SocketAddr) -> Value {
    let (status, head, body) = get(addr, "/state.json");
    assert_eq!(status, 200);
    assert!(head.contains("application/json"), "{head}");
    serde_json::from_slice(&body).unwrap()
}

/// A mean over a 2-d array: a tree reduction with several task kinds.
fn workload() -> ChunkedArray {
    ChunkedArray::random(&[2000, 60], &[50, 20], 3).unwrap().mean(0).unwrap()
}

#[test]
fn state_json_counts_the_tasks_of_the_graph_that_ran() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    assert_ne!(dash.addr().port(), 0, "port 0 must be replaced by the real port");
    assert_eq!(dash.url(), format!("http://{}/", dash.addr()));
    let x = workload();
    let opts = ComputeOptions::default().threads(2);
    let graph = x.graph(&opts).unwrap();
    let expected: BTreeMap<String, usize> = graph.counts_by_kind().into_iter().collect();
    assert!(expected.len() > 1, "{expected:?}");
    x.compute_with(&opts).unwrap();

    let s = state(dash.addr());
    let computes = s["computes"].as_array().unwrap();
    assert_eq!(computes.len(), 1, "one compute ran since the dashboard started");
    let c = &computes[0];
    assert_eq!(s["current"], c["id"]);
    assert_eq!(c["tasks"], graph.len());
    assert_eq!(c["done"], graph.len());
    assert_eq!(c["running"], false);
    assert_eq!(c["threads"], 2);
    assert_eq!(c["error"], Value::Null);
    let by_kind: BTreeMap<String, usize> = c["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert_eq!(k["done"], k["total"]);
            (k["kind"].as_str().unwrap().to_string(), k["total"].as_u64().unwrap() as usize)
        })
        .collect();
    assert_eq!(by_kind, expected);
    assert_eq!(s["tasks_done"], graph.len());

    // Every task once, with its kind, inside the compute's time span, on one of its threads.
    let tasks = s["recent_tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), graph.len());
    let mut ids: Vec<u64> = tasks.iter().map(|t| t[1].as_u64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..graph.len() as u64).collect::<Vec<_>>());
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let offset = c["offset_ms"].as_f64().unwrap();
    let end = offset + c["elapsed_ms"].as_f64().unwrap();
    let mut busy = [0.0f64; 2];
    for t in tasks {
        assert_eq!(t[0], c["id"]);
        *kinds.entry(t[2].as_str().unwrap().to_string()).or_default() += 1;
        let thread = t[3].as_u64().unwrap() as usize;
        let (s0, s1) = (t[4].as_f64().unwrap(), t[5].as_f64().unwrap());
        assert!(thread < 2 && s0 <= s1 && s0 >= offset - 1e-3 && s1 <= end + 1.0, "{t} in [{offset}, {end}]");
        busy[thread] += s1 - s0;
    }
    assert_eq!(kinds, expected);

    // Utilisation is busy time over the compute's wall time, per thread.
    let util = c["utilisation"].as_array().unwrap();
    assert_eq!(util.len(), 2);
    for u in util {
        let i = u["thread"].as_u64().unwrap() as usize;
        let f = u["utilisation"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f), "{u}");
        assert!((u["busy_ms"].as_f64().unwrap() - busy[i]).abs() < 0.01 * tasks.len() as f64, "{u} vs {}", busy[i]);
        assert_eq!(u["running"], Value::Null);
    }
    // The scheduler held results: some memory was in use, none after the end.
    assert!(c["peak_memory"].as_u64().unwrap() > 0);
    assert_eq!(s["memory"]["in_use"], 0);
    assert!(!s["memory"]["points"].as_array().unwrap().is_empty());
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

/// Read Server-Sent Events until `done` says so (or the timeout).
fn read_events(stream: TcpStream, mut done: impl FnMut(&str, &Value) -> bool) {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    let mut head = String::new();
    while line.trim() != "" {
        line.clear();
        r.read_line(&mut line).unwrap();
        head.push_str(&line);
    }
    assert!(head.contains("text/event-stream"), "{head}");
    let started = Instant::now();
    let (mut name, mut data) = (String::new(), String::new());
    loop {
        assert!(started.elapsed() < TIMEOUT, "the event stream did not deliver in time");
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0, "the event stream closed");
        let l = line.trim_end_matches(['\n', '\r']);
        if let Some(v) = l.strip_prefix("event: ") {
            name = v.to_string();
        } else if let Some(v) = l.strip_prefix("data: ") {
            data.push_str(v);
        } else if l.is_empty() && !data.is_empty() {
            let v: Value = serde_json::from_str(&data).unwrap();
            if done(&name, &v) {
                return;
            }
            data.clear();
        }
    }
}

/// In a program the dashboard hears a compute run with `dash.options()` twice (through the
/// options and process-wide): it must show it once, and number computes 1, 2, … in order.
#[test]
fn a_compute_heard_twice_is_shown_once_and_computes_are_numbered_in_order() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    let x = workload();
    let n = x.graph(&ComputeOptions::default()).unwrap().len();
    x.compute_with(&dash.options()).unwrap();
    x.compute().unwrap();
    x.compute_with(&dash.options().threads(1)).unwrap();

    let s = state(dash.addr());
    let computes = s["computes"].as_array().unwrap();
    let ids: Vec<u64> = computes.iter().map(|c| c["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(s["current"], 3);
    for c in computes {
        assert_eq!(c["done"], n, "{c}");
    }
    assert_eq!(s["tasks_done"], 3 * n);
    assert_eq!(dash.tasks_done(), 3 * n as u64);
    let tasks = s["recent_tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3 * n);
    for id in 1..=3u64 {
        assert_eq!(tasks.iter().filter(|t| t[0] == id).count(), n, "tasks of compute {id}");
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn event_stream_delivers_every_task_and_the_final_counts() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    let mut s = connect(dash.addr());
    s.write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // A graph with thousands of small tasks: batches must still add up.
    let x = ChunkedArray::random(&[4000, 40], &[4, 40], 5).unwrap().sum(0).unwrap();
    let graph = x.graph(&ComputeOptions::default()).unwrap();
    assert!(graph.len() > 1000);
    let n = graph.len() as u64;
    let reader = std::thread::spawn(move || {
        let mut snapshots = 0;
        let (mut streamed, mut dropped) = (0u64, 0u64);
        let mut finished = false;
        let mut graph_version = Value::Null;
        read_events(s, |name, v| {
            match name {
                "snapshot" => {
                    snapshots += 1;
                    assert_eq!(v["tasks_done"], 0, "the snapshot comes before the compute");
                }
                "update" => {
                    streamed += v["tasks"].as_array().unwrap().len() as u64;
                    dropped += v["dropped"].as_u64().unwrap();
                    for c in v["computes"].as_array().unwrap() {
                        assert_eq!(c["tasks"], n);
                        if c["running"] == false {
                            assert_eq!(c["done"], n);
                            finished = true;
                        }
                    }
                    graph_version = v["graph"]["version"].clone();
                }
                other => panic!("unexpected event {other:?}"),
            }
            finished && streamed + dropped == n && !graph_version.is_null()
        });
        (snapshots, streamed, dropped)
    });
    // Let the page's connection register before the compute starts.
    let t = Instant::now();
    while dash.state_json()["uptime_ms"].as_f64().unwrap() < 300.0 && t.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(20));
    }
    x.compute().unwrap();
    let (snapshots, streamed, dropped) = reader.join().unwrap();
    assert_eq!(snapshots, 1);
    assert_eq!(streamed + dropped, n);
    assert_eq!(dash.tasks_done(), n);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn graph_svg_is_the_newest_computes_graph() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    let (status, _, body) = get(dash.addr(), "/graph.svg");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let x = ChunkedArray::arange(0.0, 100.0, 1.0, 10).sum(0).unwrap();
    let graph = x.graph(&ComputeOptions::default()).unwrap();
    x.compute().unwrap();
    // The graph is drawn on the dashboard's ticker thread: wait for it.
    let t = Instant::now();
    while dash.state_json()["graph"].is_null() {
        assert!(t.elapsed() < TIMEOUT);
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, head, body) = get(dash.addr(), "/graph.svg");
    assert_eq!(status, 200);
    assert!(head.contains("image/svg+xml"));
    let svg = String::from_utf8(body).unwrap();
    assert_eq!(svg, graph.to_svg(cumulus_dashboard::server::GRAPH_MAX_TASKS));
}

#[test]
fn the_page_and_its_endpoints() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    let (status, head, body) = get(dash.addr(), "/");
    assert_eq!(status, 200);
    assert!(head.contains("text/html"));
    let page = String::from_utf8(body).unwrap();
    for id in ["id=\"stream\"", "id=\"tasks-done\"", "id=\"progress\"", "id=\"mem-bar\"", "id=\"threads\"", "/events"] {
        assert!(page.contains(id), "the page lacks {id}");
    }
    let (status, head, body) = raw(dash.addr(), b"HEAD / HTTP/1.1\r\n\r\n");
    assert_eq!(status, 200);
    assert!(body.is_empty());
    assert!(head.contains(&format!("Content-Length: {}", page.len())));
    let (status, _, body) = get(dash.addr(), "/state.json?t=1");
    assert_eq!(status, 200);
    let s: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s["computes"].as_array().unwrap().len(), 0);
    assert_eq!(s["current"], Value::Null);
    // The page colours kinds with the engine's palette, sent in the snapshot, not a copy of it.
    assert_eq!(s["palette"], serde_json::json!(cumulus_chunked::palette::KIND_PALETTE));
    assert!(!page.contains("#8dd3c7"), "the page has its own copy of the palette");
}

#[test]
fn unknown_paths_and_malformed_requests_get_errors_not_panics() {
    let _g = serial();
    let dash = Dashboard::start("127.0.0.1:0").unwrap();
    let a = dash.addr();
    let (status, _, body) = get(a, "/nothing/here");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("/nothing/here"));
    assert_eq!(raw(a, b"POST /state.json HTTP/1.1\r\nContent-Length: 0\r\n\r\n").0, 405);
    for bad in [
        &b"\r\n\r\n"[..],
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET nopath HTTP/1.1\r\n\r\n",
        b"GET / FTP/9\r\n\r\n",
        b"\xff\xfe\xfd / HTTP/1.1\r\n\r\n",
        b"GET /\0 HTTP/1.1 x\r\n\r\n",
    ] {
        assert_eq!(raw(a, bad).0, 400, "{}", String::from_utf8_lossy(bad));
    }
    let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 64 * 1024));
    let mut s = connect(a);
    let _ = s.write_all(&huge); // the server may close before reading all of it
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    assert!(out.starts_with(b"HTTP/1.1 431"), "{}", String::from_utf8_lossy(&out[..out.len().min(80)]));
    // Connections that send nothing or half a request and leave.
    drop(connect(a));
    let mut half = connect(a);
    half.write_all(b"GET /sta").unwrap();
    drop(half);
    // Still serving.
    assert_eq!(get(a, "/state.json").0, 200);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn a_taken_port_is_an_error_naming_the_address() {
    let _g = serial();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    match Dashboard::start(&addr) {
        Err(e @ DashboardError::AddrInUse { .. }) => {
            assert!(e.to_string().contains(&addr), "{e}");
        }
        other => panic!("expected AddrInUse, got {other:?}"),
    }
    let first = Dashboard::start("127.0.0.1:0").unwrap();
    let again = Dashboard::start(&first.addr().to_string());
    assert!(matches!(again, Err(DashboardError::AddrInUse { .. })), "{again:?}");
    for bad in ["not an address", "127.0.0.1:99999", ""] {
        let e = Dashboard::start(bad).unwrap_err();
        assert!(matches!(e, DashboardError::Address { .. }), "{bad:?}: {e:?}");
        assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
    }
}

#[test]
fn dropping_the_dashboard_stops_the_server_and_the_streams() {
    let _g = serial();
    let dash = Dashboard::start("0").unwrap();
    let a = dash.addr();
    assert!(a.ip().is_loopback(), "a bare port binds loopback: {a}");
    let mut s = connect(a);
    s.write_all(b"GET /events HTTP/1.1\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    dash.stop();
    // The open stream ends ...
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(String::from_utf8_lossy(&rest).contains("event: snapshot"));
    // ... and nothing listens any more.
    assert!(TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_err());
    // Computes after the stop are not collected by anyone (and nothing breaks).
    workload().compute().unwrap();
}
