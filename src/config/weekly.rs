//! `[weekly]`: settings of the weekly reliability report. Today one: how many overdue action
//! items and outstanding postmortems its "Who owes what" lists name, per list, before summing the
//! rest up as "and K more". A team of five reads every line of a list of ten; an organisation's
//! backlog of hundreds would bury the few that matter, so the list is ranked and cut.

use toml::Table;

use super::walker::Walker;

#[derive(Debug, Clone, PartialEq)]
pub struct Weekly {
    /// Items (and, separately, postmortems) "Who owes what" lists by name; 0 lists none and
    /// keeps only the counts.
    pub who_owes_top: u32,
}

impl Default for Weekly {
    fn default() -> Self {
        Weekly { who_owes_top: 10 }
    }
}

const KEYS: &[&str] = &["who_owes_top"];

pub(super) fn weekly(w: &mut Walker, t: &Table) -> Weekly {
    let mut out = Weekly::default();
    w.unknown_keys("weekly", t, KEYS);
    if let Some(v) = t.get("who_owes_top")
        && let Some(n) = w.number("weekly.who_owes_top", v, 0.0, 10_000.0)
    {
        if n.fract() == 0.0 {
            out.who_owes_top = n as u32;
        } else {
            w.problem("weekly.who_owes_top", format!("{n} is not a whole number"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(text: &str) -> Result<Weekly, Vec<String>> {
        let t: Table = toml::from_str(text).unwrap();
        super::super::parse::from_table(&t, std::path::Path::new("."), None).map(|c| c.weekly)
    }

    #[test]
    fn ten_by_default_and_every_bad_value_named() {
        let d = Config::defaults_in(std::path::Path::new(".")).weekly;
        assert_eq!(d.who_owes_top, 10);
        assert_eq!(
            parse("[weekly]\nwho_owes_top = 3\n").unwrap().who_owes_top,
            3
        );
        assert_eq!(
            parse("[weekly]\nwho_owes_top = 0\n").unwrap().who_owes_top,
            0
        );
        let e = parse("[weekly]\nwho_owes_top = 2.5\ntop = 1\n").unwrap_err();
        assert_eq!(
            e,
            [
                "weekly.top: unknown key; expected one of: who_owes_top",
                "weekly.who_owes_top: 2.5 is not a whole number",
            ]
        );
        let e = parse("[weekly]\nwho_owes_top = -1\n").unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("weekly.who_owes_top: "), "{e:?}");
    }
}
