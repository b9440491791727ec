//! The tables a reduce job wrote, as the finish steps' inputs: the fatigue job's as
//! `fatigue::reduce::Reduced` (the key columns `k_<dim>` interned into group ids, every page and
//! firing tied to its group) and the rules job's as `rules::reduce::Reduced` (each time-to-resolve
//! row tied to its team and rule), the counts as integers whatever width the engine wrote them in;
//! the quality job's in `read/quality.rs`, the fatigue job's shift tables in `read/shift.rs`. A table that does not fit (a missing column, a repeated group, a row of a group the groups
//! table lacks) is refused with the table's name, because it means the job was written for
//! another grouping or its output was mixed up.

use std::collections::HashMap;

use polars::prelude::*;

use super::names::{FatiguePart, RULES_GROUPS, RULES_TTR, ReadTable, fatigue_table};
use crate::error::{Error, Result};
use crate::metrics::fatigue::reduce::{Counts, FiringRow, PageRow, Reduced};
use crate::metrics::hours::Bucket;
use crate::metrics::rules::reduce::{Counts as RuleCounts, Group, Reduced as RulesReduced, TtrRow};
use crate::metrics::scope::Dim;

mod quality;
mod shift;
pub use quality::QualityFrames;
pub(super) use quality::quality_checks;
pub use shift::ShiftFrames;
pub(super) use shift::shift_pages;

/// The four tables of the fatigue job, as read from its output (`store::reduced`).
pub struct ReducedFrames {
    pub groups: DataFrame,
    pub pages: DataFrame,
    pub firings: DataFrame,
    pub totals: DataFrame,
}

impl ReducedFrames {
    /// The four tables of the grouping written under `prefix`.
    pub(super) fn read(prefix: &str, read: ReadTable<'_>) -> Result<ReducedFrames> {
        let table = |part| read(&fatigue_table(prefix, part));
        Ok(ReducedFrames {
            groups: table(FatiguePart::Groups)?,
            pages: table(FatiguePart::Pages)?,
            firings: table(FatiguePart::Firings)?,
            totals: table(FatiguePart::Totals)?,
        })
    }
}

pub(super) fn bad(table: &str, what: impl std::fmt::Display) -> Error {
    Error::Query(format!(
        "the reduced table {table} {what}; finish (`scale-out finish`) or render (`scale-out \
         report`) the output of the job as it was emitted, with that job's job.json, or run the \
         job again"
    ))
}

/// A column cast to `ty`, or an error naming the table.
fn column(df: &DataFrame, table: &str, name: &str, ty: &DataType) -> Result<Series> {
    df.column(name)
        .map_err(|_| bad(table, format_args!("has no column {name}")))?
        .as_materialized_series()
        .cast(ty)
        .map_err(|e| {
            bad(
                table,
                format_args!("has a column {name} that is not {ty} ({e})"),
            )
        })
}

pub(super) fn ints(df: &DataFrame, table: &str, name: &str) -> Result<Vec<Option<i64>>> {
    let s = column(df, table, name, &DataType::Int64)?;
    Ok(s.i64().expect("cast to Int64").iter().collect())
}

pub(super) fn texts(df: &DataFrame, table: &str, name: &str) -> Result<Vec<Option<String>>> {
    let s = column(df, table, name, &DataType::String)?;
    Ok(s.str()
        .expect("cast to String")
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// The key tuple of each row.
fn keys(df: &DataFrame, table: &str, dims: &[Dim]) -> Result<Vec<Vec<Option<String>>>> {
    let cols: Vec<Vec<Option<String>>> = dims
        .iter()
        .map(|d| texts(df, table, &format!("k_{}", d.name())))
        .collect::<Result<_>>()?;
    Ok((0..df.height())
        .map(|r| cols.iter().map(|c| c[r].clone()).collect())
        .collect())
}

/// Ids for texts, in order of first appearance (null is a text of its own).
#[derive(Default)]
struct Ids(HashMap<Option<String>, u32>);

impl Ids {
    fn get(&mut self, v: Option<String>) -> u32 {
        let n = self.0.len() as u32;
        *self.0.entry(v).or_insert(n)
    }
}

/// The reduced tables of a job over `dims`.
pub(super) fn reduced(f: &ReducedFrames, dims: &[Dim]) -> Result<Reduced> {
    let group_keys = keys(&f.groups, "fatigue_groups", dims)?;
    let mut gid: HashMap<Vec<Option<String>>, u32> = HashMap::new();
    for (g, k) in group_keys.iter().enumerate() {
        if gid.insert(k.clone(), g as u32).is_some() {
            return Err(bad(
                "fatigue_groups",
                format_args!("repeats the group {k:?}"),
            ));
        }
    }
    let labels: Vec<Vec<Option<String>>> = (0..dims.len())
        .map(|d| group_keys.iter().map(|k| k[d].clone()).collect())
        .collect();
    let count = |name: &str| -> Result<Vec<u64>> {
        Ok(ints(&f.groups, "fatigue_groups", name)?
            .into_iter()
            .map(|v| v.unwrap_or(0).max(0) as u64)
            .collect())
    };
    let (alerts, pages_n, actionable) = (count("alerts")?, count("pages")?, count("actionable")?);
    let (transient, flapping) = (count("transient")?, count("flapping")?);
    let (incident_alerts, incidents, repeats) = (
        count("incident_alerts")?,
        count("incidents")?,
        count("repeats")?,
    );
    let counts = (0..group_keys.len())
        .map(|g| Counts {
            alerts: alerts[g],
            pages: pages_n[g],
            actionable: actionable[g],
            transient: transient[g],
            flapping: flapping[g],
            incident_alerts: incident_alerts[g],
            incidents: incidents[g],
            repeats: repeats[g],
        })
        .collect();
    let group_of = |table: &str, k: &Vec<Option<String>>| {
        gid.get(k).copied().ok_or_else(|| {
            bad(
                table,
                format_args!("has a row of group {k:?}, which fatigue_groups lacks"),
            )
        })
    };

    let p = &f.pages;
    let (mut merge_ids, page_keys) = (Ids::default(), keys(p, "fatigue_pages", dims)?);
    let merge = texts(p, "fatigue_pages", "merge_key")?;
    let t = ints(p, "fatigue_pages", "t")?;
    let bucket = texts(p, "fatigue_pages", "bucket")?;
    let night = ints(p, "fatigue_pages", "night")?;
    let tta = ints(p, "fatigue_pages", "tta_us")?;
    let mut pages = Vec::with_capacity(p.height());
    for r in 0..p.height() {
        let bucket = match bucket[r].as_deref() {
            Some("business") => Bucket::Business,
            Some("off") => Bucket::Off,
            Some("sleep") => Bucket::Sleep,
            other => return Err(bad("fatigue_pages", format_args!("has a bucket {other:?}"))),
        };
        pages.push(PageRow {
            key: merge_ids.get(merge[r].clone()),
            t: t[r].ok_or_else(|| bad("fatigue_pages", "has a page without t"))?,
            group: group_of("fatigue_pages", &page_keys[r])?,
            bucket,
            night: night[r],
            tta_us: tta[r],
        });
    }

    let fr = &f.firings;
    let (mut fps, firing_keys) = (Ids::default(), keys(fr, "fatigue_firings", dims)?);
    let fp = texts(fr, "fatigue_firings", "fingerprint")?;
    let seq = ints(fr, "fatigue_firings", "seq")?;
    let ft = ints(fr, "fatigue_firings", "t")?;
    let in_period = column(fr, "fatigue_firings", "in_period", &DataType::Boolean)?;
    let in_period: Vec<bool> = in_period
        .bool()
        .expect("cast to Boolean")
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    let mut firings = Vec::with_capacity(fr.height());
    for r in 0..fr.height() {
        firings.push(FiringRow {
            fp: fps.get(fp[r].clone()),
            seq: seq[r].unwrap_or(0).max(0) as u64,
            t: ft[r].ok_or_else(|| bad("fatigue_firings", "has a firing without t"))?,
            group: if in_period[r] {
                Some(group_of("fatigue_firings", &firing_keys[r])?)
            } else {
                None
            },
        });
    }
    let negative_tta = ints(&f.totals, "fatigue_totals", "negative_tta")?
        .into_iter()
        .flatten()
        .sum::<i64>()
        .max(0) as u64;
    let no_shift_alerts = ints(&f.totals, "fatigue_totals", "no_shift_alerts")?
        .into_iter()
        .flatten()
        .sum::<i64>()
        .max(0) as u64;
    Ok(Reduced {
        labels,
        counts,
        pages,
        firings,
        negative_tta,
        no_shift_alerts,
    })
}

/// The two tables of the rules job, as read from its output (`store::reduced`).
pub struct RulesFrames {
    pub groups: DataFrame,
    pub ttr: DataFrame,
}

impl RulesFrames {
    pub fn read(read: ReadTable<'_>) -> Result<RulesFrames> {
        Ok(RulesFrames {
            groups: read(RULES_GROUPS)?,
            ttr: read(RULES_TTR)?,
        })
    }
}

type Key = (Option<String>, Option<String>);

fn rule_keys(df: &DataFrame, table: &str) -> Result<Vec<Key>> {
    let team = texts(df, table, "k_team")?;
    let rule = texts(df, table, "k_rule")?;
    Ok(team.into_iter().zip(rule).collect())
}

/// Non-negative counts of a column (null as 0).
fn counts(df: &DataFrame, table: &str, name: &str) -> Result<Vec<u64>> {
    Ok(ints(df, table, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0).max(0) as u64)
        .collect())
}

/// The reduced tables of a rules job.
pub(super) fn rules_reduced(f: &RulesFrames) -> Result<RulesReduced> {
    const GROUPS: &str = RULES_GROUPS;
    const TTR: &str = RULES_TTR;
    let g = &f.groups;
    let group_keys = rule_keys(g, GROUPS)?;
    let mut gid: HashMap<Key, u32> = HashMap::new();
    for (i, k) in group_keys.iter().enumerate() {
        if gid.insert(k.clone(), i as u32).is_some() {
            return Err(bad(GROUPS, format_args!("repeats the team and rule {k:?}")));
        }
    }
    let alerts = counts(g, GROUPS, "alerts")?;
    let pages = counts(g, GROUPS, "pages")?;
    let sleep_pages = counts(g, GROUPS, "sleep_pages")?;
    let actionable = counts(g, GROUPS, "actionable")?;
    let transient = counts(g, GROUPS, "transient")?;
    let flapping = counts(g, GROUPS, "flapping")?;
    let groups = group_keys
        .into_iter()
        .enumerate()
        .map(|(i, (team, rule))| Group {
            team,
            rule,
            counts: RuleCounts {
                alerts: alerts[i],
                pages: pages[i],
                sleep_pages: sleep_pages[i],
                actionable: actionable[i],
                transient: transient[i],
                flapping: flapping[i],
            },
        })
        .collect();

    let t = &f.ttr;
    let ttr_keys = rule_keys(t, TTR)?;
    let ttr_us = ints(t, TTR, "ttr_us")?;
    let n = counts(t, TTR, "n")?;
    let mut ttr = Vec::with_capacity(t.height());
    for (i, k) in ttr_keys.iter().enumerate() {
        let group = gid.get(k).copied().ok_or_else(|| {
            bad(
                TTR,
                format_args!("has a row of team and rule {k:?}, which {GROUPS} lacks"),
            )
        })?;
        ttr.push(TtrRow {
            group,
            ttr_us: ttr_us[i].ok_or_else(|| bad(TTR, "has a row without ttr_us"))?,
            n: n[i],
        });
    }
    Ok(RulesReduced { groups, ttr })
}
