//! The five canonical tables: their columns, types, nullability, primary keys and main instants,
//! exactly as `data-model.md` specifies them.
//!
//! This file is the one description of the tables; the store derives its Arrow schema from it, the
//! ingester its parsing, and the docs their schema tables. It says nothing about how a value is
//! parsed or stored.

use super::columns::*;

/// The logical type of a column. Every instant is a UTC microsecond timestamp; `Json` is text that
/// holds a JSON object of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Timestamp,
    UInt32,
    Bool,
    Json,
}

impl ColumnType {
    /// The type name as the docs and error messages spell it.
    pub fn describe(self) -> &'static str {
        match self {
            ColumnType::Text => "Utf8",
            ColumnType::Timestamp => "Timestamp(us, UTC)",
            ColumnType::UInt32 => "UInt32",
            ColumnType::Bool => "Boolean",
            ColumnType::Json => "Utf8 (JSON object)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
}

const fn req(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        nullable: false,
    }
}
const fn opt(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        nullable: true,
    }
}

use ColumnType::{Bool, Json, Text, Timestamp as Ts, UInt32};

/// One canonical table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Incidents,
    IncidentEvents,
    Alerts,
    ActionItems,
    OncallShifts,
}

/// The static description of a table.
#[derive(Debug)]
pub struct TableSpec {
    pub table: Table,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    /// The instant that picks the month partition and orders rows inside a file.
    pub main_instant: &'static str,
    /// The row version: on upsert the newest wins. `None` means the incoming row always wins.
    pub version: Option<&'static str>,
}

static INCIDENTS: TableSpec = TableSpec {
    table: Table::Incidents,
    columns: &[
        req(INCIDENT_ID, Text),
        req(SOURCE, Text),
        req(SOURCE_ID, Text),
        opt(NUMBER, Text),
        req(TITLE, Text),
        req(TEAM, Text),
        opt(SERVICE, Text),
        req(SEVERITY, Text),
        opt(SEVERITY_RAW, Text),
        req(STATUS, Text),
        req(KIND, Text),
        opt(IMPACT_STARTED_AT, Ts),
        req(DETECTED_AT, Ts),
        opt(ACKNOWLEDGED_AT, Ts),
        opt(MITIGATED_AT, Ts),
        opt(RESOLVED_AT, Ts),
        req(REOPEN_COUNT, UInt32),
        opt(MERGED_INTO, Text),
        opt(FINGERPRINT, Text),
        opt(ROOT_CAUSE, Text),
        opt(POSTMORTEM_URL, Text),
        opt(URL, Text),
        opt(LABELS, Json),
        req(UPDATED_AT, Ts),
    ],
    primary_key: &[INCIDENT_ID],
    main_instant: DETECTED_AT,
    version: Some(UPDATED_AT),
};

static INCIDENT_EVENTS: TableSpec = TableSpec {
    table: Table::IncidentEvents,
    columns: &[
        req(EVENT_ID, Text),
        req(INCIDENT_ID, Text),
        req(AT, Ts),
        req(KIND, Text),
        opt(ACTOR, Text),
        opt(CHANNEL, Text),
        opt(MESSAGE, Text),
        req(SOURCE, Text),
    ],
    primary_key: &[EVENT_ID],
    main_instant: AT,
    version: None,
};

static ALERTS: TableSpec = TableSpec {
    table: Table::Alerts,
    columns: &[
        req(ALERT_ID, Text),
        req(SOURCE, Text),
        req(RULE, Text),
        req(TITLE, Text),
        req(TEAM, Text),
        opt(SERVICE, Text),
        req(SEVERITY, Text),
        req(FINGERPRINT, Text),
        req(FIRED_AT, Ts),
        opt(ACKNOWLEDGED_AT, Ts),
        opt(ACKNOWLEDGED_BY, Text),
        opt(RESOLVED_AT, Ts),
        opt(RESOLVED_BY, Text),
        req(PAGED, Bool),
        req(NOTIFICATIONS, UInt32),
        opt(INCIDENT_ID, Text),
        opt(LABELS, Json),
        req(UPDATED_AT, Ts),
    ],
    primary_key: &[ALERT_ID],
    main_instant: FIRED_AT,
    version: Some(UPDATED_AT),
};

static ACTION_ITEMS: TableSpec = TableSpec {
    table: Table::ActionItems,
    columns: &[
        req(ACTION_ITEM_ID, Text),
        req(INCIDENT_ID, Text),
        req(TITLE, Text),
        req(KIND, Text),
        req(PRIORITY, Text),
        opt(OWNER, Text),
        req(CREATED_AT, Ts),
        opt(DUE_AT, Ts),
        opt(COMPLETED_AT, Ts),
        req(STATUS, Text),
        opt(URL, Text),
    ],
    primary_key: &[ACTION_ITEM_ID],
    main_instant: CREATED_AT,
    version: None,
};

static ONCALL_SHIFTS: TableSpec = TableSpec {
    table: Table::OncallShifts,
    columns: &[
        req(TEAM, Text),
        req(PERSON, Text),
        req(TIMEZONE, Text),
        req(STARTS_AT, Ts),
        req(ENDS_AT, Ts),
    ],
    primary_key: &[TEAM, PERSON, STARTS_AT],
    main_instant: STARTS_AT,
    version: None,
};

impl Table {
    /// In the order a commit must process them: events before incidents, because the incident
    /// summary is derived from the events.
    pub const ALL: [Table; 5] = [
        Table::IncidentEvents,
        Table::Incidents,
        Table::Alerts,
        Table::ActionItems,
        Table::OncallShifts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Incidents => "incidents",
            Table::IncidentEvents => "incident_events",
            Table::Alerts => "alerts",
            Table::ActionItems => "action_items",
            Table::OncallShifts => "oncall_shifts",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The names, comma-separated, for "expected one of ..." messages.
    pub fn names() -> String {
        Table::ALL.map(Table::name).join(", ")
    }

    pub fn spec(self) -> &'static TableSpec {
        match self {
            Table::Incidents => &INCIDENTS,
            Table::IncidentEvents => &INCIDENT_EVENTS,
            Table::Alerts => &ALERTS,
            Table::ActionItems => &ACTION_ITEMS,
            Table::OncallShifts => &ONCALL_SHIFTS,
        }
    }

    /// Whether the table's columns changed after schema `version`: its files in a store of that
    /// version lack a column (read as nulls) and are rewritten, not carried over, by the next
    /// commit, so no reader ever sees files of two layouts in one table.
    pub fn changed_since(self, version: u32) -> bool {
        // Version 2 added `incidents.url`.
        self == Table::Incidents && version < 2
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl TableSpec {
    /// Position of a column; panics only on a name that is not in the table, which is a bug in a
    /// constant, caught by the tests below.
    pub fn index(&self, name: &str) -> usize {
        self.position(name)
            .unwrap_or_else(|| panic!("column {name} is not in table {}", self.table))
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn primary_key_indices(&self) -> Vec<usize> {
        self.primary_key.iter().map(|c| self.index(c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_instants_and_versions_name_real_columns() {
        for t in Table::ALL {
            let s = t.spec();
            assert_eq!(s.table, t);
            for k in s.primary_key {
                assert!(!s.columns[s.index(k)].nullable, "{t}.{k} is a key");
            }
            assert_eq!(s.columns[s.index(s.main_instant)].ty, ColumnType::Timestamp);
            if let Some(v) = s.version {
                assert_eq!(s.columns[s.index(v)].ty, ColumnType::Timestamp);
            }
            assert_eq!(Table::from_name(t.name()), Some(t));
        }
    }

    #[test]
    fn column_counts_match_the_data_model() {
        assert_eq!(Table::Incidents.spec().columns.len(), 24);
        assert_eq!(Table::IncidentEvents.spec().columns.len(), 8);
        assert_eq!(Table::Alerts.spec().columns.len(), 18);
        assert_eq!(Table::ActionItems.spec().columns.len(), 11);
        assert_eq!(Table::OncallShifts.spec().columns.len(), 5);
    }
}
