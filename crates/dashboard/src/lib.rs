//! # cumulus-dashboard
//!
//! Seeing a computation while it runs, fed by the telemetry of `cumulus-chunked`:
//!
//! - [`ComputeProgress`]: a terminal progress bar for every compute (tasks done of total,
//!   decoded bytes, rate, ETA), hidden when the output is not a terminal.
//! - [`Dashboard`]: the live web dashboard (what Dask's dashboard on port 8787 is to Dask). One
//!   page, updated live while computes run: the **task stream** (one row per worker thread, a
//!   bar per task coloured by its kind), **progress** of every compute by task kind, **memory**
//!   in use against the limit, **thread utilisation** and the **task graph** of the newest
//!   compute.
//! - [`performance_report`]: one computation written down as a self-contained HTML file (what
//!   Dask's `performance_report` is): summary, task stream, durations by task kind, memory over
//!   time and the task graph, all inline SVG and CSS. The [`Report`] it returns holds the
//!   numbers, and shows itself inline in an evcxr notebook.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_dashboard::performance_report;
//!
//! let x = ChunkedArray::random(&[1000, 100], &[100, 100], 7)?;
//! let path = std::env::temp_dir().join("cumulus-dashboard-lib-report.html");
//! // Everything computed with `opts` inside the closure is in the report.
//! let (mean, report) = performance_report(&path, |opts| x.mean(0)?.compute_with(opts))?;
//! let (_, stats) = mean?;
//! assert_eq!(report.tasks, stats.tasks);
//! println!("{} tasks in {:?}, see {}", report.tasks, report.wall_time, path.display());
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_dashboard::Dashboard;
//!
//! // Port 0 picks a free port; the real one is in the URL. `cumulus demo --dashboard` uses
//! // 127.0.0.1:8787, as Dask does.
//! let dash = Dashboard::start("127.0.0.1:0")?;
//! println!("open {}", dash.url());
//!
//! let x = ChunkedArray::random(&[1000, 100], &[100, 100], 7)?;
//! let tasks = x.mean(0)?.graph(&Default::default())?.len();
//! x.mean(0)?.compute()?; // every compute in the process shows up
//!
//! let state = dash.state_json(); // what GET /state.json serves
//! let last = &state["computes"][state["computes"].as_array().unwrap().len() - 1];
//! assert_eq!(last["tasks"], tasks);
//! assert_eq!(last["done"], tasks);
//! drop(dash); // the server stops
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Endpoints
//!
//! | path          | what                                                                    |
//! |---------------|-------------------------------------------------------------------------|
//! | `/`           | the page (one HTML file, inline JavaScript and CSS, no framework)       |
//! | `/events`     | Server-Sent Events: a `snapshot` event, then an `update` event at most every 100 ms with what changed (finished tasks, progress, memory, threads) |
//! | `/state.json` | the same snapshot: computes with progress by kind, memory, thread utilisation, the recent tasks ([`state::TASK_FIELDS`]) |
//! | `/graph.svg`  | the task graph of the newest compute ([`cumulus_chunked::TaskGraph::to_svg`]); 404 before any compute |
//!
//! The server is a small HTTP/1.1 loop on std's `TcpListener` (a thread per connection, one
//! request per connection); it binds loopback unless told otherwise.
//!
//! From the command line, `cumulus demo --dashboard` (or `cumulus bench --dashboard ADDR`)
//! prints the address and serves the page while the work runs; `--dashboard-linger SECS` keeps
//! it up afterwards. `cumulus demo --report FILE` writes the [`performance_report`] of the
//! demo's computes. The `dashboard` example of the `cumulus` crate runs the Part 1
//! experiments with pauses, to watch them one by one.

pub mod error;
pub mod http;
pub mod progress;
pub mod report;
pub mod server;
pub mod state;

pub use error::DashboardError;
pub use progress::ComputeProgress;
pub use report::{Report, performance_report, performance_report_all};
pub use server::{DEFAULT_ADDR, Dashboard};
