//! Template rendering: the default templates of `templates/` compiled into the binary, a user's
//! folder laid over them, and the filters and escaping every report shares.
//!
//! Two tera instances, one per output format, so each escapes for its own language: HTML templates
//! (`*.html`) escape every `{{ value }}` as HTML, Markdown templates (`*.md`) escape it as Markdown
//! (`*`, `_`, `|`, `<`, brackets, backticks, braces...), and newlines inside a value become spaces
//! so a title cannot break a table row. Only values a template marks `| safe` (our own SVG, our
//! own rendered methods text) pass unescaped.
//!
//! Overrides (as Zola does it): every default template is registered twice, as `weekly.html` and
//! as `default/weekly.html`. A user's `weekly.html` replaces the first; to change one block only,
//! it can `{% extends "default/weekly.html" %}` and redefine that block.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use tera::{Tera, Value};

use crate::error::{Error, IoContext, Result};
use crate::report::text;

/// The default templates, by file name.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("macros.md", include_str!("../../templates/macros.md")),
];

/// An output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputFormat {
    Html,
    Markdown,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 2] = [OutputFormat::Html, OutputFormat::Markdown];

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Html => "html",
            OutputFormat::Markdown => "md",
        }
    }
}

/// The two template sets, ready to render.
pub struct Renderer {
    html: Tera,
    md: Tera,
}

fn tera_err(what: &str, e: tera::Error) -> Error {
    // tera's Display is the outermost message only; the cause names the template line.
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    Error::Query(format!("{what}: {msg}"))
}

impl Renderer {
    /// The defaults plus `extra` (the report modules' own templates), overlaid with every
    /// `*.html` and `*.md` file of `user_dir` when given.
    pub fn new(extra: &[(&str, &str)], user_dir: Option<&Path>) -> Result<Renderer> {
        let mut sources: Vec<(String, String)> = vec![];
        for (name, text) in DEFAULTS.iter().chain(extra) {
            sources.push((format!("default/{name}"), (*text).to_string()));
            sources.push(((*name).to_string(), (*text).to_string()));
        }
        if let Some(dir) = user_dir {
            let entries = std::fs::read_dir(dir).at(dir)?;
            let mut names = vec![];
            for e in entries {
                let p = e.at(dir)?.path();
                let name = p.file_name().map(|n| n.to_string_lossy().to_string());
                if let Some(name) = name.filter(|n| n.ends_with(".html") || n.ends_with(".md")) {
                    names.push((name, p));
                }
            }
            names.sort();
            for (name, p) in names {
                let text = std::fs::read_to_string(&p).at(&p)?;
                sources.retain(|(n, _)| n != &name);
                sources.push((name, text));
            }
        }
        let build = |suffix: &'static str, escape: fn(&str) -> String| -> Result<Tera> {
            let mut t = Tera::default();
            let mine: Vec<(&str, &str)> = sources
                .iter()
                .filter(|(n, _)| n.ends_with(suffix))
                .map(|(n, s)| (n.as_str(), s.as_str()))
                .collect();
            t.add_raw_templates(mine)
                .map_err(|e| tera_err("cannot load the report templates", e))?;
            t.autoescape_on(vec![suffix]);
            t.set_escape_fn(escape);
            register_filters(&mut t);
            Ok(t)
        };
        Ok(Renderer {
            html: build(".html", tera::escape_html)?,
            md: build(".md", escape_markdown)?,
        })
    }

    /// Render template `name` (`weekly` -> `weekly.html` or `weekly.md`) with `data`.
    pub fn render(
        &self,
        name: &str,
        format: OutputFormat,
        data: &impl Serialize,
    ) -> Result<String> {
        let ctx = tera::Context::from_serialize(data)
            .map_err(|e| tera_err("cannot build the report context", e))?;
        let (tera, file) = match format {
            OutputFormat::Html => (&self.html, format!("{name}.html")),
            OutputFormat::Markdown => (&self.md, format!("{name}.md")),
        };
        let text = tera
            .render(&file, &ctx)
            .map_err(|e| tera_err(&format!("cannot render {file}"), e))?;
        Ok(match format {
            OutputFormat::Html => text,
            OutputFormat::Markdown => tidy_markdown(&text),
        })
    }
}

/// One blank line between blocks at most: templates and their macros each end blocks with a
/// newline, and Markdown gives extra blank lines no meaning, so runs are collapsed here once
/// rather than with whitespace control in every template (which a user's override would break).
fn tidy_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        out.push(c);
    }
    out
}

/// Markdown-escape a value: backslash the characters that start emphasis, links, code, tables,
/// HTML and template syntax; `&` becomes `&amp;` so no entity is formed; newlines become spaces.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn register_filters(t: &mut Tera) {
    // `{{ x | dur }}`: minutes as `45 min`, `2.5 h`, `3.1 d`; null as an en dash.
    t.register_filter("dur", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(text::dur(num(v))))
    });
    // `{{ x | pct }}`: a percentage (0-100) to one decimal, `45.2%`.
    t.register_filter("pct", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(text::pct(num(v))))
    });
    // `{{ x | num }}`: integers as they are, other numbers to at most two decimals.
    t.register_filter("num", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(match num(v) {
            None => text::NONE.into(),
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
            Some(x) => {
                let s = format!("{x:.2}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_one_blank_line_between_blocks() {
        assert_eq!(tidy_markdown("# a\n\n\n\nb\n\nc\n"), "# a\n\nb\n\nc\n");
    }

    #[test]
    fn markdown_escaping_neutralises_markup_and_template_syntax() {
        assert_eq!(
            escape_markdown("<script>alert(1)</script> | *x* {{ y }}\nz & [a](b)"),
            "\\<script\\>alert(1)\\</script\\> \\| \\*x\\* \\{\\{ y \\}\\} z &amp; \\[a\\](b)"
        );
    }

    #[test]
    fn filters_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let extra = [
            (
                "t.html",
                "{% block b %}<p>{{ title }} {{ m | dur }} {{ p | pct }} {{ n | num }}</p>{% endblock b %}",
            ),
            ("t.md", "{{ title }} {{ m | dur }}"),
        ];
        let data = serde_json::json!({"title": "<b>&", "m": 150.0, "p": 12.34, "n": 2.5});
        let r = Renderer::new(&extra, None).unwrap();
        assert_eq!(
            r.render("t", OutputFormat::Html, &data).unwrap(),
            "<p>&lt;b&gt;&amp; 2.5 h 12.3% 2.5</p>"
        );
        assert_eq!(
            r.render("t", OutputFormat::Markdown, &data).unwrap(),
            "\\<b\\>&amp; 2.5 h"
        );
        // A user's file extends the default and replaces one block.
        std::fs::write(
            dir.path().join("t.html"),
            "{% extends \"default/t.html\" %}{% block b %}mine {{ title }}{% endblock b %}",
        )
        .unwrap();
        let r = Renderer::new(&extra, Some(dir.path())).unwrap();
        assert_eq!(
            r.render("t", OutputFormat::Html, &data).unwrap(),
            "mine &lt;b&gt;&amp;"
        );
        assert_eq!(
            r.render("t", OutputFormat::Markdown, &data).unwrap(),
            "\\<b\\>&amp; 2.5 h"
        );
    }

    #[test]
    fn a_broken_user_template_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base.html"), "{% block x %}unclosed").unwrap();
        let err = Renderer::new(&[], Some(dir.path()))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("base.html"), "{err}");
    }
}
