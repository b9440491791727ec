//! The email: a MIME message built with lettre and sent over SMTP (STARTTLS, implicit TLS, or
//! plain to a loopback server). Its parts:
//!
//! - `multipart/alternative`: the report's Markdown as `text/plain` (what a text-only client
//!   shows), and a `multipart/related` holding an HTML body written for mail clients (tables and
//!   inline styles, no scripts or stylesheets, which most clients drop) with the report's charts
//!   as inline PNG images referenced by `cid:`;
//! - the full HTML report as an attachment, to open in a browser.
//!
//! The body carries the report's headline, its major incidents and its overdue items, escaped
//! for HTML. Charts are the PNG files beside the report (`charts/<name>.png`, written when the
//! config has an email destination); a report rendered without them says the charts are in the
//! attachment. Boundaries and the Message-ID are derived from the report and the destination, so
//! a dry run writes the same `.eml` twice.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

use super::Content;
use super::http::{Failure, redact};
use crate::config::deliver::{Smtp, Tls};
use crate::error::{Error, IoContext, Result};

/// The most charts one email carries inline.
const MAX_CHARTS: usize = 8;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const TD: &str = "padding:4px 8px;border-bottom:1px solid #d0d7de;vertical-align:top";
const H2: &str = "font-size:16px;margin:20px 0 8px";

fn table(head: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut s = String::from(
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" \
         style=\"border-collapse:collapse;width:100%;font-size:13px\">\n<tr>",
    );
    for h in head {
        s.push_str(&format!(
            "<th align=\"left\" style=\"{TD};background:#f6f8fa\">{}</th>",
            escape(h)
        ));
    }
    s.push_str("</tr>\n");
    for r in rows {
        s.push_str("<tr>");
        for cell in r {
            s.push_str(&format!("<td style=\"{TD}\">{cell}</td>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

fn a(url: &str, label: &str) -> String {
    format!(
        "<a href=\"{}\" style=\"color:#0969da\">{}</a>",
        escape(url),
        escape(label)
    )
}

/// The HTML body; `charts` are (name, cid) of the inline images.
pub fn html_body(c: &Content, charts: &[(String, String)]) -> String {
    let s = c.summary;
    let mut b = String::new();
    b.push_str(&format!(
        "<h1 style=\"font-size:20px;margin:0 0 4px\">{}</h1>\n\
         <p style=\"color:#57606a;margin:0 0 16px\">{} · as of {}</p>\n",
        escape(&s.title),
        escape(&s.period),
        escape(&s.as_of)
    ));
    if !s.headline.is_empty() {
        b.push_str("<ul style=\"padding-left:20px;margin:0\">\n");
        for h in &s.headline {
            b.push_str(&format!(
                "<li style=\"margin:0 0 6px\">{}</li>\n",
                escape(h)
            ));
        }
        b.push_str("</ul>\n");
    }
    let (majors, more) = c.majors();
    if !majors.is_empty() {
        b.push_str(&format!(
            "<h2 style=\"{H2}\">Major incidents ({})</h2>\n",
            s.majors.len()
        ));
        let rows = majors
            .iter()
            .map(|m| {
                vec![
                    escape(&m.severity),
                    m.incident_url
                        .as_deref()
                        .map_or_else(|| escape(&m.incident), |u| a(u, &m.incident)),
                    escape(&m.title),
                    escape(&m.team),
                    escape(&m.status),
                    escape(&m.time_to_resolve),
                    m.postmortem_url
                        .as_deref()
                        .map_or_else(|| "none yet".into(), |u| a(u, "postmortem")),
                ]
            })
            .collect();
        b.push_str(&table(
            &[
                "Severity",
                "Incident",
                "Title",
                "Team",
                "Status",
                "Time to resolve",
                "Postmortem",
            ],
            rows,
        ));
        if let Some(m) = more {
            b.push_str(&format!("<p style=\"color:#57606a\">{}</p>\n", escape(&m)));
        }
    }
    if !s.overdue.is_empty() {
        b.push_str(&format!("<h2 style=\"{H2}\">Overdue action items</h2>\n"));
        let rows = s
            .overdue
            .iter()
            .map(|o| {
                vec![
                    escape(&o.priority),
                    escape(&o.title),
                    escape(&o.owner),
                    escape(&o.team),
                    escape(&o.due),
                    escape(&o.overdue),
                    o.ticket_url
                        .as_deref()
                        .map_or_else(|| "–".into(), |u| a(u, "ticket")),
                ]
            })
            .collect();
        b.push_str(&table(
            &[
                "Priority", "Item", "Owner", "Team", "Due", "Overdue", "Ticket",
            ],
            rows,
        ));
        if !s.overdue_more.is_empty() {
            b.push_str(&format!(
                "<p style=\"color:#57606a\">{}</p>\n",
                escape(&s.overdue_more)
            ));
        }
    }
    if !charts.is_empty() {
        b.push_str(&format!("<h2 style=\"{H2}\">Charts</h2>\n"));
        for (name, cid) in charts {
            b.push_str(&format!(
                "<p style=\"margin:0 0 12px\"><img src=\"cid:{}\" alt=\"{}\" width=\"600\" \
                 style=\"display:block;width:100%;max-width:600px;height:auto;border:0\"></p>\n",
                escape(cid),
                escape(name)
            ));
        }
    } else if !s.charts.is_empty() {
        b.push_str("<p style=\"color:#57606a\">The charts are in the attached report.</p>\n");
    }
    let full = match &c.url {
        Some(u) => format!(
            "{} (also attached: {}).",
            a(u, "Open the full report"),
            escape(&s.html)
        ),
        None => format!("The full report is attached: {}.", escape(&s.html)),
    };
    b.push_str(&format!("<p style=\"margin:20px 0 0\">{full}</p>\n"));
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head>\n\
         <body style=\"margin:0;padding:0;background:#f6f8fa\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" \
         style=\"background:#f6f8fa\"><tr><td align=\"center\" style=\"padding:16px\">\n\
         <table role=\"presentation\" width=\"640\" cellpadding=\"0\" cellspacing=\"0\" \
         style=\"max-width:640px;width:100%;background:#ffffff;border:1px solid #d0d7de;\
         font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1f2328\">\
         <tr><td style=\"padding:20px 24px\">\n{b}</td></tr></table>\n</td></tr></table>\n\
         </body></html>\n",
        escape(&s.title)
    )
}

fn mailbox(text: &str, what: &str, dest: &str) -> Result<Mailbox> {
    text.parse().map_err(|e| Error::Config {
        path: "aftermath.toml".into(),
        problems: vec![format!(
            "deliver {dest:?}: {what} {text:?} is not an email address ({e})"
        )],
    })
}

/// The message for destination `smtp`; `date` is its Date header.
pub fn message(c: &Content, smtp: &Smtp, date: std::time::SystemTime) -> Result<Message> {
    let s = c.summary;
    let h = blake3::hash(format!("{}\n{}", c.destination, c.key).as_bytes()).to_hex();
    let tag = &h.as_str()[..24];
    let mut charts = vec![];
    let mut images = vec![];
    for name in s.charts.iter().take(MAX_CHARTS) {
        let p = c.dir.join("charts").join(format!("{name}.png"));
        if let Ok(png) = std::fs::read(&p) {
            let cid = format!("{name}.{tag}@aftermath");
            images.push(
                Attachment::new_inline(cid.clone())
                    .body(png, ContentType::parse("image/png").expect("a valid type")),
            );
            charts.push((name.clone(), cid));
        }
    }
    let html = html_body(c, &charts);
    let markdown = std::fs::read_to_string(c.dir.join(&s.markdown))
        .unwrap_or_else(|_| format!("{}\n\n{}\n", s.title, s.headline.join("\n")));
    let report_path = c.dir.join(&s.html);
    let report = std::fs::read(&report_path).at(&report_path)?;
    let mut related = MultiPart::related()
        .boundary(format!("aftermath-related-{tag}"))
        .singlepart(SinglePart::html(html));
    for i in images {
        related = related.singlepart(i);
    }
    let body = MultiPart::mixed()
        .boundary(format!("aftermath-mixed-{tag}"))
        .multipart(
            MultiPart::alternative()
                .boundary(format!("aftermath-alternative-{tag}"))
                .singlepart(SinglePart::plain(markdown))
                .multipart(related),
        )
        .singlepart(Attachment::new(s.html.clone()).body(report, ContentType::TEXT_HTML));
    let mut m = Message::builder()
        .from(mailbox(&smtp.from, "from", c.destination)?)
        .subject(s.title.clone())
        .date(date)
        .message_id(Some(format!("<{tag}@aftermath>")))
        .user_agent(format!("aftermath {}", env!("CARGO_PKG_VERSION")));
    for to in &smtp.to {
        m = m.to(mailbox(to, "to", c.destination)?);
    }
    m.multipart(body)
        .map_err(|e| Error::Internal(format!("building the email: {e}")))
}

/// Send `m` through the destination's server; the password comes from `password` (read from the
/// environment by the caller) and never appears in the failure.
pub fn send(m: &Message, smtp: &Smtp, password: Option<&str>, timeout: u32) -> Result<(), Failure> {
    let builder = match smtp.tls {
        Tls::Starttls => SmtpTransport::starttls_relay(&smtp.host),
        Tls::Tls => SmtpTransport::relay(&smtp.host),
        Tls::None => Ok(SmtpTransport::builder_dangerous(&smtp.host)),
    }
    .map_err(|e| format!("cannot set up TLS for {}: {e}", smtp.host))?;
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(timeout.into())));
    if let Some(p) = password {
        let user = smtp.username.clone().unwrap_or_else(|| smtp.from.clone());
        builder = builder.credentials(Credentials::new(user, p.to_string()));
    }
    builder.build().send(m).map(|_| ()).map_err(|e| {
        let mut text = format!("SMTP {}:{}: {e}", smtp.host, smtp.port);
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            text.push_str(&format!(": {c}"));
            cause = c.source();
        }
        redact(&text, password.unwrap_or_default())
    })
}
