//! The list CSV export (a list view's "Export → CSV"): one incident per row, display values in the
//! exporting user's zone and date format, a header of field names (or of column labels, which
//! `header_index` maps back to field names).

use csv::StringRecord;

use super::audit::CsvRecord;
use super::record::{self, Clock};
use crate::ingest::reader::Location;
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;

/// Columns holding instants, whose values prove the file's day/month order.
const DATE_COLUMNS: &[&str] = &[
    "opened_at",
    "resolved_at",
    "closed_at",
    "sys_updated_on",
    "sys_created_on",
];

pub fn read(
    header: &[String],
    rows: &[(u64, StringRecord)],
    ctx: &SourceContext,
    out: &mut Out,
) -> Result<(), String> {
    let index = super::header_index(header);
    let dates = DATE_COLUMNS
        .iter()
        .filter_map(|c| index.get(*c))
        .flat_map(|i| rows.iter().filter_map(move |(_, r)| r.get(*i)));
    let (order, guessed) = record::infer_order(dates)?;
    if guessed {
        out.notes.push(format!(
            "{}: no date tells day from month; read them as MM/dd/yyyy in {}",
            out.file, ctx.zone
        ));
    }
    let clock = Clock {
        zone: ctx.zone,
        order,
    };
    for (line, row) in rows {
        let rec = CsvRecord { index: &index, row };
        let loc = Location {
            line: *line,
            json_path: None,
        };
        match record::incident(&rec, &clock) {
            Ok(f) => out.row(Table::Incidents, loc, f.into_map(), &rec.raw(header)),
            Err(e) => out.refuse(loc, Some(Table::Incidents), e, &rec.raw(header)),
        }
    }
    Ok(())
}
