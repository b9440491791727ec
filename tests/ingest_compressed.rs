//! Compressed canonical inputs (`.gz`, `.zst`) read exactly as their plain text: the same rows,
//! the same rejections with the same lines, the same whole-file errors.

use std::io::Write;

use crate::common::*;
use aftermath::model::Table;

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";

fn alerts(n: usize) -> String {
    let mut s = String::from(ALERTS);
    for i in 0..n {
        let fired = if i == 7 {
            "not a time".to_string()
        } else {
            format!("2026-03-{:02}T00:00:00Z", 1 + i % 28)
        };
        s.push_str(&format!(
            "csv:a{i},csv,r,alert {i},core,SEV3,fp{i},{fired},true,2026-04-01T00:00:00Z\n"
        ));
    }
    s
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(vec![], flate2::Compression::fast());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn zstd(text: &str) -> Vec<u8> {
    zstd::encode_all(text.as_bytes(), 1).unwrap()
}

/// (alert id, title) of every stored alert, and (line, reason) of every rejection.
fn ingested(s: &Sandbox, dir: &str) -> (Vec<String>, Vec<(u64, String)>) {
    s.ok(&["ingest", dir]);
    let mut rows = s.rows(Table::Alerts, &["alert_id", "title"]);
    rows.sort();
    let rejected = s
        .rejected()
        .into_iter()
        .map(|r| (r.line, r.reason))
        .collect();
    (rows, rejected)
}

#[test]
fn gzip_and_zstd_inputs_give_the_rows_and_rejections_of_the_plain_file() {
    let text = alerts(10_000);
    let plain = Sandbox::new();
    plain.write("in/alerts.csv", &text);
    let want = ingested(&plain, "in");
    assert_eq!(want.0.len(), 9_999);
    assert_eq!(want.1.len(), 1);
    assert_eq!(want.1[0].0, 9);

    let gz = Sandbox::new();
    gz.write("in/alerts.csv.gz", gzip(&text));
    assert_eq!(ingested(&gz, "in"), want);

    let zst = Sandbox::new();
    zst.write("in/alerts.csv.zst", zstd(&text));
    assert_eq!(ingested(&zst, "in"), want);

    // NDJSON too, sniffed as a canonical table through the compression.
    let nd = Sandbox::new();
    nd.write(
        "in/alerts.ndjson.gz",
        gzip(
            r#"{"alert_id":"nd:a1","source":"nd","rule":"r","title":"t","team":"core","severity":"SEV3","fingerprint":"f","fired_at":"2026-03-02T00:00:00Z","paged":true}
"#,
        ),
    );
    nd.ok(&["ingest", "in"]);
    assert_eq!(nd.frame(Table::Alerts).height(), 1);
}

#[test]
fn an_unclosed_quote_in_a_compressed_csv_names_its_line() {
    let mut text = alerts(20);
    text.push_str("csv:x,csv,r,\"never closed,core,SEV3,fp,2026-03-01T00:00:00Z,true,\n");
    text.push_str("csv:y,csv,r,swallowed,core,SEV3,fp,2026-03-01T00:00:00Z,true,\n");
    for (name, bytes) in [
        ("alerts.csv.gz", gzip(&text)),
        ("alerts.csv.zst", zstd(&text)),
    ] {
        let s = Sandbox::new();
        s.write(&format!("in/{name}"), bytes);
        let out = s.run(&["ingest", "in"]);
        assert!(!out.status.success(), "{name}");
        let err = text_of(&out.stderr);
        assert!(err.contains(&format!("{name}:22")), "{err}");
        assert!(err.contains("unclosed quote"), "{err}");
    }
}

#[test]
fn a_corrupt_compressed_file_is_an_error_naming_it() {
    let s = Sandbox::new();
    let mut bytes = gzip(&alerts(1_000));
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    s.write("in/alerts.csv.gz", bytes);
    let out = s.run(&["ingest", "in"]);
    assert!(!out.status.success());
    let err = text_of(&out.stderr);
    assert!(err.contains("alerts.csv.gz"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!s.current().exists());
}

fn text_of(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_compressed_vendor_export_is_refused_in_words() {
    let s = Sandbox::new();
    s.write(
        "in/webhook.ndjson.gz",
        gzip(r#"{"event":{"id":"1","event_type":"incident.triggered"}}"#),
    );
    let out = s.run(&["ingest", "in"]);
    assert!(!out.status.success());
    let err = text_of(&out.stderr);
    assert!(err.contains("webhook.ndjson.gz"), "{err}");
    assert!(err.contains("compressed vendor export"), "{err}");
}
