//! The row parser's typing of single cells: the plain-labels shortcut against the general path,
//! trimming, booleans, and text cells reusing the buffer of the row before.

use super::*;

fn plain(text: &str) -> Option<String> {
    let mut out = "left over from the row before".to_string();
    plain_labels(text, &mut out).then_some(out)
}

/// The shortcut for plain labels must give exactly the general path's text, or a re-ingest
/// after an upgrade would rewrite every alert; anything it cannot do exactly it declines.
#[test]
fn plain_labels_are_stored_as_the_general_path_stores_them() {
    let general = |t: &str| match labels_text(t) {
        Ok(Cell::Text(s)) => s,
        other => panic!("{t}: {other:?}"),
    };
    for t in [
        r#"{"host":"billing-2","env":"prod","alertname":"billing_pod_restarts"}"#,
        r#"{ "b" : "2", "a" : "1" }"#,
        r#"{"a":"1","a":"2"}"#,
        r#"{"zone":"Zürich","empty":""}"#,
        "{}",
        " { } ",
        "{\n\t\"b\":\"2\",\r\n\"a\":\"1\"\n}\n",
        r#"{"b":"1","a":"2","b":"3","a":"4","c":"5"}"#,
        r#"{"ab":"1","a":"2","a b":"3","Ä":"4"}"#,
    ] {
        assert_eq!(plain(t).as_deref(), Some(general(t).as_str()), "{t}");
    }
    assert_eq!(
        plain(r#"{"host":"billing-2","env":"prod"}"#).as_deref(),
        Some(r#"{"env":"prod","host":"billing-2"}"#)
    );
    // Escapes, numbers, nulls and non-objects go the general way.
    for t in [
        r#"{"a":"x\"y"}"#,
        r#"{"a\u0041":"x"}"#,
        r#"{"a":1}"#,
        r#"{"a":null}"#,
        r#"["a"]"#,
        "{",
        r#"{"a":"1",}"#,
        r#"{"a":"1"} x"#,
        r#"{"a" "1"}"#,
        "{\"a\":\"x\ty\"}",
        r#"{"a":"1""b":"2"}"#,
        "",
    ] {
        assert_eq!(plain(t), None, "{t}");
    }
    assert_eq!(
        general(r#"{"a":"x\"y","b":1,"c":null}"#),
        r#"{"a":"x\"y","b":"1"}"#
    );
}

fn ctx(config: &crate::config::Config) -> RowContext<'_> {
    RowContext {
        config,
        zone: chrono_tz::UTC,
    }
}

/// Regression for the trimming shortcut: a cell that starts and ends with a visible ASCII
/// character is kept whole; any other is trimmed of Unicode whitespace as before.
#[test]
fn text_cells_are_trimmed_of_unicode_whitespace_and_reuse_the_slot() {
    let config = crate::config::Config::defaults_in(std::path::Path::new("."));
    let mut slot = Cell::Text("a longer value of the row before".into());
    for (given, stored) in [
        ("db-1", Some("db-1")),
        ("  db-1\t", Some("db-1")),
        ("\u{a0}db 1\u{2003}", Some("db 1")),
        ("Zürich", Some("Zürich")),
        (" Zürich ", Some("Zürich")),
        ("x", Some("x")),
        ("  ", None),
        (" N/A ", None),
        ("", None),
    ] {
        typed_into(ColumnType::Text, Raw::Text(given), &ctx(&config), &mut slot).unwrap();
        match (&slot, stored) {
            (Cell::Text(t), Some(s)) => assert_eq!(t, s, "{given:?}"),
            (Cell::Null, None) => {}
            (other, _) => panic!("{given:?} gave {other:?}"),
        }
    }
}

#[test]
fn booleans_are_read_in_any_case_and_anything_else_is_refused() {
    let config = crate::config::Config::defaults_in(std::path::Path::new("."));
    let b = |t: &str| {
        let mut cell = Cell::Null;
        typed_into(ColumnType::Bool, Raw::Text(t), &ctx(&config), &mut cell).map(|()| cell)
    };
    for t in ["true", "TRUE", "True", "t", "Y", "yes", "1", " yes "] {
        assert!(matches!(b(t), Ok(Cell::Bool(true))), "{t}");
    }
    for t in ["false", "FALSE", "f", "N", "No", "0"] {
        assert!(matches!(b(t), Ok(Cell::Bool(false))), "{t}");
    }
    for t in ["maybe", "2", "yess", "tru"] {
        let err = b(t).unwrap_err();
        assert!(err.contains("expected true or false"), "{t}: {err}");
    }
}

/// Labels typed into a slot that held the row before's labels: the slot's text is replaced, and
/// labels the shortcut declines still take the general path.
#[test]
fn labels_cells_replace_the_row_befores_text() {
    let config = crate::config::Config::defaults_in(std::path::Path::new("."));
    let mut slot = Cell::Text(r#"{"old":"labels of the row before, longer"}"#.into());
    let json = ColumnType::Json;
    typed_into(
        json,
        Raw::Text(r#" {"b":"2","a":"1"} "#),
        &ctx(&config),
        &mut slot,
    )
    .unwrap();
    assert!(
        matches!(&slot, Cell::Text(t) if t == r#"{"a":"1","b":"2"}"#),
        "{slot:?}"
    );
    typed_into(json, Raw::Text(r#"{"n":1}"#), &ctx(&config), &mut slot).unwrap();
    assert!(
        matches!(&slot, Cell::Text(t) if t == r#"{"n":"1"}"#),
        "{slot:?}"
    );
    let err = typed_into(json, Raw::Text("[1]"), &ctx(&config), &mut slot).unwrap_err();
    assert!(err.contains("expected a JSON object"), "{err}");
}
