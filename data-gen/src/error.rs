//! The error type of the generator.

use std::path::PathBuf;

/// Why the generator refused to run or stopped. Input errors are found before any file is
/// written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// A preset name that does not exist.
    #[error("unknown preset {name:?}; expected one of tiny, demo, class, full")]
    UnknownPreset {
        /// The name given.
        name: String,
    },
    /// A variable name that does not exist.
    #[error("{0}")]
    UnknownVariable(String),
    /// No years, or no variables, or another empty list.
    #[error("{what} is empty; give at least one")]
    Empty {
        /// Which list.
        what: &'static str,
    },
    /// A date that cannot be parsed or does not exist in a year.
    #[error("invalid date {text:?}{}: expected MM-DD (for example 06-01) that exists in every year", .year.map(|y| format!(" in {y}")).unwrap_or_default())]
    BadDate {
        /// The date as given.
        text: String,
        /// The year in which it does not exist, if that is the problem.
        year: Option<i32>,
    },
    /// The last day comes before the first.
    #[error("the last day {last} comes before the first day {first}")]
    EndBeforeStart {
        /// First day, MM-DD.
        first: String,
        /// Last day, MM-DD.
        last: String,
    },
    /// A grid step that does not divide the domain.
    #[error("grid step {step}° must be positive and divide both 30° of latitude and 40° of longitude")]
    BadStep {
        /// The step given.
        step: f64,
    },
    /// A chunk specification that cannot be used.
    #[error("invalid chunks {text:?}: {reason}")]
    BadChunks {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// Any other invalid argument.
    #[error("invalid {argument}: {reason}")]
    BadArgument {
        /// The argument.
        argument: &'static str,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// Stores exist and `--overwrite` was not given.
    #[error("{} already exist{} (use --overwrite to replace): {}", if .paths.len() == 1 { "a store" } else { "stores" }, if .paths.len() == 1 { "s" } else { "" }, .paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    StoresExist {
        /// The existing stores.
        paths: Vec<PathBuf>,
    },
    /// The output folder cannot be created or written.
    #[error("cannot write to the output folder {dir}: {source}")]
    Unwritable {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing a store failed.
    #[error(transparent)]
    Store(#[from] cumulus_store::StoreError),
    /// Writing the manifest failed.
    #[error("cannot write the manifest {path}: {source}")]
    Manifest {
        /// The manifest path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Building the thread pool failed.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// rayon's message.
        message: String,
    },
}
