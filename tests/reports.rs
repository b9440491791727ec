//! Reports through the binary: `run` leaves an index whose every link resolves; the same store
//! and `--as-of` give byte-identical files; reports written by `report` join the index beside
//! `run`'s; HTML makes no external request; hostile titles, teams
//! and rules are escaped in HTML and Markdown; an unknown incident names the closest ids. The
//! real browser's checks are in `report_browser.rs`.

use std::path::{Path, PathBuf};

use crate::common::{Sandbox, sample, text};

pub(crate) const AS_OF: &str = "2026-11-17T00:00:00Z";

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            out.push((rel, std::fs::read(e.path()).unwrap()));
        }
    }
    out
}

pub(crate) fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect()
}

/// Every `href="..."` / `src="..."` value of an HTML text, entity-decoded for `/`.
fn links(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap_or(0)].replace("&#x2F;", "/")
        })
        .collect()
}

#[test]
fn report_weekly_is_byte_identical_for_the_same_store_and_as_of() {
    let sb = sample();
    for out in ["a", "b"] {
        sb.ok(&[
            "report", "weekly", "--week", "2026-W46", "--as-of", AS_OF, "--out", out,
        ]);
    }
    let (a, b) = (files_under(&sb.path("a")), files_under(&sb.path("b")));
    assert!(a.len() > 10, "{} files", a.len());
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between two runs");
    }
}

#[test]
fn run_leaves_an_index_whose_links_resolve_and_nothing_is_fetched() {
    let sb = sample();
    let out = sb.ok(&["run", "--as-of", AS_OF]);
    assert!(out.contains("reports: "), "{out}");
    let index = sb.path("out/index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    let hrefs = links(&html, "href");
    assert!(hrefs.iter().any(|h| h.starts_with("weekly/")), "{hrefs:?}");
    assert!(
        hrefs.iter().any(|h| h.starts_with("improvement/")),
        "{hrefs:?}"
    );
    assert!(
        hrefs.iter().any(|h| h.starts_with("postmortem/")),
        "{hrefs:?}"
    );
    for h in &hrefs {
        assert!(
            sb.path("out").join(h).is_file(),
            "index links to missing {h}"
        );
    }
    for page in html_files(&sb.path("out")) {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            links(&html, "src").is_empty(),
            "{}: a src attribute",
            page.display()
        );
        for bad in ["@import", "url(http", "url(//", "<link ", "<script"] {
            assert!(!html.contains(bad), "{}: {bad}", page.display());
        }
        // Links out of the report are the data's own (postmortem and ticket links), never assets.
        for h in links(&html, "href") {
            if h.starts_with("http") {
                assert!(
                    h.contains("example.com"),
                    "{}: external link {h} is not from the data",
                    page.display()
                );
            } else {
                assert!(!h.starts_with("//"), "{}: {h}", page.display());
            }
        }
    }
}

#[test]
fn reports_written_by_report_join_the_index_beside_runs() {
    let sb = sample();
    sb.ok(&["run", "--as-of", AS_OF]);
    let hrefs = |sb: &Sandbox| {
        links(
            &std::fs::read_to_string(sb.path("out/index.html")).unwrap(),
            "href",
        )
    };
    let after_run = hrefs(&sb);
    assert!(after_run.iter().any(|h| h.starts_with("postmortem/")));
    let printed = sb.ok(&[
        "report", "weekly", "--week", "2026-W45", "--as-of", AS_OF, "--out", "out",
    ]);
    assert!(printed.contains("index "), "{printed}");
    let after_report = hrefs(&sb);
    // Everything run listed is still there, and the new week was added after it.
    for h in &after_run {
        assert!(after_report.contains(h), "{h} left the index");
    }
    assert!(
        after_report.contains(&"weekly/2026-W45/organisation.html".to_string()),
        "{after_report:?}"
    );
    assert!(after_report.len() > after_run.len());
    // A report deleted by hand leaves the index when it is next written.
    std::fs::remove_file(sb.path("out/weekly/2026-W45/organisation.html")).unwrap();
    sb.ok(&[
        "report", "weekly", "--week", "2026-W44", "--team", "payments", "--as-of", AS_OF, "--out",
        "out",
    ]);
    let last = hrefs(&sb);
    assert!(
        !last
            .iter()
            .any(|h| h == "weekly/2026-W45/organisation.html")
    );
    assert!(last.contains(&"weekly/2026-W44/team-payments.html".to_string()));
    for h in &last {
        assert!(
            sb.path("out").join(h).is_file(),
            "index links to missing {h}"
        );
    }
}

#[test]
fn hostile_titles_teams_and_rules_are_escaped() {
    let sb = Sandbox::new();
    let evil = "<script>alert(1)</script> {{ x }} {% if %} | *_[x](y)";
    sb.write(
        "incidents.csv",
        format!(
            "incident_id,source,source_id,title,team,severity,status,kind,detected_at,acknowledged_at,resolved_at,updated_at\n\
             csv:e1,csv,e1,\"{evil}\",\"<b>team</b>\",SEV1,resolved,normal,2026-11-10T10:00:00Z,2026-11-10T10:05:00Z,2026-11-10T11:00:00Z,2026-11-10T11:00:00Z\n"
        ),
    );
    sb.write(
        "alerts.csv",
        format!(
            "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,notifications,incident_id,updated_at\n\
             csv:a1,csv,\"{evil}\",\"{evil}\",\"<b>team</b>\",SEV1,f1,2026-11-10T09:59:00Z,true,1,csv:e1,2026-11-10T09:59:00Z\n"
        ),
    );
    sb.ok(&["ingest", "incidents.csv", "alerts.csv"]);
    sb.ok(&[
        "report",
        "postmortem",
        "--incident",
        "csv:e1",
        "--as-of",
        AS_OF,
        "--out",
        "out",
    ]);
    sb.ok(&[
        "report", "weekly", "--week", "2026-W46", "--as-of", AS_OF, "--out", "out",
    ]);
    let all = files_under(&sb.path("out"));
    assert!(all.iter().any(|(n, _)| n.ends_with(".md")));
    for (name, bytes) in &all {
        let t = String::from_utf8_lossy(bytes);
        assert!(
            !t.contains("<script>alert"),
            "{name} carries the raw script tag"
        );
        assert!(!t.contains("<b>team</b>"), "{name} carries raw markup");
        // The index lists reports by id and team, never an incident's title.
        if name.ends_with(".html") && !name.ends_with("index.html") {
            assert!(
                t.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
                "{name}"
            );
        }
        if name.ends_with(".md") {
            assert!(t.contains("\\<script\\>alert(1)"), "{name}");
            assert!(t.contains("\\{\\{ x \\}\\}"), "{name}");
        }
    }
}

#[test]
fn an_unknown_incident_names_the_closest_ids() {
    let sb = sample();
    let out = sb.run(&[
        "report",
        "postmortem",
        "--incident",
        "pagerduty:Q8W0GVX",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("pagerduty:Q8W0GVF"), "{err}");
}

#[test]
fn an_improvement_report_over_all_time_is_narrowed_to_the_data_and_an_empty_far_range_refused() {
    let sb = sample();
    let out = sb.ok(&[
        "report",
        "improvement",
        "--from",
        "0001-01-01",
        "--to",
        "9999-12-31",
        "--format",
        "md",
        "--as-of",
        AS_OF,
    ]);
    assert!(out.contains("improvement.md"), "{out}");
    let written = out
        .lines()
        .find_map(|l| l.split_whitespace().find(|w| w.ends_with("improvement.md")))
        .unwrap();
    let md = std::fs::read_to_string(sb.path(written)).unwrap();
    // The sample's incidents start in May 2026 and its alerts end in November: Q2 to Q4.
    assert!(
        md.contains("The period asked for, 0001-01-01 .. 9999-12-31, is narrowed to the quarters that hold data."),
        "{md}"
    );
    assert!(md.contains("2026-04-01 .. 2027-01-01"), "{md}");
    // A long range before the data. (One after the data and after --as-of is refused earlier,
    // as not known yet: tests/cli.rs.)
    let out = sb.run(&[
        "report",
        "improvement",
        "--from",
        "1900-01-01",
        "--to",
        "2000-01-01",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("holds no incidents or alerts"), "{err}");
}

#[test]
fn a_users_template_overrides_one_block_and_png_charts_are_written() {
    let sb = sample();
    sb.write(
        "mine/weekly.html",
        "{% extends \"default/weekly.html\" %}{% block heading %}Our own heading{% endblock heading %}",
    );
    sb.ok(&[
        "report",
        "weekly",
        "--team",
        "payments",
        "--week",
        "2026-W46",
        "--as-of",
        AS_OF,
        "--templates",
        "mine",
        "--png",
        "--out",
        "out",
    ]);
    let html = std::fs::read_to_string(sb.path("out/weekly/2026-W46/team-payments.html")).unwrap();
    assert!(
        html.contains("<h1>Our own heading</h1>"),
        "the block was not overridden"
    );
    assert!(
        html.contains("<svg"),
        "the rest of the default template is kept"
    );
    let md = std::fs::read_to_string(sb.path("out/weekly/2026-W46/team-payments.md")).unwrap();
    assert!(
        !md.contains("Our own heading"),
        "only weekly.html was overridden"
    );
    let charts: Vec<PathBuf> = std::fs::read_dir(sb.path("out/weekly/2026-W46/charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let pngs: Vec<&PathBuf> = charts
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(!pngs.is_empty());
    assert_eq!(
        pngs.len() * 2,
        charts.len(),
        "an SVG and a PNG per chart: {charts:?}"
    );
    // The Markdown shows the PNGs it was asked for (mail clients and many Markdown viewers do
    // not show SVG), each a file that exists.
    let linked: Vec<&str> = md
        .split("](charts/")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(!linked.is_empty(), "{md}");
    for name in &linked {
        assert!(name.ends_with(".png"), "the Markdown links {name}");
        assert!(
            sb.path("out/weekly/2026-W46/charts").join(name).exists(),
            "{name}"
        );
    }
    for p in pngs {
        assert!(
            std::fs::read(p).unwrap().starts_with(b"\x89PNG\r\n\x1a\n"),
            "{}",
            p.display()
        );
    }
    // A broken template is an error naming the file, and writes nothing.
    sb.write("bad/weekly.html", "{% if %}");
    let out = sb.run(&[
        "report",
        "weekly",
        "--templates",
        "bad",
        "--as-of",
        AS_OF,
        "--out",
        "out2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("weekly.html"),
        "{}",
        text(&out.stderr)
    );
    assert!(!sb.path("out2").exists());
}

#[test]
fn rejected_input_rows_are_one_line_of_the_quality_table_not_a_row_per_kind() {
    // Three bad alert rows of two kinds (a timestamp that is not one, twice; a paged flag that
    // is not a boolean), ingested after the sample. They belong to no team or week, so every
    // report says them once, as one line, instead of a row per kind in every team's section.
    let sb = sample();
    let header = "alert_id,source,rule,title,team,service,severity,fingerprint,fired_at,\
                  acknowledged_at,acknowledged_by,resolved_at,resolved_by,paged,notifications,\
                  incident_id,labels,updated_at";
    let bad = [
        "pagerduty:X1,pagerduty,r,t,payments,billing,SEV4,f,yesterday,,,,,false,0,,,",
        "pagerduty:X2,pagerduty,r,t,payments,billing,SEV4,f,soon,,,,,false,0,,,",
        "pagerduty:X3,pagerduty,r,t,payments,billing,SEV4,f,2026-11-10T10:00:00Z,,,,,perhaps,0,,,",
    ];
    let file = sb.write("bad/alerts.csv", format!("{header}\n{}\n", bad.join("\n")));
    sb.ok(&["ingest", "--max-rejected", "100%", file.to_str().unwrap()]);
    sb.ok(&["report", "weekly", "--week", "2026-W46", "--as-of", AS_OF]);
    for name in ["organisation.md", "team-payments.md", "team-search.md"] {
        let md = std::fs::read_to_string(sb.path(&format!("out/weekly/2026-W46/{name}"))).unwrap();
        assert_eq!(
            md.matches("| rejected input rows | alerts | 3 | – | 2 kind(s) of reason;")
                .count(),
            1,
            "{name}: {md}"
        );
        assert!(
            !md.contains("| rejected: "),
            "{name}: a row per kind is back"
        );
    }
}
