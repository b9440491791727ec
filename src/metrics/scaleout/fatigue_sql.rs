//! The reduce step of alert fatigue as SQL: the same three tables `fatigue::reduce` builds
//! locally, plus a one-row `fatigue_totals`, from the store's `alerts` and `oncall_shifts`, with
//! the definitions of `fatigue::classify` written as window functions and joins
//! (docs/scale-out.md, "Fatigue"). Each view below names the Rust it mirrors. The classified
//! alerts, the primary on-call shift of a page and a page's local time are views the rules job
//! (`rules_sql`) builds on too, so the two families classify alike on every engine. The shifts'
//! pages of `fatigue_shift` are judged by the same views (`shift_statements`).

use super::dialect::Engine;
use super::names::{FATIGUE_SHIFT_PAGES, FATIGUE_SHIFTS, FatiguePart as Part, fatigue_table};
use super::{Params, key_exprs};
use crate::metrics::Dim;
use crate::model::time::{DAY_US, SECOND_US};

/// The person of units no shift covers (`fatigue::groups::NO_SHIFT`).
const NO_SHIFT: &str = "(no shift)";

/// The views of the classified alerts after the source and dimension views: `am_alerts` (as known
/// at as-of), `am_previous`, `am_flagged`, `am_classified` (with the key columns of `p.dims`,
/// the person's aside) and `am_shifts`.
pub(super) fn classified_views(e: Engine, p: &Params) -> Vec<String> {
    let us = |c: &str| e.micros(c);
    let (asof, from, to) = (p.as_of_us, p.from_us, p.to_us);
    let filters = p.filters(e);
    let unless_after =
        |c: &str, v: &str| format!("CASE WHEN {} > {asof} THEN NULL ELSE {v} END", us(c), v = v);
    // classify::prepare: the alerts of the look-back window and the period, as known at as-of
    // (metrics::known, alerts_at).
    let alerts = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_alerts AS\n\
         SELECT fingerprint, team, service, severity, rule, incident_id,\n  \
           {t} AS t,\n  {r} AS r,\n  {a} AS a,\n  \
           {rby} AS resolved_by,\n  {aby} AS acknowledged_by,\n  \
           COALESCE(paged, false) AS paged,\n  \
           CAST(COALESCE(notifications, 0) AS BIGINT) AS notifications\n\
         FROM am_alerts_src\n\
         WHERE fired_at >= {wfrom} AND fired_at < {to_i} AND fired_at <= {asof_i}{filters}",
        t = us("fired_at"),
        r = unless_after("resolved_at", &us("resolved_at")),
        a = unless_after("acknowledged_at", &us("acknowledged_at")),
        rby = unless_after("resolved_at", "resolved_by"),
        aby = unless_after("acknowledged_at", "acknowledged_by"),
        wfrom = e.instant(p.window_from_us),
        to_i = e.instant(to),
        asof_i = e.instant(asof),
    );
    // lookback::previous_resolutions: the latest resolution of older firings, from the alerts as
    // recorded (not revised to as-of), resolved by as-of and near the period.
    let previous = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_previous AS\n\
         SELECT fingerprint, MAX({r}) AS prev_r FROM am_alerts_src\n\
         WHERE fired_at < {wfrom} AND fired_at <= {asof_i}{filters}\n  \
           AND resolved_at >= {rfrom} AND resolved_at <= {asof_i}\n\
         GROUP BY fingerprint",
        r = us("resolved_at"),
        wfrom = e.instant(p.window_from_us),
        asof_i = e.instant(asof),
        rfrom = e.instant(from - p.flap_us),
    );
    // classify::flap_walk: each fingerprint's firings by (instant, resolution, unresolved first);
    // the gap runs from the latest resolution of every earlier firing, and a firing right after an
    // unresolved one is not a flap. Candidates for an episode start have enough firings in the
    // episode window from their instant (ties included: the greedy walk reaches a tie at its
    // first firing).
    let order = "PARTITION BY fingerprint ORDER BY t, r NULLS FIRST";
    let flagged = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_flagged AS\n\
         SELECT x.*,\n  \
           ROW_NUMBER() OVER ({order}) AS seq,\n  \
           LAG(CASE WHEN r IS NULL THEN 1 ELSE 0 END) OVER ({order}) AS after_unresolved,\n  \
           MAX(r) OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_r,\n  \
           COUNT(*) OVER (PARTITION BY fingerprint ORDER BY t RANGE BETWEEN CURRENT ROW AND {ep} \
         FOLLOWING) AS window_firings\n\
         FROM am_alerts x",
        ep = p.episode_us
    );
    // classify: human_ack, actionable, transient; the flap test of hours::is_flapping.
    let quiet = "CASE WHEN p.prev_r IS NULL THEN f.earlier_r WHEN f.earlier_r IS NULL THEN p.prev_r \
                 WHEN p.prev_r > f.earlier_r THEN p.prev_r ELSE f.earlier_r END";
    let keys = key_exprs(e, &p.dims, "f.t");
    // The person key comes with the units (`am_units`); the others with the alert.
    let key_cols: Vec<String> = keys
        .iter()
        .filter(|(n, _)| n != "k_person")
        .map(|(n, x)| format!("{x} AS {n}"))
        .collect();
    let classified = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_classified AS\n\
         SELECT f.*, {keys}\n  \
           (f.a IS NOT NULL AND COALESCE(f.acknowledged_by <> 'auto', true)) OR f.incident_id IS NOT \
         NULL AS actionable,\n  \
           COALESCE(f.r IS NOT NULL AND f.a IS NULL AND COALESCE(f.resolved_by = 'auto', true)\n    \
             AND f.r - f.t >= 0 AND f.r - f.t <= {tr}, false) AS transient,\n  \
           COALESCE(f.after_unresolved, 0) = 0 AND ({quiet}) IS NOT NULL\n    \
             AND f.t - ({quiet}) >= 0 AND f.t - ({quiet}) <= {flap} AS flapping\n\
         FROM am_flagged f LEFT JOIN am_previous p ON f.fingerprint = p.fingerprint",
        keys = key_cols.iter().map(|k| format!("{k},")).collect::<String>(),
        tr = p.transient_us,
        flap = p.flap_us,
    );
    // shifts::primary_team's input: the shifts of the scope's teams overlapping the period.
    let shifts = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_shifts AS\n\
         SELECT team, person, timezone, trim(timezone) AS zone, {s} AS s, {en} AS e FROM am_shifts_src\n\
         WHERE starts_at < {to_i} AND ends_at > {from_i}{tf}",
        s = us("starts_at"),
        en = us("ends_at"),
        to_i = e.instant(p.to_us),
        from_i = e.instant(p.from_us),
        tf = p.team_filter(e),
    );
    vec![alerts, previous, flagged, classified, shifts]
}

/// `am_primary`: the pages of the period with the covering shift of their team that started
/// first, then by person (`shift_rank` 1; shifts::primary_team), none when no shift covers them.
pub(super) fn primary_view(p: &Params) -> String {
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_primary AS\n\
         SELECT c.*, sh.zone AS shift_zone,\n  \
           ROW_NUMBER() OVER (PARTITION BY c.fingerprint, c.seq ORDER BY sh.s, sh.person NULLS \
         FIRST) AS shift_rank\n\
         FROM am_classified c LEFT JOIN am_shifts sh ON sh.team = c.team AND sh.s <= c.t AND c.t < \
         sh.e\nWHERE c.t >= {from} AND c.paged",
        from = p.from_us
    )
}

/// The view `name` (`am_local`, unless a job judges two sets of pages): the pages of `judged`
/// (with their `shift_zone`) with the judge's settings, local time (`local_us`), local day and
/// time of day (judges: the shift's zone when the zone table knows it, else the team's).
pub(super) fn local_view(e: Engine, name: &str, judged: &str) -> String {
    let day = e.floor_div("j.local_us", DAY_US);
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW {name} AS\n\
         SELECT j.*, {day} AS day, j.local_us - {day} * {DAY_US} AS tod FROM (\n\
         SELECT pr.*, st.settings_id, st.business_start_us, st.business_end_us, st.sleep_start_us,\n  \
           st.sleep_end_us, st.business_days, pr.t + tz.offset_s * {SECOND_US} AS local_us\n\
         FROM {judged} pr\n\
         LEFT JOIN am_teams tm ON tm.team = pr.team\n\
         JOIN am_settings st ON st.settings_id = COALESCE(tm.settings_id, 0)\n\
         LEFT JOIN (SELECT DISTINCT zone FROM am_tz) zn ON zn.zone = pr.shift_zone\n\
         JOIN am_tz tz ON tz.zone = COALESCE(zn.zone, st.zone) AND tz.from_us <= pr.t AND pr.t < \
         tz.to_us\n\
         ) j"
    )
}

/// Whether an `am_local` row `l`'s time of day lies in `[lo, hi)`, wrapping past midnight when
/// `lo` is not before `hi` (hours::Window::contains).
fn within(lo: &str, hi: &str) -> String {
    format!(
        "CASE WHEN {lo} < {hi} THEN l.tod >= {lo} AND l.tod < {hi} ELSE l.tod >= {lo} OR l.tod < {hi} END"
    )
}

/// Whether an `am_local` row `l` lies in its judge's sleep hours (hours::bucket: sleep wins).
pub(super) fn sleep_test() -> String {
    within("l.sleep_start_us", "l.sleep_end_us")
}

/// The statements after the source and dimension views: the classified alerts, the judged pages,
/// and the four writes.
pub(super) fn statements(e: Engine, p: &Params) -> Vec<String> {
    let from = p.from_us;
    let keys = key_exprs(e, &p.dims, "f.t");
    let by_person = p.dims.contains(&Dim::Person);
    let names: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
    let key_list = names.join(", ");
    // units::attribute: by person, one unit per covering shift of the alert's team, else one
    // under "(no shift)" (merge key: the person, or the team's uncovered pages apart).
    let units_view = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_units AS\n\
         SELECT c.*, sh.zone AS shift_zone, sh.s AS shift_start,\n  \
           CASE WHEN sh.s IS NULL THEN '{NO_SHIFT}' ELSE COALESCE(sh.person, '') END AS k_person,\n  \
           CASE WHEN sh.s IS NOT NULL THEN concat('p:', COALESCE(sh.person, ''))\n    \
             WHEN c.team IS NULL THEN 'n:' ELSE concat('t:', c.team) END AS merge_key\n\
         FROM am_classified c LEFT JOIN am_shifts sh ON sh.team = c.team AND sh.s <= c.t AND c.t < \
         sh.e\nWHERE c.t >= {from}"
    );
    let units = if by_person {
        "am_units".to_string()
    } else {
        format!("am_classified WHERE t >= {from}")
    };
    let groups = format!(
        "SELECT {key_list},\n  COUNT(*) AS alerts,\n  \
         SUM(CASE WHEN paged THEN 1 ELSE 0 END) AS pages,\n  \
         SUM(CASE WHEN paged AND actionable THEN 1 ELSE 0 END) AS actionable,\n  \
         SUM(CASE WHEN transient THEN 1 ELSE 0 END) AS transient,\n  \
         SUM(CASE WHEN flapping THEN 1 ELSE 0 END) AS flapping,\n  \
         SUM(CASE WHEN incident_id IS NOT NULL THEN 1 ELSE 0 END) AS incident_alerts,\n  \
         COUNT(DISTINCT incident_id) AS incidents,\n  \
         SUM(CASE WHEN notifications > 1 THEN notifications - 1 ELSE 0 END) AS repeats\n\
         FROM {units}\nGROUP BY {key_list}"
    );
    // The pages with the shift whose zone judges them: each unit's own by person, else the
    // primary's, and their merge key.
    let judged = if by_person {
        "(SELECT * FROM am_units WHERE paged)".to_string()
    } else {
        "(SELECT *, team AS merge_key FROM am_primary WHERE shift_rank = 1)".to_string()
    };
    let local = local_view(e, "am_local", &judged);
    let sleep = sleep_test();
    let business = within("l.business_start_us", "l.business_end_us");
    let weekday = e.rem("l.day + 3", 7);
    let pages = format!(
        "SELECT l.merge_key, l.t, {keys},\n  \
           CASE WHEN {sleep} THEN 'sleep'\n    \
             WHEN substring(l.business_days, CAST({weekday} AS INT) + 1, 1) = '1' AND h.day IS NULL \
         AND {business}\n    THEN 'business' ELSE 'off' END AS bucket,\n  \
           CASE WHEN {sleep} THEN CASE WHEN l.sleep_start_us >= l.sleep_end_us AND l.tod < \
         l.sleep_end_us THEN l.day - 1 ELSE l.day END END AS night,\n  \
           l.a - l.t AS tta_us\n\
         FROM am_local l LEFT JOIN am_holidays h ON h.settings_id = l.settings_id AND h.day = l.day",
        keys = names
            .iter()
            .map(|n| format!("l.{n}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    // Candidates before the period have no group; in it, one row per unit.
    let no_keys: String = names.iter().map(|n| format!(", NULL AS {n}")).collect();
    let firings = format!(
        "SELECT fingerprint, seq, t, true AS in_period, {key_list}\n\
         FROM {units} AND window_firings >= {need}\n\
         UNION ALL\n\
         SELECT fingerprint, seq, t, false AS in_period{no_keys}\n\
         FROM am_classified WHERE t < {from} AND window_firings >= {need}",
        units = if by_person {
            "am_units WHERE true".to_string()
        } else {
            units.clone()
        },
        need = p.episode_firings,
    );
    // Per alert, not per unit; the alerts no shift covers, by person.
    let no_shift = if by_person {
        "(SELECT COUNT(*) FROM am_units WHERE shift_start IS NULL)"
    } else {
        "0"
    };
    let totals = format!(
        "SELECT SUM(CASE WHEN paged AND a IS NOT NULL AND a < t THEN 1 ELSE 0 END) AS negative_tta,\n  \
         COUNT(*) AS alerts, {no_shift} AS no_shift_alerts FROM am_classified WHERE t >= {from}"
    );
    let mut out = classified_views(e, p);
    if by_person {
        out.push(units_view);
    } else {
        out.push(primary_view(p));
    }
    out.extend([
        e.write(&p.out_url, &fatigue_table(p.prefix, Part::Groups), &groups),
        local,
        e.write(&p.out_url, &fatigue_table(p.prefix, Part::Pages), &pages),
        e.write(
            &p.out_url,
            &fatigue_table(p.prefix, Part::Firings),
            &firings,
        ),
        e.write(&p.out_url, &fatigue_table(p.prefix, Part::Totals), &totals),
    ]);
    out
}

/// The reduce step of `fatigue_shift`, after the classified alerts and shifts
/// (`classified_views`): what `fatigue::shift::reduce` lists locally, as two tables
/// (docs/scale-out.md, "Fatigue"): `fatigue_shifts (team, person, timezone, s, e)`, the shifts of
/// the scope's teams overlapping the period, and `fatigue_shift_pages (team, person, s, t,
/// sleep)`, each page of a shift's team inside both the shift and the period with whether it fell
/// in sleep hours in the shift's zone (the team's when the zone table does not know it), judged as
/// `local_view` judges pages. The finish step merges them into interruptions.
pub(super) fn shift_statements(e: Engine, p: &Params) -> Vec<String> {
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
        e.write(&p.out_url, FATIGUE_SHIFTS, &shifts),
        local_view(e, "am_shift_local", &judged),
        e.write(&p.out_url, FATIGUE_SHIFT_PAGES, &pages),
    ]
}
