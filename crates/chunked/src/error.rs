//! [`ChunkedError`]: what can go wrong building or computing a lazy array.

use thiserror::Error;

/// Errors from building an expression (shapes, dtypes, arguments) or from computing it (a
/// failing source chunk, a panicking user closure).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ChunkedError {
    /// Two shapes that must agree (or broadcast) do not.
    #[error("shapes do not match for {op}: {left:?} and {right:?}")]
    ShapeMismatch {
        /// The operation being built.
        op: String,
        /// Shape of the left operand.
        left: Vec<usize>,
        /// Shape of the right operand.
        right: Vec<usize>,
    },
    /// An operation does not accept this dtype.
    #[error("{op} does not accept dtype {dtype}: {expected}")]
    DType {
        /// The operation being built.
        op: String,
        /// The dtype given.
        dtype: crate::DType,
        /// What the operation accepts.
        expected: String,
    },
    /// An axis, index or other argument is out of range or inconsistent.
    #[error("invalid argument for {op}: {reason}")]
    InvalidArgument {
        /// The operation being built.
        op: String,
        /// What is wrong.
        reason: String,
    },
    /// The result of a compute cannot be held in memory.
    #[error(
        "cannot compute {what} into memory: shape {shape:?} of {dtype} needs {bytes}; reduce or select first, or write it chunk by chunk (to_zarr)"
    )]
    TooLarge {
        /// What was computed.
        what: String,
        /// Its shape.
        shape: Vec<usize>,
        /// Its dtype.
        dtype: crate::DType,
        /// The bytes it needs ("more than usize" when they overflow).
        bytes: String,
    },
    /// A chunking does not tile the array.
    #[error("bad chunks: {reason}")]
    BadChunks {
        /// What is wrong.
        reason: String,
    },
    /// A source failed to produce a chunk.
    #[error("reading chunk {chunk:?} of {source_name}: {message}")]
    Source {
        /// The source's name (store and variable, for stored arrays).
        source_name: String,
        /// The chunk index.
        chunk: Vec<usize>,
        /// The source's own message.
        message: String,
    },
    /// A task failed (its kind and chunk say which).
    #[error("task {task} for output chunk {chunk:?} failed: {message}")]
    Task {
        /// The task's name, e.g. `sum-partial`.
        task: String,
        /// The chunk the task was computing.
        chunk: Vec<usize>,
        /// Why it failed.
        message: String,
    },
    /// The compute was cancelled by its caller.
    #[error("compute cancelled")]
    Cancelled,
}

impl ChunkedError {
    pub(crate) fn arg(op: &str, reason: impl Into<String>) -> ChunkedError {
        ChunkedError::InvalidArgument { op: op.to_string(), reason: reason.into() }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = ChunkedError> = std::result::Result<T, E>;
