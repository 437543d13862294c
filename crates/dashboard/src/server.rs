//! [`Dashboard`]: the HTTP server of the live dashboard, on std's `TcpListener` with one thread
//! per connection.
//!
//! Three threads run while a dashboard is up: the accept loop, the ticker that batches what the
//! collector gathered every [`TICK`] into one Server-Sent Event for every open page (so a
//! compute running thousands of tasks a second costs a page ten messages a second), and one
//! thread per open connection.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cumulus_chunked::ComputeOptions;
use cumulus_chunked::telemetry::{self, Subscription};

use crate::error::DashboardError;
use crate::http::{self, BadRequest};
use crate::state::{Collector, Shared, State, lock};

/// The address of the dashboard when none is given (Dask's port, loopback only).
pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";

/// How often the open pages get a batch of news.
pub const TICK: Duration = Duration::from_millis(100);

/// Open connections served at once; more get `503`.
pub const MAX_CONNECTIONS: usize = 64;

/// Tasks above which the graph is drawn one box per task kind.
pub const GRAPH_MAX_TASKS: usize = 300;

/// Batches queued for a page that reads too slowly before it is dropped.
const CLIENT_QUEUE: usize = 256;

/// How long a connection may take to send its request or accept a write.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A comment line sent to the event stream this often, so that closed pages are noticed.
const KEEPALIVE: Duration = Duration::from_secs(2);

/// The page (one self-contained file).
const PAGE: &str = include_str!("page.html");

type Clients = Arc<Mutex<Vec<SyncSender<Arc<str>>>>>;

/// What the server threads share.
struct Inner {
    state: Shared,
    clients: Clients,
    stop: AtomicBool,
    connections: AtomicUsize,
}

/// A running dashboard: it listens to every compute in the process and serves the live page
/// until it is dropped (or [`Dashboard::stop`]ped).
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_dashboard::Dashboard;
///
/// let dash = Dashboard::start("127.0.0.1:0")?; // port 0: any free port
/// assert!(dash.url().starts_with("http://127.0.0.1:"));
/// ChunkedArray::random(&[100, 10], &[10, 10], 1)?.mean(0)?.compute()?;
/// assert!(dash.tasks_done() >= 10);
/// dash.stop();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Dashboard {
    addr: SocketAddr,
    inner: Arc<Inner>,
    threads: Vec<JoinHandle<()>>,
    subscription: Option<Subscription>,
}

impl std::fmt::Debug for Dashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dashboard").field("url", &self.url()).finish()
    }
}

/// `8787` and `:8787` mean that port on loopback.
fn normalize(addr: &str) -> String {
    let a = addr.trim();
    if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) {
        format!("127.0.0.1:{a}")
    } else if let Some(port) = a.strip_prefix(':') {
        format!("127.0.0.1:{port}")
    } else {
        a.to_string()
    }
}

impl Dashboard {
    /// Serve the dashboard on `addr` (`HOST:PORT`; a bare `PORT` or `:PORT` means loopback;
    /// port 0 picks a free port, see [`Dashboard::addr`]) and start listening to computes.
    ///
    /// # Errors
    /// [`DashboardError::Address`] when `addr` is not an address, [`DashboardError::AddrInUse`]
    /// when something else listens there, [`DashboardError::Bind`] for other refusals and
    /// [`DashboardError::Thread`] when a server thread cannot start.
    pub fn start(addr: &str) -> Result<Dashboard, DashboardError> {
        let wanted = normalize(addr);
        let addrs: Vec<SocketAddr> = wanted
            .to_socket_addrs()
            .map_err(|e| DashboardError::Address { addr: addr.to_string(), reason: e.to_string() })?
            .collect();
        if addrs.is_empty() {
            return Err(DashboardError::Address { addr: addr.to_string(), reason: "it resolves to no address".into() });
        }
        let listener = TcpListener::bind(&addrs[..]).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => DashboardError::AddrInUse { addr: wanted.clone() },
            _ => DashboardError::Bind { addr: wanted.clone(), source: e },
        })?;
        let bind_err = |e| DashboardError::Bind { addr: wanted.clone(), source: e };
        let mut local = listener.local_addr().map_err(bind_err)?;
        listener.set_nonblocking(true).map_err(bind_err)?;
        if local.ip().is_unspecified() {
            // Reachable from everywhere; the URL shows the loopback form.
            local.set_ip(if local.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let inner = Arc::new(Inner {
            state: Arc::new(Mutex::new(State::new())),
            clients: Arc::default(),
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        });
        let mut dash = Dashboard { addr: local, inner: inner.clone(), threads: Vec::new(), subscription: None };
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|e| DashboardError::Thread { what: name.to_string(), source: e })
        };
        let i = inner.clone();
        dash.threads.push(spawn("cumulus-dashboard-accept", Box::new(move || accept_loop(&listener, &i)))?);
        let i = inner.clone();
        dash.threads.push(spawn("cumulus-dashboard-ticker", Box::new(move || ticker(&i)))?);
        dash.subscription = Some(telemetry::subscribe(Collector(inner.state.clone())));
        Ok(dash)
    }

    /// The address it listens on (with the real port when started on port 0; loopback when
    /// bound to all interfaces).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, e.g. `http://127.0.0.1:8787/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Compute options that report to this dashboard directly, for computes it cannot hear
    /// otherwise. In a program it hears every compute of the process already. In an evcxr
    /// notebook each cell links its own copy of the engine, so computes started in later cells
    /// reach the dashboard only with these options: `x.compute_with(&dash.options())`.
    /// (In a program, a compute run with these options is heard twice and shown once.)
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// let dash = cumulus_dashboard::Dashboard::start("127.0.0.1:0")?;
    /// let a = ChunkedArray::arange(0.0, 100.0, 1.0, 10);
    /// a.sum(0)?.compute_with(&dash.options())?;
    /// assert!(dash.tasks_done() >= 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn options(&self) -> ComputeOptions {
        ComputeOptions::default().subscriber(crate::state::LocalCollector(self.inner.state.clone()))
    }

    /// Tasks finished in the computes seen so far.
    pub fn tasks_done(&self) -> u64 {
        lock(&self.inner.state).tasks_done()
    }

    /// The state as `/state.json` serves it.
    pub fn state_json(&self) -> serde_json::Value {
        lock(&self.inner.state).snapshot()
    }

    /// Stop listening to computes, close the open pages and the server.
    pub fn stop(self) {
        drop(self);
    }

    fn shutdown(&mut self) {
        self.subscription.take();
        self.inner.stop.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        lock_clients(&self.inner.clients).clear();
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn lock_clients(c: &Clients) -> std::sync::MutexGuard<'_, Vec<SyncSender<Arc<str>>>> {
    c.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(listener: &TcpListener, inner: &Arc<Inner>) {
    while !inner.stop.load(Ordering::Acquire) {
        match listener.accept() {
            Ok((stream, _)) => {
                let i = inner.clone();
                i.connections.fetch_add(1, Ordering::AcqRel);
                let spawned = std::thread::Builder::new().name("cumulus-dashboard-conn".into()).spawn({
                    let i = i.clone();
                    move || {
                        serve(stream, &i);
                        i.connections.fetch_sub(1, Ordering::AcqRel);
                    }
                });
                if spawned.is_err() {
                    i.connections.fetch_sub(1, Ordering::AcqRel);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Every tick: draw a new task graph if one came, and send the batch to every page.
fn ticker(inner: &Arc<Inner>) {
    let mut last_keepalive = Instant::now();
    while !inner.stop.load(Ordering::Acquire) {
        std::thread::sleep(TICK);
        let graph = lock(&inner.state).take_graph();
        if let Some((compute, g)) = graph {
            let svg = g.to_svg(GRAPH_MAX_TASKS);
            drop(g);
            lock(&inner.state).set_graph(compute, svg);
        }
        // Clients before state, as `events` does: a new page's snapshot and the batches it
        // then receives never overlap.
        let mut clients = lock_clients(&inner.clients);
        let batch = lock(&inner.state).take_batch();
        let message: Option<Arc<str>> = match batch {
            Some(b) => Some(http::event("update", &b.to_string()).into()),
            None if last_keepalive.elapsed() >= KEEPALIVE => Some(": keep-alive\n\n".into()),
            None => None,
        };
        if let Some(m) = message {
            last_keepalive = Instant::now();
            clients.retain(|c| match c.try_send(m.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
            });
        }
    }
}

/// One connection: one request, one response.
fn serve(mut stream: TcpStream, inner: &Arc<Inner>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let text = "text/plain; charset=utf-8";
    let request = match http::read_request(&mut stream) {
        Ok(r) => r,
        Err(BadRequest::Closed) => return,
        Err(BadRequest::TooLarge) => {
            let _ = http::respond(&mut stream, 431, text, b"request head too large\n", false);
            return;
        }
        Err(BadRequest::Malformed(why)) => {
            let _ = http::respond(&mut stream, 400, text, format!("bad request: {why}\n").as_bytes(), false);
            return;
        }
    };
    if inner.connections.load(Ordering::Acquire) > MAX_CONNECTIONS {
        let _ = http::respond(&mut stream, 503, text, b"too many connections\n", false);
        return;
    }
    let head = request.method == "HEAD";
    if request.method != "GET" && !head {
        let body = format!("method {} not allowed: GET or HEAD\n", request.method);
        let _ = http::respond(&mut stream, 405, text, body.as_bytes(), false);
        return;
    }
    let _ = match request.path.as_str() {
        "/" | "/index.html" => http::respond(&mut stream, 200, "text/html; charset=utf-8", PAGE.as_bytes(), head),
        "/state.json" => {
            let body = lock(&inner.state).snapshot().to_string();
            http::respond(&mut stream, 200, "application/json", body.as_bytes(), head)
        }
        "/graph.svg" => match lock(&inner.state).graph() {
            Some(g) => http::respond(&mut stream, 200, "image/svg+xml", g.svg.as_bytes(), head),
            None => http::respond(&mut stream, 404, text, b"no task graph yet: no compute has run\n", head),
        },
        "/events" if head => http::respond(&mut stream, 200, "text/event-stream", b"", true),
        "/events" => {
            events(stream, inner);
            return;
        }
        "/favicon.ico" => http::respond(&mut stream, 204, text, b"", head),
        other => {
            let body = format!("not found: {other} (try /, /events, /state.json or /graph.svg)\n");
            http::respond(&mut stream, 404, text, body.as_bytes(), head)
        }
    };
}

/// The event stream: a `snapshot` event, then an `update` event per tick with news.
fn events(mut stream: TcpStream, inner: &Arc<Inner>) {
    let (tx, rx): (SyncSender<Arc<str>>, Receiver<Arc<str>>) = sync_channel(CLIENT_QUEUE);
    let snapshot = {
        let mut clients = lock_clients(&inner.clients);
        let snapshot = lock(&inner.state).snapshot();
        clients.push(tx);
        snapshot
    };
    if http::start_event_stream(&mut stream).is_err() {
        return;
    }
    if stream.write_all(http::event("snapshot", &snapshot.to_string()).as_bytes()).is_err() {
        return;
    }
    drop(snapshot);
    loop {
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(m) => {
                if stream.write_all(m.as_bytes()).and_then(|()| stream.flush()).is_err() {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) if !inner.stop.load(Ordering::Acquire) => {}
            Err(_) => return,
        }
    }
}
