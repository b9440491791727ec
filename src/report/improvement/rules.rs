//! Section 4, the noisiest alert rules of the period (the overall ranking of `rules`) and how
//! their noise moved: each rule's pages in the previous period beside this period's, with its
//! rank then, and the verdict of the conditional binomial test of the two page counts
//! ("more"/"fewer" only when p < 0.05, as the catalogue compares counts).
//!
//! The previous pages and the verdict are a metrics fact (`metrics::rules::change`), read here
//! and only put into words; this file computes no figure.

use super::data::Data;
use super::fmt::{self, Rows, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::rules::cols as rules_cols;
use crate::metrics::stats::{COUNT_ALPHA, CountChange};
use crate::model::columns::RULE;
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    let now = &table(&d.rules, TableId::RulesOverall)?.frame;
    let before = Rows::new(
        &table(&d.rules_previous, TableId::RulesOverall)?.frame,
        &[RULE],
    );
    let partial = d.previous_partial();
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
        let rule = cell_str(now, RULE, i);
        let pages = cell_f64(now, rules_cols::PAGES, i).unwrap_or(0.0) as u64;
        let moved = d.rule_changes.get(&rule);
        let then = moved.pages_previous;
        let change = match moved.change {
            // The previous period is only partly in the data (`Data::previous_partial`).
            CountChange::NotJudged => "not compared",
            c => c.words(),
        };
        let flagged = cell_str(now, rules_cols::FLAGGED, i) == "true";
        t.flags.push(flagged);
        t.push(vec![
            fmt::whole(cell_f64(now, rules_cols::RANK, i)),
            rule.clone(),
            pages.to_string(),
            fmt::whole(cell_f64(now, rules_cols::SLEEP_PAGES, i)),
            fmt::pct(cell_f64(now, rules_cols::ACTIONABLE_PCT, i)),
            fmt::pct(cell_f64(now, rules_cols::TRANSIENT_PCT, i)),
            fmt::pct(cell_f64(now, rules_cols::FLAPPING_PCT, i)),
            if flagged {
                "noisy".into()
            } else {
                String::new()
            },
            then.to_string(),
            fmt::whole(before.num(&[&rule], rules_cols::RANK)),
            change.to_string(),
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
                     p < {COUNT_ALPHA}{}.",
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
