//! The week's major incidents of a team, listed by name: the metrics' fact
//! (`durations::major_incidents`: the SEV1/SEV2 incidents, the severities `[postmortems]` drafts
//! for, detected in the report week and counted by the metrics, with their status at as-of and
//! their time to resolve as `metrics durations` counts it) laid out as a table, each id linked to
//! the incident's page in its tool and each with its postmortem: the document the data links,
//! else the draft aftermath wrote into the same folder. A count says how much; this list says
//! which, so a manager can open the incident behind a number.

use super::fmt::{dur, minute};
use crate::error::Result;
use crate::metrics::durations::major_incidents;
use crate::metrics::{Period, Scope};
use crate::report::postmortem;
use crate::report::view::{Href, incident_page, safe_url};
use crate::report::{Inputs, TableView};

/// The table of `team`'s major incidents detected in `week`, earliest first.
pub fn table(inp: &Inputs, team: &str, week: Period) -> Result<TableView> {
    let severities: Vec<String> = inp
        .cfg
        .postmortems
        .severities
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let scope = Scope::new(week, inp.as_of);
    let majors = major_incidents(inp.frames, inp.cfg, &scope, team, &severities)?;
    let mut t = TableView::new(
        &[
            ("Incident", false),
            ("Title", false),
            ("Severity", false),
            ("Detected", false),
            ("Status at as-of", false),
            ("Time to resolve", true),
            ("Postmortem", false),
        ],
        &format!("No {} incident this week.", severities.join("/")),
    );
    for m in majors {
        let minutes = m.ttr_seconds.map(|s| s / 60.0);
        let ttr = match (&m.not_measured, m.open) {
            (Some(why), _) => format!("not measured: {why}"),
            (None, true) => format!("open, {} so far", dur(minutes)),
            (None, false) => dur(minutes),
        };
        // The postmortem is a short link (a whole address squeezed the title column); an
        // address that is not http(s) stays text, as it came. Without one, the draft aftermath
        // wrote into the same folder, when there is one.
        let postmortem = match m.postmortem_url.as_deref() {
            Some(url) if safe_url(url).is_some() => {
                ("postmortem".to_string(), Some(Href::Web(url)))
            }
            Some(other) => (other.to_string(), None),
            None if inp.drafts.contains(&m.id) => {
                let stem = postmortem::stem(&m.id);
                let path = format!("../../postmortem/{stem}/{stem}");
                ("draft".to_string(), Some(Href::Report(path)))
            }
            None => ("none yet".to_string(), None),
        };
        // The id links to the incident's page in its tool, when the export or the config says
        // where.
        let page = incident_page(
            inp.cfg,
            m.url.as_deref(),
            &m.source,
            &m.source_id,
            m.number.as_deref(),
            &m.id,
        );
        t.push_href(vec![
            (m.id.clone(), page.as_deref().map(Href::Web)),
            (m.title.clone(), None),
            (m.severity.clone(), None),
            (minute(Some(m.detected_us)), None),
            (m.status.clone(), None),
            (ttr, None),
            postmortem,
        ]);
    }
    Ok(t)
}
