//! The built-in severity map: the raw values most tools use, so a config lists only its own
//! oddities. The config's `[severity]` table overrides any of these.

use crate::model::vocab::Severity;

/// Raw values every shop uses, so a config only lists its own oddities.
pub const BUILTIN_SEVERITY: &[(&str, Severity)] = &[
    ("p1", Severity::Sev1),
    ("p2", Severity::Sev2),
    ("p3", Severity::Sev3),
    ("p4", Severity::Sev4),
    ("p5", Severity::Sev5),
    ("sev-1", Severity::Sev1),
    ("sev-2", Severity::Sev2),
    ("sev-3", Severity::Sev3),
    ("sev-4", Severity::Sev4),
    ("sev-5", Severity::Sev5),
    ("critical", Severity::Sev1),
    ("high", Severity::Sev2),
    ("major", Severity::Sev2),
    ("medium", Severity::Sev3),
    ("moderate", Severity::Sev3),
    ("warning", Severity::Sev3),
    ("low", Severity::Sev4),
    ("minor", Severity::Sev4),
    ("info", Severity::Sev5),
    ("informational", Severity::Sev5),
    ("1 - critical", Severity::Sev1),
    ("1 - high", Severity::Sev1),
    ("2 - high", Severity::Sev2),
    ("2 - medium", Severity::Sev2),
    ("3 - moderate", Severity::Sev3),
    ("3 - medium", Severity::Sev3),
    ("3 - low", Severity::Sev3),
    ("4 - low", Severity::Sev4),
    ("5 - planning", Severity::Sev5),
];
