//! The per-team overview printed by `aftermath run`: incidents (all kinds, with how many are
//! still open and how many are SEV1/SEV2), alerts and pages, and the data range. Counts only, no
//! durations: the honest duration statistics belong to the metric catalogue, not a summary line.

use polars::prelude::*;

use crate::model::columns::*;

/// One row per team: `team, incidents, open, sev1_2, alerts, pages`, sorted by team.
pub fn team_overview(incidents: LazyFrame, alerts: LazyFrame) -> LazyFrame {
    let inc = incidents.group_by([col(TEAM)]).agg([
        len().cast(DataType::UInt32).alias("incidents"),
        col(STATUS)
            .neq(lit("resolved"))
            .cast(DataType::UInt32)
            .sum()
            .alias("open"),
        col(SEVERITY)
            .eq(lit("SEV1"))
            .or(col(SEVERITY).eq(lit("SEV2")))
            .cast(DataType::UInt32)
            .sum()
            .alias("sev1_2"),
    ]);
    let al = alerts.group_by([col(TEAM)]).agg([
        len().cast(DataType::UInt32).alias("alerts"),
        col(PAGED).cast(DataType::UInt32).sum().alias("pages"),
    ]);
    inc.join(
        al,
        [col(TEAM)],
        [col(TEAM)],
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    )
    .with_columns([
        col("incidents").fill_null(lit(0u32)),
        col("open").fill_null(lit(0u32)),
        col("sev1_2").fill_null(lit(0u32)),
        col("alerts").fill_null(lit(0u32)),
        col("pages").fill_null(lit(0u32)),
    ])
    .sort([TEAM], SortMultipleOptions::default())
}

/// First and last instant of a table's main instant column, as `min, max`.
/// The columns of [`span`]: the earliest and the latest instant.
pub const FIRST: &str = "first";
pub const LAST: &str = "last";

pub fn span(frame: LazyFrame, instant: &str) -> LazyFrame {
    frame.select([
        col(instant).min().alias(FIRST),
        col(instant).max().alias(LAST),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_team_including_teams_with_only_alerts() {
        let incidents = df!(
            TEAM => ["a", "a", "b"],
            STATUS => ["resolved", "open", "acknowledged"],
            SEVERITY => ["SEV1", "SEV3", "SEV2"],
        )
        .unwrap()
        .lazy();
        let alerts = df!(TEAM => ["a", "c", "c"], PAGED => [true, false, true])
            .unwrap()
            .lazy();
        let out = team_overview(incidents, alerts).collect().unwrap();
        let col_u32 = |n: &str| {
            out.column(n)
                .unwrap()
                .u32()
                .unwrap()
                .into_no_null_iter()
                .collect::<Vec<_>>()
        };
        let teams: Vec<Option<&str>> = out.column(TEAM).unwrap().str().unwrap().iter().collect();
        assert_eq!(teams, [Some("a"), Some("b"), Some("c")]);
        assert_eq!(col_u32("incidents"), [2, 1, 0]);
        assert_eq!(col_u32("open"), [1, 1, 0]);
        assert_eq!(col_u32("sev1_2"), [1, 1, 0]);
        assert_eq!(col_u32("alerts"), [1, 0, 2]);
        assert_eq!(col_u32("pages"), [1, 0, 1]);
    }
}
