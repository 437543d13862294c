//! [`DashboardError`]: why a dashboard could not start or a report could not be written.

/// Why [`crate::Dashboard::start`] failed (each names the address it was given), or why
/// [`crate::performance_report`] could not write its file (naming the path).
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// The address is not `HOST:PORT` (or a port), or does not resolve.
    #[error("dashboard address {addr:?} is not usable: {reason} (expected HOST:PORT, e.g. 127.0.0.1:8787, or a port)")]
    Address {
        /// The address as given.
        addr: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Something else already listens on the address.
    #[error(
        "dashboard address {addr} is already in use: stop what listens there, or pick another port (port 0 picks a free one)"
    )]
    AddrInUse {
        /// The address.
        addr: String,
    },
    /// The system refused to listen on the address for another reason.
    #[error("cannot serve the dashboard on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The system's reason.
        source: std::io::Error,
    },
    /// A server thread could not be started.
    #[error("cannot start the dashboard's {what} thread: {source}")]
    Thread {
        /// Which thread.
        what: String,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The performance report could not be written.
    #[error("cannot write the performance report to {}: {source} (expected a writable file path in an existing directory)", path.display())]
    Report {
        /// The path as given.
        path: std::path::PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
}
