//! How each alert rule's noise moved against the previous period: its pages in the period and in
//! `Period::previous`, and the verdict of the conditional binomial test of the two counts
//! weighted by the periods' lengths (`stats::count_change`: "more"/"fewer" only when p < 0.05).
//! The improvement report reads this beside the `rules_overall` ranking.
//!
//! The ranking keeps only its top 10 per period, so a rule's previous pages cannot be read from
//! the previous period's ranking; they are summed here from the ranking's own reduce step
//! (`reduce::Reduced`, per team and rule, from either engine), so the two count the same pages
//! (paged alerts fired in the period, null `paged` as false, the scope's filters applied). This
//! file owns the counts and the verdict, not their words.

use std::collections::BTreeMap;

use super::reduce::Reduced;
use crate::metrics::Scope;
use crate::metrics::stats::{CountChange, count_change};

/// One rule's pages in the period and the previous period, and the change between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleChange {
    pub pages: u64,
    pub pages_previous: u64,
    /// The two-sided p-value of the rates' test (1 when neither period paged).
    pub p: f64,
    /// `NotJudged` when the caller says the previous period is not wholly in the data.
    pub change: CountChange,
}

/// Every rule that paged in either period, by rule name, with the change of its pages.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleChanges {
    by_rule: BTreeMap<String, RuleChange>,
    judged: bool,
}

impl RuleChanges {
    /// The change of `rule`; a rule that paged in neither period has 0 and 0, no detectable
    /// change (or not judged).
    pub fn get(&self, rule: &str) -> RuleChange {
        self.by_rule.get(rule).copied().unwrap_or(RuleChange {
            pages: 0,
            pages_previous: 0,
            p: 1.0,
            change: if self.judged {
                CountChange::Steady
            } else {
                CountChange::NotJudged
            },
        })
    }

    /// The rules, in name order.
    pub fn rules(&self) -> impl Iterator<Item = (&str, &RuleChange)> {
        self.by_rule.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Pages per rule of a rules reduce step (all its teams), for the rules that paged; a rule-less
/// alert's rule is "".
pub(crate) fn pages_by_rule(red: &Reduced) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for g in red.groups.iter().filter(|g| g.counts.pages > 0) {
        *out.entry(g.rule.clone().unwrap_or_default()).or_default() += g.counts.pages;
    }
    out
}

/// Each rule's pages in `scope` (`now`) and in `scope.previous()` (`before`, both from
/// `pages_by_rule`), and the change of their rates. With `judged` false (the previous period is
/// only partly in the data) every change is `NotJudged`: a quiet stretch before the first export
/// would read as "fewer".
pub fn rule_changes(
    now: &BTreeMap<String, u64>,
    before: &BTreeMap<String, u64>,
    scope: &Scope,
    judged: bool,
) -> RuleChanges {
    let (days, days_before) = (scope.period.days(), scope.period.previous().days());
    let mut by_rule = BTreeMap::new();
    for rule in now.keys().chain(before.keys()) {
        let pages = now.get(rule).copied().unwrap_or(0);
        let pages_previous = before.get(rule).copied().unwrap_or(0);
        let (p, change) = count_change(pages, days, pages_previous, days_before);
        by_rule.insert(
            rule.clone(),
            RuleChange {
                pages,
                pages_previous,
                p,
                change: if judged {
                    change
                } else {
                    CountChange::NotJudged
                },
            },
        );
    }
    RuleChanges { by_rule, judged }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;
    use crate::metrics::fatigue::testkit::*;

    /// Week 2026-W46; its previous period is the four weeks 2026-10-12 to 2026-11-09 (28 days).
    fn w46() -> Scope {
        scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0))
    }

    /// `n` pages of `rule` (team a) from `start`, an hour apart.
    fn pages(rule: &str, n: i64, start: i64) -> Vec<Al> {
        (0..n)
            .map(|i| Al::page("a", start + i * HOUR).rule(rule))
            .collect()
    }

    fn rows() -> Vec<Al> {
        let (now, then) = (us(2026, 11, 10, 12, 0, 0), us(2026, 10, 13, 12, 0, 0));
        let mut rows = vec![];
        rows.extend(pages("disk", 5, now));
        rows.extend(pages("cpu", 2, now));
        rows.extend(pages("cpu", 8, then));
        rows.extend(pages("mem", 20, then));
        rows.extend(pages("burst", 6, now));
        rows.extend(pages("burst", 7, then));
        // Not pages: never counted.
        rows.push(Al::quiet("a", now).rule("disk"));
        rows.push(Al::quiet("a", then).rule("mem"));
        // Team b's page, outside a team-a filter.
        rows.push(Al::page("b", now).rule("disk"));
        rows
    }

    fn team_a() -> Scope {
        let mut s = w46();
        s.filters.teams = vec!["a".into()];
        s
    }

    fn c() -> crate::config::Config {
        cfg(&[("a", Tz::UTC), ("b", Tz::UTC)])
    }

    /// The rules' pages of `scope`, by the local reduce step.
    fn counted(f: &crate::metrics::Frames, scope: &Scope) -> BTreeMap<String, u64> {
        pages_by_rule(&super::super::reduce_local(f, &c(), scope).unwrap())
    }

    /// The changes of `scope` against its previous period.
    fn changes(scope: &Scope, judged: bool) -> RuleChanges {
        let f = frames(&rows(), &[]);
        rule_changes(
            &counted(&f, scope),
            &counted(&f, &scope.previous()),
            scope,
            judged,
        )
    }

    #[test]
    fn pages_per_rule_in_the_period_with_filters() {
        let f = frames(&rows(), &[]);
        let now = counted(&f, &team_a());
        let want: BTreeMap<String, u64> = [("burst", 6), ("cpu", 2), ("disk", 5)]
            .map(|(r, n)| (r.to_string(), n))
            .into();
        assert_eq!(now, want);
        assert_eq!(counted(&f, &w46())["disk"], 6);
        let before = counted(&f, &team_a().previous());
        assert_eq!(before["mem"], 20);
        assert_eq!(before["cpu"], 8);
        assert!(!before.contains_key("disk"));
    }

    #[test]
    fn counted_as_the_ranking_counts_them() {
        let f = frames(&rows(), &[]);
        let out = super::super::rules(&crate::metrics::source::Local, &f, &c(), &w46()).unwrap();
        let o = table(&out, "rules_overall");
        let counted = counted(&f, &w46());
        let ranked: Vec<u64> = strs(o, "rule").iter().map(|r| counted[r]).collect();
        assert_eq!(ranked, u64s(o, "pages"));
        assert_eq!(o.height(), 3);
    }

    #[test]
    fn changes_weigh_the_periods_lengths() {
        // One week against 28 days: k1 ~ Binomial(n, 1/5) given n.
        let ch = changes(&team_a(), true);
        // disk: 5 against 0: only k1 = 5 is as unlikely, p = 0.2^5 = 0.00032.
        let disk = ch.get("disk");
        assert_eq!((disk.pages, disk.pages_previous), (5, 0));
        assert!(close(disk.p, 0.00032), "{}", disk.p);
        assert_eq!(disk.change, CountChange::More);
        // cpu: 2 a week against 8 in four weeks, the same rate; k1 = 2 is the mode, p = 1.
        let cpu = ch.get("cpu");
        assert_eq!((cpu.pages, cpu.pages_previous), (2, 8));
        assert!((cpu.p - 1.0).abs() < 1e-9);
        assert_eq!(cpu.change, CountChange::Steady);
        // mem: 0 against 20: P(0) = 0.8^20 = 0.011529 plus P(k1 >= 9) = 0.009982.
        let mem = ch.get("mem");
        assert_eq!((mem.pages, mem.pages_previous), (0, 20));
        assert!((mem.p - 0.021511).abs() < 1e-6, "{}", mem.p);
        assert_eq!(mem.change, CountChange::Fewer);
        // burst: 6 against 7 is fewer pages than the four weeks held, but 6 a week against
        // 1.75: p = P(k1 >= 6) for Binomial(13, 1/5) = 0.030035, more.
        let burst = ch.get("burst");
        assert!((burst.p - 0.030035).abs() < 1e-6, "{}", burst.p);
        assert_eq!(burst.change, CountChange::More);
        // A rule that paged in neither period.
        assert_eq!(ch.get("none").change, CountChange::Steady);
        assert_eq!(ch.rules().count(), 4);
    }

    #[test]
    fn a_previous_period_outside_the_data_is_not_judged() {
        let ch = changes(&team_a(), false);
        assert_eq!(ch.get("disk").change, CountChange::NotJudged);
        assert_eq!(ch.get("disk").pages_previous, 0);
        assert_eq!(ch.get("mem").pages_previous, 20);
        assert_eq!(ch.get("none").change, CountChange::NotJudged);
    }
}
