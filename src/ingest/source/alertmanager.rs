//! The Prometheus Alertmanager connector: the JSON body Alertmanager POSTs to a `webhook_config`
//! receiver (`version: "4"`), stored one per file, one per line (NDJSON), or as a JSON array of
//! payloads, from every Alertmanager release: no `fingerprint` before 0.19, a future `endsAt` on
//! firing alerts before 0.17, `groupKey`/`truncatedAlerts`/`notification_reason`/`routeLabels`
//! optional.
//!
//! It fills the alerts table with ONE row per alert instance, (fingerprint, `startsAt`), across
//! every payload of the run, so rows are emitted in `finish` (logic in `webhook`, shared with the
//! Grafana connector):
//! - `fired_at` = `startsAt` (Prometheus fires after the rule's `for:`; the instant the condition
//!   became true is not in the payload); `resolved_at` = `endsAt` of a payload where the alert is
//!   `resolved` (a firing alert's `endsAt` is ignored: zero time since 0.17, a guess before);
//!   `updated_at` = the latest of those two. The delivery time is not an event time and is not used.
//! - `fingerprint` = the payload's, else the Prometheus label fingerprint Alertmanager would send.
//! - `notifications` = the firing payloads that carried the instance, repeats included; `paged` =
//!   true, as a webhook payload exists only because a route sent it to a receiver.
//! - `rule` = `labels.alertname`, `title` = `annotations.summary` else the alertname, `severity` =
//!   `labels.severity`, `service` = `labels.service` else `labels.job`, `team` = `labels.team`.
//! - `labels` = every label, plus annotations as `annotation.<name>`, `notify.receiver`,
//!   `notify.group_key`, `notify.reason` and `rule.generator_url` (dots never occur in label names).

pub(crate) mod webhook;

use serde_json::Value;

use super::util::{at, text};
use super::{Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::model::Table;
use webhook::{Alerts, Flavour};

#[derive(Debug, Default)]
pub struct Alertmanager {
    alerts: Alerts,
}

/// A webhook payload of either tool: an object with an `alerts` array.
fn is_payload(v: &Value) -> bool {
    matches!(at(v, "alerts"), Some(Value::Array(_)))
}

/// Alertmanager's own payload, not Grafana's superset of it.
fn is_am_payload(v: &Value) -> bool {
    is_payload(v)
        && (text(v, "version").as_deref() == Some("4")
            || at(v, "groupKey").is_some()
            || at(v, "receiver").is_some())
        && !webhook::is_grafana_payload(v)
}

impl Source for Alertmanager {
    fn name(&self) -> &'static str {
        "alertmanager"
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        match input.first_json()? {
            Value::Array(items) => items
                .first()
                .filter(|p| is_am_payload(p))
                .map(|_| "webhook payloads (JSON array)"),
            v if is_am_payload(v) => Some("webhook payload (version 4)"),
            _ => None,
        }
    }

    fn streams(&self) -> bool {
        true
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        // Whether any document is a payload is known only at the end of a streamed file; until
        // then the records are read as usual, and the run fails anyway if none was one.
        let mut any = false;
        let alerts = &mut self.alerts;
        input.each_doc(out, |doc, out| {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, Some("$"), Some(Table::Alerts));
                    return Ok(());
                }
            };
            let payloads: Vec<(String, &Value)> = match v {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("$[{i}]"), p))
                    .collect(),
                p => vec![("$".to_string(), p)],
            };
            any |= payloads.iter().any(|(_, p)| is_payload(p));
            for (base, p) in payloads {
                if is_payload(p) {
                    webhook::read_payload(
                        doc,
                        p,
                        &base,
                        Flavour::Alertmanager,
                        ctx.zone,
                        out,
                        alerts,
                    );
                } else {
                    out.refuse(
                        doc.at(base.as_str()),
                        Some(Table::Alerts),
                        format!("{base}: not a webhook payload (no \"alerts\" array)"),
                        p,
                    );
                }
            }
            Ok(())
        })?;
        if !any {
            return Err(Error::input(
                &input.path,
                input.docs().first().map(|d| d.line),
                format!(
                    "not an Alertmanager webhook payload: no document has an \"alerts\" array (it looks like {}). Expected the JSON body Alertmanager POSTs to a webhook_config receiver, one per file, one per line, or a JSON array of them",
                    input.describe()
                ),
            ));
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        self.alerts.emit(self.name(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};
    use std::path::Path;

    fn run(files: &[&str]) -> Out<'static> {
        let mut am = Alertmanager::default();
        let ctx = SourceContext {
            zone: chrono_tz::Tz::UTC,
            mapping: None,
        };
        let mut out = Out::default();
        for (i, text) in files.iter().enumerate() {
            out.file = format!("f{i}.json");
            let input = Input::parse(Path::new("x.json"), text).unwrap();
            am.read(&input, &ctx, &mut out).unwrap();
        }
        am.finish(&ctx, &mut out).unwrap();
        out
    }

    fn field<'a>(out: &'a Out, row: usize, col: &str) -> Option<&'a Value> {
        out.rows.get(row)?.fields.get(col)
    }

    const OLD_FIRING: &str = r#"{"version":"4","status":"firing","receiver":"r","groupKey":"{}:{alertname=\"Fire\"}","alerts":[{"status":"firing","labels":{"alertname":"Fire","severity":"critical","job":"ledger"},"annotations":{"message":"m"},"startsAt":"2026-06-01T22:43:58.283995108+01:00","endsAt":"2026-06-01T22:46:58.283995108+01:00"}]}"#;
    const OLD_RESOLVED: &str = r#"{"version":"4","status":"resolved","receiver":"r","alerts":[{"status":"resolved","labels":{"severity":"critical","alertname":"Fire","job":"ledger"},"annotations":{"message":"m"},"startsAt":"2026-06-01T22:43:58.283995108+01:00","endsAt":"2026-06-01T22:48:13.283995108+01:00"}]}"#;

    #[test]
    fn prometheus_fingerprint_matches_the_go_signature() {
        let mut m = Map::new();
        m.insert("name".into(), json!("garland, briggs"));
        m.insert("fear".into(), json!("love is not enough"));
        // model.LabelSet{...}.Fingerprint() == 5799056148416392346 in prometheus/common.
        assert_eq!(
            webhook::fingerprint(&m),
            format!("{:016x}", 5799056148416392346u64)
        );
        assert_eq!(webhook::fingerprint(&Map::new()), "cbf29ce484222325");
    }

    #[test]
    fn repeats_and_resolution_make_one_row_and_the_future_ends_at_is_ignored() {
        let out = run(&[&format!("{OLD_FIRING}\n{OLD_FIRING}\n"), OLD_RESOLVED]);
        assert!(out.refused.is_empty(), "{:?}", out.refused);
        assert_eq!(out.rows.len(), 1);
        assert_eq!(
            field(&out, 0, "fired_at"),
            Some(&json!("2026-06-01T21:43:58.283995Z"))
        );
        assert_eq!(
            field(&out, 0, "resolved_at"),
            Some(&json!("2026-06-01T21:48:13.283995Z"))
        );
        assert_eq!(field(&out, 0, "updated_at"), field(&out, 0, "resolved_at"));
        assert_eq!(field(&out, 0, "notifications"), Some(&json!(2)));
        assert_eq!(field(&out, 0, "service"), Some(&json!("ledger")));
        assert_eq!(field(&out, 0, "title"), Some(&json!("Fire")));
        let labels = field(&out, 0, "labels").unwrap();
        assert_eq!(labels["annotation.message"], json!("m"));
        assert_eq!(labels["notify.receiver"], json!("r"));
        // The label order in the payload does not change the computed fingerprint.
        let fp = field(&out, 0, "fingerprint")
            .and_then(Value::as_str)
            .unwrap();
        assert_eq!(fp.len(), 16);
    }

    #[test]
    fn a_firing_payload_alone_leaves_the_alert_open() {
        let out = run(&[OLD_FIRING]);
        assert_eq!(field(&out, 0, "resolved_at"), None);
        assert_eq!(field(&out, 0, "updated_at"), field(&out, 0, "fired_at"));
        assert_eq!(field(&out, 0, "paged"), Some(&json!(true)));
    }

    #[test]
    fn arrays_of_payloads_and_bad_alerts_are_located() {
        let bad = r#"[{"version":"4","receiver":"r","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-06-01T10:00:00Z","fingerprint":"aa"},{"status":"firing","labels":{"alertname":"B"}},{"status":"firing","labels":{"alertname":"C"},"startsAt":"yesterday"}]}]"#;
        let out = run(&[bad]);
        assert_eq!(out.rows.len(), 1);
        assert_eq!(field(&out, 0, "fingerprint"), Some(&json!("aa")));
        let reasons: Vec<(&str, &str)> = out
            .refused
            .iter()
            .map(|r| (r.loc.json_path.as_deref().unwrap_or(""), r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 2);
        assert_eq!(reasons[0].0, "$[0].alerts[1]");
        assert!(reasons[0].1.starts_with("$[0].alerts[1]: no startsAt"));
        assert!(
            reasons[1].1.starts_with("$[0].alerts[2].startsAt:"),
            "{}",
            reasons[1].1
        );
    }

    #[test]
    fn detection_leaves_grafana_and_other_json_alone() {
        let am = Alertmanager::default();
        let detect = |t: &str| am.detect(&Input::parse(Path::new("x.json"), t).unwrap());
        assert_eq!(detect(OLD_FIRING), Some("webhook payload (version 4)"));
        assert_eq!(
            detect(&format!("[{OLD_FIRING}]")),
            Some("webhook payloads (JSON array)")
        );
        assert_eq!(
            detect(r#"{"version":"1","orgId":1,"receiver":"r","alerts":[]}"#),
            None
        );
        assert_eq!(detect(r#"{"incidents":[]}"#), None);
        let not = Input::parse(Path::new("x.json"), r#"{"incidents":[]}"#).unwrap();
        let mut am = Alertmanager::default();
        let ctx = SourceContext {
            zone: chrono_tz::Tz::UTC,
            mapping: None,
        };
        assert!(am.read(&not, &ctx, &mut Out::default()).is_err());
    }
}
