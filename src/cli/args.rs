//! The flags several commands share, typed where clap parses them: the period and filters of a
//! metrics scope (`ScopeArgs`, flattened into `metrics` and `scale-out emit`), the instant of
//! `--as-of`, and the choices (`--format`, `--period-by`, the metric family, the engine) as
//! `clap::ValueEnum`s over the lower layers' own enums, so a value is checked once, when the
//! command line is read, and no later code parses its text again.
//!
//! The `ValueEnum` implementations live here, not beside the enums, because clap belongs to the
//! CLI alone; each lists the variants its enum already names.

use chrono::{DateTime, NaiveDate, Utc};
use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::error::Result;
use crate::metrics::scaleout::Engine;
use crate::metrics::{self, Family, Filters, PeriodBy, Scope};
use crate::output::Format;
use crate::report::OutputFormat;

/// `--as-of` and `--from`-style instants: RFC 3339, or a date meaning its UTC midnight.
pub fn instant(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| "not an instant; write 2026-11-17T00:00:00Z or 2026-11-17".to_string())
}

/// The period and filters of a metrics scope.
#[derive(Debug, Clone, clap::Args)]
pub struct ScopeArgs {
    /// First day of the period (YYYY-MM-DD, UTC midnight)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Day after the period (YYYY-MM-DD, exclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// One ISO week, e.g. 2026-W46
    #[arg(long, value_name = "WEEK")]
    pub week: Option<String>,
    /// The last complete weeks or days before --as-of, e.g. 12w or 30d [default: 12w]
    #[arg(long, value_name = "SPAN")]
    pub last: Option<String>,
    /// Judge the data as of this instant (RFC 3339 or YYYY-MM-DD); open incidents are censored here [default: now]
    #[arg(long, value_name = "INSTANT", value_parser = instant)]
    pub as_of: Option<DateTime<Utc>>,
    /// Only these teams (comma-separated or repeated)
    #[arg(long, value_delimiter = ',')]
    pub team: Vec<String>,
    /// Only these services (comma-separated or repeated)
    #[arg(long, value_delimiter = ',')]
    pub service: Vec<String>,
    /// Only these severities, e.g. SEV1,SEV2
    #[arg(long, value_delimiter = ',')]
    pub severity: Vec<String>,
}

impl ScopeArgs {
    /// The scope these flags describe, judged now when no `--as-of` is given.
    pub fn scope(&self) -> Result<Scope> {
        let as_of = self.as_of.unwrap_or_else(Utc::now);
        let period = metrics::scope::resolve_period(
            self.from.as_deref(),
            self.to.as_deref(),
            self.week.as_deref(),
            self.last.as_deref(),
            as_of,
        )?;
        let mut scope = Scope::new(period, as_of);
        scope.filters = Filters {
            teams: self.team.clone(),
            services: self.service.clone(),
            severities: self.severity.iter().map(|s| s.to_uppercase()).collect(),
        };
        Ok(scope)
    }
}

/// The positional family of `metrics`: one family, or `all` (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyArg(pub Option<Family>);

impl FamilyArg {
    const VARIANTS: [FamilyArg; 9] = [
        FamilyArg(Some(Family::Durations)),
        FamilyArg(Some(Family::Fatigue)),
        FamilyArg(Some(Family::Rules)),
        FamilyArg(Some(Family::Recurrence)),
        FamilyArg(Some(Family::Actions)),
        FamilyArg(Some(Family::Impact)),
        FamilyArg(Some(Family::Quality)),
        FamilyArg(Some(Family::Oncall)),
        FamilyArg(None),
    ];

    /// The families asked for.
    pub fn families(self) -> Vec<Family> {
        match self.0 {
            Some(f) => vec![f],
            None => Family::ALL.to_vec(),
        }
    }
}

impl ValueEnum for FamilyArg {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::VARIANTS
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.map_or("all", Family::name)))
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Table,
            Format::Csv,
            Format::Json,
            Format::Ndjson,
            Format::Parquet,
        ]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for PeriodBy {
    fn value_variants<'a>() -> &'a [Self] {
        &[PeriodBy::Detected, PeriodBy::Resolved]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            PeriodBy::Detected => PossibleValue::new("detected").alias("detected_at"),
            PeriodBy::Resolved => PossibleValue::new("resolved").alias("resolved_at"),
        })
    }
}

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OutputFormat::ALL
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            OutputFormat::Html => PossibleValue::new("html"),
            OutputFormat::Markdown => PossibleValue::new("md").alias("markdown"),
        })
    }
}

impl ValueEnum for Engine {
    fn value_variants<'a>() -> &'a [Self] {
        &[Engine::Spark, Engine::DuckDb]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// What `metrics --compare` compares with; one baseline today, named so the flag reads as it
/// will when there are more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Compare {
    /// The baseline before the period (a week against the 4 weeks before it, as the weekly report)
    Previous,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_is_rfc3339_or_a_date_at_utc_midnight() {
        assert_eq!(
            instant("2026-11-17").unwrap().to_rfc3339(),
            "2026-11-17T00:00:00+00:00"
        );
        assert_eq!(
            instant("2026-11-17T01:30:00+01:00").unwrap().to_rfc3339(),
            "2026-11-17T00:30:00+00:00"
        );
        assert!(instant("last tuesday").is_err());
    }

    #[test]
    fn every_choice_parses_its_own_name_and_its_aliases() {
        for f in Family::ALL {
            assert_eq!(
                FamilyArg::from_str(f.name(), false).unwrap(),
                FamilyArg(Some(f))
            );
        }
        assert_eq!(FamilyArg::from_str("all", false).unwrap(), FamilyArg(None));
        assert_eq!(
            PeriodBy::from_str("resolved_at", false).unwrap(),
            PeriodBy::Resolved
        );
        assert_eq!(
            OutputFormat::from_str("markdown", false).unwrap(),
            OutputFormat::Markdown
        );
        for f in Format::value_variants() {
            let name = f.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(Format::from_str(&name, false).unwrap(), *f);
        }
        assert!(Engine::from_str("spark", false).is_ok());
        assert!(Format::from_str("xlsx", false).is_err());
    }
}
