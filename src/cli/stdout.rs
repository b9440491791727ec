//! Standard output for every command: the one path by which `run`, `ingest`, `metrics`, `query`,
//! `report`, `generate` and `config` print, so a closed pipe is handled once for all of them.
//!
//! A reader that stops early (`aftermath run | head`, `aftermath query ... | less` quit before
//! the end) closes the pipe; the next write fails with `BrokenPipe`. That is the reader's choice,
//! not a failure: from then on output is dropped, the command finishes what it was doing (a
//! `run | head` still writes its metrics and reports, a `report weekly | head -1` every team's
//! file) and exits 0. `println!` would panic instead (exit 101), so nothing in `src/cli` uses it.
//! Any other write error (a full disk behind `> file`) is kept and reported once the command
//! ends, by [`finish`], so printing never has to interrupt the work it describes.
//!
//! Not responsible for standard error: messages there are for people and are left to
//! `eprintln!`.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// The reader closed the pipe: every later write is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// The first write error that was not a closed pipe, reported by [`finish`].
static FAILED: Mutex<Option<io::Error>> = Mutex::new(None);

/// Standard output with a closed pipe treated as the end of output (see the module text). Other
/// errors are returned, so a writer such as `query`'s can stop and report them.
pub struct Stdout;

impl Stdout {
    /// `result` with a closed pipe turned into "done": remember it and report success.
    fn quiet<T>(result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                CLOSED.store(true, Ordering::Relaxed);
                Ok(done)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        Stdout::quiet(io::stdout().write(buf), buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        Stdout::quiet(io::stdout().flush(), ())
    }
}

/// Print formatted text; used through [`out!`] and [`outln!`]. A failure other than a closed pipe
/// is kept for [`finish`], the first one only: later ones are usually the same cause again.
pub fn print(args: fmt::Arguments) {
    if let Err(e) = Stdout.write_fmt(args) {
        let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
        failed.get_or_insert(e);
    }
}

/// Flush standard output and report the first write error other than a closed pipe, if any.
pub fn finish() -> Result<()> {
    let flushed = Stdout.flush();
    let kept = FAILED.lock().unwrap_or_else(|p| p.into_inner()).take();
    match kept {
        Some(e) => Err(Error::io("<stdout>", e)),
        None => flushed.map_err(|e| Error::io("<stdout>", e)),
    }
}

/// `print!` that survives a closed pipe (see the module text).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::stdout::print(format_args!($($arg)*))
    };
}

/// `println!` that survives a closed pipe (see the module text).
macro_rules! outln {
    () => {
        $crate::cli::stdout::print(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::stdout::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_success_and_other_errors_are_kept() {
        let closed = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(Stdout::quiet(Err(closed), 7).unwrap(), 7);
        let full = io::Error::from(io::ErrorKind::StorageFull);
        assert_eq!(
            Stdout::quiet::<usize>(Err(full), 7).unwrap_err().kind(),
            io::ErrorKind::StorageFull
        );
        assert_eq!(Stdout::quiet(Ok(3), 7).unwrap(), 3);
    }
}
