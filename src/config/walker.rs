//! Walking a TOML table and collecting problems with their key paths, for `parse.rs` and the
//! sections parsed beside it (`postmortems.rs`): typed getters that record what is wrong with a
//! value, under its full key, instead of stopping at the first problem.

use std::str::FromStr;

use chrono::NaiveTime;
use chrono_tz::Tz;
use toml::{Table, Value};

use super::Window;

pub(super) struct Walker {
    pub(super) problems: Vec<String>,
}

impl Walker {
    pub(super) fn problem(&mut self, key: &str, msg: impl std::fmt::Display) {
        self.problems.push(format!("{key}: {msg}"));
    }

    pub(super) fn unknown_keys(&mut self, prefix: &str, t: &Table, known: &[&str]) {
        for k in t.keys() {
            if !known.contains(&k.as_str()) {
                let key = join(prefix, k);
                self.problem(
                    &key,
                    format!("unknown key; expected one of: {}", known.join(", ")),
                );
            }
        }
    }

    pub(super) fn str<'a>(&mut self, prefix: &str, t: &'a Table, key: &str) -> Option<&'a str> {
        match t.get(key)? {
            Value::String(s) => Some(s),
            other => {
                self.problem(
                    &join(prefix, key),
                    format!("expected a string, found {}", other.type_str()),
                );
                None
            }
        }
    }

    pub(super) fn strings(&mut self, prefix: &str, t: &Table, key: &str) -> Vec<(String, String)> {
        let full = join(prefix, key);
        match t.get(key) {
            None => vec![],
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(s) => Some((format!("{full}[{i}]"), s.clone())),
                    other => {
                        self.problem(
                            &format!("{full}[{i}]"),
                            format!("expected a string, found {}", other.type_str()),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.problem(
                    &full,
                    format!("expected an array of strings, found {}", other.type_str()),
                );
                vec![]
            }
        }
    }

    pub(super) fn table<'a>(&mut self, prefix: &str, t: &'a Table, key: &str) -> Option<&'a Table> {
        match t.get(key)? {
            Value::Table(x) => Some(x),
            other => {
                self.problem(
                    &join(prefix, key),
                    format!("expected a table, found {}", other.type_str()),
                );
                None
            }
        }
    }

    pub(super) fn tz(&mut self, key: &str, s: &str) -> Option<Tz> {
        Tz::from_str(s)
            .map_err(|_| {
                self.problem(
                    key,
                    format!("unknown time zone {s:?}; use an IANA name such as \"Europe/Berlin\""),
                )
            })
            .ok()
    }

    pub(super) fn window(&mut self, key: &str, s: &str) -> Option<Window> {
        let parsed = s.split_once('-').and_then(|(a, b)| {
            Some(Window {
                start: NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?,
                end: NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?,
            })
        });
        if parsed.is_none() {
            self.problem(key, format!("expected \"HH:MM-HH:MM\", found {s:?}"));
        }
        parsed
    }

    pub(super) fn number(&mut self, key: &str, v: &Value, min: f64, max: f64) -> Option<f64> {
        let n = match v {
            Value::Integer(i) => *i as f64,
            Value::Float(f) => *f,
            other => {
                self.problem(
                    key,
                    format!("expected a number, found {}", other.type_str()),
                );
                return None;
            }
        };
        if !(min..=max).contains(&n) {
            self.problem(key, format!("{n} is out of range; expected {min} to {max}"));
            return None;
        }
        Some(n)
    }
}

pub(super) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}
