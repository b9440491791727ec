//! The reduce step of the `fatigue_shift` table as SQL: what `fatigue::shift::reduce` lists
//! locally, written as two tables after the fatigue job's own (docs/scale-out.md, "Fatigue"):
//!
//! - `fatigue_shifts (team, person, timezone, s, e)`: the on-call shifts of the scope's teams
//!   overlapping the period (`am_shifts`), instants in UTC microseconds, the zone as written;
//! - `fatigue_shift_pages (team, person, s, t, sleep)`: each page of a shift's team inside both
//!   the shift and the period, with whether it fell in sleep hours in the shift's zone (the
//!   team's when the zone table does not know the shift's), as `local_view` judges pages.
//!
//! The finish step merges each shift's pages into interruptions and counts the sleep-hour ones.

use super::Params;
use super::dialect::Engine;
use super::fatigue_sql::{local_view, sleep_test};

/// The statements after the fatigue job's classified alerts and shifts (`classified_views`).
pub(super) fn statements(e: Engine, p: &Params) -> Vec<String> {
    let shifts = "SELECT team, person, timezone, s, e FROM am_shifts".to_string();
    // Every covering shift, not only the primary one: each person's shift counts its pages.
    let judged = format!(
        "(SELECT c.team, c.t, sh.person, sh.s AS shift_start, sh.zone AS shift_zone\n\
         FROM am_shifts sh JOIN am_classified c ON c.team = sh.team AND c.paged\n  \
           AND c.t >= {from} AND c.t >= sh.s AND c.t < sh.e)",
        from = p.from_us
    );
    let pages = format!(
        "SELECT l.team, l.person, l.shift_start AS s, l.t, {sleep} AS sleep FROM am_shift_local l",
        sleep = sleep_test()
    );
    vec![
        e.write(&p.out_url, "fatigue_shifts", &shifts),
        local_view(e, "am_shift_local", &judged),
        e.write(&p.out_url, "fatigue_shift_pages", &pages),
    ]
}
