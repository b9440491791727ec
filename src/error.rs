//! The crate's one error type, with variants by who must act: the user's input, the config, the
//! store on disk, or us (an internal bug).
//!
//! Every message says what went wrong, where (file and line or JSON path), and what to do. The CLI
//! prints the chain and maps it to an exit code; nothing below the CLI uses `anyhow`.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file is unusable as a whole (missing, not UTF-8, truncated, unknown table).
    #[error("{path}{loc}: {message}", loc = location(*line))]
    Input {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },

    /// Too many rows were rejected, or `--strict` met one: nothing was written.
    #[error("{0}")]
    Rejected(String),

    /// The configuration file is invalid; each problem names its key path.
    #[error("{path}: invalid configuration:\n{}", problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Config {
        path: PathBuf,
        problems: Vec<String>,
    },

    /// Another writer holds the store's lock.
    #[error(
        "the store {path} is locked by another aftermath writer ({holder}); wait for it to finish, \
         or remove {lock} if no aftermath process is running"
    )]
    Locked {
        path: PathBuf,
        lock: PathBuf,
        holder: String,
    },

    /// The store on disk is unreadable or inconsistent.
    #[error("store {path}: {message}")]
    Store { path: PathBuf, message: String },

    /// A query or computation failed (bad SQL, an unknown column).
    #[error("{0}")]
    Query(String),

    /// An I/O failure with the path it happened on.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A report could not be delivered: one line per failed destination, naming it (never its
    /// address) and what to check. What was sent elsewhere is recorded and not sent again.
    #[error("delivery failed:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Delivery(Vec<String>),

    /// A bug: please report it.
    #[error("internal error (this is a bug in aftermath, please report it): {0}")]
    Internal(String),
}

fn location(line: Option<u64>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            line,
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn store(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        Error::Store {
            path: path.into(),
            message: message.to_string(),
        }
    }

    /// Process exit code: 2 for the user's input or config, 3 for the store, 4 for a delivery
    /// that failed at one or more destinations, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Rejected(_) | Error::Config { .. } | Error::Query(_) => 2,
            Error::Locked { .. } | Error::Store { .. } => 3,
            Error::Delivery(_) => 4,
            Error::Io { .. } | Error::Internal(_) => 1,
        }
    }
}

/// Attach a path to an `io::Error`.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::result::Result<T, std::io::Error> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
