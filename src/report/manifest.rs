//! `index.json`: the list of reports a reports folder holds, kept beside `index.html` so that
//! every command writing into the folder (`run`, and each `report` command) adds its reports to
//! the same index instead of the last `run` forgetting the rest.
//!
//! An entry is keyed by its link: writing a report again replaces its entry, and an entry whose
//! file is gone (a folder cleaned by hand) is dropped when the index is next written. Sections
//! keep a fixed order (weekly, improvement, postmortems, then any other), entries within one the
//! order they were first added. The file is ours: one that cannot be read is replaced, with a
//! warning, by the entries of the command writing now, since every entry is re-derivable by
//! running that report again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::index::IndexEntry;
use crate::error::{Error, IoContext, Result};

/// The manifest's file name, beside `index.html`.
pub const FILE: &str = "index.json";
/// The section headings, in the order the index lists them.
pub const WEEKLY: &str = "Weekly reliability";
pub const IMPROVEMENT: &str = "Continuous improvement";
pub const POSTMORTEMS: &str = "Postmortems";
const ORDER: [&str; 3] = [WEEKLY, IMPROVEMENT, POSTMORTEMS];

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// Bumped when the entry shape changes; an unknown version is replaced, not misread.
    version: u32,
    entries: Vec<IndexEntry>,
}

const VERSION: u32 = 1;

/// The entries of `dir`'s manifest merged with `new` (same link: the new entry wins, in the old
/// place), without entries whose file no longer exists, in section order. The second value is a
/// warning when an unreadable manifest was replaced.
pub fn merge(dir: &Path, new: &[IndexEntry]) -> Result<(Vec<IndexEntry>, Option<String>)> {
    let path = dir.join(FILE);
    let (old, warning) = match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::from_str::<Manifest>(&text) {
            Ok(m) if m.version == VERSION => (m.entries, None),
            Ok(m) => (
                vec![],
                Some(unreadable(&path, &format!("version {}", m.version))),
            ),
            Err(e) => (vec![], Some(unreadable(&path, &e.to_string()))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (vec![], None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut entries: Vec<IndexEntry> = vec![];
    for e in old.into_iter().chain(new.iter().cloned()) {
        match entries.iter_mut().find(|x| x.href == e.href) {
            Some(x) => *x = e,
            None => entries.push(e),
        }
    }
    entries.retain(|e| dir.join(&e.href).is_file());
    // A stable sort: entries keep their order within a section.
    entries.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|s| *s == e.section)
            .unwrap_or(ORDER.len())
    });
    Ok((entries, warning))
}

fn unreadable(path: &Path, why: &str) -> String {
    format!(
        "{} could not be read ({why}); the index now lists only the reports this command wrote",
        path.display()
    )
}

/// Write the manifest of `entries` into `dir`, under a temporary name and renamed.
pub fn save(dir: &Path, entries: &[IndexEntry]) -> Result<PathBuf> {
    let m = Manifest {
        version: VERSION,
        entries: entries.to_vec(),
    };
    let text = serde_json::to_string_pretty(&m).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::create_dir_all(dir).at(dir)?;
    let path = dir.join(FILE);
    let tmp = dir.join(format!(".{FILE}.tmp"));
    std::fs::write(&tmp, text).at(&tmp)?;
    std::fs::rename(&tmp, &path).at(&path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(section: &str, href: &str, title: &str) -> IndexEntry {
        IndexEntry {
            section: section.into(),
            title: title.into(),
            href: href.into(),
            note: String::new(),
        }
    }

    fn touch(dir: &Path, href: &str) {
        let p = dir.join(href);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }

    #[test]
    fn later_commands_add_to_the_index_and_replace_their_own_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for h in [
            "weekly/W46/organisation.html",
            "postmortem/a/a.html",
            "postmortem/b/b.html",
        ] {
            touch(d, h);
        }
        let run = [
            entry(POSTMORTEMS, "postmortem/a/a.html", "a"),
            entry(WEEKLY, "weekly/W46/organisation.html", "Organisation"),
        ];
        let (first, w) = merge(d, &run).unwrap();
        assert!(w.is_none());
        // Sections in their fixed order, whatever order the command gave.
        assert_eq!(first[0].section, WEEKLY);
        save(d, &first).unwrap();
        let (second, _) = merge(
            d,
            &[
                entry(POSTMORTEMS, "postmortem/b/b.html", "b"),
                entry(POSTMORTEMS, "postmortem/a/a.html", "a again"),
            ],
        )
        .unwrap();
        let titles: Vec<&str> = second.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Organisation", "a again", "b"]);
        // A report removed by hand leaves the index.
        std::fs::remove_file(d.join("postmortem/a/a.html")).unwrap();
        save(d, &second).unwrap();
        let (third, _) = merge(d, &[]).unwrap();
        let titles: Vec<&str> = third.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Organisation", "b"]);
    }

    #[test]
    fn an_unreadable_manifest_is_replaced_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(d, "weekly/W46/organisation.html");
        std::fs::write(d.join(FILE), "{not json").unwrap();
        let (entries, w) =
            merge(d, &[entry(WEEKLY, "weekly/W46/organisation.html", "Org")]).unwrap();
        assert_eq!(entries.len(), 1);
        assert!(w.unwrap().contains("index.json could not be read"));
    }
}
