//! The page heatmap of a period: each team's pages counted by weekday and hour of day on the
//! team's clock (its `[teams]` zone in the config, else the default team's), a 7 x 24 grid,
//! Monday first. A page is fatigue's: an alert with `paged` set (null as false), fired in the
//! period; alerts without a team belong to no team's grid.
//!
//! Hours are judged on the team's clock, not the on-call person's, so the grid reads as the
//! team's week; whether a page woke someone is `hours`' and `classify`'s question, answered in
//! the `fatigue` table. This file owns the grid's counts; drawing it is the report's job.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::metrics::source::TeamPages;
use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;

/// Page counts by weekday (0 = Monday) and hour of day (0-23).
pub type Grid = [[u32; 24]; 7];

/// One team's grid and the zone it was counted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageHeatmap {
    pub zone: Tz,
    pub counts: Grid,
}

impl PageHeatmap {
    /// All pages of the grid.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().map(|&n| u64::from(n)).sum()
    }
}

/// Every team's grid over the same period.
#[derive(Debug, Clone, PartialEq)]
pub struct PageHeatmaps {
    by_team: BTreeMap<String, PageHeatmap>,
}

impl PageHeatmaps {
    /// The grid of `team`: empty, in the team's zone, when it had no page.
    pub fn of(&self, team: &str, cfg: &Config) -> PageHeatmap {
        self.by_team.get(team).copied().unwrap_or(PageHeatmap {
            zone: cfg.team(team).timezone,
            counts: [[0; 24]; 7],
        })
    }
}

/// The cell of an instant (UTC microseconds) on the clock of `zone`.
fn cell(us: i64, zone: Tz) -> Option<(usize, usize)> {
    let local = DateTime::from_timestamp_micros(us)?.with_timezone(&zone);
    Some((
        local.weekday().num_days_from_monday() as usize,
        local.hour() as usize,
    ))
}

/// Each team's pages (the alert source's, `metrics::source::TeamPages`, of the period without
/// filters: the grid is the team's whole week of pages), counted on its team's clock. Pages
/// without a team belong to no grid.
pub fn page_heatmaps(pages: &TeamPages, cfg: &Config) -> PageHeatmaps {
    let mut by_team: BTreeMap<String, PageHeatmap> = BTreeMap::new();
    for (team, times) in pages.iter().filter(|(team, _)| !team.is_empty()) {
        let zone = cfg.team(team).timezone;
        let mut grid = PageHeatmap {
            zone,
            counts: [[0; 24]; 7],
        };
        for &us in times {
            if let Some((d, h)) = cell(us, zone) {
                grid.counts[d][h] += 1;
            }
        }
        by_team.insert(team.clone(), grid);
    }
    PageHeatmaps { by_team }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Scope;
    use crate::metrics::fatigue::testkit::*;
    use crate::metrics::source::{AlertSource, Local};

    /// 2026-W46: Monday 2026-11-09 to Monday 2026-11-16, UTC.
    fn w46() -> Scope {
        scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0))
    }

    #[test]
    fn pages_fall_in_the_cell_of_the_teams_clock() {
        let c = cfg(&[
            ("a", chrono_tz::UTC),
            ("b", chrono_tz::Asia::Tokyo),
            ("c", chrono_tz::America::New_York),
        ]);
        let tue_noon = us(2026, 11, 10, 12, 0, 0);
        let rows = [
            // a (UTC): two pages Tuesday 12:00; an alert that did not page; a page the Monday
            // after the week.
            Al::page("a", tue_noon),
            Al::page("a", tue_noon + 30 * MIN),
            Al::quiet("a", tue_noon),
            Al::page("a", us(2026, 11, 16, 0, 0, 0)),
            // b (UTC+9): Sunday 20:00 UTC is Monday 05:00 in Tokyo; Monday 00:30 UTC is 09:30.
            Al::page("b", us(2026, 11, 15, 20, 0, 0)),
            Al::page("b", us(2026, 11, 9, 0, 30, 0)),
            // c (UTC-5 in November): Tuesday 03:00 UTC is Monday 22:00 in New York.
            Al::page("c", us(2026, 11, 10, 3, 0, 0)),
        ];
        let pages = Local.pages(&frames(&rows, &[]), &w46()).unwrap();
        let maps = page_heatmaps(&pages, &c);

        let a = maps.of("a", &c);
        assert_eq!(a.zone, chrono_tz::UTC);
        assert_eq!(a.counts[1][12], 2);
        assert_eq!(a.total(), 2);

        let b = maps.of("b", &c);
        assert_eq!(b.zone, chrono_tz::Asia::Tokyo);
        assert_eq!((b.counts[0][5], b.counts[0][9], b.total()), (1, 1, 2));
        assert_eq!(b.counts[6][20], 0, "not on the UTC clock");

        let c_map = maps.of("c", &c);
        assert_eq!((c_map.counts[0][22], c_map.total()), (1, 1));

        // A team without pages: an empty grid on its own clock.
        let none = maps.of("b-quiet", &c);
        assert_eq!(none.total(), 0);
        assert_eq!(none.zone, c.team("b-quiet").timezone);
    }
}
