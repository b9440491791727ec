//! The spill's split by month, its input-order numbers, and the files a read month gives back.

use super::*;
use crate::model::{Cell, ColumnType};
use crate::store::RowBuilder;
use crate::store::test_rows::row;

fn alerts(rows: &[(&str, i64)]) -> RecordBatch {
    let mut b = RowBuilder::new(Table::Alerts);
    for (id, fired) in rows {
        b.push(&row(Table::Alerts, |name, ty| match (name, ty) {
            ("alert_id", _) => Some(Cell::Text(id.to_string())),
            (_, ColumnType::Timestamp) => Some(Cell::Timestamp(*fired)),
            _ => None,
        }));
    }
    b.finish()
}

fn ids_and_seqs(b: &RecordBatch) -> Vec<(String, u64)> {
    let ids = super::super::batch::text_col(b, "alert_id");
    let seqs = b
        .column_by_name(SEQ)
        .unwrap()
        .as_any()
        .downcast_ref::<UInt64Array>()
        .unwrap();
    (0..b.num_rows())
        .map(|i| (ids.value(i).to_string(), seqs.value(i)))
        .collect()
}

#[test]
fn rows_are_spilled_by_month_with_their_input_order_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Staging::new(dir.path(), "r1").unwrap();
    // 2026-01-10 and 2026-02-10 in microseconds.
    let (jan, feb) = (1_768_003_200_000_000, 1_770_681_600_000_000);
    s.add(
        Table::Alerts,
        &alerts(&[("a", jan), ("b", feb), ("c", jan)]),
        vec![0, 1, 2],
    )
    .unwrap();
    s.add(
        Table::Alerts,
        &alerts(&[("d", feb), ("a", feb)]),
        vec![3, 4],
    )
    .unwrap();
    s.finish().unwrap();
    assert_eq!(s.months(Table::Alerts), vec!["2026-01", "2026-02"]);
    assert_eq!(s.rows(), 5);
    let jan_rows = s.read_month(Table::Alerts, "2026-01", None).unwrap();
    assert_eq!(
        ids_and_seqs(&jan_rows),
        vec![("a".to_string(), 0), ("c".to_string(), 2)]
    );
    // File by file, each file's rows in the partition's order (instant, then key): "d" and "a"
    // fired at the same instant, so "a" comes first; `_seq` keeps their input order.
    let feb_rows = s.read_month(Table::Alerts, "2026-02", None).unwrap();
    assert_eq!(
        ids_and_seqs(&feb_rows),
        vec![
            ("b".to_string(), 1),
            ("a".to_string(), 4),
            ("d".to_string(), 3)
        ]
    );
    // Each month's key hashes, taken as its rows were spilled, in the rows' order.
    let hashes = |month| s.month_hashes(Table::Alerts, month).unwrap();
    let hash = super::super::batch::key_hash;
    assert_eq!(hashes("2026-01"), vec![hash("a"), hash("c")]);
    assert_eq!(hashes("2026-02"), vec![hash("b"), hash("d"), hash("a")]);
    // A month read for the last time gives its files back, key hashes included; the others stay.
    let jan_files: Vec<PathBuf> = s
        .month_files(Table::Alerts, "2026-01")
        .iter()
        .map(|f| f.path.clone())
        .collect();
    assert!(jan_files.iter().all(|p| p.exists()));
    let jan_keys = jan_files[0].with_file_name("keys");
    assert!(jan_keys.exists());
    s.release_month(Table::Alerts, "2026-01");
    assert!(jan_files.iter().all(|p| !p.exists()));
    assert!(!jan_keys.exists());
    assert_eq!(
        s.read_month(Table::Alerts, "2026-02", None)
            .unwrap()
            .num_rows(),
        3
    );
    let spill = dir.path().join(STAGING_DIR).join("spill-r1");
    assert!(spill.is_dir());
    drop(s);
    assert!(!spill.exists(), "the spill folder outlived its run");
}

/// Cells of one alert with key `id` and every instant at `fired`.
fn alert_cells(id: &str, fired: i64) -> Vec<Cell> {
    row(Table::Alerts, |name, ty| match (name, ty) {
        ("alert_id", _) => Some(Cell::Text(id.to_string())),
        (_, ColumnType::Timestamp) => Some(Cell::Timestamp(fired)),
        _ => None,
    })
}

#[test]
fn rows_built_by_month_reach_the_staging_split_numbered_and_in_typing_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Staging::new(dir.path(), "r1").unwrap();
    // 2026-01-10, 2026-01-31T23:59:59.999999 and 2026-02-01, in microseconds.
    let (jan, jan_end, feb) = (
        1_768_003_200_000_000,
        1_769_903_999_999_999,
        1_769_904_000_000_000,
    );
    let mut rows = MonthRows::new(Table::Alerts);
    for (seq, (id, at)) in [("c", jan), ("b", feb), ("a", jan_end), ("d", feb)]
        .into_iter()
        .enumerate()
    {
        rows.push(&alert_cells(id, at), seq as u64 + 10);
    }
    assert_eq!(rows.len(), 4);
    s.add_parts(rows.take().unwrap()).unwrap();
    assert!(rows.is_empty());
    // Only February gets rows after the first take: January is not spilled empty.
    rows.push(&alert_cells("e", feb), 20);
    let parts = rows.take().unwrap();
    assert_eq!(parts.parts.len(), 1);
    s.add_parts(parts).unwrap();
    s.finish().unwrap();
    assert_eq!(s.months(Table::Alerts), vec!["2026-01", "2026-02"]);
    assert_eq!(s.rows(), 5);
    let read = |month| ids_and_seqs(&s.read_month(Table::Alerts, month, None).unwrap());
    // In the order they were typed (the commit sorts each month), `_seq` as given.
    assert_eq!(read("2026-01"), vec![("c".into(), 10), ("a".into(), 12)]);
    assert_eq!(
        read("2026-02"),
        vec![("b".into(), 11), ("d".into(), 13), ("e".into(), 20)]
    );
    let hash = super::super::batch::key_hash;
    assert_eq!(
        s.month_hashes(Table::Alerts, "2026-02").unwrap(),
        vec![hash("b"), hash("d"), hash("e")]
    );
}

#[test]
fn incidents_built_by_month_stay_unsplit() {
    let mut rows = MonthRows::new(Table::Incidents);
    let cells = |id: &str, at: i64| {
        row(Table::Incidents, |name, ty| match (name, ty) {
            ("incident_id", _) => Some(Cell::Text(id.to_string())),
            (_, ColumnType::Timestamp) => Some(Cell::Timestamp(at)),
            _ => None,
        })
    };
    rows.push(&cells("i1", 1_768_003_200_000_000), 0);
    rows.push(&cells("i2", 1_769_904_000_000_000), 1);
    let parts = rows.take().unwrap();
    assert_eq!(parts.rows, 2);
    assert_eq!(parts.parts.len(), 1);
    assert_eq!(parts.parts[0].month, None);
    assert_eq!(parts.parts[0].rows.num_rows(), 2);
    assert!(parts.parts[0].hashes.is_empty());
}
