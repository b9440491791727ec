//! `[postmortems]`: which incidents `aftermath run` drafts a postmortem for. A large
//! organisation's week holds hundreds of SEV1 and SEV2 incidents, and a draft nobody will review
//! costs a page in the index and time in every run, so the set is chosen: by severity, at most
//! `max_per_run` of them (the most severe first, then the earliest), and optionally only those
//! without a postmortem link yet. `aftermath report postmortem --incident ID` writes any other.

use toml::{Table, Value};

use super::walker::Walker;
use crate::model::vocab::Severity;

#[derive(Debug, Clone, PartialEq)]
pub struct Postmortems {
    /// The severities of the report week's incidents that get a draft.
    pub severities: Vec<Severity>,
    /// The most drafts one run writes.
    pub max_per_run: u32,
    /// Leave out incidents whose `postmortem_url` is already set (their review exists).
    pub skip_linked: bool,
}

impl Default for Postmortems {
    fn default() -> Self {
        Postmortems {
            severities: vec![Severity::Sev1, Severity::Sev2],
            max_per_run: 25,
            skip_linked: false,
        }
    }
}

const KEYS: &[&str] = &["severities", "max_per_run", "skip_linked"];

pub(super) fn postmortems(w: &mut Walker, t: &Table) -> Postmortems {
    let mut out = Postmortems::default();
    w.unknown_keys("postmortems", t, KEYS);
    if t.contains_key("severities") {
        out.severities = w
            .strings("postmortems", t, "severities")
            .into_iter()
            .filter_map(|(key, s)| {
                let sev = Severity::parse(&s);
                if sev.is_none() {
                    w.problem(
                        &key,
                        format!("unknown severity {s:?}; expected SEV1, SEV2, SEV3, SEV4 or SEV5"),
                    );
                }
                sev
            })
            .collect();
    }
    if let Some(v) = t.get("max_per_run")
        && let Some(n) = w.number("postmortems.max_per_run", v, 0.0, 100_000.0)
    {
        if n.fract() == 0.0 {
            out.max_per_run = n as u32;
        } else {
            w.problem(
                "postmortems.max_per_run",
                format!("{n} is not a whole number"),
            );
        }
    }
    match t.get("skip_linked") {
        None => {}
        Some(Value::Boolean(b)) => out.skip_linked = *b,
        Some(other) => w.problem(
            "postmortems.skip_linked",
            format!("expected true or false, found {}", other.type_str()),
        ),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(text: &str) -> Result<Postmortems, Vec<String>> {
        let t: Table = toml::from_str(text).unwrap();
        super::super::parse::from_table(&t, std::path::Path::new("."), None).map(|c| c.postmortems)
    }

    #[test]
    fn defaults_are_sev1_and_sev2_at_most_25_linked_included() {
        let d = Config::defaults_in(std::path::Path::new(".")).postmortems;
        assert_eq!(d.severities, [Severity::Sev1, Severity::Sev2]);
        assert_eq!((d.max_per_run, d.skip_linked), (25, false));
    }

    #[test]
    fn every_key_is_read_and_every_bad_value_named() {
        let p =
            parse("[postmortems]\nseverities = [\"sev1\"]\nmax_per_run = 3\nskip_linked = true\n")
                .unwrap();
        assert_eq!(
            p,
            Postmortems {
                severities: vec![Severity::Sev1],
                max_per_run: 3,
                skip_linked: true
            }
        );
        let e = parse(
            "[postmortems]\nseverities = [\"P1\"]\nmax_per_run = 2.5\nskip_linked = \"yes\"\ncap = 1\n",
        )
        .unwrap_err();
        assert_eq!(
            e,
            [
                "postmortems.cap: unknown key; expected one of: severities, max_per_run, skip_linked",
                "postmortems.severities[0]: unknown severity \"P1\"; expected SEV1, SEV2, SEV3, SEV4 or SEV5",
                "postmortems.max_per_run: 2.5 is not a whole number",
                "postmortems.skip_linked: expected true or false, found string",
            ]
        );
    }
}
