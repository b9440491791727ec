//! "Who owes what" in the weekly report, on the sample store judged at `testkit::AS_OF`: the
//! named lists hold exactly the items and postmortems the counts count, a cut list says how many
//! more, and hostile titles, owners and tickets (`<script>`, `javascript:` addresses, Markdown
//! link injection) come out as text in both formats, with only http(s) tickets linked.

use polars::prelude::*;

use super::super::compute::Computed;
use super::{WEEK, inputs, page};
use crate::metrics::Frames;
use crate::metrics::scope::parse_week;
use crate::model::columns::{OWNER, PRIORITY, STATUS, TITLE, URL};
use crate::report::weekly::weekly;
use crate::report::{Document, OutputFormat, testkit};

/// The team file of `team` rendered with `frames` and `cfg`.
fn team_doc(frames: &Frames, cfg: &crate::config::Config, team: &str) -> Document {
    let inp = inputs(frames, cfg);
    let mut docs = weekly(&inp, parse_week(WEEK).unwrap(), &[team.to_string()], false).unwrap();
    docs.remove(0)
}

/// The lines of the Markdown section `heading` (up to the next heading of any level).
fn section<'a>(md: &'a str, heading: &str) -> Vec<&'a str> {
    md.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .collect()
}

#[test]
fn the_lists_name_every_item_and_postmortem_the_counts_count() {
    let (frames, cfg) = testkit::sample();
    let inp = inputs(&frames, cfg);
    let c = Computed::new(&inp, parse_week(WEEK).unwrap()).unwrap();
    let backlog = super::super::fmt::Tbl::new(c.overdue.clone());
    let mut teams = backlog.distinct("team");
    teams.extend(c.owed.items.iter().map(|i| i.team.clone()));
    teams.sort();
    teams.dedup();
    assert!(teams.len() >= 6, "{teams:?}");
    for team in &teams {
        let counted: u64 = backlog
            .rows_where("team", team)
            .into_iter()
            .map(|r| backlog.u("overdue", r))
            .sum();
        let listed = c.owed.items.iter().filter(|i| &i.team == team).count() as u64;
        assert_eq!(listed, counted, "{team}");
    }
    // Search's backlog at 2026-11-17 (the Action items table of its snapshot): 1 P0, 4 P1 and
    // 8 P2 overdue; its three SEV2s owe a postmortem.
    let search: Vec<_> = c.owed.items.iter().filter(|i| i.team == "search").collect();
    let prios: Vec<&str> = search.iter().map(|i| i.priority.as_str()).collect();
    assert_eq!(
        prios,
        [["P0"; 1].as_slice(), &["P1"; 4], &["P2"; 8]].concat()
    );
    // Within a priority, the longest overdue first.
    assert!(
        search
            .windows(2)
            .all(|w| w[0].priority != w[1].priority || w[0].overdue_days >= w[1].overdue_days)
    );
    let pms: Vec<&str> = c
        .owed
        .postmortems
        .iter()
        .filter(|p| p.team == "search")
        .map(|p| p.incident_id.as_str())
        .collect();
    assert_eq!(
        pms,
        [
            "pagerduty:QLQAB5R",
            "pagerduty:QZAVRKC",
            "pagerduty:QRFA9SG"
        ]
    );
}

#[test]
fn a_cut_list_says_how_many_more_and_the_config_sets_the_cut() {
    let (frames, cfg) = testkit::sample();
    let mut cfg = cfg.clone();
    cfg.weekly.who_owes_top = 2;
    let doc = team_doc(&frames, &cfg, "search");
    let md = page(&doc, OutputFormat::Markdown);
    let owes = section(md, "## Who owes what");
    // Item rows start with their priority, `| P0 |` .. `| P3 |` (not the `| Priority |` heading).
    let rows: Vec<&&str> = owes
        .iter()
        .filter(|l| l.len() > 5 && l.starts_with("| P") && l[4..].starts_with(" |"))
        .collect();
    assert_eq!(rows.len(), 2, "{owes:#?}");
    assert!(rows[0].starts_with("| P0 |"), "{rows:?}");
    assert!(
        owes.contains(&"_… and 11 more, 13 overdue in all._"),
        "{owes:#?}"
    );
    assert!(
        owes.contains(&"_… and 1 more, 3 outstanding in all._"),
        "{owes:#?}"
    );
    let html = page(&doc, OutputFormat::Html);
    assert!(html.contains("<p class=\"note\">… and 11 more, 13 overdue in all.</p>"));
}

const TITLE_EVIL: &str = "<script>alert(1)</script> ](http://evil) [click](http://evil)";
const OWNER_EVIL: &str = "[boss](javascript:alert(1))";
const URL_EVIL: &str = "https://t.example.com/a b)(](http://evil)<x>\"";

/// The sample with every open action item made hostile: P0 tickets an https address full of
/// link-ending characters, the others a `javascript:` address.
fn hostile(frames: &Frames) -> Frames {
    let open = col(STATUS).eq(lit("open"));
    let set = |c: &str, v: Expr| when(open.clone()).then(v).otherwise(col(c)).alias(c);
    let url = when(col(PRIORITY).eq(lit("P0")))
        .then(lit(URL_EVIL))
        .otherwise(lit("javascript:alert(1)"));
    Frames {
        action_items: frames.action_items.clone().with_columns([
            set(TITLE, lit(TITLE_EVIL)),
            set(OWNER, lit(OWNER_EVIL)),
            set(URL, url),
        ]),
        ..frames.clone()
    }
}

#[test]
fn hostile_titles_owners_and_tickets_are_text_and_only_http_tickets_are_links() {
    let (frames, cfg) = testkit::sample();
    let frames = hostile(&frames);
    let inp = inputs(&frames, cfg);
    let docs = weekly(&inp, parse_week(WEEK).unwrap(), &[], true).unwrap();
    for d in &docs {
        let (html, md) = (page(d, OutputFormat::Html), page(d, OutputFormat::Markdown));
        assert!(!html.contains("<script>"), "{}", d.stem);
        assert!(!html.contains("javascript:alert(1)\""), "{}", d.stem);
        assert!(
            !html.to_lowercase().contains("href=\"javascript"),
            "{}",
            d.stem
        );
        assert!(!md.contains("<script>"), "{}", d.stem);
        // Every `](` of the data has its bracket escaped: no link is formed.
        for target in ["](http://evil)", "](javascript:"] {
            assert_eq!(
                md.matches(target).count(),
                md.matches(&format!("\\{target}")).count(),
                "{} {target}",
                d.stem
            );
        }
    }
    let search = docs.iter().find(|d| d.stem == "team-search").unwrap();
    let md = page(search, OutputFormat::Markdown);
    let owes = section(md, "## Who owes what");
    // The P0 row: title and owner escaped, the https ticket a link with every character that
    // could end it percent-encoded, labelled with its last path segment (escaped).
    let p0 = owes.iter().find(|l| l.starts_with("| P0 |")).unwrap();
    assert!(
        p0.contains(
            "| \\<script\\>alert(1)\\</script\\> \\](http://evil) \\[click\\](http://evil) | \
             \\[boss\\](javascript:alert(1)) |"
        ),
        "{p0}"
    );
    assert!(
        p0.contains("(https://t.example.com/a%20b%29%28%5D%28http://evil%29%3Cx%3E%22) |"),
        "{p0}"
    );
    // A P1 row: the javascript: ticket is escaped text, not a link.
    let p1 = owes.iter().find(|l| l.starts_with("| P1 |")).unwrap();
    assert!(p1.ends_with("| javascript:alert(1) |"), "{p1}");
    let html = page(search, OutputFormat::Html);
    assert!(html.contains(
        "<td>&lt;script&gt;alert(1)&lt;&#x2F;script&gt; ](http:&#x2F;&#x2F;evil) \
         [click](http:&#x2F;&#x2F;evil)</td>"
    ));
    assert!(html.contains(
        "<a href=\"https:&#x2F;&#x2F;t.example.com&#x2F;a%20b%29%28%5D%28http:&#x2F;&#x2F;evil%29%3Cx%3E%22\">"
    ));
    assert!(html.contains("<td>javascript:alert(1)</td>"));
}
