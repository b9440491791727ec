//! The output columns of the quality tables (`quality`, `freshness`), named once: the family
//! builds its frames with these and the reports read them with these. The strings are the tidy
//! table's `metric` values and docs/metrics.md's names, stable across releases. Each table's list
//! is its figures in frame order after its dimensions; the catalogue's schema test holds the
//! frames to them.

// `quality` (one check a row, by `check`).
/// The store table the check looks at, "incidents" or "alerts" (text).
pub const TABLE: &str = "table";
/// Rows the check found (count).
pub const ROWS: &str = "rows";
/// `rows` of the table's rows in the period (percent; null for rejected input rows).
pub const SHARE_PCT: &str = "share_pct";
/// Up to three ids of the rows found, sorted, comma-separated (text).
pub const EXAMPLES: &str = "examples";

// `freshness` (one row, no dimension).
/// The first incident detected under the filters, whatever the period (instant, UTC).
pub const FIRST_DETECTED: &str = "first_detected";
/// The last incident detected under the filters (instant, UTC).
pub const LAST_DETECTED: &str = "last_detected";
/// The last alert fired under the filters (instant, UTC).
pub const LAST_ALERT: &str = "last_alert";

/// `quality`: figures after `check`.
pub const QUALITY_TABLE: &[&str] = &[TABLE, ROWS, SHARE_PCT, EXAMPLES];
/// `freshness`: its columns (no dimensions).
pub const FRESHNESS_TABLE: &[&str] = &[FIRST_DETECTED, LAST_DETECTED, LAST_ALERT];
