//! Named crash points for the crash tests: `AFTERMATH_FAILPOINT=<point>:<n>` makes the process
//! abort (as a `kill -9` would, with no cleanup) the n-th time it reaches `<point>`.
//!
//! The points sit between the steps of a commit (`publish.rs`, `files.rs`, `retention.rs`), so a
//! test can stop a writer at each file write and each publish step instead of hoping a timed
//! kill lands there. Unset, a point costs one read of a cached `Option`.

use std::sync::Mutex;
use std::sync::OnceLock;

pub const ENV: &str = "AFTERMATH_FAILPOINT";

/// Every point, in the order a commit reaches them (for tests and docs).
pub const POINTS: [&str; 8] = [
    "file-write",
    "file-done",
    "link",
    "meta",
    "rename-snapshot",
    "swap",
    "published",
    "gc",
];

fn armed() -> &'static Option<(String, u64)> {
    static SPEC: OnceLock<Option<(String, u64)>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let v = std::env::var(ENV).ok()?;
        let (name, n) = v.rsplit_once(':').unwrap_or((v.as_str(), "1"));
        Some((name.to_string(), n.parse().unwrap_or(1)))
    })
}

/// Abort here if this is the armed point's n-th hit.
pub fn hit(point: &str) {
    let Some((name, n)) = armed() else { return };
    if name != point {
        return;
    }
    static HITS: Mutex<u64> = Mutex::new(0);
    let mut hits = HITS.lock().unwrap_or_else(|p| p.into_inner());
    *hits += 1;
    if *hits == *n {
        eprintln!("{ENV}: stopping at {point} #{n}");
        std::process::abort();
    }
}
