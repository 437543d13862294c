//! [`BatchError`]: what can go wrong when cutting data into batches and loading them.

use cumulus_chunked::ChunkedError;
use cumulus_labeled::LabeledError;

/// The errors of `cumulus-batches`; each names the argument, dimension or variable involved.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A dimension named in an argument is not in the data.
    #[error("{argument} names dimension {dim:?}, which the data does not have (dimensions: {available:?})")]
    NoDim {
        /// `input_dims`, `input_overlap` or `batch_dims`
        argument: &'static str,
        /// the unknown dimension
        dim: String,
        /// the dimensions the data has
        available: Vec<String>,
    },
    /// The overlap along a dimension is not smaller than the patch (xbatcher's `ValueError`).
    #[error(
        "input overlap must be less than the input sample length, but the input sample length is {input} and the overlap is {overlap} (dimension {dim:?})"
    )]
    OverlapTooLarge {
        /// the dimension
        dim: String,
        /// the patch length along it
        input: usize,
        /// the overlap asked for
        overlap: usize,
    },
    /// A patch is longer than its dimension (xbatcher's `ValueError`).
    #[error(
        "input sample length must be less than or equal to the dimension length, but the sample length of {input} is greater than the dimension length of {size} for {dim}"
    )]
    InputTooLarge {
        /// the dimension
        dim: String,
        /// the patch (or batch) length asked for
        input: usize,
        /// the dimension's length
        size: usize,
    },
    /// A batch index past the end.
    #[error("batch index {index} is out of range: the generator has {len} batches")]
    IndexOutOfRange {
        /// the index asked for
        index: isize,
        /// the number of batches
        len: usize,
    },
    /// A batch with no patch (xbatcher counts such batches when a dimension is in both
    /// `input_dims` and `batch_dims`, and fails to build them).
    #[error("batch {index} holds no patch (a dimension in both input_dims and batch_dims leaves it empty)")]
    EmptyBatch {
        /// the batch index
        index: usize,
    },
    /// A variable the caller named is missing.
    #[error("variable {name:?} is not in the data (variables: {available:?})")]
    NoVariable {
        /// the name asked for
        name: String,
        /// the data variables
        available: Vec<String>,
    },
    /// A variable's batch does not have the shape a consumer needs.
    #[error("variable {name:?}: {reason}")]
    BadShape {
        /// the variable
        name: String,
        /// what was expected and what came
        reason: String,
    },
    /// An argument outside its domain.
    #[error("{argument}: {reason}")]
    BadArgument {
        /// the argument
        argument: &'static str,
        /// what is wrong with it
        reason: String,
    },
    /// A chunk could not be read or computed.
    #[error("reading chunk {chunk:?} of variable {name:?}: {source}")]
    Chunk {
        /// the variable
        name: String,
        /// the chunk index
        chunk: Vec<usize>,
        /// the engine's error
        #[source]
        source: Box<ChunkedError>,
    },
    /// A data-loader worker thread panicked.
    #[error("data loader worker {worker} stopped unexpectedly (it panicked)")]
    WorkerPanicked {
        /// the worker number
        worker: usize,
    },
    /// An error of the labeled layer.
    #[error(transparent)]
    Labeled(Box<LabeledError>),
    /// An error of the chunked engine.
    #[error(transparent)]
    Chunked(Box<ChunkedError>),
}

impl From<LabeledError> for BatchError {
    fn from(e: LabeledError) -> BatchError {
        BatchError::Labeled(Box::new(e))
    }
}

impl From<ChunkedError> for BatchError {
    fn from(e: ChunkedError) -> BatchError {
        BatchError::Chunked(Box::new(e))
    }
}

/// `Result` with [`BatchError`].
pub type Result<T, E = BatchError> = std::result::Result<T, E>;
