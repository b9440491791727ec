//! Streaming must change nothing but memory: every NDJSON export the connectors know gives the
//! same rows, refusals and notes streamed (with a head of one line) as loaded whole, and the
//! whole-file errors keep their words and lines.

use std::path::{Path, PathBuf};

use super::super::Input;
use crate::ingest::source::{self, Emitted, Out, SourceContext};

fn ctx() -> SourceContext {
    SourceContext {
        zone: chrono_tz::Tz::UTC,
        mapping: None,
    }
}

/// A head holding exactly the first line, so everything after it is streamed.
fn first_line_head(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    bytes.iter().position(|b| *b == b'\n').unwrap() as u64 + 1
}

/// What `name` makes of `input` through a draining `Out`: rows, refusals, notes, as text.
fn read(name: &str, input: &Input) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut connector = source::by_name(name).unwrap();
    let mut rows: Vec<Emitted> = vec![];
    let mut collect = |batch: Vec<Emitted>| {
        rows.extend(batch);
        Ok(())
    };
    let mut out = Out::draining(&mut collect);
    out.file = "f".into();
    connector.read(input, &ctx(), &mut out).unwrap();
    connector.finish(&ctx(), &mut out).unwrap();
    out.flush().unwrap();
    let rest = out.detach();
    (debug(&rows), debug(&rest.refused), rest.notes)
}

fn debug<T: std::fmt::Debug>(v: &[T]) -> Vec<String> {
    v.iter().map(|x| format!("{x:?}")).collect()
}

fn ndjson_exports() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        "tests/fixtures",
        "sample_data/sources",
        "/work/shared/formats",
    ];
    let mut found = vec![];
    for dir in dirs {
        let dir = root.join(dir);
        if !dir.exists() {
            eprintln!("skipping {}: not present", dir.display());
            continue;
        }
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let p = e.unwrap().into_path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or_default();
            if matches!(ext, "ndjson" | "jsonl") && !p.to_string_lossy().contains("metrics") {
                found.push(p);
            }
        }
    }
    found
}

#[test]
fn every_ndjson_export_reads_the_same_streamed_as_whole() {
    let mut streamed = 0;
    for path in ndjson_exports() {
        let whole = Input::load_whole(&path).unwrap();
        let Ok((name, _)) = source::detect(&whole) else {
            continue; // a canonical table file
        };
        if !source::by_name(name).unwrap().streams() {
            continue;
        }
        let input = Input::load_with_head(&path, first_line_head(&path)).unwrap();
        assert!(input.is_streamed(), "{} was not streamed", path.display());
        assert_eq!(source::detect(&input).unwrap().0, name);
        let (a, b) = (read(name, &whole), read(name, &input));
        let empty = a.0.is_empty() && a.1.is_empty() && a.2.is_empty();
        assert!(!empty, "{}: nothing read", path.display());
        assert_eq!(a, b, "{} differs streamed", path.display());
        streamed += 1;
    }
    // The fixtures alone hold webhook streams of all four streaming connectors.
    assert!(streamed >= 8, "only {streamed} streamed exports");
}

/// A PagerDuty v3 webhook event of incident `n`.
fn pd_event(n: usize, kind: &str, minute: usize) -> String {
    format!(
        r#"{{"event": {{"id": "01EV{n:06}{kind}", "event_type": "incident.{kind}", "resource_type": "incident", "occurred_at": "2026-06-03T08:{minute:02}:04Z", "agent": null, "data": {{"id": "PINC{n:04}", "type": "incident", "number": {n}, "status": "{kind}", "title": "Ledger lag {n}", "service": {{"id": "PSLDGR1", "type": "service_reference", "summary": "ledger"}}, "urgency": "high"}}}}}}"#
    )
}

#[test]
fn a_bad_line_in_a_streamed_archive_is_refused_at_its_line_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hooks.ndjson");
    let mut lines: Vec<String> = (0..300)
        .map(|i| pd_event(i / 2, ["triggered", "resolved"][i % 2], i % 60))
        .collect();
    lines[149] = r#"{"event": {"id": "01BROKEN", "event_type": "incident.tri"#.to_string();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let input = Input::load_with_head(&path, 4096).unwrap();
    assert!(input.is_streamed());
    assert!(
        input.docs().len() < 20,
        "the head holds {}",
        input.docs().len()
    );
    let (rows, refused, _) = read("pagerduty", &input);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("line: 150,"), "{}", refused[0]);
    assert!(refused[0].contains("invalid JSON: EOF while parsing a string"));
    assert!(
        refused[0].contains(
            r#"raw: "{\"event\": {\"id\": \"01BROKEN\", \"event_type\": \"incident.tri""#
        )
    );
    // 299 events, and the tracker's one incident row for each of the 150 incidents.
    assert_eq!(rows.len(), 299 + 150);
    // Every line but the bad one brought its event row, the lines after it included.
    let lines: std::collections::BTreeSet<u64> = rows
        .iter()
        .filter(|r| r.contains("table: IncidentEvents"))
        .map(|r| {
            let at = r.find("line: ").unwrap() + 6;
            r[at..].split(',').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(lines.len(), 299);
    assert!(!lines.contains(&150) && lines.contains(&151) && lines.contains(&300));
}

#[test]
fn whole_file_errors_are_the_same_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let good = pd_event(1, "triggered", 1);
    let cases = [
        // More bad lines than good, found only at the end of the stream.
        format!("{good}\n{good}\n\n{good}\n{}", "oops\n".repeat(5)),
        // Invalid UTF-8 past the head.
        format!("{good}\n{good}\n{good}\n{{\"a\": \"\u{1}\"}}\n"),
        // A byte order mark and CRLF endings: the position is counted past the mark.
        format!("\u{feff}{good}\r\n{good}\r\n{}", "oops\r\n".repeat(3)),
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = dir.path().join(format!("e{i}.ndjson"));
        let mut bytes = text.clone().into_bytes();
        if i == 1 {
            let at = bytes.len() - 4;
            bytes[at] = 0xff;
        }
        std::fs::write(&path, &bytes).unwrap();
        let whole = Input::load_whole(&path).unwrap_err().to_string();
        let streamed = Input::load_with_head(&path, first_line_head(&path))
            .and_then(|input| input.check())
            .unwrap_err()
            .to_string();
        assert_eq!(streamed, whole);
    }
    let expected = [
        "e0.ndjson:2: invalid JSON (neither one document nor one document per line): trailing characters at line 2 column 1",
        "e1.ndjson:4: the file is not valid UTF-8; re-export it as UTF-8 (for example: iconv -f latin1 -t utf-8)",
    ];
    for (i, want) in expected.iter().enumerate() {
        let path = dir.path().join(format!("e{i}.ndjson"));
        let e = Input::load_whole(&path).unwrap_err().to_string();
        assert_eq!(e.replace(&format!("{}/", dir.path().display()), ""), *want);
    }
}
