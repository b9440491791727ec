-- `aftermath metrics all` written as DuckDB SQL over the same Parquet store, for the timing
-- comparison in BENCHMARKS.md ("Metrics"). Run by benches/metrics_duckdb.py, which replaces
-- $STORE, $FROM, $TO and $AS_OF (UTC instants) and creates `team_zone(team, zone)` from the
-- config before running this file; each statement after a `-- name:` line is one metric table,
-- materialised whole in a temporary table as aftermath builds each table whole in memory.
--
-- What is the same: the row selection (period by detected_at / fired_at, exclusions by kind and
-- merged_into), the per-incident durations with open incidents censored at --as-of and negative
-- durations left out, Kaplan-Meier medians when a group has censored rows, p90 from n >= 29,
-- Wilson intervals, the alert flags (actionable, transient, flapping with its lookback before the
-- period), hours judged in the on-call person's zone else the team's (DST-correct, ICU), nights,
-- XmR limits, the noisy-rule score and top 10, recurrence by fingerprint or by title-template
-- Jaccard >= 0.6 within 30 and 90 days, action-item completion and overdue, missing postmortems
-- after 5 business days, the quality counts and the data range.
--
-- What is not (each costs about the same either way, so the timing stays comparable):
-- - interruptions: aftermath anchors the 60 s merge at the interruption's first page; a greedy
--   anchor needs a sequential pass, so here a page starts an interruption when it comes more than
--   60 s after the previous page of its team (chained); flapping episodes likewise (3+ firings
--   within 60 min from a firing with no firing in the hour before it) instead of aftermath's
--   greedy episodes;
-- - the earlier firings of a flap are looked for 70 minutes before the period only, and the gap is
--   taken from the previous firing alone (aftermath: from the latest resolution of any earlier one);
-- - exact Poisson intervals of counts and the order-statistic interval of medians need chi-square
--   and binomial quantiles, which DuckDB does not have: left out;
-- - title templates: four regular expressions (uuid, host, percentage, number with unit) instead
--   of aftermath's word classifier (src/metrics/template.rs);
-- - recurrence clusters are connected components of the match graph: not expressible without a
--   recursive query over every pair, left out;
-- - rejected-row counts come from the store's _rejected log (NDJSON), not read here;
-- - the default hours (business Mon-Fri 08:00-18:00, sleep 22:00-08:00) for every team, and no
--   holidays: the benchmark's config sets neither per team.

SET TimeZone = 'UTC';
CREATE OR REPLACE TEMP VIEW incidents AS
    SELECT * FROM read_parquet('$STORE/incidents/**/*.parquet', hive_partitioning = true);
CREATE OR REPLACE TEMP VIEW alerts AS
    SELECT * FROM read_parquet('$STORE/alerts/**/*.parquet', hive_partitioning = true);
CREATE OR REPLACE TEMP VIEW action_items AS
    SELECT * FROM read_parquet('$STORE/action_items/**/*.parquet', hive_partitioning = true);
CREATE OR REPLACE TEMP VIEW oncall_shifts AS
    SELECT * FROM read_parquet('$STORE/oncall_shifts/**/*.parquet', hive_partitioning = true);
CREATE OR REPLACE MACRO wilson_low(x, n) AS CASE WHEN n > 0 THEN 100 * (
    (x / n + 1.9208 / n) / (1 + 3.8415 / n)
    - 1.96 * sqrt(x / n * (1 - x / n) / n + 0.9604 / (n * n)) / (1 + 3.8415 / n)) END;
CREATE OR REPLACE MACRO wilson_high(x, n) AS CASE WHEN n > 0 THEN 100 * (
    (x / n + 1.9208 / n) / (1 + 3.8415 / n)
    + 1.96 * sqrt(x / n * (1 - x / n) / n + 0.9604 / (n * n)) / (1 + 3.8415 / n)) END;
CREATE OR REPLACE MACRO minutes(a, b) AS (epoch_us(b) - epoch_us(a)) / 60e6;
CREATE OR REPLACE TEMP VIEW inc AS
    SELECT *, CASE WHEN kind IN ('maintenance', 'gameday', 'test', 'duplicate') THEN 'kind = ' || kind
                   WHEN merged_into IS NOT NULL THEN 'merged into ' || merged_into END AS excluded,
           resolved_at IS NULL OR resolved_at > TIMESTAMPTZ '$AS_OF' AS is_open
    FROM incidents;

-- name: incidents
SELECT team, severity, count(*) FILTER (excluded IS NULL) AS incidents,
       count(*) FILTER (excluded IS NULL AND is_open) AS open,
       count(*) FILTER (excluded IS NOT NULL) AS excluded,
       (SELECT string_agg(n || ' ' || r, ', ' ORDER BY n DESC, r) FROM (
            SELECT excluded AS r, count(*) AS n FROM inc i2
            WHERE i2.team = i.team AND i2.severity = i.severity AND i2.excluded IS NOT NULL
              AND i2.detected_at >= '$FROM' AND i2.detected_at < '$TO' GROUP BY 1)) AS excluded_reasons
FROM inc i WHERE detected_at >= '$FROM' AND detected_at < '$TO'
GROUP BY ALL ORDER BY ALL;

-- name: durations (ttd, tta, ttm, ttr)
WITH p AS (SELECT * FROM inc WHERE detected_at >= '$FROM' AND detected_at < '$TO'),
d AS (
    SELECT 'ttd' AS metric, team, severity, excluded, 'impact' AS start,
           minutes(impact_started_at, detected_at) AS m, false AS censored
    FROM p WHERE impact_started_at IS NOT NULL
    UNION ALL
    SELECT 'tta', team, severity, excluded, 'detected',
           CASE WHEN acknowledged_at IS NOT NULL THEN minutes(detected_at, acknowledged_at)
                ELSE minutes(detected_at, TIMESTAMPTZ '$AS_OF') END, acknowledged_at IS NULL
    FROM p WHERE acknowledged_at IS NOT NULL OR is_open
    UNION ALL
    SELECT 'ttm', team, severity, excluded, CASE WHEN impact_started_at IS NULL THEN 'detected' ELSE 'impact' END,
           minutes(coalesce(impact_started_at, detected_at),
                   CASE WHEN is_open AND mitigated_at IS NULL THEN TIMESTAMPTZ '$AS_OF'
                        ELSE coalesce(mitigated_at, resolved_at) END),
           is_open AND mitigated_at IS NULL
    FROM p
    UNION ALL
    SELECT 'ttr', team, severity, excluded, CASE WHEN impact_started_at IS NULL THEN 'detected' ELSE 'impact' END,
           minutes(coalesce(impact_started_at, detected_at), CASE WHEN is_open THEN TIMESTAMPTZ '$AS_OF' ELSE resolved_at END),
           is_open
    FROM p),
ok AS (SELECT * FROM d WHERE excluded IS NULL AND m >= 0),
-- Kaplan-Meier: survival after each distinct duration, from the events and the number at risk.
km AS (SELECT metric, team, severity, m, count(*) FILTER (NOT censored) AS events, count(*) AS leaving
       FROM ok GROUP BY ALL),
km2 AS (SELECT *, sum(leaving) OVER (PARTITION BY metric, team, severity ORDER BY m DESC) AS at_risk FROM km),
km3 AS (SELECT *, exp(sum(ln(greatest(1 - events / at_risk, 1e-300)))
                      OVER (PARTITION BY metric, team, severity ORDER BY m)) AS survival FROM km2),
kmm AS (SELECT metric, team, severity, min(m) FILTER (survival <= 0.5) AS km_median FROM km3 GROUP BY ALL)
SELECT metric, team, severity, count(*) AS n, count(*) FILTER (censored) AS n_open,
       (SELECT count(*) FROM d d2 WHERE d2.metric = ok.metric AND d2.team = ok.team
          AND d2.severity = ok.severity AND d2.excluded IS NOT NULL) AS n_excluded,
       count(*) FILTER (start = 'impact') AS start_impact, count(*) FILTER (start = 'detected') AS start_detected,
       CASE WHEN count(*) FILTER (censored) > 0 THEN any_value(kmm.km_median) ELSE median(m) END AS median_min,
       CASE WHEN count(*) FILTER (censored) > 0 THEN 'kaplan-meier' ELSE 'sample' END AS median_method,
       CASE WHEN count(*) >= 29 THEN quantile_cont(m, 0.9) ELSE max(m) END AS p90_min,
       avg(m) AS mean_skew_sensitive_min
FROM ok JOIN kmm USING (metric, team, severity)
GROUP BY ALL ORDER BY ALL;

-- name: negative_durations
SELECT team, severity, incident_id, 'resolved before detected' AS problem FROM inc
WHERE detected_at >= '$FROM' AND detected_at < '$TO' AND excluded IS NULL
  AND (resolved_at < coalesce(impact_started_at, detected_at) OR acknowledged_at < detected_at
       OR mitigated_at < coalesce(impact_started_at, detected_at) OR detected_at < impact_started_at)
ORDER BY ALL;

-- name: (alerts of the period with their flags, zones and hour buckets; shared by fatigue and rules)
CREATE OR REPLACE TEMP TABLE a AS
WITH w AS (
    SELECT team, rule, fingerprint, fired_at, resolved_at, acknowledged_at, acknowledged_by,
           resolved_by, coalesce(paged, false) AS paged, coalesce(notifications, 0) AS notifications, incident_id,
           lag(resolved_at) OVER f AS prev_resolved, lag(fired_at) OVER f AS prev_fired,
           -- 3+ firings within 60 min from this one: the second next firing is within 60 min.
           lead(fired_at, 2) OVER f AS third_fired
    FROM alerts
    WHERE fired_at >= TIMESTAMPTZ '$FROM' - INTERVAL 70 MINUTE AND fired_at < '$TO'
    -- The hash of the fingerprint partitions as well as the text and sorts faster.
    WINDOW f AS (PARTITION BY hash(fingerprint) ORDER BY fired_at, resolved_at NULLS LAST)),
flags AS (
    SELECT team, rule, fired_at, resolved_at, acknowledged_at, paged, notifications, incident_id,
        paged AND ((acknowledged_at IS NOT NULL AND coalesce(acknowledged_by <> 'auto', true))
                   OR incident_id IS NOT NULL) AS actionable,
        coalesce(resolved_at IS NOT NULL AND acknowledged_at IS NULL AND coalesce(resolved_by = 'auto', true)
                 AND resolved_at >= fired_at AND resolved_at <= fired_at + INTERVAL 300 SECOND, false) AS transient,
        coalesce(fired_at >= prev_resolved AND fired_at <= prev_resolved + INTERVAL 10 MINUTE, false) AS flapping,
        coalesce(third_fired <= fired_at + INTERVAL 60 MINUTE, false)
            AND (prev_fired IS NULL OR fired_at > prev_fired + INTERVAL 60 MINUTE) AS episode
    FROM w WHERE fired_at >= '$FROM'),
-- Only pages are judged by the hour and counted per shift: the zone is looked up for them alone.
pages AS (
    SELECT p.*, s.person, s.starts_at AS shift_start,
           fired_at > lag(fired_at) OVER (PARTITION BY p.team ORDER BY fired_at) + INTERVAL 60 SECOND
               OR lag(fired_at) OVER (PARTITION BY p.team ORDER BY fired_at) IS NULL AS interruption,
           timezone(CASE WHEN p.fired_at < s.ends_at THEN s.timezone ELSE coalesce(z.zone, 'UTC') END, p.fired_at) AS lt
    FROM (SELECT * FROM flags WHERE paged) p
    ASOF LEFT JOIN oncall_shifts s ON p.team = s.team AND p.fired_at >= s.starts_at
    LEFT JOIN team_zone z ON z.team = p.team),
judged AS (
    SELECT * EXCLUDE (lt),
        CASE WHEN hour(lt) >= 22 OR hour(lt) < 8 THEN 'sleep'
             WHEN isodow(lt) <= 5 AND hour(lt) >= 8 AND hour(lt) < 18 THEN 'business'
             ELSE 'off' END AS bucket,
        CASE WHEN hour(lt) >= 22 THEN CAST(lt AS DATE) WHEN hour(lt) < 8 THEN CAST(lt AS DATE) - 1 END AS night
    FROM pages
    UNION ALL BY NAME
    SELECT *, false AS interruption FROM flags WHERE NOT paged)
SELECT *, date_trunc('week', fired_at) AS wk FROM judged;

-- name: fatigue
-- Distinct nights and incidents are counted from their own distinct rows: DuckDB's DISTINCT
-- aggregates are much slower than a DISTINCT subquery joined back.
WITH nights AS (SELECT team, wk, count(*) AS nights_interrupted
                FROM (SELECT DISTINCT team, wk, night FROM a WHERE interruption AND night IS NOT NULL) GROUP BY ALL),
incs AS (SELECT team, wk, count(*) AS incidents
         FROM (SELECT DISTINCT team, wk, incident_id FROM a WHERE incident_id IS NOT NULL) GROUP BY ALL),
counts AS (
    SELECT team, wk, count(*) AS alerts, count(*) FILTER (paged) AS pages,
        count(*) FILTER (interruption) AS interruptions,
        count(*) FILTER (interruption AND bucket = 'business') AS business_interruptions,
        count(*) FILTER (interruption AND bucket = 'off') AS off_interruptions,
        count(*) FILTER (interruption AND bucket = 'sleep') AS sleep_interruptions,
        count(*) FILTER (actionable) AS actionable, count(*) FILTER (transient) AS transient,
        count(*) FILTER (flapping) AS flapping_alerts, count(*) FILTER (episode) AS flapping_episodes,
        count(incident_id) AS incident_alerts,
        sum(greatest(CAST(notifications AS BIGINT) - 1, 0)) AS notification_repeats,
        count(*) FILTER (paged AND acknowledged_at >= fired_at) AS pages_acked,
        median(minutes(fired_at, acknowledged_at)) FILTER (paged AND acknowledged_at >= fired_at) AS page_tta_median_min
    FROM a GROUP BY ALL),
g AS (SELECT counts.* EXCLUDE (incident_alerts), coalesce(nights_interrupted, 0) AS nights_interrupted,
             incident_alerts / incidents AS alerts_per_incident
      FROM counts LEFT JOIN nights USING (team, wk) LEFT JOIN incs USING (team, wk)),
weeks AS (SELECT team, unnest(range(TIMESTAMPTZ '$FROM', TIMESTAMPTZ '$TO', INTERVAL 7 DAY)) AS wk
           FROM (SELECT DISTINCT team FROM a)),
series AS (SELECT team, wk, coalesce(g.interruptions, 0) AS x,
                  abs(coalesce(g.interruptions, 0) - lag(coalesce(g.interruptions, 0)) OVER (PARTITION BY team ORDER BY wk)) AS mr
           FROM weeks LEFT JOIN g USING (team, wk)),
xmr AS (SELECT team, avg(x) + 2.66 * avg(mr) AS upper, greatest(avg(x) - 2.66 * avg(mr), 0) AS lower FROM series GROUP BY team)
SELECT team, strftime(wk, '%G-W%V') AS week, g.* EXCLUDE (team, wk, actionable, transient),
       100.0 * actionable / nullif(pages, 0) AS actionable_pct,
       wilson_low(actionable, pages) AS actionable_low_pct, wilson_high(actionable, pages) AS actionable_high_pct,
       100.0 * transient / alerts AS transient_pct, 100.0 * flapping_alerts / alerts AS flapping_pct,
       upper AS interruptions_xmr_upper, lower AS interruptions_xmr_lower,
       interruptions > upper OR interruptions < lower AS interruptions_signal
FROM g JOIN xmr USING (team) ORDER BY team, week;

-- name: fatigue_shift
WITH g AS (
    SELECT s.team, s.person, s.starts_at, s.ends_at,
           minutes(greatest(s.starts_at, TIMESTAMPTZ '$FROM'), least(s.ends_at, TIMESTAMPTZ '$TO')) / 60 AS hours,
           count(*) FILTER (a.paged) AS pages, count(*) FILTER (a.interruption) AS interruptions,
           count(*) FILTER (a.interruption AND a.bucket = 'sleep') AS sleep_interruptions
    FROM oncall_shifts s LEFT JOIN a ON a.team = s.team AND a.shift_start = s.starts_at AND a.fired_at < s.ends_at
    WHERE s.starts_at < '$TO' AND s.ends_at > '$FROM'
    GROUP BY s.team, s.person, s.starts_at, s.ends_at)
SELECT *, pages / (hours / 12) AS pages_per_12h, pages / (hours / 12) > 2 AS over_limit
FROM g ORDER BY team, person, starts_at;

-- name: rules_by_team
WITH r AS (
    SELECT team, rule, count(*) AS alerts, count(*) FILTER (paged) AS pages,
           count(*) FILTER (paged AND bucket = 'sleep') AS sleep_pages, count(*) FILTER (actionable) AS actionable,
           100.0 * count(*) FILTER (transient) / count(*) AS transient_pct,
           100.0 * count(*) FILTER (flapping) / count(*) AS flapping_pct,
           median(minutes(fired_at, resolved_at)) FILTER (resolved_at >= fired_at) AS median_ttr_min
    FROM a GROUP BY ALL HAVING count(*) FILTER (paged) > 0),
s AS (SELECT *, (pages + 2 * sleep_pages) * (1 - actionable / pages) AS score,
             row_number() OVER (PARTITION BY team ORDER BY (pages + 2 * sleep_pages) * (1 - actionable / pages) DESC, rule) AS rank
      FROM r)
SELECT team, rule, rank, alerts, pages, sleep_pages, score, 100.0 * actionable / pages AS actionable_pct,
       transient_pct, flapping_pct, median_ttr_min, pages >= 5 AND actionable / pages < 0.5 AS flagged
FROM s WHERE rank <= 10 ORDER BY team, rank;

-- name: rules_overall
WITH r AS (
    SELECT rule, count(*) AS alerts, count(*) FILTER (paged) AS pages,
           count(*) FILTER (paged AND bucket = 'sleep') AS sleep_pages, count(*) FILTER (actionable) AS actionable,
           100.0 * count(*) FILTER (transient) / count(*) AS transient_pct,
           100.0 * count(*) FILTER (flapping) / count(*) AS flapping_pct,
           median(minutes(fired_at, resolved_at)) FILTER (resolved_at >= fired_at) AS median_ttr_min
    FROM a GROUP BY ALL HAVING count(*) FILTER (paged) > 0)
SELECT rule, row_number() OVER (ORDER BY (pages + 2 * sleep_pages) * (1 - actionable / pages) DESC, rule) AS rank,
       alerts, pages, sleep_pages, (pages + 2 * sleep_pages) * (1 - actionable / pages) AS score,
       100.0 * actionable / pages AS actionable_pct, transient_pct, flapping_pct, median_ttr_min,
       pages >= 5 AND actionable / pages < 0.5 AS flagged
FROM r ORDER BY rank LIMIT 10;

-- name: recurrence (by team; the overall row is the sum)
WITH h AS (
    SELECT incident_id, team, coalesce(service, '') AS service, detected_at, fingerprint,
           detected_at >= '$FROM' AS in_period,
           regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(title),
               '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g'),
               '\b[a-z][a-z0-9]*(-[a-z0-9]+)*-[a-z]*[0-9][a-z0-9]*\b', '<host>', 'g'),
               '[0-9]+(\.[0-9]+)?%', '<pct>', 'g'),
               '\b[0-9]+(\.[0-9]+)?( ?(gb|mb|kb|b|k|ms|s|m|h|d))?\b', '<num>', 'g') AS template
    FROM inc
    WHERE excluded IS NULL AND detected_at >= TIMESTAMPTZ '$FROM' - INTERVAL 90 DAY AND detected_at < '$TO'),
t AS (SELECT DISTINCT team, service, template,
             list_distinct(regexp_extract_all(template, '<[a-z]+>|\w+')) AS tokens FROM h),
-- Matching templates of one team and service (every template matches itself).
tm AS (SELECT x.team, x.service, x.template, y.template AS other
       FROM t x JOIN t y ON x.team = y.team AND x.service = y.service
       WHERE len(list_intersect(x.tokens, y.tokens)) >= 0.6 * len(list_distinct(list_concat(x.tokens, y.tokens)))),
-- For each incident of the period and each template it matches, the latest earlier incident with
-- that template (without a fingerprint when this one has one), then the latest earlier incident
-- with the same fingerprint.
q AS (SELECT h.*, tm.other FROM h JOIN tm USING (team, service, template) WHERE h.in_period),
title_any AS (
    SELECT q.incident_id, e.detected_at AS prev
    FROM (SELECT * FROM q WHERE fingerprint IS NULL) q
    ASOF JOIN h e ON e.team = q.team AND e.service = q.service AND e.template = q.other
                  AND q.detected_at > e.detected_at),
title_no_fp AS (
    SELECT q.incident_id, e.detected_at AS prev
    FROM (SELECT * FROM q WHERE fingerprint IS NOT NULL) q
    ASOF JOIN (SELECT * FROM h WHERE fingerprint IS NULL) e
        ON e.team = q.team AND e.service = q.service AND e.template = q.other AND q.detected_at > e.detected_at),
by_title AS (SELECT incident_id, max(prev) AS prev
             FROM (SELECT * FROM title_any UNION ALL SELECT * FROM title_no_fp) GROUP BY 1),
by_fp AS (
    SELECT q.incident_id, e.detected_at AS prev
    FROM (SELECT * FROM h WHERE in_period AND fingerprint IS NOT NULL) q
    ASOF JOIN (SELECT * FROM h WHERE fingerprint IS NOT NULL) e
        ON e.fingerprint = q.fingerprint AND q.detected_at > e.detected_at),
latest AS (SELECT h.team, h.detected_at, greatest(bt.prev, bf.prev) AS prev
           FROM h LEFT JOIN by_title bt USING (incident_id) LEFT JOIN by_fp bf USING (incident_id) WHERE h.in_period)
SELECT team, count(*) AS incidents,
       count(*) FILTER (prev >= detected_at - INTERVAL 30 DAY) AS recurrences,
       100.0 * recurrences / count(*) AS repeat_rate_pct,
       wilson_low(recurrences, count(*)) AS repeat_rate_low_pct, wilson_high(recurrences, count(*)) AS repeat_rate_high_pct,
       count(*) FILTER (prev >= detected_at - INTERVAL 90 DAY) AS recurrences_long,
       100.0 * recurrences_long / count(*) AS repeat_rate_long_pct
FROM latest GROUP BY ALL ORDER BY team;

-- name: actions
WITH i AS (
    SELECT ai.*, coalesce(inc.team, 'unassigned') AS team,
           CASE ai.priority WHEN 'P0' THEN 28 WHEN 'P1' THEN 28 WHEN 'P2' THEN 56 END AS target_days
    FROM action_items ai LEFT JOIN (SELECT incident_id, team FROM incidents) inc USING (incident_id)
    WHERE ai.created_at >= '$FROM' AND ai.created_at < '$TO')
SELECT priority, team, count(*) AS items, count(*) FILTER (status = 'done') AS done,
       count(*) FILTER (status = 'wont_do') AS wont_do, count(*) FILTER (status = 'open') AS open,
       100.0 * done / nullif(items - wont_do, 0) AS completion_pct,
       wilson_low(done, items - wont_do) AS completion_low_pct, wilson_high(done, items - wont_do) AS completion_high_pct,
       count(*) FILTER (status = 'open' AND due_at < '$AS_OF') AS overdue,
       median(minutes(created_at, completed_at) / 1440) FILTER (status = 'done') AS median_days_to_complete,
       any_value(target_days) AS target_days,
       100.0 * count(*) FILTER (status = 'done' AND minutes(created_at, completed_at) <= target_days * 1440)
             / nullif(count(*) FILTER (status = 'done' AND target_days IS NOT NULL), 0) AS within_target_pct
FROM i GROUP BY ALL ORDER BY ALL;

-- name: actions_overdue_all
SELECT ai.priority, coalesce(inc.team, 'unassigned') AS team, count(*) AS overdue, min(ai.due_at) AS oldest_due,
       minutes(min(ai.due_at), TIMESTAMPTZ '$AS_OF') / 1440 AS oldest_overdue_days
FROM action_items ai LEFT JOIN (SELECT incident_id, team FROM incidents) inc USING (incident_id)
WHERE ai.status = 'open' AND ai.due_at < '$AS_OF'
GROUP BY ALL ORDER BY ALL;

-- name: postmortems_missing
WITH p AS (
    SELECT i.team, severity, incident_id, title, detected_at,
           CAST(timezone(coalesce(z.zone, 'UTC'), detected_at) AS DATE) AS d,
           CAST(timezone(coalesce(z.zone, 'UTC'), TIMESTAMPTZ '$AS_OF') AS DATE) AS e
    FROM inc i LEFT JOIN team_zone z USING (team)
    WHERE detected_at >= '$FROM' AND detected_at < '$TO' AND excluded IS NULL
      AND severity IN ('SEV1', 'SEV2') AND postmortem_url IS NULL)
SELECT team, severity, incident_id, title, detected_at,
       len(list_filter(range(d + 1, greatest(e, d + 1), INTERVAL 1 DAY), lambda x: isodow(x) <= 5)) AS business_days_elapsed
FROM p WHERE business_days_elapsed >= 5 ORDER BY ALL;

-- name: quality
WITH i AS (SELECT * FROM inc WHERE detected_at >= '$FROM' AND detected_at < '$TO'),
al AS (SELECT count(*) AS n, count(*) FILTER (resolved_at IS NULL) AS never_resolved,
              count(*) FILTER (resolved_at < fired_at) AS resolved_before_fired
       FROM alerts WHERE fired_at >= '$FROM' AND fired_at < '$TO')
SELECT 'incidents' AS "table", count(*) AS n,
       count(*) FILTER (acknowledged_at < detected_at) AS acknowledged_before_detected,
       count(*) FILTER (mitigated_at < coalesce(impact_started_at, detected_at)) AS mitigated_before_start,
       count(*) FILTER (resolved_at < detected_at) AS resolved_before_detected,
       count(*) FILTER (impact_started_at > detected_at) AS impact_after_detected,
       count(*) FILTER (status = 'resolved' AND resolved_at IS NULL) AS resolved_without_resolved_at,
       count(*) FILTER (status <> 'resolved' AND resolved_at IS NOT NULL) AS open_with_resolved_at,
       count(*) FILTER (impact_started_at IS NULL) AS missing_impact_started_at,
       count(*) FILTER (excluded IS NOT NULL) AS excluded,
       (SELECT never_resolved FROM al) AS alerts_never_resolved,
       (SELECT resolved_before_fired FROM al) AS alerts_resolved_before_fired,
       (SELECT n FROM al) AS alerts
FROM i;

-- name: freshness
SELECT (SELECT min(detected_at) FROM incidents) AS first_detected,
       (SELECT max(detected_at) FROM incidents) AS last_detected,
       (SELECT max(fired_at) FROM alerts) AS last_alert;
