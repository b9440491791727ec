//! Which postmortem drafts a weekly report may link.

use super::*;

/// Regression: a draft written only as HTML counted as present for a Markdown weekly too,
/// which then linked a `.md` file that did not exist.
#[test]
fn a_draft_counts_only_when_written_in_every_format_the_weekly_links() {
    let out = tempfile::tempdir().unwrap();
    let id = "pagerduty:Q1";
    let stem = postmortem::stem(id);
    let dir = out.path().join("postmortem").join(&stem);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{stem}.html")), "<p>draft</p>").unwrap();
    let both = [OutputFormat::Html, OutputFormat::Markdown];
    assert!(!draft_written(out.path(), id, &both));
    assert!(draft_written(out.path(), id, &[OutputFormat::Html]));
    assert!(!draft_written(out.path(), id, &[OutputFormat::Markdown]));
    std::fs::write(dir.join(format!("{stem}.md")), "draft").unwrap();
    assert!(draft_written(out.path(), id, &both));
    assert!(!draft_written(out.path(), "pagerduty:Q2", &both));
}
