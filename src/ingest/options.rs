//! What an ingest is asked to do: the inputs, the reader and connector choice, the tolerance for
//! rejected rows and the memory its commit may plan for, with the parsers of their flags' values.

use std::path::PathBuf;

use chrono_tz::Tz;

use super::source;
use crate::model::Table;

/// How many rejected rows a run tolerates before it fails.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxRejected {
    Count(u64),
    Percent(f64),
}

impl MaxRejected {
    /// `N` or `P%`.
    pub fn parse(s: &str) -> std::result::Result<MaxRejected, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p
                .trim()
                .parse()
                .map_err(|_| format!("expected N or P%, found {s:?}"))?;
            if !(0.0..=100.0).contains(&v) {
                return Err(format!("a percentage from 0% to 100%, found {s:?}"));
            }
            return Ok(MaxRejected::Percent(v));
        }
        t.parse()
            .map(MaxRejected::Count)
            .map_err(|_| format!("expected N or P%, found {s:?}"))
    }

    pub(super) fn exceeded(self, rejected: u64, read: u64) -> bool {
        match self {
            MaxRejected::Count(n) => rejected > n,
            MaxRejected::Percent(p) => read > 0 && (rejected as f64) * 100.0 > p * read as f64,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub inputs: Vec<PathBuf>,
    /// Overrides the table named by each file.
    pub table: Option<Table>,
    /// Zone of naive timestamps.
    pub zone: Tz,
    pub strict: bool,
    pub max_rejected: MaxRejected,
    /// Which connector reads the inputs.
    pub source: SourceChoice,
    /// The mapping file of `--source csv`.
    pub mapping: Option<PathBuf>,
    /// Memory the commit may plan for, in bytes (`--memory-budget`).
    pub memory_budget: u64,
    /// Read every file, even those the store already holds read the same way (`seen.rs`).
    pub force: bool,
}

/// `--memory-budget`'s default: 2 GiB.
pub const DEFAULT_MEMORY_BUDGET: u64 = 2 << 30;

/// `512M`, `2G`, `1.5GB`, or bytes.
pub fn parse_bytes(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (num, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: u64 = match unit {
        "" => 1,
        "K" | "KI" => 1 << 10,
        "M" | "MI" => 1 << 20,
        "G" | "GI" => 1 << 30,
        _ => return Err(format!("expected a size such as 512M or 2G, found {s:?}")),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("expected a size such as 512M or 2G, found {s:?}"))?;
    if v.is_nan() || v <= 0.0 {
        return Err(format!("a size above zero, found {s:?}"));
    }
    Ok((v * scale as f64) as u64)
}

/// `--source`: a connector by name, canonical table files, or sniffed per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceChoice {
    Auto,
    Canonical,
    Named(String),
}

impl SourceChoice {
    pub fn parse(s: &str) -> std::result::Result<SourceChoice, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(SourceChoice::Auto),
            "canonical" => Ok(SourceChoice::Canonical),
            n if source::NAMES.contains(&n) => Ok(SourceChoice::Named(n.to_string())),
            _ => Err(format!("unknown source {s:?}; known: {}", source::known())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn sizes_parse_in_binary_units_and_nonsense_is_refused() {
        assert_eq!(parse_bytes("2G"), Ok(2 << 30));
        assert_eq!(parse_bytes("512m"), Ok(512 << 20));
        assert_eq!(parse_bytes("1.5GB"), Ok(3 << 29));
        assert_eq!(parse_bytes("64KiB"), Ok(64 << 10));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("2T").is_err());
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("lots").is_err());
    }
}
