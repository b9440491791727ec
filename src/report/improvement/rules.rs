//! Section 4, the noisiest alert rules of the period (the overall ranking of `rules`) and how
//! their noise moved: each rule's pages in the previous period beside this period's, with its
//! rank then, and the conditional binomial test of the two page counts ("more"/"fewer" only when
//! p < 0.05, as the catalogue compares counts).
//!
//! The ranking keeps only its top 10, so a rule's previous pages are counted here from the alerts
//! the same way the ranking counts them (paged alerts fired in the period, filters applied); a
//! test checks the two agree.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::data::Data;
use super::fmt::{self, Rows, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::frames::{filter_expr, in_period};
use crate::metrics::stats::binomial_test_rates;
use crate::metrics::table::pe;
use crate::metrics::{Frames, Scope};
use crate::model::columns::*;
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

/// A count change is called only at this two-sided significance (as `incidents_compare`).
const ALPHA: f64 = 0.05;

/// Pages per rule in `scope`: paged alerts fired in the period, filters applied.
pub fn pages_by_rule(f: &Frames, scope: &Scope) -> Result<BTreeMap<String, u64>> {
    let df = f
        .alerts
        .clone()
        .filter(
            in_period(FIRED_AT, scope)
                .and(filter_expr(&scope.filters, true, true))
                .and(col(PAGED).fill_null(lit(false))),
        )
        .group_by([col(RULE)])
        .agg([len().cast(DataType::UInt64).alias("pages")])
        .sort([RULE], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    Ok((0..df.height())
        .map(|i| {
            let n = cell_f64(&df, "pages", i).unwrap_or(0.0) as u64;
            (cell_str(&df, RULE, i), n)
        })
        .collect())
}

pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    let now = &table(&d.rules, TableId::RulesOverall)?.frame;
    let before = Rows::new(
        &table(&d.rules_previous, TableId::RulesOverall)?.frame,
        &["rule"],
    );
    let prev_pages = pages_by_rule(inp.frames, &d.scope.previous())?;
    let partial = d.previous_partial();
    let prev_days = d.scope.period.previous().days();
    let mut t = TableView::new(
        &[
            ("Rank", true),
            ("Rule", false),
            ("Pages", true),
            ("Sleep-hour pages", true),
            ("Actionable", true),
            ("Transient", true),
            ("Flapping", true),
            ("Flagged", false),
            ("Pages previous", true),
            ("Rank previous", true),
            ("Change in pages", false),
        ],
        "No alert rule paged in the period.",
    );
    for i in 0..now.height() {
        let rule = cell_str(now, "rule", i);
        let pages = cell_f64(now, "pages", i).unwrap_or(0.0) as u64;
        let then = prev_pages.get(&rule).copied().unwrap_or(0);
        let change = if partial {
            "not compared".to_string()
        } else if binomial_test_rates(pages, d.scope.period.days(), then, prev_days) >= ALPHA {
            "no detectable change".into()
        } else if pages > then {
            "more".into()
        } else {
            "fewer".into()
        };
        let flagged = cell_str(now, "flagged", i) == "true";
        t.flags.push(flagged);
        t.push(vec![
            fmt::whole(cell_f64(now, "rank", i)),
            rule.clone(),
            pages.to_string(),
            fmt::whole(cell_f64(now, "sleep_pages", i)),
            fmt::pct(cell_f64(now, "actionable_pct", i)),
            fmt::pct(cell_f64(now, "transient_pct", i)),
            fmt::pct(cell_f64(now, "flapping_pct", i)),
            if flagged {
                "noisy".into()
            } else {
                String::new()
            },
            then.to_string(),
            fmt::whole(before.num(&[&rule], "rank")),
            change,
        ]);
    }
    let th = &inp.cfg.thresholds;
    Ok(Section {
        id: "rules".into(),
        number: 0,
        title: "Noisiest alert rules".into(),
        intro: vec![],
        blocks: vec![Block::table(
            "",
            vec![
                format!(
                    "The top 10 rules by score = (pages + {} × sleep-hour pages) × (1 − \
                     actionable share), across teams. Flagged (highlighted): at least {} pages \
                     and under {}% actionable.",
                    th.sleep_weight - 1.0,
                    th.noisy_rule_min_pages,
                    th.noisy_rule_actionable_below * 100.0
                ),
                format!(
                    "Pages previous: the rule's pages in {}; rank previous only when it was in \
                     that period's top 10. The change is called only when the conditional \
                     binomial test of the two counts, weighted by the periods' lengths, gives \
                     p < {ALPHA}{}.",
                    d.scope.period.previous().label(),
                    if partial {
                        "; not compared here, as the store's data starts inside the previous \
                         period"
                    } else {
                        ""
                    }
                ),
            ],
            t,
        )],
    })
}
