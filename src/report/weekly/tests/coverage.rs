//! A week outside the data (issue 13's first defect): reported with a banner, and no count,
//! duration or trend verdict, since its days without data would read as a quiet week.

use super::*;

/// The sample's payments team for 2026-W48, two weeks after the data end (2026-11-15), as of
/// 2026-12-06: before the fix, "No incidents this week ...: no detectable change" and routine
/// variation, with nothing saying that the week holds no data at all.
#[test]
fn a_week_after_the_data_gets_the_banner_and_no_verdict() {
    let (frames, cfg) = testkit::sample();
    let mut inp = inputs(&frames, cfg);
    inp.as_of = chrono::DateTime::parse_from_rfc3339("2026-12-06T00:00:00Z")
        .unwrap()
        .to_utc();
    let docs = weekly(
        &inp,
        parse_week("2026-W48").unwrap(),
        &["payments".into()],
        false,
    )
    .unwrap();
    let md = page(&docs[0], OutputFormat::Markdown);
    let banner = md
        .lines()
        .find(|l| l.starts_with("> **Note.**"))
        .expect("banner");
    assert!(
        banner.contains("2026-W48 lies outside them, so its comparisons are not judged"),
        "{banner}"
    );
    let headline = md
        .lines()
        .find(|l| l.starts_with("- No incidents"))
        .unwrap();
    assert_eq!(
        headline,
        "- No incidents this week, against 1.75 a week over the previous 4 weeks: not judged: \
         outside the data."
    );
    assert!(md.contains("| All severities | 0 | 0.0–3.7 | 1.75 | not judged: outside the data |"));
    assert!(md.contains("The limits are not read: some of these weeks lie outside the data"));
    assert!(!md.contains("the variation is routine"));
    assert!(!md.contains("no detectable change |"), "{md}");
    let html = page(&docs[0], OutputFormat::Html);
    assert!(html.contains("<p class=\"badge warn\">The data hold incidents and alerts from"));
}

/// The sample's own week stays judged, without a banner.
#[test]
fn the_samples_week_inside_the_data_is_judged() {
    let md = page(&team_doc("payments"), OutputFormat::Markdown).to_string();
    assert!(!md.contains("> **Note.**"));
    assert!(!md.contains("not judged"));
}
