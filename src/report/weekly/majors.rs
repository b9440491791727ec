//! The week's major incidents of a team, listed by name: the SEV1/SEV2 incidents (the severities
//! `[postmortems]` drafts for) detected in the report week and counted by the metrics (not
//! excluded as maintenance, merged or test), with their status at as-of, how long
//! they took to resolve (or have been open: the durations family's per-incident TTR, from the
//! impact start when known, so the figure is the one `metrics durations` counts), and their
//! postmortem: the document the data links, else
//! the draft aftermath wrote into the same folder. A count says how much; this
//! list says which, so a manager can open the incident behind a number.

use polars::prelude::*;

use super::fmt::{dur, minute};
use crate::error::{Error, Result};
use crate::metrics::durations::{self, CENSORED, METRIC, Metric, NOT_MEASURED, SECONDS};
use crate::metrics::frames::{EXCLUDED, exclusion_reason, in_period, texts};
use crate::metrics::{Period, Scope};
use crate::model::columns::*;
use crate::report::postmortem;
use crate::report::view::{Href, incident_page, safe_url};
use crate::report::{Inputs, TableView};

/// The table of `team`'s major incidents detected in `week`, earliest first.
pub fn table(inp: &Inputs, team: &str, week: Period) -> Result<TableView> {
    let q = |e: PolarsError| Error::Query(e.to_string());
    let severities: Vec<String> = inp
        .cfg
        .postmortems
        .severities
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let major = severities
        .iter()
        .map(|s| col(SEVERITY).eq(lit(s.as_str())))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let scope = Scope::new(week, inp.as_of);
    // TTR as the durations family measures it (from impact start when known), per incident.
    let ttr = durations::per_incident(inp.frames, inp.cfg, &scope)
        .filter(col(METRIC).eq(lit(Metric::Ttr.code())))
        .select([
            col(INCIDENT_ID),
            col(SECONDS),
            col(CENSORED),
            col(NOT_MEASURED),
        ]);
    let df = inp
        .frames
        .incidents
        .clone()
        .with_column(exclusion_reason(inp.cfg))
        .filter(
            col(TEAM)
                .eq(lit(team))
                .and(major)
                .and(in_period(DETECTED_AT, &scope))
                .and(col(EXCLUDED).is_null()),
        )
        .select([
            col(INCIDENT_ID),
            col(SOURCE),
            col(SOURCE_ID),
            col(NUMBER),
            col(TITLE),
            col(SEVERITY),
            col(STATUS),
            col(DETECTED_AT).cast(DataType::Int64).alias("detected"),
            col(POSTMORTEM_URL),
            col(URL),
        ])
        .join(
            ttr,
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["detected", INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(q)?;
    let text = |c: &str| texts(&df, c);
    let (sources, source_ids, numbers) = (text(SOURCE)?, text(SOURCE_ID)?, text(NUMBER)?);
    let pages = text(URL)?;
    let (ids, titles, sevs, statuses, links) = (
        text(INCIDENT_ID)?,
        text(TITLE)?,
        text(SEVERITY)?,
        text(STATUS)?,
        text(POSTMORTEM_URL)?,
    );
    let instants = |c: &str| -> Result<Vec<Option<i64>>> {
        Ok(df.column(c).map_err(q)?.i64().map_err(q)?.iter().collect())
    };
    let detected = instants("detected")?;
    let secs: Vec<Option<f64>> = df
        .column(SECONDS)
        .map_err(q)?
        .f64()
        .map_err(q)?
        .iter()
        .collect();
    let open: Vec<Option<bool>> = df
        .column(CENSORED)
        .map_err(q)?
        .bool()
        .map_err(q)?
        .iter()
        .collect();
    let why_not = text(NOT_MEASURED)?;
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
    for i in 0..df.height() {
        let minutes = secs[i].map(|s| s / 60.0);
        let ttr = match (&why_not[i], open[i]) {
            (Some(why), _) => format!("not measured: {why}"),
            (None, Some(true)) => format!("open, {} so far", dur(minutes)),
            (None, _) => dur(minutes),
        };
        let day = minute(detected[i]);
        let get = |v: &Vec<Option<String>>| v[i].clone().unwrap_or_default();
        // The postmortem is a short link (a whole address squeezed the title column); an
        // address that is not http(s) stays text, as it came. Without one, the draft aftermath
        // wrote into the same folder, when there is one.
        let id = get(&ids);
        let postmortem = match links[i].as_deref() {
            Some(url) if safe_url(url).is_some() => {
                ("postmortem".to_string(), Some(Href::Web(url)))
            }
            Some(other) => (other.to_string(), None),
            None if inp.drafts.contains(&id) => {
                let stem = postmortem::stem(&id);
                let path = format!("../../postmortem/{stem}/{stem}");
                ("draft".to_string(), Some(Href::Report(path)))
            }
            None => ("none yet".to_string(), None),
        };
        // The id links to the incident's page in its tool, when the export or the config says
        // where.
        let page = incident_page(
            inp.cfg,
            pages[i].as_deref(),
            &get(&sources),
            &get(&source_ids),
            numbers[i].as_deref(),
            &id,
        );
        t.push_href(vec![
            (id.clone(), page.as_deref().map(Href::Web)),
            (get(&titles), None),
            (get(&sevs), None),
            (day, None),
            (get(&statuses), None),
            (ttr, None),
            postmortem,
        ]);
    }
    Ok(t)
}
