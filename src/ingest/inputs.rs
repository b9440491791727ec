//! Which files a run reads and how: the inputs expanded into files (folders walked in name order),
//! the table a canonical file holds (from its name), and for each file the reader that takes it,
//! a canonical table or a connector, under `--source` and `--table`.

use std::path::{Path, PathBuf};

use super::canonical::is_canonical;
use super::options::{IngestOptions, SourceChoice};
use super::reader::{self, Format};
use super::shape;
use super::source::{self, Input};
use crate::error::{Error, Result};
use crate::model::Table;

/// How one file is read.
pub(super) enum Choice {
    Canonical(Table),
    Connector {
        input: Input,
        name: &'static str,
        shape: &'static str,
    },
}

/// The reader of one file under `--source` (and `--table`, which means canonical files). A file
/// with no records in it (empty, blank, a lone JSON scalar) is refused first, in its own words.
pub(super) fn choose(path: &Path, format: Format, opts: &IngestOptions) -> Result<Choice> {
    shape::check(path, format)?;
    let canonical = || -> Result<Choice> {
        Ok(Choice::Canonical(match opts.table {
            Some(t) => t,
            None => table_of(path)?,
        }))
    };
    if opts.table.is_some() {
        return canonical();
    }
    match &opts.source {
        SourceChoice::Canonical => canonical(),
        SourceChoice::Auto if is_canonical(path, format) => canonical(),
        SourceChoice::Auto => {
            vendor_uncompressed(path)?;
            let input = Input::load(path)?;
            match source::detect(&input) {
                Ok((name, shape)) => Ok(Choice::Connector { input, name, shape }),
                Err(e) => {
                    // A streamed file's own error (past its head) comes first, as in a whole load.
                    input.check()?;
                    // A file named after a table that no connector claims is a canonical file
                    // with a problem (a missing column); the canonical reader says which.
                    match table_of(path) {
                        Ok(_) => canonical(),
                        Err(_) => Err(e),
                    }
                }
            }
        }
        SourceChoice::Named(n) => {
            vendor_uncompressed(path)?;
            let probe = source::by_name(n).ok_or_else(|| {
                Error::Rejected(format!("unknown source {n:?}; known: {}", source::known()))
            })?;
            let input = Input::load(path)?;
            let shape = probe.detect(&input).unwrap_or("as requested by --source");
            Ok(Choice::Connector {
                input,
                name: probe.name(),
                shape,
            })
        }
    }
}

/// Connectors read their files uncompressed (they seek in them to stream); a compressed vendor
/// export is refused in words rather than read as bytes.
fn vendor_uncompressed(path: &Path) -> Result<()> {
    match reader::codec::Codec::of(path) {
        reader::codec::Codec::Plain => Ok(()),
        _ => Err(Error::input(
            path,
            None,
            "a compressed vendor export; only canonical table files are read compressed. Decompress it (gunzip, zstd -d) and ingest it again",
        )),
    }
}

/// Files under the inputs with a canonical extension, folders walked in name order; hidden files
/// and other extensions (READMEs, mapping files) are skipped.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, Format)>> {
    let mut out = vec![];
    for input in inputs {
        if !input.exists() {
            return Err(Error::input(
                input,
                None,
                "no such file or folder; check the path",
            ));
        }
        if input.is_file() {
            let f = Format::of(input).ok_or_else(|| {
                Error::input(
                    input,
                    None,
                    "unknown file type; canonical inputs are .csv, .ndjson, .jsonl or .json, each optionally compressed (.gz, .zst)",
                )
            })?;
            out.push((input.clone(), f));
            continue;
        }
        let before = out.len();
        let walk = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry
                .map_err(|e| Error::input(input, None, format!("cannot walk the folder: {e}")))?;
            if entry.file_type().is_file()
                && let Some(f) = Format::of(entry.path())
            {
                out.push((entry.path().to_path_buf(), f));
            }
        }
        if out.len() == before {
            return Err(Error::input(
                input,
                None,
                "the folder holds no .csv, .ndjson, .jsonl or .json files (optionally .gz or .zst)",
            ));
        }
    }
    Ok(out)
}

/// The table a file holds, from its name: `incidents.csv`, `alerts.ndjson`, `alerts-2026-11.csv`.
pub fn table_of(path: &Path) -> Result<Table> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Table::ALL
        .into_iter()
        .find(|t| stem == t.name() || stem.strip_prefix(t.name()).is_some_and(|rest| rest.starts_with('-')))
        .ok_or_else(|| {
            Error::input(
                path,
                None,
                format!(
                    "cannot tell which table this file holds; name it after a table ({}), e.g. incidents.csv, or pass --table",
                    Table::names()
                ),
            )
        })
}
