//! The error type of the store crate.

use std::path::PathBuf;

/// Everything that can go wrong while writing a store. Each variant names the store and,
/// where there is one, the variable and chunk, and says what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The target exists and the write mode does not allow replacing it.
    #[error("store {path} already exists; choose another path or overwrite it explicitly")]
    AlreadyExists {
        /// The store path.
        path: PathBuf,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("create folder", "rename", ...).
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An array was declared twice.
    #[error("store {store}: variable {variable:?} is declared twice")]
    DuplicateVariable {
        /// The store path.
        store: PathBuf,
        /// The variable name.
        variable: String,
    },
    /// A variable name was used that the store does not have.
    #[error("store {store}: no variable {variable:?}; the store has {known:?}")]
    UnknownVariable {
        /// The store path.
        store: PathBuf,
        /// The name asked for.
        variable: String,
        /// The names that exist.
        known: Vec<String>,
    },
    /// An array specification is inconsistent.
    #[error("store {store}: variable {variable:?}: {reason}")]
    InvalidSpec {
        /// The store path.
        store: PathBuf,
        /// The variable name.
        variable: String,
        /// What is wrong, with the values involved.
        reason: String,
    },
    /// A chunk was written with the wrong index or the wrong number of elements.
    #[error("store {store}: variable {variable:?}, chunk {chunk:?}: {reason}")]
    BadChunk {
        /// The store path.
        store: PathBuf,
        /// The variable name.
        variable: String,
        /// The chunk index.
        chunk: Vec<u64>,
        /// What was expected.
        reason: String,
    },
    /// zarrs rejected the metadata we wrote or failed to encode or store a chunk.
    #[error("store {store}: variable {variable:?}: zarr error: {message}")]
    Zarr {
        /// The store path.
        store: PathBuf,
        /// The variable name.
        variable: String,
        /// zarrs' own message.
        message: String,
    },
    /// Metadata could not be read back as JSON while consolidating.
    #[error("store {store}: metadata file {file} is not valid JSON: {source}")]
    Json {
        /// The store path.
        store: PathBuf,
        /// The metadata file.
        file: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// A glob pattern that is not valid or matches nothing.
    #[error("the pattern {pattern:?} {reason}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The path is not a Zarr store.
    #[error("{path} is not a Zarr store: {reason}")]
    NotAStore {
        /// The path.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// The store is not in the Zarr format that was required.
    #[error("{path} is Zarr format {}, but it was opened as format {}{}", fmt_no(*.found), fmt_no(*.asked), format_hint(*.found))]
    FormatMismatch {
        /// The store path.
        path: PathBuf,
        /// The format required.
        asked: crate::spec::ZarrFormat,
        /// The format the store has.
        found: crate::spec::ZarrFormat,
    },
    /// Two stores that should combine do not agree.
    #[error("cannot combine {first} and {second}: {reason}")]
    Mismatch {
        /// The first store.
        first: PathBuf,
        /// The store that disagrees with it.
        second: PathBuf,
        /// The difference.
        reason: String,
    },
    /// libnetcdf failed (only with the `netcdf` feature).
    #[error("NetCDF file {path}: {}{message}", if variable.is_empty() { String::new() } else { format!("variable {variable:?}: ") })]
    NetCdf {
        /// The file path.
        path: PathBuf,
        /// The variable, if one was involved.
        variable: String,
        /// What was being done and libnetcdf's message.
        message: String,
    },
    /// The storage behind a store (a folder, an S3 bucket, an HTTP server) failed to answer.
    #[error("store {store}: cannot {action} {key:?}: {message}")]
    Storage {
        /// The store path or URL.
        store: PathBuf,
        /// What was being done ("read", "list", "upload", ...).
        action: &'static str,
        /// The key inside the store (`.zmetadata`, `x/0.0`, ...), or `""` for the store itself.
        key: String,
        /// The storage layer's message.
        message: String,
    },
    /// A URL was given but this build cannot read remote stores.
    #[error(
        "{url} is a URL, but this build of cumulus-store cannot open remote stores: enable the cargo \
         feature `remote` (cumulus-store/remote, or cumulus/remote; e.g. `cargo build --features remote`)"
    )]
    RemoteDisabled {
        /// The URL.
        url: String,
    },
    /// A URL that cannot be opened as a store (unknown scheme, no bucket, bad configuration).
    #[error("cannot open {url}: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A labeled-array error while building the dataset.
    #[error("store {store}: {source}")]
    Labeled {
        /// The store path.
        store: PathBuf,
        /// The error.
        source: cumulus_labeled::LabeledError,
    },
    /// An engine error (a chunk that cannot be read or decoded, …).
    #[error(transparent)]
    Engine(#[from] cumulus_chunked::ChunkedError),
}

fn fmt_no(f: crate::spec::ZarrFormat) -> u8 {
    match f {
        crate::spec::ZarrFormat::V2 => 2,
        crate::spec::ZarrFormat::V3 => 3,
    }
}

fn format_hint(found: crate::spec::ZarrFormat) -> &'static str {
    match found {
        crate::spec::ZarrFormat::V3 => {
            ": it has a zarr.json and no .zgroup or .zmetadata, which is all a format 2 reader looks \
             for (xarray with zarr-python 2 says \"group not found at path ''\" or \"No such file or \
             directory\"). Open it without requiring a format (cumulus reads both), read it with \
             zarr-python >= 3, or write it again with zarr_format 2"
        }
        crate::spec::ZarrFormat::V2 => {
            ": it has .zgroup/.zmetadata and no zarr.json. Open it without requiring a format \
             (cumulus reads both); zarr-python 3 reads it with zarr_format=2"
        }
    }
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io { action, path: path.into(), source }
    }
}
