//! A JSON value deserialized exactly as `serde_json::Value` is, plus the first key that one object
//! gives twice. `Map` keeps the last of two equal keys without a word, so `{"rule": "a", "rule":
//! "b"}` would be read as if the export had said `b`; the reader rejects such a record instead.
//!
//! The check rides on the one parse every JSON record gets: the map is built through its entry
//! API, one lookup per key as the plain insert it replaces, so ingest speed is unchanged and no
//! second pass over the text is needed.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON value read like `serde_json::Value`, with the first key found twice in one object (as a
/// path: `labels.env`). `Map` keeps the last of two equal keys silently; noting it while the map
/// is built costs one entry lookup per key, not a second parse.
pub(super) struct Checked {
    pub value: Value,
    pub duplicate: Option<String>,
}

impl Checked {
    fn plain(value: Value) -> Checked {
        Checked {
            value,
            duplicate: None,
        }
    }
}

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Checked, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::from(n)))
    }
    fn visit_f64<E>(self, n: f64) -> std::result::Result<Checked, E> {
        // JSON text cannot hold NaN or infinity; `from` maps them to null like `Value` does.
        Ok(Checked::plain(Value::from(n)))
    }
    fn visit_str<E>(self, s: &str) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::String(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::String(s)))
    }
    fn visit_unit<E>(self) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::Null))
    }
    fn visit_none<E>(self) -> std::result::Result<Checked, E> {
        Ok(Checked::plain(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Checked, D::Error> {
        Checked::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Checked, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut duplicate = None;
        while let Some(c) = seq.next_element::<Checked>()? {
            if duplicate.is_none()
                && let Some(d) = c.duplicate
            {
                duplicate = Some(format!("[{}]{}", items.len(), sub(&d)));
            }
            items.push(c.value);
        }
        Ok(Checked {
            value: Value::Array(items),
            duplicate,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Checked, A::Error> {
        let mut m = Map::new();
        let mut duplicate = None;
        while let Some(k) = map.next_key::<String>()? {
            let c: Checked = map.next_value()?;
            match m.entry(k) {
                serde_json::map::Entry::Vacant(e) => {
                    if duplicate.is_none()
                        && let Some(d) = c.duplicate
                    {
                        duplicate = Some(format!("{}{}", e.key(), sub(&d)));
                    }
                    e.insert(c.value);
                }
                serde_json::map::Entry::Occupied(mut e) => {
                    if duplicate.is_none() {
                        duplicate = Some(e.key().clone());
                    }
                    e.insert(c.value);
                }
            }
        }
        Ok(Checked {
            value: Value::Object(m),
            duplicate,
        })
    }
}

/// A nested path continued: `.key` after a key, `[i]` as is.
fn sub(path: &str) -> String {
    if path.starts_with('[') {
        path.to_string()
    } else {
        format!(".{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> Option<String> {
        serde_json::from_str::<Checked>(text)
            .expect("valid JSON")
            .duplicate
    }

    #[test]
    fn the_first_duplicate_is_named_by_its_path() {
        assert_eq!(
            dup(r#"{"a": 1, "b": {"a": 2}, "c": [1, {"d": null}]}"#),
            None
        );
        assert_eq!(dup(r#"{"a": 1, "a": 1}"#).as_deref(), Some("a"));
        assert_eq!(
            dup(r#"{"x": {"y": [0, {"z": 1, "z": 2}]}, "x": 2}"#).as_deref(),
            Some("x.y[1].z")
        );
        assert_eq!(
            dup(r#"[{"k": 1}, {"k": 1, "k": 2}]"#).as_deref(),
            Some("[1].k")
        );
    }

    /// The value is the one `serde_json::Value` gives, numbers and escapes included.
    #[test]
    fn values_are_read_as_serde_json_reads_them() {
        let text = r#"{"s": "\u00e9\n", "i": -3, "u": 18446744073709551615, "f": 1.5, "b": true, "n": null, "l": [[]]}"#;
        let c: Checked = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(
            c.value,
            serde_json::from_str::<Value>(text).expect("valid JSON")
        );
    }
}
