//! Remote stores against real servers started on 127.0.0.1 by the tests:
//!
//! - S3: moto's `moto_server` (PyPI `moto[server]`, installed by `.ci/s3.sh`), found through
//!   the environment variable `CUMULUS_MOTO_SERVER` (its path). Without it the S3 tests say
//!   that they are skipped and pass; CI sets it.
//! - HTTP: Python's `http.server` serving a local folder (the Python of moto's venv when
//!   `CUMULUS_MOTO_SERVER` is set, else `python3` from `PATH`).
//!
//! Stores are written by this crate's own writer (`to_zarr`) into a temporary folder, uploaded
//! with `upload_store`, and read back through `s3://` and `http://` URLs; every value must equal
//! the local store's and the hand-computed truth.
//!
//! Run: `CUMULUS_MOTO_SERVER=$(.ci/s3.sh) cargo test -p cumulus-store --features remote --test remote`
#![cfg(feature = "remote")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cumulus_labeled::{Dataset, Variable};
use cumulus_store::{
    OpenOptions, RemoteOptions, StoreError, StoreHandle, ToZarrOptions, VarEncoding, WriteMode, ZarrFormat,
    open_mfdataset_with, open_zarr, open_zarr_in, open_zarr_with, read_store_meta_in, to_zarr, upload_store,
};

/// A server process, killed (and reaped) when dropped, so that no test leaves one behind.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One raw HTTP/1.1 request; returns the status code and the body.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((status, out.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string())))
}

/// Start `cmd` on a free port (`args` gets the port appended by `with_port`) and wait until it
/// answers HTTP.
fn start(what: &str, with_port: impl FnMut(u16) -> Command) -> Server {
    start_until(what, |port| http(port, "GET", "/").is_ok(), with_port)
}

/// Start `cmd` on a free port and wait until `ready(port)`.
fn start_until(what: &str, ready: impl Fn(u16) -> bool, mut with_port: impl FnMut(u16) -> Command) -> Server {
    for _attempt in 0..3 {
        let port = free_port();
        let child = with_port(port).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap_or_else(|e| {
            panic!("cannot start {what}: {e}");
        });
        let mut server = Server { child, port };
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(30) {
            if ready(port) {
                return server;
            }
            if let Ok(Some(_)) = server.child.try_wait() {
                break; // exited (the port was taken meanwhile?): try another port
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        drop(server);
    }
    panic!("{what} did not answer on 127.0.0.1 within 30 s");
}

fn moto_path() -> Option<PathBuf> {
    match std::env::var_os("CUMULUS_MOTO_SERVER") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!(
                "SKIPPED: CUMULUS_MOTO_SERVER is not set, so there is no S3 server to test against; \
                 run CUMULUS_MOTO_SERVER=$(.ci/s3.sh) cargo test -p cumulus-store --features remote --test remote"
            );
            None
        }
    }
}

/// moto's S3 server on 127.0.0.1, or `None` (the test is skipped, and says so).
fn moto() -> Option<Server> {
    let exe = moto_path()?;
    Some(start("moto_server", |port| {
        let mut c = Command::new(&exe);
        c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        c
    }))
}

/// The Python of moto's venv when `CUMULUS_MOTO_SERVER` is set, else `python3` from `PATH`.
fn python() -> PathBuf {
    std::env::var_os("CUMULUS_MOTO_SERVER")
        .map(|m| PathBuf::from(m).with_file_name("python3"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// Python's static file server on `dir`.
fn http_server(dir: &Path) -> Server {
    let python = python();
    start("python3 -m http.server", |port| {
        let mut c = Command::new(&python);
        c.args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"]).arg(dir);
        c
    })
}

// ANCHOR: options
fn s3_options(port: u16) -> RemoteOptions {
    RemoteOptions::default()
        .endpoint(&format!("http://127.0.0.1:{port}"))
        .credentials("testing", "testing")
        .region("us-east-1")
        .timeout(Duration::from_secs(20))
}
// ANCHOR_END: options

fn create_bucket(server: &Server, bucket: &str) {
    let (status, body) = http(server.port, "PUT", &format!("/{bucket}")).unwrap();
    assert_eq!(status, 200, "creating bucket {bucket}: {body}");
}

/// t2m[time, latitude] = 250 + 10 t + latitude-position, 8 hourly times from `first_hour`
/// (hours since 2019-01-01), 3 latitudes, chunks of 3 times (so edge chunks exist), NaN at
/// (1, 1); a packed int16 variable with scale/offset; a variable to drop.
fn dataset(first_hour: i64) -> Dataset {
    let (nt, nl) = (8, 3);
    let hour = 3_600_000_000_000_i64;
    let t0 = 1_546_300_800_000_000_000_i64; // 2019-01-01T00:00 in ns since 1970
    let times: Vec<i64> = (0..nt as i64).map(|i| t0 + (first_hour + i) * hour).collect();
    let t2m: Vec<f32> = (0..nt * nl)
        .map(|k| if k == 4 { f32::NAN } else { 250.0 + 10.0 * (k / nl) as f32 + (k % nl) as f32 })
        .collect();
    let arr = |v: Vec<f32>| {
        cumulus_chunked::ChunkedArray::from_array(ndarray::ArrayD::from_shape_vec(vec![nt, nl], v).unwrap(), &[3, 2])
            .unwrap()
    };
    let packed: Vec<f32> = (0..nt * nl).map(|k| 0.5 * k as f32).collect();
    Dataset::new()
        .with_coord("time", Variable::from_times("time", times))
        .unwrap()
        .with_coord("latitude", Variable::from_vec("latitude", vec![30.0_f32, 20.0, 10.0]))
        .unwrap()
        .with_var(
            "t2m",
            Variable::new(&["time", "latitude"], arr(t2m))
                .unwrap()
                .with_attrs(serde_json::json!({"units": "K"}).as_object().unwrap().clone()),
        )
        .unwrap()
        .with_var("packed", Variable::new(&["time", "latitude"], arr(packed)).unwrap())
        .unwrap()
        .with_var("k_index", Variable::new(&["time", "latitude"], arr(vec![7.0; nt * nl])).unwrap())
        .unwrap()
}

fn expected_t2m() -> Vec<f64> {
    (0..24).map(|k| if k == 4 { f64::NAN } else { 250.0 + 10.0 * (k / 3) as f64 + (k % 3) as f64 }).collect()
}

fn write_local(dir: &Path, name: &str, format: ZarrFormat, first_hour: i64) -> PathBuf {
    let p = dir.join(name);
    let opts = ToZarrOptions { format, ..ToZarrOptions::default() }
        .with_encoding("packed", VarEncoding::default().dtype(cumulus_store::DType::I16).scale_offset(0.5, 0.0));
    to_zarr(&dataset(first_hour), &p, &opts).unwrap();
    p
}

/// Values equal, NaN equal to NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// Every variable and coordinate of `remote` equals `local`'s, and t2m the hand-computed truth.
fn assert_same_dataset(remote: &Dataset, local: &Dataset) {
    assert_eq!(remote.data_vars(), local.data_vars());
    assert_eq!(remote.sizes(), local.sizes());
    for name in local.data_vars() {
        let (r, l) = (remote.get(name).unwrap(), local.get(name).unwrap());
        assert!(same(&r.to_vec_f64().unwrap(), &l.to_vec_f64().unwrap()), "variable {name}");
        assert_eq!(r.attrs(), l.attrs(), "attributes of {name}");
        assert_eq!(r.dtype(), l.dtype(), "dtype of {name}");
    }
    for c in ["time", "latitude"] {
        assert_eq!(remote.coords().index(c).unwrap().values(), local.coords().index(c).unwrap().values(), "{c}");
    }
    if local.data_vars().contains(&"t2m") {
        // One store or several: each 8-hour piece is the hand-computed field.
        let t2m = remote.get("t2m").unwrap().to_vec_f64().unwrap();
        assert!(!t2m.is_empty() && t2m.chunks(24).all(|piece| same(piece, &expected_t2m())));
    }
}

#[test]
fn s3_stores_written_here_read_back_identically() {
    let Some(server) = moto() else { return };
    create_bucket(&server, "weather");
    let opts = s3_options(server.port);
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [(ZarrFormat::V2, "v2.zarr"), (ZarrFormat::V3, "v3.zarr")] {
        let local = write_local(dir.path(), name, format, 0);
        let url = format!("s3://weather/era5/{name}");
        upload_store(&local, &url, &opts).unwrap();
        let remote = open_zarr_with(&url, &OpenOptions::default().remote(opts.clone())).unwrap();
        assert_same_dataset(&remote, &open_zarr(&local).unwrap());
        // Packed int16 decoded with scale_factor 0.5: k * 0.5.
        let packed = remote.get("packed").unwrap().to_vec_f64().unwrap();
        assert!(same(&packed, &(0..24).map(|k| 0.5 * f64::from(k)).collect::<Vec<_>>()));
        // Consolidated metadata: no warning; the format is the one written.
        let handle = StoreHandle::open(&url, &opts).unwrap();
        let meta = read_store_meta_in(&handle).unwrap();
        assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
        assert_eq!(meta.format, format);
        // Requiring the other format: the format-mismatch story, naming the URL.
        let other = if format == ZarrFormat::V2 { ZarrFormat::V3 } else { ZarrFormat::V2 };
        let e = open_zarr_in(&handle, &OpenOptions::default().zarr_format(other)).unwrap_err();
        assert!(matches!(e, StoreError::FormatMismatch { found, .. } if found == format), "{e}");
        assert!(e.to_string().contains(&url), "{e}");
    }
}

#[test]
fn s3_open_mfdataset_with_options_and_to_zarr() {
    let Some(server) = moto() else { return };
    create_bucket(&server, "years");
    let opts = s3_options(server.port);
    let dir = tempfile::tempdir().unwrap();
    // ANCHOR: s3
    // Two "years" written straight to S3 by to_zarr (scratch folder + upload).
    let to = ToZarrOptions { remote: opts.clone(), ..ToZarrOptions::default() };
    let urls = ["s3://years/b.zarr", "s3://years/a.zarr"];
    to_zarr(&dataset(8), urls[0], &to).unwrap();
    to_zarr(&dataset(0), urls[1], &to).unwrap();
    let open = OpenOptions::default().remote(opts.clone()).drop_variables(&["k_index"]).chunks(&[("time", 16)]);
    let ds = open_mfdataset_with(&urls, &open).unwrap();
    // ANCHOR_END: s3
    assert_eq!(ds.data_vars(), vec!["packed", "t2m"]);
    assert_eq!(ds.get("t2m").unwrap().data().chunks().axes()[0], vec![16]);
    let t2m = ds.get("t2m").unwrap().to_vec_f64().unwrap();
    let one = expected_t2m();
    assert!(same(&t2m, &[one.clone(), one].concat()));
    // Same result as the local stores.
    let (a, b) =
        (write_local(dir.path(), "a.zarr", ZarrFormat::V2, 0), write_local(dir.path(), "b.zarr", ZarrFormat::V2, 8));
    let local = open_mfdataset_with(&[&a, &b], &OpenOptions::default().drop_variables(&["k_index"])).unwrap();
    assert_same_dataset(&ds, &local);
    // In memory: values equal, nothing left to read.
    let mem = open_mfdataset_with(&urls, &OpenOptions::default().remote(opts.clone()).in_memory()).unwrap();
    assert_same_dataset(&mem, &open_mfdataset_with(&[&a, &b], &OpenOptions::default()).unwrap());
    // Mode Create refuses an existing remote store; Overwrite replaces it, leaving no stale key.
    let e = to_zarr(&dataset(0), urls[1], &to).unwrap_err();
    assert!(matches!(e, StoreError::AlreadyExists { .. }), "{e}");
    let small = dataset(0).drop_vars(&["packed", "k_index"]);
    let over = ToZarrOptions { mode: WriteMode::Overwrite, format: ZarrFormat::V3, ..to.clone() };
    to_zarr(&small, urls[1], &over).unwrap();
    let back = open_zarr_with(urls[1], &OpenOptions::default().remote(opts.clone())).unwrap();
    assert_eq!(back.data_vars(), vec!["t2m"]);
    let meta = read_store_meta_in(&StoreHandle::open(urls[1], &opts).unwrap()).unwrap();
    assert_eq!(meta.format, ZarrFormat::V3);
    let (status, listing) = http(server.port, "GET", "/years?prefix=a.zarr/").unwrap();
    assert_eq!(status, 200);
    assert!(!listing.contains(".zmetadata") && !listing.contains("packed"), "stale keys left: {listing}");
    // Appending remotely is refused with a reason.
    let e =
        to_zarr(&dataset(16), urls[1], &ToZarrOptions { remote: opts, ..ToZarrOptions::append("time") }).unwrap_err();
    assert!(e.to_string().contains("not supported"), "{e}");
}

#[test]
fn s3_without_consolidated_metadata_is_scanned_and_bad_input_is_named() {
    let Some(server) = moto() else { return };
    create_bucket(&server, "raw");
    let opts = s3_options(server.port);
    let dir = tempfile::tempdir().unwrap();
    // No .zmetadata: S3 can list, so the store is scanned, with a warning.
    let local = write_local(dir.path(), "plain.zarr", ZarrFormat::V2, 0);
    std::fs::remove_file(local.join(".zmetadata")).unwrap();
    upload_store(&local, "s3://raw/plain.zarr", &opts).unwrap();
    let handle = StoreHandle::open("s3://raw/plain.zarr", &opts).unwrap();
    let meta = read_store_meta_in(&handle).unwrap();
    assert!(meta.warnings.iter().any(|w| w.contains("no consolidated metadata")), "{:?}", meta.warnings);
    assert_same_dataset(&open_zarr_in(&handle, &OpenOptions::default()).unwrap(), &open_zarr(&local).unwrap());

    // A corrupt chunk: the error names the URL, the variable and the chunk.
    let bad = write_local(dir.path(), "bad.zarr", ZarrFormat::V2, 0);
    std::fs::write(bad.join("t2m/1.0"), b"not blosc").unwrap();
    // A missing chunk is the fill value (NaN), as the spec says.
    std::fs::remove_file(bad.join("t2m/0.0")).unwrap();
    upload_store(&bad, "s3://raw/bad.zarr", &opts).unwrap();
    let ds = open_zarr_with("s3://raw/bad.zarr", &OpenOptions::default().remote(opts.clone())).unwrap();
    let e = ds.get("t2m").unwrap().to_vec_f64().unwrap_err().to_string();
    assert!(e.contains("s3://raw/bad.zarr/t2m") && e.contains("[1, 0]"), "{e}");
    let first = ds.get("t2m").unwrap().isel([("time", 0..3), ("latitude", 0..2)]).unwrap().to_vec_f64().unwrap();
    assert!(first.iter().all(|v| v.is_nan()), "{first:?}");

    // A prefix with no store, and a bucket that does not exist.
    let e = open_zarr_with("s3://raw/nothing.zarr", &OpenOptions::default().remote(opts.clone())).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }) && e.to_string().contains("s3://raw/nothing.zarr"), "{e}");
    let e = open_zarr_with("s3://no-such-bucket/a.zarr", &OpenOptions::default().remote(opts.clone())).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("s3://no-such-bucket/a.zarr") && msg.contains("NoSuchBucket"), "{msg}");
}

#[test]
fn http_urls_read_consolidated_stores_and_explain_unconsolidated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = write_local(dir.path(), "v2.zarr", ZarrFormat::V2, 0);
    let v3 = write_local(dir.path(), "v3.zarr", ZarrFormat::V3, 0);
    let plain = write_local(dir.path(), "plain.zarr", ZarrFormat::V2, 0);
    std::fs::remove_file(plain.join(".zmetadata")).unwrap();
    let server = http_server(dir.path());
    let base = format!("http://127.0.0.1:{}", server.port);
    // Plain HTTP cannot list: these opens prove that only consolidated metadata was used.
    for local in [&v2, &v3] {
        let url = format!("{base}/{}", local.file_name().unwrap().to_str().unwrap());
        let remote = open_zarr(&url).unwrap();
        assert_same_dataset(&remote, &open_zarr(local).unwrap());
    }
    let e = open_zarr(format!("{base}/plain.zarr")).unwrap_err().to_string();
    assert!(e.contains(&format!("{base}/plain.zarr")) && e.contains("cannot list"), "{e}");
    let e = open_zarr(format!("{base}/missing.zarr")).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }), "{e}");
    // v3 opened as v2 over HTTP: the format-mismatch explanation.
    let e = open_zarr_with(format!("{base}/v3.zarr"), &OpenOptions::default().zarr_format(ZarrFormat::V2)).unwrap_err();
    assert!(e.to_string().contains("is Zarr format 3"), "{e}");
}

/// A certificate authority and a server certificate for 127.0.0.1 signed by it, made with the
/// `openssl` command in `dir`: returns (CA PEM, server certificate PEM, server key PEM).
fn private_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("the openssl command");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let ca_args = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=cumulus test CA"];
    run(&[&["req", "-x509"][..], &ec, &ca_args].concat());
    let csr_args = ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"];
    run(&[&["req"][..], &ec, &csr_args].concat());
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"))
}

/// Python's static file server on `dir`, over HTTPS with `cert` and `key`.
fn https_server(dir: &Path, cert: &Path, key: &Path) -> Server {
    let python = python();
    let script = "import functools, http.server, ssl, sys\n\
        port, folder, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]\n\
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)\n\
        httpd = http.server.ThreadingHTTPServer(('127.0.0.1', port), handler)\n\
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
        ctx.load_cert_chain(cert, key)\n\
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)\n\
        httpd.serve_forever()\n";
    // Ready when it accepts connections (a plain-HTTP probe would only fail its TLS handshake).
    let listening = |port: u16| TcpStream::connect(("127.0.0.1", port)).is_ok();
    start_until("an HTTPS file server", listening, |port| {
        let mut c = Command::new(&python);
        c.args(["-c", script, &port.to_string()]).arg(dir).arg(cert).arg(key);
        c
    })
}

#[test]
fn https_urls_trust_a_private_certificate_authority_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = private_ca(certs.path());
    let local = write_local(dir.path(), "s.zarr", ZarrFormat::V2, 0);
    let server = https_server(dir.path(), &cert, &key);
    let url = format!("https://127.0.0.1:{}/s.zarr", server.port);
    // Trusting the CA: the same dataset as the local store, over TLS.
    let opts = OpenOptions::default().remote(RemoteOptions::default().ca_bundle(&ca).retries(0));
    assert_same_dataset(&open_zarr_with(&url, &opts).unwrap(), &open_zarr(&local).unwrap());
    // Without it the certificate is not trusted: an error naming the URL, not a hang.
    let strict = OpenOptions::default().remote(RemoteOptions::default().retries(0).timeout(Duration::from_secs(10)));
    let e = open_zarr_with(&url, &strict).unwrap_err().to_string();
    assert!(e.contains(&url), "{e}");
    // A CA bundle that is not there, or not PEM, is named.
    let missing = OpenOptions::default().remote(RemoteOptions::default().ca_bundle(certs.path().join("nope.pem")));
    let e = open_zarr_with(&url, &missing).unwrap_err().to_string();
    assert!(e.contains("nope.pem") && e.contains("cannot be read"), "{e}");
    let garbage = OpenOptions::default().remote(RemoteOptions::default().ca_bundle(certs.path().join("san.ext")));
    let e = open_zarr_with(&url, &garbage).unwrap_err().to_string();
    assert!(e.contains("san.ext"), "{e}");
}

#[test]
fn unreachable_endpoints_and_bad_urls_fail_fast_with_the_url() {
    // Nothing listens on this port: a clear error within the time limits, not a hang.
    let port = free_port();
    let opts = RemoteOptions::default()
        .endpoint(&format!("http://127.0.0.1:{port}"))
        .credentials("k", "s")
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .retries(1);
    let t0 = Instant::now();
    let e = open_zarr_with("s3://bucket/a.zarr", &OpenOptions::default().remote(opts)).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
    assert!(matches!(e, StoreError::Storage { .. }) && e.to_string().contains("s3://bucket/a.zarr"), "{e}");
    let t0 = Instant::now();
    let e = open_zarr(format!("http://127.0.0.1:{port}/a.zarr")).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(60), "took {:?}", t0.elapsed());
    assert!(e.to_string().contains(&format!("http://127.0.0.1:{port}/a.zarr")), "{e}");
    // Schemes and URLs that cannot be stores.
    let e = open_zarr("gs://bucket/a.zarr").unwrap_err();
    assert!(matches!(e, StoreError::BadUrl { .. }) && e.to_string().contains("s3://, http:// or https://"), "{e}");
    let e = open_zarr("s3:///a.zarr").unwrap_err();
    assert!(e.to_string().contains("bucket name is empty"), "{e}");
    let e = upload_store(Path::new("."), "http://127.0.0.1:1/x.zarr", &RemoteOptions::default()).unwrap_err();
    assert!(e.to_string().contains("s3:// URLs only"), "{e}");
}

/// Run by `s3_endpoint_and_credentials_come_from_the_aws_environment` in a child process with
/// the AWS variables set (this crate forbids `unsafe`, so the test cannot set them itself).
#[test]
fn child_reads_s3_from_the_aws_environment() {
    let Some(url) = std::env::var_os("CUMULUS_REMOTE_CHILD_URL") else { return };
    let ds = open_zarr(PathBuf::from(url)).unwrap();
    assert!(same(&ds.get("t2m").unwrap().to_vec_f64().unwrap(), &expected_t2m()));
    println!("CHILD-OK");
}

#[test]
fn s3_endpoint_and_credentials_come_from_the_aws_environment() {
    let Some(server) = moto() else { return };
    create_bucket(&server, "env");
    let dir = tempfile::tempdir().unwrap();
    let local = write_local(dir.path(), "e.zarr", ZarrFormat::V2, 0);
    upload_store(&local, "s3://env/e.zarr", &s3_options(server.port)).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_reads_s3_from_the_aws_environment", "--nocapture", "--test-threads=1"])
        .env("CUMULUS_REMOTE_CHILD_URL", "s3://env/e.zarr")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{}", server.port))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("CHILD-OK"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}
