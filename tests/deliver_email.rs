//! Delivery by email to a real SMTP server on 127.0.0.1 (Python's aiosmtpd, started by the test;
//! skipped with a message when it is missing): the stored message is parsed by Python's `email`
//! package and checked part by part (the Markdown text part, the HTML body with its inline PNG
//! charts and their `cid:` references, the attached report); a refused connection is named with
//! what to check and no password.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;

use serde_json::Value;

use crate::common::text;
use crate::deliver::{RUN, run_with, with_destinations};

/// The aiosmtpd server storing each message as a file in `dir`, on `port`.
const SMTP_SERVER: &str = r#"
import sys, time, pathlib
from aiosmtpd.controller import Controller
class Store:
    async def handle_DATA(self, server, session, envelope):
        n = len(list(pathlib.Path(sys.argv[1]).glob("*.eml")))
        pathlib.Path(sys.argv[1], f"{n}.eml").write_bytes(envelope.original_content)
        pathlib.Path(sys.argv[1], f"{n}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 OK"
c = Controller(Store(), hostname="127.0.0.1", port=int(sys.argv[2]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"#;

/// Parses a stored message with Python's `email` package into JSON: the tree of parts.
const PARSE: &str = r#"
import sys, json, email, email.policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
def walk(p):
    d = {"type": p.get_content_type(), "cid": p.get("Content-ID"), "disposition": p.get_content_disposition(), "filename": p.get_filename()}
    if p.is_multipart():
        d["parts"] = [walk(x) for x in p.iter_parts()]
    else:
        c = p.get_content()
        d["text"] = c if isinstance(c, str) else None
        d["png"] = isinstance(c, bytes) and c[:8] == b"\x89PNG\r\n\x1a\n"
    return d
print(json.dumps({"subject": m["Subject"], "from": m["From"], "to": m["To"], "root": walk(m)}))
"#;

#[test]
fn an_email_over_smtp_has_its_parts_inline_charts_and_attachment() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED an_email_over_smtp_has_its_parts: python3 with aiosmtpd is not installed (pip install aiosmtpd)"
        );
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = with_destinations(&format!(
        r#"
[[deliver]]
name = "payments-mail"
kind = "email"
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
from = "aftermath <aftermath@example.com>"
to = ["lead@example.com", "manager@example.com"]
reports = ["weekly-team"]
teams = ["payments"]
"#
    ));
    let mail = s.path("mail");
    std::fs::create_dir_all(&mail).unwrap();
    s.write("smtp.py", SMTP_SERVER);
    s.write("parse.py", PARSE);
    let mut server = std::process::Command::new("python3")
        .arg(s.path("smtp.py"))
        .arg(&mail)
        .arg(port.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "ready");

    let out = run_with(&s, &[], RUN);
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(mail.join("0.rcpt")).unwrap(),
        "lead@example.com\nmanager@example.com"
    );
    assert!(
        !mail.join("1.eml").exists(),
        "one message, for payments only"
    );
    let parsed = std::process::Command::new("python3")
        .arg(s.path("parse.py"))
        .arg(mail.join("0.eml"))
        .output()
        .unwrap();
    assert!(parsed.status.success(), "{}", text(&parsed.stderr));
    let m: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(
        m["subject"],
        "Weekly reliability report: payments, 2026-W46"
    );
    assert_eq!(m["to"], "lead@example.com, manager@example.com");
    let root = &m["root"];
    assert_eq!(root["type"], "multipart/mixed");
    let (alt, attachment) = (&root["parts"][0], &root["parts"][1]);
    assert_eq!(alt["type"], "multipart/alternative");
    // The text part is the report's Markdown, as written.
    let md = std::fs::read_to_string(s.path("out/weekly/2026-W46/team-payments.md")).unwrap();
    assert_eq!(alt["parts"][0]["type"], "text/plain");
    assert_eq!(
        alt["parts"][0]["text"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n"),
        md
    );
    let related = &alt["parts"][1];
    assert_eq!(related["type"], "multipart/related");
    let html = related["parts"][0]["text"].as_str().unwrap();
    assert_eq!(related["parts"][0]["type"], "text/html");
    assert!(html.contains(
        "<li style=\"margin:0 0 6px\">1 incident this week (1 SEV2), against 2.5 a week"
    ));
    assert!(html.contains(
        "<a href=\"https://pagerduty.example.com/incidents/Q41BGKN\" style=\"color:#0969da\">pagerduty:Q41BGKN</a></td>"
    ));
    // Every chart of the team (5) is an inline PNG whose Content-ID the HTML references.
    let images: Vec<&Value> = related["parts"].as_array().unwrap()[1..].iter().collect();
    assert_eq!(images.len(), 5);
    for img in images {
        assert_eq!(img["type"], "image/png");
        assert_eq!(img["disposition"], "inline");
        assert_eq!(img["png"], true);
        let cid = img["cid"].as_str().unwrap().trim_matches(['<', '>']);
        assert!(html.contains(&format!("src=\"cid:{cid}\"")), "{cid}");
    }
    assert!(html.contains("cid:payments-incidents-xmr."));
    // The full report is attached, byte for byte.
    assert_eq!(attachment["type"], "text/html");
    assert_eq!(attachment["disposition"], "attachment");
    assert_eq!(attachment["filename"], "team-payments.html");
    let full = std::fs::read_to_string(s.path("out/weekly/2026-W46/team-payments.html")).unwrap();
    assert_eq!(
        attachment["text"].as_str().unwrap().replace("\r\n", "\n"),
        full
    );

    // Sent once: the log holds it and a second delivery sends nothing.
    let again = run_with(&s, &[], &["deliver", "--out", "out"]);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("skipped  payments-mail: weekly/2026-W46/team-payments.html")
    );
}

#[test]
fn a_refused_smtp_connection_is_named_with_what_to_check() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = with_destinations(&format!(
        "[[deliver]]\nname = \"mail\"\nkind = \"email\"\nsmtp_host = \"127.0.0.1\"\n\
         smtp_port = {port}\ntls = \"none\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n\
         password_env = \"T_PW\"\nusername = \"a\"\n"
    ));
    let out = run_with(&s, &[("T_PW", "hunter2pw".into())], RUN);
    assert_eq!(out.status.code(), Some(4));
    let e = text(&out.stderr);
    assert!(e.contains(&format!(
        "destination \"mail\" (email): weekly/2026-W46/organisation.html could not be sent: SMTP 127.0.0.1:{port}:"
    )), "{e}");
    assert!(
        e.contains(&format!(
            "check that 127.0.0.1:{port} accepts mail (no TLS), the credentials ($T_PW)"
        )),
        "{e}"
    );
    assert!(!e.contains("hunter2pw"));
}
