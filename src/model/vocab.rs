//! The closed vocabularies of the model: severities, incident status and kind, event kinds,
//! action-item kind, priority and status.
//!
//! Each is an enum with the exact spelling the store uses, so ingest validates against one list
//! and error messages can print it. Mapping a source's own words onto these (a vendor's `P1`, a
//! ServiceNow `1 - High`) is the config's job, not this file's.

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Exact, case-insensitive match on the canonical spelling.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(t))
            }

            /// "a, b, c": for "expected one of" messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// Canonical severity: SEV1 is the worst. `Unknown` when the source's value has no mapping.
    Severity { Sev1 = "SEV1", Sev2 = "SEV2", Sev3 = "SEV3", Sev4 = "SEV4", Sev5 = "SEV5", Unknown = "UNKNOWN" }
);

vocabulary!(
    IncidentStatus { Open = "open", Acknowledged = "acknowledged", Mitigated = "mitigated", Resolved = "resolved" }
);

vocabulary!(
    /// Metrics count only `normal` incidents by default and say how many of the others they left out.
    IncidentKind { Normal = "normal", Maintenance = "maintenance", Gameday = "gameday", Test = "test", Duplicate = "duplicate" }
);

vocabulary!(
    EventKind {
        ImpactStarted = "impact_started",
        Triggered = "triggered",
        Detected = "detected",
        Acknowledged = "acknowledged",
        Unacknowledged = "unacknowledged",
        Escalated = "escalated",
        Assigned = "assigned",
        Notified = "notified",
        StatusUpdate = "status_update",
        Mitigated = "mitigated",
        Resolved = "resolved",
        Reopened = "reopened",
        Merged = "merged",
        SeverityChanged = "severity_changed",
        Note = "note",
    }
);

vocabulary!(
    ActionKind { Detect = "detect", Mitigate = "mitigate", Prevent = "prevent", Process = "process", Repair = "repair", Other = "other" }
);

vocabulary!(Priority { P0 = "P0", P1 = "P1", P2 = "P2", P3 = "P3" });

vocabulary!(ActionStatus { Open = "open", Done = "done", WontDo = "wont_do" });

/// The team of a row whose source and config name none.
pub const UNASSIGNED_TEAM: &str = "unassigned";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive_and_exact() {
        assert_eq!(Severity::parse("sev2"), Some(Severity::Sev2));
        assert_eq!(Severity::parse("P1"), None);
        assert_eq!(ActionStatus::parse("WONT_DO"), Some(ActionStatus::WontDo));
        assert_eq!(EventKind::parse(" resolved "), Some(EventKind::Resolved));
        assert_eq!(
            IncidentKind::expected(),
            "normal, maintenance, gameday, test, duplicate"
        );
    }
}
