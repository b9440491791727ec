//! The docs stay true: docs/schema.md lists every column of every table with its type and
//! nullability, exactly as the model defines them.

use aftermath::model::Table;

#[test]
fn schema_doc_matches_the_model() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.md"),
    )
    .unwrap();
    for t in Table::ALL {
        let section = doc
            .split(&format!("## {}\n", t.name()))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {t}"));
        let section = section.split("\n## ").next().unwrap();
        let rows: Vec<&str> = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| column"))
            .collect();
        assert_eq!(rows.len(), t.spec().columns.len(), "{t}");
        for (row, c) in rows.iter().zip(t.spec().columns) {
            let want = format!(
                "| {} | {} | {} |",
                c.name,
                c.ty.describe(),
                if c.nullable { "yes" } else { "no" }
            );
            assert!(
                row.starts_with(&want),
                "{t}: {row:?} should start with {want:?}"
            );
        }
    }
}
