//! The rejected rows of the quality table: the store's rejected log, counted by table and by the
//! *kind* of reason, with a few of the full messages as examples.
//!
//! The ingester's reasons carry the offending value and often the record's place
//! (`detected_at: cannot read "yesterday" as an instant; ...`, `$.data[3].id: missing; ...`), so
//! counting by the message would give one row per bad value: a thousand rows for one broken
//! column, and the same problem in two tables under one check name, which the tidy table (keyed by
//! its dims only) could not tell apart. A reason is reduced to its category instead: the field it
//! names, with JSON-path indices dropped (`data.id`), and a fixed phrase for each kind of problem
//! the ingester reports (`missing`, `not a timestamp`, `not JSON`, ...). A reason of a kind not
//! listed keeps its first clause with quoted values and numbers masked, so it still groups by
//! shape. The check is `rejected: <table>: <category>`.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use crate::error::Result;
use crate::metrics::table::pe;

/// How many full messages a rejected check shows.
const EXAMPLES: usize = 3;
/// The longest category kept from a reason of an unlisted kind, in characters.
const MAX_FALLBACK: usize = 80;

/// The kinds of problem the ingester reports, as (phrase in the lower-cased reason, category),
/// first match wins. The phrases are the fixed words of the reasons written in `ingest::row`,
/// `ingest::rules`, `ingest::timestamp`, `ingest::reader` and the connectors' `refuse` calls.
const KINDS: &[(&str, &str)] = &[
    ("invalid json", "not JSON"),
    ("duplicate key", "a key given twice"),
    ("outside the years 1900-2200", "instant outside 1900-2200"),
    ("not valid json", "not JSON"),
    ("expected a json object", "not a JSON object"),
    ("is not a json object", "not a JSON object"),
    ("does not exist in", "local time skipped by a clock change"),
    ("happens twice in", "ambiguous local time"),
    ("out of range", "out of range"),
    ("as an instant", "not a timestamp"),
    ("not a whole epoch number", "not a timestamp"),
    ("expected an rfc 3339", "not a timestamp"),
    ("expected a whole number", "not a whole number"),
    ("is not a whole number", "not a whole number"),
    ("expected true or false", "not true or false"),
    ("is not one of", "not an accepted value"),
    ("must be \"<source>:<id>\"", "id without its source prefix"),
    ("unknown time zone", "unknown time zone"),
    ("unknown zone", "unknown time zone"),
    ("fields but the header has", "wrong number of fields"),
    ("ends before it starts", "ends before it starts"),
];

/// The field a reason starts with (`detected_at: ...`, `$.incidents[3].created_at: ...`) with the
/// JSON root and indices dropped, and the rest of the reason. No field when the text before the
/// first `": "` has a space (it is a sentence) or names only a record (`$[2]`).
fn split_field(reason: &str) -> (Option<String>, &str) {
    let Some(i) = reason.find(": ") else {
        return (None, reason);
    };
    let (head, rest) = (&reason[..i], &reason[i + 2..]);
    let path_like = |c: char| c.is_ascii_alphanumeric() || "_.$[]-".contains(c);
    if head.is_empty() || !head.chars().all(path_like) {
        return (None, reason);
    }
    let mut field = String::new();
    let mut depth = 0usize;
    for c in head.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '$' => {}
            '.' if field.is_empty() || field.ends_with('.') => {}
            c => field.push(c),
        }
    }
    let field = field.trim_end_matches('.').to_string();
    ((!field.is_empty()).then_some(field), rest)
}

/// A reason of an unlisted kind: its first clause (up to `;`) with quoted text and numbers masked,
/// whitespace collapsed, cut to a readable length.
fn fallback(rest: &str) -> String {
    let clause = rest.split(';').next().unwrap_or(rest);
    let mut out = String::new();
    let mut chars = clause.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // Skip to the closing quote, honouring backslash escapes (`{:?}` of a value).
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"…\"");
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('N');
            }
            c => out.push(c),
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let text = words.join(" ");
    if text.chars().count() <= MAX_FALLBACK {
        return text;
    }
    let cut: String = text.chars().take(MAX_FALLBACK).collect();
    format!("{}…", cut.trim_end())
}

/// The stable kind of a rejection reason: `<field>: <kind>` when the reason names a field, else
/// `<kind>`.
pub fn category(reason: &str) -> String {
    let (field, rest) = split_field(reason.trim());
    let lower = rest.to_lowercase();
    let kind = if lower.starts_with("missing") {
        "missing".to_string()
    } else if let Some((_, k)) = KINDS.iter().find(|(p, _)| lower.contains(p)) {
        (*k).to_string()
    } else if lower.starts_with("expected ") && lower.contains(", found ") {
        // `expected Timestamp(us, UTC), found an array`: a JSON value of the wrong type.
        "wrong type".to_string()
    } else {
        fallback(rest)
    };
    match field {
        Some(f) => format!("{f}: {kind}"),
        None => kind,
    }
}

/// One rejected check: table, category, rows, and up to three full messages (sorted, ` | `
/// between them, as messages hold commas and semicolons).
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub table: String,
    pub category: String,
    pub rows: u64,
    pub examples: String,
}

/// The rejected log's counts (`table, reason, rows`) summed by table and category, sorted by
/// both; a log with no columns (nothing was ever rejected) gives none.
pub fn rejected(df: &DataFrame) -> Result<Vec<Rejected>> {
    let has = |c: &str| df.get_column_names().iter().any(|n| n.as_str() == c);
    if df.height() == 0 || !has("table") || !has("reason") || !has("rows") {
        return Ok(vec![]);
    }
    let text = |c: &str| -> Result<Column> {
        df.column(c)
            .map_err(pe)?
            .cast(&DataType::String)
            .map_err(pe)
    };
    let (table, reason) = (text("table")?, text("reason")?);
    let rows = df
        .column("rows")
        .map_err(pe)?
        .cast(&DataType::UInt64)
        .map_err(pe)?;
    let (table, reason, rows) = (
        table.str().map_err(pe)?,
        reason.str().map_err(pe)?,
        rows.u64().map_err(pe)?,
    );
    let mut groups: BTreeMap<(String, String), (u64, BTreeSet<String>)> = BTreeMap::new();
    for ((t, r), n) in table.iter().zip(reason.iter()).zip(rows.iter()) {
        let r = r.unwrap_or_default();
        let key = (t.unwrap_or("unknown").to_string(), category(r));
        let g = groups.entry(key).or_default();
        g.0 += n.unwrap_or_default();
        g.1.insert(r.to_string());
        if g.1.len() > EXAMPLES {
            g.1.pop_last();
        }
    }
    Ok(groups
        .into_iter()
        .map(|((table, category), (rows, ex))| Rejected {
            table,
            category,
            rows,
            examples: ex.into_iter().collect::<Vec<_>>().join(" | "),
        })
        .collect())
}

#[cfg(test)]
mod tests;
