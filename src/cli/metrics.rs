//! `aftermath metrics [FAMILY]`: the metric catalogue over the store, for a period, grouped and
//! filtered as asked, printed as tables for people or written as the tidy long table for tools.
//!
//! This file turns flags into a `metrics::Request` and a `Scope`, reads the store into
//! `metrics::Frames` (the only I/O), and writes the result. `--format table` prints every table
//! with its title and notes; csv, json, ndjson and parquet write the tidy long table (one row per
//! table, group and figure), unless `--table NAME` picks one table, which is then written wide.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::Context;
use super::args::{Compare, FamilyArg, ScopeArgs};
use super::stdout::{Stdout, out};
use crate::error::{Error, IoContext, Result};
use crate::metrics::source::{AlertSource, Local};
use crate::metrics::{self, Dim, Frames, MetricTable, PeriodBy, Request, Scope};
use crate::model::Table;
use crate::output::{Format, render_table, write_frame};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The family to compute, or all of them
    #[arg(default_value = "all")]
    pub family: FamilyArg,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Group by these dimensions, comma-separated: team, severity, service, week, month, person, rule, priority [default: per family]
    #[arg(long, value_name = "DIMS")]
    pub by: Option<String>,
    /// Compare with the baseline before the period, with verdicts: a week against the 4 weeks before it (as the weekly report), whole months against as many months before, else the same length
    #[arg(long, value_name = "WHAT")]
    pub compare: Option<Compare>,
    /// Which instant puts an incident in the period
    #[arg(long, default_value = "detected")]
    pub period_by: PeriodBy,
    /// recurrence: also list every matched pair with the key used and the score
    #[arg(long)]
    pub pairs: bool,
    /// Output format; csv, json, ndjson and parquet write the tidy long table unless --table is given
    #[arg(long, default_value = "table")]
    pub format: Format,
    /// Only this table (e.g. ttr, fatigue, rules_by_team), written wide
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Write to this file instead of standard output (required for parquet)
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the definitions in force (with this config's thresholds) and exit
    #[arg(long)]
    pub explain: bool,
}

/// The store's tables and rejected counts as they were known at `as_of`, as every family, report
/// and postmortem reads them (`Frames::known_at`).
pub fn frames(store: &Store, as_of: DateTime<Utc>) -> Result<Frames> {
    let now = Frames {
        incidents: store.scan(Table::Incidents)?,
        events: store.scan(Table::IncidentEvents)?,
        alerts: store.scan(Table::Alerts)?,
        action_items: store.scan(Table::ActionItems)?,
        oncall_shifts: store.scan(Table::OncallShifts)?,
        alert_history: store.scan(Table::Alerts)?,
        rejected: store.rejected_summary()?,
    };
    Ok(now.known_at(as_of))
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let mut scope = args.scope.scope()?;
    scope.period_by = args.period_by;
    if args.explain {
        out!("{}", metrics::explain::explain(&ctx.config, Some(&scope)));
        return Ok(());
    }
    if !ctx.store.exists() {
        return Err(Error::store(
            ctx.store.root(),
            "no store here yet; run `aftermath ingest <files>` or `aftermath run` first",
        ));
    }
    let format = args.format;
    if format == Format::Parquet && args.out.is_none() {
        return Err(Error::Query(
            "--format parquet is binary: give --out FILE".into(),
        ));
    }
    let request = Request {
        families: args.family.families(),
        by: args.by.as_deref().map(Dim::parse_list).transpose()?,
        compare: args.compare.is_some(),
        pairs: args.pairs,
    };
    let frames = frames(&ctx.store, scope.as_of)?;
    // As for reports: a period nothing can be known about yet is refused, not printed empty.
    // The data's span, read once: the refusal below and the comparisons' coverage use it.
    let alerts = Local.facts(&frames)?;
    let span = metrics::coverage::DataSpan::of(&frames, &alerts)?;
    crate::report::coverage::refuse_future(span, scope.period, scope.as_of)?;
    if !scope.filters.teams.is_empty() {
        // The same lookup as `report weekly --team`: a typo is an error naming the teams, not
        // empty tables that read as a quiet team.
        let known = metrics::frames::store_teams(&frames, &alerts)?;
        metrics::frames::check_teams(&known, &ctx.config, &scope.filters.teams)?;
    }
    if request.compare {
        // Comparisons reaching outside the data are not judged: say so where it is seen.
        scope.data = span;
        if let Some(w) = scope.not_judged_words() {
            eprintln!("warning: {w}");
        }
    }
    let tables = metrics::run(&frames, &ctx.config, &scope, &request)?;
    let tables = match &args.table {
        None => tables,
        Some(name) => {
            let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
            let id = metrics::TableId::parse(name);
            let picked: Vec<MetricTable> = tables
                .iter()
                .filter(|t| Some(t.id) == id)
                .cloned()
                .collect();
            if picked.is_empty() {
                return Err(Error::Query(format!(
                    "--table {name}: no such table here; these were computed: {}",
                    names.join(", ")
                )));
            }
            picked
        }
    };
    let mut sink: Box<dyn Write + Send> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).at(p)?)),
        None => Box::new(std::io::BufWriter::new(Stdout)),
    };
    let target = args.out.clone().unwrap_or_else(|| "<stdout>".into());
    if format == Format::Table {
        let text = render_tables(&tables, &scope)?;
        sink.write_all(text.as_bytes()).at(&target)?;
    } else {
        let mut df = match (&args.table, tables.as_slice()) {
            (Some(_), [one]) => one.frame.clone(),
            _ => metrics::tidy(&tables, &scope)?,
        };
        write_frame(&mut df, format, &mut sink)?;
        if let Some(p) = &args.out {
            eprintln!("wrote {} row(s) to {}", df.height(), p.display());
        }
    }
    sink.flush().at(&target)
}

/// Every table with its heading, period and notes, for a terminal or a text file.
pub fn render_tables(tables: &[MetricTable], scope: &Scope) -> Result<String> {
    let mut s = format!(
        "Period {} (by {}), as of {}\n",
        scope.period.label(),
        scope.period_by.column(),
        scope.as_of.format("%Y-%m-%dT%H:%M:%SZ")
    );
    for t in tables {
        s.push_str(&format!("\n== {} [{}]\n", t.title, t.name()));
        if t.frame.height() == 0 {
            s.push_str("(no rows)\n");
        } else {
            s.push_str(&render_table(&round_for_people(&t.frame))?);
        }
        for n in &t.notes {
            s.push_str(&format!("  note: {n}\n"));
        }
    }
    Ok(s)
}

/// The table as a person reads it: durations (`*_min` columns) as `45 min`, `2.5 h`, `3.1 d`;
/// percentages to one decimal; other floats to two. The machine formats keep full precision.
fn round_for_people(df: &polars::prelude::DataFrame) -> polars::prelude::DataFrame {
    use crate::report::charts::duration_label;
    use polars::prelude::*;
    let cols: Vec<Column> = df
        .columns()
        .iter()
        .map(|c| {
            let name = c.name().as_str();
            let Ok(f) = c.f64() else {
                return c.clone();
            };
            if name.ends_with("_min") {
                let v: Vec<Option<String>> = f.iter().map(|x| x.map(duration_label)).collect();
                Column::new(c.name().clone(), v)
            } else {
                let digits = if name.ends_with("_pct") { 10.0 } else { 100.0 };
                let v: Vec<Option<f64>> = f
                    .iter()
                    .map(|x| x.map(|x| (x * digits).round() / digits))
                    .collect();
                Column::new(c.name().clone(), v)
            }
        })
        .collect();
    DataFrame::new_infer_height(cols).unwrap_or_else(|_| df.clone())
}
