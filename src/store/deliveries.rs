//! The delivery log, `<store>/_deliveries.parquet`: one row per report sent to a destination
//! (which report, which destination, when, and a digest of what was sent). Delivery reads it to
//! send each report once per destination: a re-run posts nothing twice, and a destination that
//! failed (no row) is tried again on the next run.
//!
//! The log sits beside the snapshots, not in them: it records what left the machine, which an
//! ingest must neither copy nor roll back. It is small (a row per report and destination), so
//! each delivery rewrites it whole, under the writer lock, into a temporary file that is flushed
//! and renamed over the old one: a reader (or a crash) sees the log before or after the row,
//! never half a file.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use parquet::arrow::ArrowWriter;

use super::files::{read_files, temp_name};
use super::{Store, WriteLock};
use crate::error::{Error, IoContext, Result};

/// The log's file name under the store's root.
pub const DELIVERIES_FILE: &str = "_deliveries.parquet";

/// One report sent to one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The report's HTML path relative to the reports folder, e.g.
    /// `weekly/2026-W46/organisation.html`: it names the report and its period.
    pub report: String,
    /// `weekly-organisation`, `weekly-team`, `postmortem`, `improvement`.
    pub kind: String,
    /// `2026-W46`, `2026-Q3`.
    pub period: String,
    /// The destination's `name` in the config (never its address).
    pub destination: String,
    /// `slack`, `teams`, `webhook`, `email`.
    pub destination_kind: String,
    pub sent_at: DateTime<Utc>,
    /// BLAKE3 of the payload sent, hex.
    pub payload_blake3: String,
}

const TEXT: [&str; 6] = [
    "report",
    "kind",
    "period",
    "destination",
    "destination_kind",
    "payload_blake3",
];

fn schema() -> SchemaRef {
    let mut fields: Vec<Field> = TEXT[..5]
        .iter()
        .map(|n| Field::new(*n, DataType::Utf8, false))
        .collect();
    fields.push(Field::new(
        "sent_at",
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        false,
    ));
    fields.push(Field::new(TEXT[5], DataType::Utf8, false));
    Arc::new(Schema::new(fields))
}

impl Store {
    pub fn deliveries_path(&self) -> PathBuf {
        self.root().join(DELIVERIES_FILE)
    }

    /// Every delivery recorded, oldest first; none when the log does not exist yet.
    pub fn deliveries(&self) -> Result<Vec<Delivery>> {
        let path = self.deliveries_path();
        if !path.is_file() {
            return Ok(vec![]);
        }
        let batch = read_files(
            std::slice::from_ref(&path),
            schema(),
            None,
            "; it only records what was sent: move it away to send every report again",
        )?;
        let text = |i: usize| -> Result<&StringArray> {
            batch
                .column(i)
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| Error::store(&path, "a delivery log column is not text"))
        };
        let (report, kind, period, dest, dkind, digest) =
            (text(0)?, text(1)?, text(2)?, text(3)?, text(4)?, text(6)?);
        let sent = batch
            .column(5)
            .as_any()
            .downcast_ref::<TimestampMicrosecondArray>()
            .ok_or_else(|| Error::store(&path, "sent_at is not a timestamp"))?;
        Ok((0..batch.num_rows())
            .map(|r| Delivery {
                report: report.value(r).to_string(),
                kind: kind.value(r).to_string(),
                period: period.value(r).to_string(),
                destination: dest.value(r).to_string(),
                destination_kind: dkind.value(r).to_string(),
                sent_at: DateTime::from_timestamp_micros(sent.value(r)).unwrap_or_default(),
                payload_blake3: digest.value(r).to_string(),
            })
            .collect())
    }

    /// Append `d` to the log. The caller holds the writer lock (`_lock` proves it).
    pub fn record_delivery(&self, _lock: &WriteLock, d: Delivery) -> Result<()> {
        let mut all = self.deliveries()?;
        all.push(d);
        let col = |f: fn(&Delivery) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(all.iter().map(f)))
        };
        let sent: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from_iter_values(
                all.iter().map(|d| d.sent_at.timestamp_micros()),
            )
            .with_timezone("UTC"),
        );
        let columns = vec![
            col(|d| &d.report),
            col(|d| &d.kind),
            col(|d| &d.period),
            col(|d| &d.destination),
            col(|d| &d.destination_kind),
            sent,
            col(|d| &d.payload_blake3),
        ];
        let path = self.deliveries_path();
        let batch = RecordBatch::try_new(schema(), columns)
            .map_err(|e| Error::Internal(format!("delivery log batch: {e}")))?;
        let tmp = temp_name(&path, &std::process::id().to_string());
        let file = File::create(&tmp).at(&tmp)?;
        let mut w = ArrowWriter::try_new(file, schema(), None)
            .map_err(|e| Error::store(&tmp, format!("cannot start writing Parquet: {e}")))?;
        w.write(&batch)
            .map_err(|e| Error::store(&tmp, format!("cannot write Parquet: {e}")))?;
        let file = w
            .into_inner()
            .map_err(|e| Error::store(&tmp, format!("cannot finish Parquet: {e}")))?;
        file.sync_all().at(&tmp)?;
        std::fs::rename(&tmp, &path).at(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(report: &str, dest: &str) -> Delivery {
        Delivery {
            report: report.into(),
            kind: "weekly-organisation".into(),
            period: "2026-W46".into(),
            destination: dest.into(),
            destination_kind: "slack".into(),
            sent_at: Utc.with_ymd_and_hms(2026, 11, 17, 6, 0, 0).unwrap(),
            payload_blake3: "ab".repeat(32),
        }
    }

    #[test]
    fn the_log_keeps_every_row_in_order_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("store"));
        let lock = store.lock().unwrap();
        assert_eq!(store.deliveries().unwrap(), vec![]);
        let a = row("weekly/2026-W46/organisation.html", "eng-slack");
        let b = row("weekly/2026-W46/organisation.html", "managers-mail");
        store.record_delivery(&lock, a.clone()).unwrap();
        store.record_delivery(&lock, b.clone()).unwrap();
        assert_eq!(store.deliveries().unwrap(), vec![a, b]);
        let names: Vec<String> = std::fs::read_dir(store.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("deliveries"))
            .collect();
        assert_eq!(names, [DELIVERIES_FILE]);
    }
}
