//! The output columns of the on-call tables, named once: the family builds its frames with these
//! and the reports read them with these. The strings are the tidy table's `metric` values and
//! docs/metrics.md's names, stable across releases. Each table's list (`LOAD_TABLE`, ...) is its
//! figures in frame order after its dimensions; the catalogue's schema test holds the frames to
//! them.

// `oncall`, `oncall_week` (each person's load).
/// Hours on call in the period (hours).
pub const ONCALL_HOURS: &str = "oncall_hours";
/// Of them, hours in the person's business hours (hours).
pub const BUSINESS_HOURS: &str = "business_hours";
/// Of them, hours outside business hours and sleep hours (hours).
pub const OFF_HOURS: &str = "off_hours";
/// Of them, hours in the person's sleep hours (hours).
pub const SLEEP_HOURS: &str = "sleep_hours";
/// `off_hours` + `sleep_hours`: on call outside business hours (hours).
pub const OUTSIDE_BUSINESS_HOURS: &str = "outside_business_hours";
/// Hours on call on weekend days (hours).
pub const WEEKEND_HOURS: &str = "weekend_hours";
/// Hours on call on the team's holidays (hours).
pub const HOLIDAY_HOURS: &str = "holiday_hours";
/// Nights on call: sleep windows the shifts cover (count).
pub const ONCALL_NIGHTS: &str = "oncall_nights";
/// Pages the person received (count).
pub const PAGES: &str = "pages";
/// Pages merged into interruptions (count).
pub const INTERRUPTIONS: &str = "interruptions";
/// Interruptions in business hours (count).
pub const BUSINESS_INTERRUPTIONS: &str = "business_interruptions";
/// Interruptions outside business and sleep hours (count).
pub const OFF_INTERRUPTIONS: &str = "off_interruptions";
/// Interruptions in sleep hours (count).
pub const SLEEP_INTERRUPTIONS: &str = "sleep_interruptions";
/// Nights with at least one sleep interruption (count).
pub const NIGHTS_INTERRUPTED: &str = "nights_interrupted";
/// `pages` / `oncall_hours` (rate per hour).
pub const PAGES_PER_ONCALL_HOUR: &str = "pages_per_oncall_hour";
/// `interruptions` / `oncall_hours` (rate per hour).
pub const INTERRUPTIONS_PER_ONCALL_HOUR: &str = "interruptions_per_oncall_hour";
/// `sleep_interruptions` / `oncall_nights` (rate per night).
pub const SLEEP_INTERRUPTIONS_PER_NIGHT: &str = "sleep_interruptions_per_night";
/// Incidents the person worked on while on call (count).
pub const INCIDENTS_WORKED: &str = "incidents_worked";
/// Minutes of those incidents the person was on call for (minutes).
pub const INCIDENT_MIN: &str = "incident_min";

// `oncall_fairness` (each person's share of the team's load; also `ONCALL_HOURS`,
// `OUTSIDE_BUSINESS_HOURS`, `SLEEP_INTERRUPTIONS`).
/// The person's share of the team's on-call hours (percent).
pub const ONCALL_HOURS_SHARE_PCT: &str = "oncall_hours_share_pct";
/// The person's share of the team's hours outside business hours (percent).
pub const OUTSIDE_BUSINESS_HOURS_SHARE_PCT: &str = "outside_business_hours_share_pct";
/// The person's share of the team's sleep interruptions (percent).
pub const SLEEP_INTERRUPTIONS_SHARE_PCT: &str = "sleep_interruptions_share_pct";
/// The person's hours outside business hours over the team's median person's (ratio).
pub const LOAD_VS_MEDIAN: &str = "load_vs_median";

// `oncall_spread` (the busiest person against the team's median, by team).
/// People of the team on call in the period (count).
pub const PEOPLE: &str = "people";
/// The team's median person's hours outside business hours (hours).
pub const MEDIAN_OUTSIDE_BUSINESS_HOURS: &str = "median_outside_business_hours";
/// The most hours outside business hours any person carried (hours).
pub const MAX_OUTSIDE_BUSINESS_HOURS: &str = "max_outside_business_hours";
/// The person who carried them (name).
pub const BUSIEST: &str = "busiest";
/// `max_outside_business_hours` / `median_outside_business_hours` (ratio).
pub const SPREAD_RATIO: &str = "spread_ratio";
/// The team's `oncall_spread_limit` (ratio).
pub const SPREAD_LIMIT: &str = "spread_limit";
/// Whether `spread_ratio` is above `spread_limit` (bool).
pub const OVER_LIMIT: &str = "over_limit";

// `oncall_payroll` (by team, person and UTC month; the hours and nights of `oncall`).
/// Whether the period and as-of cover the whole month (bool).
pub const MONTH_COMPLETE: &str = "month_complete";

/// `oncall`, `oncall_week`: figures after the dimensions.
pub const LOAD_TABLE: &[&str] = &[
    ONCALL_HOURS,
    BUSINESS_HOURS,
    OFF_HOURS,
    SLEEP_HOURS,
    OUTSIDE_BUSINESS_HOURS,
    WEEKEND_HOURS,
    HOLIDAY_HOURS,
    ONCALL_NIGHTS,
    PAGES,
    INTERRUPTIONS,
    BUSINESS_INTERRUPTIONS,
    OFF_INTERRUPTIONS,
    SLEEP_INTERRUPTIONS,
    NIGHTS_INTERRUPTED,
    PAGES_PER_ONCALL_HOUR,
    INTERRUPTIONS_PER_ONCALL_HOUR,
    SLEEP_INTERRUPTIONS_PER_NIGHT,
    INCIDENTS_WORKED,
    INCIDENT_MIN,
];
/// `oncall_fairness`: figures after `team, person`.
pub const FAIRNESS_TABLE: &[&str] = &[
    ONCALL_HOURS,
    OUTSIDE_BUSINESS_HOURS,
    SLEEP_INTERRUPTIONS,
    ONCALL_HOURS_SHARE_PCT,
    OUTSIDE_BUSINESS_HOURS_SHARE_PCT,
    SLEEP_INTERRUPTIONS_SHARE_PCT,
    LOAD_VS_MEDIAN,
];
/// `oncall_spread`: figures after `team`.
pub const SPREAD_TABLE: &[&str] = &[
    PEOPLE,
    MEDIAN_OUTSIDE_BUSINESS_HOURS,
    MAX_OUTSIDE_BUSINESS_HOURS,
    BUSIEST,
    SPREAD_RATIO,
    SPREAD_LIMIT,
    OVER_LIMIT,
];
/// `oncall_payroll`: figures after `team, person, month`.
pub const PAYROLL_TABLE: &[&str] = &[
    ONCALL_HOURS,
    OUTSIDE_BUSINESS_HOURS,
    WEEKEND_HOURS,
    HOLIDAY_HOURS,
    ONCALL_NIGHTS,
    NIGHTS_INTERRUPTED,
    MONTH_COMPLETE,
];
