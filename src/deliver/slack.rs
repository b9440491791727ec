//! The Slack message (an incoming webhook's JSON, Block Kit): the report's title as the header,
//! its headline sentences as bullets, the major incidents it names (with their postmortem links),
//! the overdue action items by name, and a link to the full report (or its file name when the
//! destination has no `report_url`). `text` repeats the title for notifications.
//!
//! Text comes from the data (titles, owners), so it is escaped for Slack's mrkdwn (`&`, `<`, `>`,
//! which would otherwise start a link or a mention) and cut to Slack's limits: a section's text
//! is at most 3,000 characters, a header's 150. `preview` renders the blocks as plain text, for a
//! terminal and the gallery.

use serde_json::{Value, json};

use super::Content;

/// Slack's limit on a section block's text.
const SECTION_MAX: usize = 3000;
const HEADER_MAX: usize = 150;

/// `&`, `<` and `>` as Slack's mrkdwn wants them.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most `max` characters, with an ellipsis when cut.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn link(url: &str, label: &str) -> String {
    // A link's address must not hold `|` or `>`: `safe_url` percent-encoded them already.
    format!(
        "<{}|{}>",
        url.replace('|', "%7C").replace('>', "%3E"),
        escape(label)
    )
}

fn section(text: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": cut(&text, SECTION_MAX)}})
}

/// The webhook's JSON body.
pub fn payload(c: &Content) -> Value {
    let s = c.summary;
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&s.title, HEADER_MAX), "emoji": false}
    })];
    let bullets: Vec<String> = s
        .headline
        .iter()
        .map(|h| format!("• {}", escape(h)))
        .collect();
    if !bullets.is_empty() {
        blocks.push(section(bullets.join("\n")));
    }
    let majors = c.majors();
    if !majors.0.is_empty() {
        let mut lines = vec![format!("*Major incidents ({})*", s.majors.len())];
        for m in majors.0 {
            let pm = m
                .postmortem_url
                .as_deref()
                .map(|u| format!(" · {}", link(u, "postmortem")))
                .unwrap_or_default();
            let id = match m.incident_url.as_deref() {
                Some(u) => link(u, &m.incident),
                None => format!("`{}`", escape(&m.incident)),
            };
            lines.push(format!(
                "• *{}* {id} {} ({}; {}, {}){pm}",
                escape(&m.severity),
                escape(&m.title),
                escape(&m.team),
                escape(&m.status),
                escape(&m.time_to_resolve),
            ));
        }
        lines.extend(majors.1.map(|more| escape(&more)));
        blocks.push(section(lines.join("\n")));
    }
    if !s.overdue.is_empty() {
        let mut lines = vec!["*Overdue action items*".to_string()];
        for o in &s.overdue {
            let ticket = o
                .ticket_url
                .as_deref()
                .map(|u| format!(" · {}", link(u, "ticket")))
                .unwrap_or_default();
            lines.push(format!(
                "• *{}* {}: {} ({}, due {}, {} overdue){ticket}",
                escape(&o.priority),
                escape(&o.owner),
                escape(&o.title),
                escape(&o.team),
                escape(&o.due),
                escape(&o.overdue),
            ));
        }
        if !s.overdue_more.is_empty() {
            lines.push(escape(&s.overdue_more));
        }
        blocks.push(section(lines.join("\n")));
    }
    blocks.push(json!({"type": "divider"}));
    let full = match &c.url {
        Some(u) => format!("{} · as of {}", link(u, "Open the full report"), s.as_of),
        None => format!(
            "The full report: `{}` in the reports folder · as of {}",
            escape(&c.key),
            s.as_of
        ),
    };
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": cut(&full, SECTION_MAX)}]
    }));
    json!({"text": cut(&s.title, SECTION_MAX), "blocks": blocks})
}

/// The blocks as plain text, roughly as Slack shows them: header, sections, a rule, context
/// (mrkdwn's escapes shown as the characters they stand for).
pub fn preview(payload: &Value) -> String {
    let mut out = String::new();
    let text = |v: &Value| {
        v.as_str()
            .unwrap_or_default()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    for b in payload["blocks"].as_array().into_iter().flatten() {
        match b["type"].as_str() {
            Some("header") => out.push_str(&format!("{}\n\n", text(&b["text"]["text"]))),
            Some("section") => out.push_str(&format!("{}\n\n", text(&b["text"]["text"]))),
            Some("divider") => out.push_str("────────────────────────────────────────\n"),
            Some("context") => {
                for e in b["elements"].as_array().into_iter().flatten() {
                    out.push_str(&format!("{}\n", text(&e["text"])));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrkdwn_control_characters_are_escaped_and_long_text_cut() {
        assert_eq!(
            escape("<!channel> & <@U1>"),
            "&lt;!channel&gt; &amp; &lt;@U1&gt;"
        );
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(
            link("https://x.example.com/a|b", "pm <1>"),
            "<https://x.example.com/a%7Cb|pm &lt;1&gt;>"
        );
    }
}
