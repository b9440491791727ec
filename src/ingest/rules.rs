//! The per-table rules of canonical ingest: derive what can be derived (ids from source and source
//! id, an event id from a stable hash, status from the lifecycle, `updated_at` from the latest
//! instant), map teams and severities through the config, and check the closed vocabularies.
//!
//! Runs on a row whose cells are already typed; a `String` error is the rejection reason.

use super::row::RowContext;
use crate::model::columns::*;
use crate::model::vocab::{
    ActionKind, ActionStatus, EventKind, IncidentKind, IncidentStatus, Priority, Severity,
};
use crate::model::{Cell, Table};

/// Cells by column name for one table; keeps the rules below readable.
struct Row<'a> {
    table: Table,
    cells: &'a mut [Cell],
}

impl Row<'_> {
    fn idx(&self, name: &str) -> usize {
        self.table.spec().index(name)
    }
    fn get(&self, name: &str) -> &Cell {
        &self.cells[self.idx(name)]
    }
    fn text(&self, name: &str) -> Option<String> {
        self.text_ref(name).map(str::to_string)
    }
    /// The text of a cell, borrowed: the common rules run for every row, and a copy per look
    /// was most of their cost.
    fn text_ref(&self, name: &str) -> Option<&str> {
        self.get(name).as_text()
    }
    fn ts(&self, name: &str) -> Option<i64> {
        self.get(name).as_timestamp()
    }
    fn set(&mut self, name: &str, c: Cell) {
        let i = self.idx(name);
        self.cells[i] = c;
    }
    fn set_text(&mut self, name: &str, s: impl Into<String>) {
        self.set(name, Cell::Text(s.into()));
    }
    /// Set a text cell, reusing its buffer: the parser keeps each row's buffers for the next row.
    fn set_str(&mut self, name: &str, s: &str) {
        let i = self.idx(name);
        match &mut self.cells[i] {
            Cell::Text(buf) if buf == s => {}
            Cell::Text(buf) => {
                buf.clear();
                buf.push_str(s);
            }
            other => *other = Cell::Text(s.to_string()),
        }
    }
    fn default_text(&mut self, name: &str, s: impl Into<String>) {
        if self.get(name).is_null() {
            self.set_text(name, s);
        }
    }
    /// Check a closed vocabulary and rewrite the value in its canonical spelling.
    fn vocab(
        &mut self,
        name: &str,
        parse: fn(&str) -> Option<&'static str>,
        expected: String,
    ) -> Result<(), String> {
        if let Some(v) = self.text_ref(name) {
            let canon =
                parse(v).ok_or_else(|| format!("{name}: {v:?} is not one of: {expected}"))?;
            self.set_str(name, canon);
        }
        Ok(())
    }
    /// `updated_at` defaults to the latest instant the row knows: a row without a version is as new
    /// as its newest fact.
    fn default_version(&mut self, instants: &[&str]) {
        if self.get(UPDATED_AT).is_null()
            && let Some(max) = instants.iter().filter_map(|c| self.ts(c)).max()
        {
            self.set(UPDATED_AT, Cell::Timestamp(max));
        }
    }
    /// A missing `source` is the prefix of a `<source>:<id>` id.
    fn source_from_prefix(&mut self, id_col: &str) {
        if self.get(SOURCE).is_null()
            && let Some((src, _)) = self
                .text(id_col)
                .as_deref()
                .and_then(|id| id.split_once(':'))
        {
            self.set_text(SOURCE, src.to_string());
        }
    }
    /// `<source>:<source_id>` ids: fill whichever of id, source and source id is missing from the others.
    fn qualified_id(&mut self, id_col: &str) {
        self.source_from_prefix(id_col);
        if self.get(id_col).is_null()
            && let (Some(src), Some(sid)) = (self.text(SOURCE), self.text(SOURCE_ID))
        {
            self.set_text(id_col, format!("{src}:{sid}"));
        }
        if self.get(SOURCE_ID).is_null()
            && let Some((_, sid)) = self
                .text(id_col)
                .as_deref()
                .and_then(|id| id.split_once(':'))
        {
            self.set_text(SOURCE_ID, sid.to_string());
        }
    }
}

pub fn complete(table: Table, cells: &mut [Cell], ctx: &RowContext) -> Result<(), String> {
    let mut r = Row { table, cells };
    match table {
        Table::Incidents => incident(&mut r, ctx),
        Table::IncidentEvents => event(&mut r),
        Table::Alerts => alert(&mut r, ctx),
        Table::ActionItems => action_item(&mut r),
        Table::OncallShifts => shift(&mut r, ctx),
    }
}

fn team_and_severity(r: &mut Row, ctx: &RowContext, raw_col: Option<&str>) {
    let team = ctx
        .config
        .map_team_ref(r.text_ref(TEAM), r.text_ref(SERVICE));
    // Usually the export already names the configured team: nothing to copy then.
    if r.text_ref(TEAM) != Some(team) {
        let team = team.to_string();
        r.set_str(TEAM, &team);
    }
    let given = r.text_ref(SEVERITY);
    let parsed = given.and_then(Severity::parse);
    let canonical = match (given, parsed, raw_col.and_then(|c| r.text_ref(c))) {
        (_, Some(s), _) => s,
        (Some(g), None, _) => ctx.config.map_severity(g),
        (None, _, Some(raw)) => ctx.config.map_severity(raw),
        (None, _, None) => Severity::Unknown,
    };
    // A severity outside the vocabulary is kept as the raw one when the row has none.
    if let (Some(rc), Some(g), None) = (raw_col, given, parsed)
        && r.get(rc).is_null()
    {
        let g = g.to_string();
        r.set_str(rc, &g);
    }
    r.set_str(SEVERITY, canonical.as_str());
}

fn incident(r: &mut Row, ctx: &RowContext) -> Result<(), String> {
    r.qualified_id(INCIDENT_ID);
    check_prefix(r, INCIDENT_ID)?;
    team_and_severity(r, ctx, Some(SEVERITY_RAW));
    r.vocab(
        STATUS,
        |s| IncidentStatus::parse(s).map(IncidentStatus::as_str),
        IncidentStatus::expected(),
    )?;
    if r.get(STATUS).is_null() {
        let status = if r.ts(RESOLVED_AT).is_some() {
            IncidentStatus::Resolved
        } else if r.ts(MITIGATED_AT).is_some() {
            IncidentStatus::Mitigated
        } else if r.ts(ACKNOWLEDGED_AT).is_some() {
            IncidentStatus::Acknowledged
        } else {
            IncidentStatus::Open
        };
        r.set_text(STATUS, status.as_str());
    }
    r.default_text(KIND, IncidentKind::Normal.as_str());
    r.vocab(
        KIND,
        |s| IncidentKind::parse(s).map(IncidentKind::as_str),
        IncidentKind::expected(),
    )?;
    if r.get(REOPEN_COUNT).is_null() {
        r.set(REOPEN_COUNT, Cell::UInt32(0));
    }
    r.default_version(&[
        DETECTED_AT,
        ACKNOWLEDGED_AT,
        MITIGATED_AT,
        RESOLVED_AT,
        IMPACT_STARTED_AT,
    ]);
    Ok(())
}

/// An id that carries a source prefix must agree with the `source` column.
fn check_prefix(r: &Row, id_col: &str) -> Result<(), String> {
    if let (Some(id), Some(src)) = (r.text_ref(id_col), r.text_ref(SOURCE))
        && id
            .strip_prefix(src)
            .is_none_or(|rest| !rest.starts_with(':'))
    {
        return Err(format!(
            "{id_col}: {id:?} must be \"<source>:<id>\" with source {src:?}"
        ));
    }
    Ok(())
}

fn event(r: &mut Row) -> Result<(), String> {
    r.vocab(
        KIND,
        |s| EventKind::parse(s).map(EventKind::as_str),
        EventKind::expected(),
    )?;
    r.source_from_prefix(INCIDENT_ID);
    if r.get(EVENT_ID).is_null()
        && let (Some(inc), Some(at), Some(kind)) = (r.text(INCIDENT_ID), r.ts(AT), r.text(KIND))
    {
        let actor = r.text(ACTOR).unwrap_or_default();
        let message = r.text(MESSAGE).unwrap_or_default();
        let h = stable_hash(&[&inc, &at.to_string(), &kind, &actor, &message]);
        r.set_text(EVENT_ID, format!("{inc}:ev-{h:016x}"));
    }
    Ok(())
}

fn alert(r: &mut Row, ctx: &RowContext) -> Result<(), String> {
    r.source_from_prefix(ALERT_ID);
    if r.get(TITLE).is_null()
        && let Some(rule) = r.text(RULE)
    {
        r.set_text(TITLE, rule);
    }
    team_and_severity(r, ctx, None);
    if r.get(FINGERPRINT).is_null()
        && let Some(rule) = r.text(RULE)
    {
        let labels = r.text(LABELS).unwrap_or_default();
        r.set_text(
            FINGERPRINT,
            format!("{:016x}", stable_hash(&[&rule, &labels])),
        );
    }
    if r.get(ALERT_ID).is_null()
        && let (Some(src), Some(fp), Some(at)) =
            (r.text(SOURCE), r.text(FINGERPRINT), r.ts(FIRED_AT))
    {
        r.set_text(
            ALERT_ID,
            format!("{src}:{fp}:{}", super::timestamp::format_micros(at)),
        );
    }
    check_prefix(r, ALERT_ID)?;
    if r.get(NOTIFICATIONS).is_null() {
        // An alert that paged notified at least once; one that did not page notified nobody.
        if let Cell::Bool(p) = r.get(PAGED) {
            let n = u32::from(*p);
            r.set(NOTIFICATIONS, Cell::UInt32(n));
        }
    }
    r.default_version(&[FIRED_AT, ACKNOWLEDGED_AT, RESOLVED_AT]);
    Ok(())
}

fn action_item(r: &mut Row) -> Result<(), String> {
    r.default_text(KIND, ActionKind::Other.as_str());
    r.vocab(
        KIND,
        |s| ActionKind::parse(s).map(ActionKind::as_str),
        ActionKind::expected(),
    )?;
    r.vocab(
        PRIORITY,
        |s| Priority::parse(s).map(Priority::as_str),
        Priority::expected(),
    )?;
    r.vocab(
        STATUS,
        |s| ActionStatus::parse(s).map(ActionStatus::as_str),
        ActionStatus::expected(),
    )?;
    if r.get(STATUS).is_null() {
        let s = if r.ts(COMPLETED_AT).is_some() {
            ActionStatus::Done
        } else {
            ActionStatus::Open
        };
        r.set_text(STATUS, s.as_str());
    }
    Ok(())
}

fn shift(r: &mut Row, ctx: &RowContext) -> Result<(), String> {
    let team = ctx.config.map_team(r.text(TEAM).as_deref(), None);
    r.set_text(TEAM, team);
    if let Some(z) = r.text(TIMEZONE)
        && z.parse::<chrono_tz::Tz>().is_err()
    {
        return Err(format!(
            "timezone: unknown time zone {z:?}; use an IANA name such as \"America/New_York\""
        ));
    }
    if let (Some(s), Some(e)) = (r.ts(STARTS_AT), r.ts(ENDS_AT))
        && e <= s
    {
        return Err("ends_at: the shift ends before it starts".to_string());
    }
    Ok(())
}

/// FNV-1a 64 over the parts with a separator: stable across platforms and Rust releases, unlike
/// `std`'s hasher, so derived ids never change between versions.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Columns a canonical file must have because no rule can derive them. A CSV header without one of
/// them is a whole-file error rather than a rejection of every row.
pub fn essential(table: Table) -> &'static [&'static str] {
    match table {
        Table::Incidents => &[TITLE, DETECTED_AT],
        Table::IncidentEvents => &[INCIDENT_ID, AT, KIND],
        Table::Alerts => &[RULE, FIRED_AT, PAGED],
        Table::ActionItems => &[ACTION_ITEM_ID, INCIDENT_ID, TITLE, PRIORITY, CREATED_AT],
        Table::OncallShifts => &[TEAM, PERSON, TIMEZONE, STARTS_AT, ENDS_AT],
    }
}
