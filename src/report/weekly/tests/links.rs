//! The links of a team's weekly report: a major incident without a postmortem document links the
//! draft aftermath wrote into the same folder (HTML to HTML, Markdown to Markdown), and the report
//! links back to the folder's index.

use super::*;

#[test]
fn a_major_incident_without_a_document_links_the_draft_in_the_same_folder_and_back_to_the_index() {
    // data-platform's SEV2 incidentio:01JWLZUVPTKTE of W46 has no postmortem link in the data;
    // impact 11:44:11 to resolution 13:21:26 is 97.25 min, "1.6 h".
    let (frames, cfg) = testkit::sample();
    let mut inp = inputs(&frames, cfg);
    let week = parse_week(WEEK).unwrap();
    let team = ["data-platform".to_string()];
    let without = weekly(&inp, week, &team, false).unwrap().remove(0);
    let md = page(&without, OutputFormat::Markdown);
    assert!(md.contains("| 1.6 h | none yet |"), "{md}");
    assert!(!md.contains("All reports"), "{md}");
    inp.drafts.insert("incidentio:01JWLZUVPTKTE".into());
    inp.index = true;
    let with = weekly(&inp, week, &team, false).unwrap().remove(0);
    let md = page(&with, OutputFormat::Markdown);
    let link = "../../postmortem/incidentio-01JWLZUVPTKTE/incidentio-01JWLZUVPTKTE";
    assert!(
        md.contains(&format!("| 1.6 h | [draft]({link}.md) |")),
        "{md}"
    );
    assert!(md.contains("[All reports](../../index.html)"), "{md}");
    let html = page(&with, OutputFormat::Html);
    let escaped = format!("{link}.html").replace('/', "&#x2F;");
    assert!(
        html.contains(&format!("<a href=\"{escaped}\">draft</a>")),
        "{html}"
    );
    assert!(
        html.contains(
            "<nav class=\"up\"><a href=\"..&#x2F;..&#x2F;index.html\">All reports</a></nav>"
        ),
        "{html}"
    );
}
