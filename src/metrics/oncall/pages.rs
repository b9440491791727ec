//! The pages routed to each person on call, and the interruptions they made: a page of a team
//! goes to every person whose shift of that team covers its firing (`Shifts::cover_team`, as
//! alert fatigue by person routes it), is judged in the zone of that person's shift with the
//! team's hours and holidays (`fatigue::judges::shift_judge`), and the person's pages merge into
//! interruptions by the fatigue family's rule (`hours::merge_interruptions`). Pages no shift
//! covers are counted for a note, not given to anyone. The pages themselves are the alert source's
//! (`metrics::source::TeamPages`), from either engine.

use super::Load;
use super::walk::{Person, Roster};
use crate::config::Config;
use crate::metrics::fatigue::ids::{month_index, week_index};
use crate::metrics::fatigue::judges::shift_judge;
use crate::metrics::fatigue::shifts::Shifts;
use crate::metrics::hours::{self, Bucket};
use crate::metrics::source::TeamPages;

/// Add every person's pages, interruptions and interrupted nights to the roster; returns the
/// pages no shift covered.
pub(super) fn add_pages(
    pages: &TeamPages,
    cfg: &Config,
    shifts: &Shifts,
    roster: &mut Roster,
) -> u64 {
    let window = i64::from(cfg.thresholds.interruption_merge_seconds);
    let mut uncovered = 0u64;
    for (team, times) in pages {
        let entries: Vec<(i64, i64, u32)> = times
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, 0, i as u32))
            .collect();
        // (person, page, shift): the shift that judges the page is the person's first covering.
        let mut hits: Vec<(&str, usize, u32)> = vec![];
        shifts.cover_team(team, &entries, |i, s| {
            hits.push((shifts.list[s as usize].person.as_str(), i, s));
        });
        let mut covered = vec![false; times.len()];
        hits.iter().for_each(|&(_, i, _)| covered[i] = true);
        uncovered += covered.iter().filter(|c| !**c).count() as u64;
        hits.sort_unstable();
        hits.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        for run in hits.chunk_by(|a, b| a.0 == b.0) {
            let who: Person = (team.clone(), run[0].0.to_string());
            let mine: Vec<i64> = run.iter().map(|&(_, i, _)| times[i]).collect();
            for &t in &mine {
                roster.each(&who, week_index(t), month_index(t), |l| l.pages += 1);
            }
            for start in hours::merge_interruptions(&mine, window) {
                let (_, _, s) = run[start];
                let judge = shift_judge(cfg, &shifts.list[s as usize]);
                let t = mine[start];
                let bucket = hours::bucket(t, &judge);
                let bump = |l: &mut Load| {
                    l.interruptions += 1;
                    match bucket {
                        Bucket::Business => l.business_int += 1,
                        Bucket::Off => l.off_int += 1,
                        Bucket::Sleep => l.sleep_int += 1,
                    }
                };
                roster.each(&who, week_index(t), month_index(t), bump);
                if let Some(night) = hours::night_of(t, &judge) {
                    interrupted(roster, &who, night, t);
                }
            }
        }
    }
    uncovered
}

/// Count a night as interrupted once, in the week and month its on-call hours were counted in.
fn interrupted(roster: &mut Roster, who: &Person, night: chrono::NaiveDate, t: i64) {
    let key = (who.clone(), night);
    let seen = roster.interrupted.contains(&key);
    if seen {
        return;
    }
    let (week, month) = roster
        .nights
        .get(&key)
        .copied()
        .unwrap_or((week_index(t), month_index(t)));
    roster.interrupted.insert(key);
    roster.each(who, week, month, |l| l.nights_interrupted += 1);
}
