//! `[sources.<name>]`: where an incident of a source lives in the tool it came from, so the
//! reports can link an incident id to its page there (`incident_url`). The exports name the
//! incident by its own id and number; the address of the tool's page depends on the account
//! (`acme.pagerduty.com`, `app.incident.io/acme`), which only the config knows:
//!
//! ```toml
//! [sources.pagerduty]
//! incident_url = "https://acme.pagerduty.com/incidents/{source_id}"
//! ```
//!
//! A template is an http(s) address holding at least one of `{source_id}` (the id in the source
//! tool), `{number}` (its human number, when the export gives one) and `{incident_id}` (ours,
//! `source:id`). Each value is percent-encoded where it is put, so an id cannot change the
//! address around it. The section name is the incidents' `source` (`pagerduty`, `incidentio`,
//! `csv`, ...), case-insensitive.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::Config;
use super::walker::{Walker, join};

/// The settings of one source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The name as the config spells it.
    pub name: String,
    /// The address template of an incident's page, validated.
    pub incident_url: Option<String>,
}

const KEYS: &[&str] = &["incident_url"];
const PLACEHOLDERS: [&str; 3] = ["source_id", "number", "incident_id"];

pub(super) fn sources(w: &mut Walker, t: &Table) -> BTreeMap<String, Source> {
    let mut out = BTreeMap::new();
    for (name, v) in t {
        let key = join("sources", name);
        let Value::Table(s) = v else {
            w.problem(&key, format!("expected a table, found {}", v.type_str()));
            continue;
        };
        w.unknown_keys(&key, s, KEYS);
        let incident_url = w
            .str(&key, s, "incident_url")
            .and_then(|u| template(w, &join(&key, "incident_url"), u));
        out.insert(
            name.to_ascii_lowercase(),
            Source {
                name: name.clone(),
                incident_url,
            },
        );
    }
    out
}

/// `u` when it is a usable template: an http(s) address with known placeholders, at least one.
fn template(w: &mut Walker, key: &str, u: &str) -> Option<String> {
    let lower = u.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        w.problem(
            key,
            format!("{u:?} is not an http(s) address; write the address of an incident's page, e.g. \"https://acme.pagerduty.com/incidents/{{source_id}}\""),
        );
        return None;
    }
    let mut seen = 0;
    let mut rest = u;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            w.problem(key, format!("{u:?} opens a {{ it never closes"));
            return None;
        };
        let name = &rest[open + 1..open + close];
        if !PLACEHOLDERS.contains(&name) {
            w.problem(
                key,
                format!(
                    "{{{name}}} is not a placeholder; use {{source_id}}, {{number}} or {{incident_id}}"
                ),
            );
            return None;
        }
        seen += 1;
        rest = &rest[open + close + 1..];
    }
    if seen == 0 {
        w.problem(
            key,
            format!("{u:?} names no incident; put {{source_id}}, {{number}} or {{incident_id}} where the id goes"),
        );
        return None;
    }
    Some(u.trim().to_string())
}

/// `v` percent-encoded but for RFC 3986's unreserved characters, so it stays one path segment
/// or query value.
fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Config {
    /// The address of an incident's page in its source tool, when `[sources.<source>]` has an
    /// `incident_url` and the incident has every value it names.
    pub fn incident_url(
        &self,
        source: &str,
        source_id: &str,
        number: Option<&str>,
        incident_id: &str,
    ) -> Option<String> {
        let t = self
            .sources
            .get(&source.to_ascii_lowercase())?
            .incident_url
            .as_ref()?;
        let mut out = t.clone();
        for (name, value) in [
            ("source_id", Some(source_id)),
            ("number", number),
            ("incident_id", Some(incident_id)),
        ] {
            let slot = format!("{{{name}}}");
            if out.contains(&slot) {
                let v = value.filter(|v| !v.is_empty())?;
                out = out.replace(&slot, &encode(v));
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn load(text: &str) -> Result<Config, String> {
        let t: toml::Table = toml::from_str(text).unwrap();
        super::super::parse::from_table(&t, std::path::Path::new("."), None)
            .map_err(|p| p.join("\n"))
    }

    #[test]
    fn an_incident_links_to_its_page_with_its_values_encoded() {
        let c = load(
            r#"
            [sources.PagerDuty]
            incident_url = "https://acme.pagerduty.com/incidents/{source_id}"
            [sources.jira]
            incident_url = "https://acme.atlassian.net/browse/INC-{number}"
            "#,
        )
        .unwrap();
        assert_eq!(
            c.incident_url("pagerduty", "PT4KHLK", None, "pagerduty:PT4KHLK")
                .as_deref(),
            Some("https://acme.pagerduty.com/incidents/PT4KHLK")
        );
        // An id cannot leave its path segment.
        assert_eq!(
            c.incident_url("pagerduty", "a/../b?x=\"1\"", None, "x")
                .as_deref(),
            Some("https://acme.pagerduty.com/incidents/a%2F..%2Fb%3Fx%3D%221%22")
        );
        assert_eq!(
            c.incident_url("jira", "10042", Some("1064"), "jira:10042")
                .as_deref(),
            Some("https://acme.atlassian.net/browse/INC-1064")
        );
        // No number, no address; no section, no address.
        assert_eq!(c.incident_url("jira", "10042", None, "jira:10042"), None);
        assert_eq!(c.incident_url("opsgenie", "a", None, "opsgenie:a"), None);
    }

    #[test]
    fn a_bad_template_is_an_error_naming_its_key() {
        for (url, says) in [
            (
                "javascript:alert(1)/{source_id}",
                "is not an http(s) address",
            ),
            ("https://x.example/incidents/", "names no incident"),
            ("https://x.example/{id}", "{id} is not a placeholder"),
            ("https://x.example/{source_id", "never closes"),
        ] {
            let text = format!("[sources.pagerduty]\nincident_url = {url:?}\n");
            let e = load(&text).unwrap_err();
            assert!(e.contains("sources.pagerduty.incident_url"), "{e}");
            assert!(e.contains(says), "{url}: {e}");
        }
        let e = load("[sources.pagerduty]\nurl = \"https://x\"\n").unwrap_err();
        assert!(e.contains("sources.pagerduty.url"), "{e}");
    }
}
