//! The Microsoft Teams message: the body a Teams workflow ("Post to a channel when a webhook
//! request is received") expects, a `message` with one Adaptive Card (schema 1.4): the title, the
//! headline sentences, the major incidents and the overdue action items as fact lists, and a
//! button opening the full report when the destination has a `report_url`.
//!
//! A TextBlock renders a subset of Markdown, so text from the data has its Markdown characters
//! escaped with a backslash; a card does not interpret HTML.

use serde_json::{Value, json};

use super::Content;

/// Markdown's control characters escaped for a TextBlock.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Emphasis, links and code: what a TextBlock's Markdown subset interprets.
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn text(t: String, extra: Value) -> Value {
    let mut b = json!({"type": "TextBlock", "text": t, "wrap": true});
    if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    b
}

/// The webhook's JSON body.
pub fn payload(c: &Content) -> Value {
    let s = c.summary;
    let mut body = vec![text(
        escape(&s.title),
        json!({"size": "Large", "weight": "Bolder"}),
    )];
    for h in &s.headline {
        body.push(text(
            format!("- {}", escape(h)),
            json!({"spacing": "Small"}),
        ));
    }
    let (majors, more) = c.majors();
    if !majors.is_empty() {
        body.push(text(
            format!("Major incidents ({})", s.majors.len()),
            json!({"weight": "Bolder", "spacing": "Medium"}),
        ));
        let facts: Vec<Value> = majors
            .iter()
            .map(|m| {
                let pm = m
                    .postmortem_url
                    .as_deref()
                    .map(|u| format!(" [postmortem]({u})"))
                    .unwrap_or_default();
                json!({
                    "title": escape(&format!("{} {}", m.severity, m.incident)),
                    "value": format!(
                        "{} ({}; {}, {}){pm}",
                        escape(&m.title),
                        escape(&m.team),
                        escape(&m.status),
                        escape(&m.time_to_resolve)
                    ),
                })
            })
            .collect();
        body.push(json!({"type": "FactSet", "facts": facts}));
        body.extend(more.map(|m| text(escape(&m), json!({"isSubtle": true}))));
    }
    if !s.overdue.is_empty() {
        body.push(text(
            "Overdue action items".into(),
            json!({"weight": "Bolder", "spacing": "Medium"}),
        ));
        let facts: Vec<Value> = s
            .overdue
            .iter()
            .map(|o| {
                json!({
                    "title": escape(&format!("{} {}", o.priority, o.owner)),
                    "value": format!(
                        "{} ({}, due {}, {} overdue)",
                        escape(&o.title),
                        escape(&o.team),
                        escape(&o.due),
                        escape(&o.overdue)
                    ),
                })
            })
            .collect();
        body.push(json!({"type": "FactSet", "facts": facts}));
        if !s.overdue_more.is_empty() {
            body.push(text(escape(&s.overdue_more), json!({"isSubtle": true})));
        }
    }
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
    });
    match &c.url {
        Some(u) => {
            card["actions"] =
                json!([{"type": "Action.OpenUrl", "title": "Open the full report", "url": u}]);
        }
        None => {
            if let Some(b) = card["body"].as_array_mut() {
                b.push(text(
                    format!("The full report: {} in the reports folder", escape(&c.key)),
                    json!({"isSubtle": true}),
                ));
            }
        }
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_characters_are_escaped() {
        assert_eq!(
            super::escape("*DB* [x](y) a_b"),
            "\\*DB\\* \\[x\\](y) a\\_b"
        );
    }
}
