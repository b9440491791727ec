//! POSTing a JSON payload to a webhook (Slack, Teams, a generic receiver) with reqwest's blocking
//! client, and saying what went wrong without the address: a webhook's URL is its secret (anyone
//! holding it can post), so reqwest's error is stripped of it (`without_url`) and any text that
//! could still hold it is redacted before it reaches a message.

use std::time::Duration;

/// What went wrong, for the error naming the destination: no address in it.
pub type Failure = String;

/// `secret` replaced wherever it occurs in `text` (also its host-less tail, as servers echo a
/// path), so no message shows it.
pub fn redact(text: &str, secret: &str) -> String {
    let mut out = text.to_string();
    if !secret.is_empty() {
        out = out.replace(secret, "[redacted]");
        if let Some((_, rest)) = secret.split_once("://")
            && let Some((_, path)) = rest.split_once('/')
            && path.len() > 3
        {
            out = out.replace(path, "[redacted]");
        }
    }
    out
}

/// POST `body` (JSON) to `url`; Ok on any 2xx answer.
pub fn post_json(url: &str, body: &[u8], timeout_seconds: u32) -> Result<(), Failure> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(timeout_seconds.into()))
        .user_agent(concat!("aftermath/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start the HTTP client: {}", e.without_url()))?;
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec())
        .send()
        .map_err(|e| {
            let why = if e.is_timeout() {
                format!("no answer within {timeout_seconds} s (timeout_seconds)")
            } else if e.is_connect() {
                "could not connect (refused, unreachable, or a DNS or TLS failure)".to_string()
            } else {
                "the request failed".to_string()
            };
            redact(&format!("{why}: {}", chain(&e.without_url())), url)
        })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text: String = response
        .text()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    Err(redact(
        &format!("the server answered HTTP {status}: {}", text.trim()),
        url,
    ))
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(&format!(": {c}"));
        cause = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_and_its_path_are_redacted() {
        let url = "https://hooks.slack.com/services/T0/B0/secret123";
        assert_eq!(
            redact(
                &format!("failed for {url}; path services/T0/B0/secret123"),
                url
            ),
            "failed for [redacted]; path [redacted]"
        );
    }

    #[test]
    fn a_refused_connection_says_so_without_the_address() {
        // A port nothing listens on: bind one, note it, close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/hook/s3cr3t");
        let e = post_json(&url, b"{}", 5).unwrap_err();
        assert!(e.starts_with("could not connect"), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
    }
}
