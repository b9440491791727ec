//! `aftermath generate`: a deterministic synthetic organisation's incident history, written as
//! canonical input files (CSV, NDJSON and JSON, so every reader is exercised).
//!
//! The same options give byte-identical files. Output streams team-week by team-week, so ten
//! million alerts take seconds per million and a few megabytes of memory. What the data contains,
//! and why, is in `world.rs`, `incidents.rs` (with `actions.rs`) and `alerts.rs`; `dirty.rs` writes
//! the bad rows. `IncidentVolume` scales incidents and their timelines apart from alerts, for
//! benchmark stores (200,000 incidents beside 10 million alerts).

mod actions;
mod alerts;
mod dirty;
mod incidents;
#[cfg(test)]
mod tests;
mod world;

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::error::{Error, IoContext, Result};

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub out: PathBuf,
    pub seed: u64,
    pub teams: usize,
    pub weeks: u32,
    /// The first day; moved back to its Monday.
    pub start: NaiveDate,
    /// Alert volume multiplier: 1.0 is about 80 ordinary alerts per team-week.
    pub scale: f64,
    /// Also write `dirty/` with deliberately bad rows.
    pub dirty: bool,
}

/// How many incidents there are and how long their timelines are, apart from the alert volume.
/// The default is the sample's volume: about 2.6 incidents per team-week with about 5.6 events
/// each; it draws exactly what a generator without these knobs drew, so files stay identical.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentVolume {
    /// Multiplies the incident rate of every severity (and so the incidents' own alerts and
    /// action items).
    pub scale: f64,
    /// Mean number of extra timeline events per incident (Poisson): re-sent notifications before
    /// the acknowledgement, status updates after it.
    pub extra_events: f64,
}

impl Default for IncidentVolume {
    fn default() -> IncidentVolume {
        IncidentVolume {
            scale: 1.0,
            extra_events: 0.0,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub incidents: u64,
    pub events: u64,
    pub alerts: u64,
    pub action_items: u64,
    pub shifts: u64,
}

type CsvOut = csv::Writer<BufWriter<File>>;

pub struct Writers {
    incidents: CsvOut,
    events: BufWriter<File>,
    actions: BufWriter<File>,
    alerts: CsvOut,
    shifts: CsvOut,
    incident_seq: u64,
    /// Every incident id written, so a random id is never used twice.
    incident_ids: HashSet<String>,
    pub counts: Counts,
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        Error::Internal(format!("writing generated CSV: {e}"))
    }
}

fn csv_out(dir: &Path, name: &str, header: &[&str]) -> Result<CsvOut> {
    let path = dir.join(name);
    let f = File::create(&path).at(&path)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::with_capacity(1 << 20, f));
    w.write_record(header)?;
    Ok(w)
}

fn columns(t: crate::model::Table) -> Vec<&'static str> {
    t.spec().columns.iter().map(|c| c.name).collect()
}

impl Writers {
    fn event(&mut self, v: &serde_json::Value) -> Result<()> {
        self.counts.events += 1;
        writeln!(self.events, "{v}").at("incident_events.ndjson")
    }

    fn action_item(&mut self, v: &serde_json::Value) -> Result<()> {
        let sep = if self.counts.action_items == 0 {
            "\n  "
        } else {
            ",\n  "
        };
        self.counts.action_items += 1;
        write!(self.actions, "{sep}{v}").at("action_items.json")
    }
}

/// RFC 3339 in UTC, to the second, as most exports write it.
pub fn ts(us: i64) -> String {
    DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Generate at the sample's incident volume.
pub fn generate(opts: &GenerateOptions) -> Result<Counts> {
    generate_with(opts, IncidentVolume::default())
}

/// Generate with incidents and their timelines scaled by `volume`.
pub fn generate_with(opts: &GenerateOptions, volume: IncidentVolume) -> Result<Counts> {
    use crate::model::Table;
    if opts.teams == 0 || opts.weeks == 0 {
        return Err(Error::input(
            &opts.out,
            None,
            "--teams and --weeks must be at least 1",
        ));
    }
    let finite = |x: f64| x.is_finite() && x >= 0.0;
    if !finite(opts.scale) || !finite(volume.scale) || !finite(volume.extra_events) {
        return Err(Error::input(
            &opts.out,
            None,
            "--scale, --incidents-scale and --extra-events must be finite and not negative",
        ));
    }
    std::fs::create_dir_all(&opts.out).at(&opts.out)?;
    let out = &opts.out;
    let events = File::create(out.join("incident_events.ndjson")).at(out)?;
    let mut actions = BufWriter::new(File::create(out.join("action_items.json")).at(out)?);
    write!(actions, "[").at(out)?;
    let mut w = Writers {
        incidents: csv_out(out, "incidents.csv", &columns(Table::Incidents))?,
        events: BufWriter::with_capacity(1 << 20, events),
        actions,
        alerts: csv_out(out, "alerts.csv", &columns(Table::Alerts))?,
        shifts: csv_out(out, "oncall_shifts.csv", &columns(Table::OncallShifts))?,
        incident_seq: 1000,
        incident_ids: HashSet::new(),
        counts: Counts::default(),
    };

    let monday = opts.start - Duration::days(i64::from(opts.start.weekday_from_monday()));
    let start = Utc
        .from_utc_datetime(&monday.and_hms_opt(0, 0, 0).expect("midnight"))
        .timestamp_micros();
    let week_us = 7 * 24 * 3600 * 1_000_000i64;
    let end = start + i64::from(opts.weeks) * week_us;
    let mut dice = world::Dice::new(opts.seed);
    for t in 0..opts.teams {
        let team = world::team(t, &mut dice);
        let mut previous = vec![];
        for wk in 0..opts.weeks {
            let oncall = &team.people[(wk as usize + t) % team.people.len()];
            shift(
                &mut w,
                &team,
                oncall,
                monday + Duration::weeks(i64::from(wk)),
            )?;
            let c = incidents::WeekCtx {
                team: &team,
                week_start: start + i64::from(wk) * week_us,
                end,
                oncall: &oncall.0,
                volume,
            };
            let linked = incidents::week(&c, &mut dice, &mut w, &mut previous)?;
            alerts::week(&c, &mut dice, &mut w, opts.scale, &linked)?;
        }
    }
    write!(w.actions, "\n]\n").at(out)?;
    for f in [&mut w.incidents, &mut w.alerts, &mut w.shifts] {
        f.flush().at(out)?;
    }
    w.events.flush().at(out)?;
    w.actions.flush().at(out)?;
    if opts.dirty {
        dirty::write(&out.join("dirty"))?;
    }
    Ok(w.counts)
}

trait Weekday0 {
    fn weekday_from_monday(&self) -> u32;
}
impl Weekday0 for NaiveDate {
    fn weekday_from_monday(&self) -> u32 {
        chrono::Datelike::weekday(self).num_days_from_monday()
    }
}

/// A week-long shift handed over on Monday at 09:00 in the person's zone, written with the local
/// offset (as scheduling tools export it).
fn shift(
    w: &mut Writers,
    team: &world::TeamDef,
    person: &(String, chrono_tz::Tz),
    monday: NaiveDate,
) -> Result<()> {
    let at9 = |d: NaiveDate| {
        person
            .1
            .from_local_datetime(&d.and_hms_opt(9, 0, 0).expect("09:00"))
            .earliest()
    };
    let (Some(s), Some(e)) = (at9(monday), at9(monday + Duration::weeks(1))) else {
        return Ok(());
    };
    let fmt = |d: DateTime<chrono_tz::Tz>| d.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
    w.shifts.write_record([
        team.name.as_str(),
        &person.0,
        person.1.name(),
        &fmt(s),
        &fmt(e),
    ])?;
    w.counts.shifts += 1;
    Ok(())
}
