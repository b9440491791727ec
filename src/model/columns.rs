//! Column names of the canonical tables, typed once.
//!
//! Every module that touches a column by name uses these constants, so a rename is one edit and
//! a typo is a compile error. The table layouts themselves live in `tables.rs`.

pub const INCIDENT_ID: &str = "incident_id";
pub const SOURCE: &str = "source";
pub const SOURCE_ID: &str = "source_id";
pub const NUMBER: &str = "number";
pub const TITLE: &str = "title";
pub const TEAM: &str = "team";
pub const SERVICE: &str = "service";
pub const SEVERITY: &str = "severity";
pub const SEVERITY_RAW: &str = "severity_raw";
pub const STATUS: &str = "status";
pub const KIND: &str = "kind";
pub const IMPACT_STARTED_AT: &str = "impact_started_at";
pub const DETECTED_AT: &str = "detected_at";
pub const ACKNOWLEDGED_AT: &str = "acknowledged_at";
pub const MITIGATED_AT: &str = "mitigated_at";
pub const RESOLVED_AT: &str = "resolved_at";
pub const REOPEN_COUNT: &str = "reopen_count";
pub const MERGED_INTO: &str = "merged_into";
pub const FINGERPRINT: &str = "fingerprint";
pub const ROOT_CAUSE: &str = "root_cause";
pub const POSTMORTEM_URL: &str = "postmortem_url";
pub const LABELS: &str = "labels";
pub const UPDATED_AT: &str = "updated_at";

pub const EVENT_ID: &str = "event_id";
pub const AT: &str = "at";
pub const ACTOR: &str = "actor";
pub const CHANNEL: &str = "channel";
pub const MESSAGE: &str = "message";

pub const ALERT_ID: &str = "alert_id";
pub const RULE: &str = "rule";
pub const FIRED_AT: &str = "fired_at";
pub const ACKNOWLEDGED_BY: &str = "acknowledged_by";
pub const RESOLVED_BY: &str = "resolved_by";
pub const PAGED: &str = "paged";
pub const NOTIFICATIONS: &str = "notifications";

pub const ACTION_ITEM_ID: &str = "action_item_id";
pub const PRIORITY: &str = "priority";
pub const OWNER: &str = "owner";
pub const CREATED_AT: &str = "created_at";
pub const DUE_AT: &str = "due_at";
pub const COMPLETED_AT: &str = "completed_at";
pub const URL: &str = "url";

pub const PERSON: &str = "person";
pub const TIMEZONE: &str = "timezone";
pub const STARTS_AT: &str = "starts_at";
pub const ENDS_AT: &str = "ends_at";

/// The hive partition column every table gains when read back from the store.
pub const MONTH: &str = "month";
