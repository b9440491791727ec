//! The `[[deliver]]` table's parsing: defaults, and every problem named by its key with no
//! secret repeated.

use super::*;
use toml::Table;

fn parse(text: &str) -> Result<Vec<Destination>, Vec<String>> {
    let t: Table = toml::from_str(text).unwrap();
    super::super::parse::from_table(&t, std::path::Path::new("."), None).map(|c| c.deliver)
}

#[test]
fn destinations_are_read_with_their_defaults() {
    let d = parse(
        "[[deliver]]\nname = \"eng\"\nkind = \"slack\"\nurl_env = \"SLACK_URL\"\n\
         [[deliver]]\nname = \"mail\"\nkind = \"email\"\nsmtp_host = \"127.0.0.1\"\n\
         tls = \"none\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n\
         reports = [\"weekly-team\", \"postmortem\"]\nteams = [\"payments\"]\n\
         severities = [\"sev1\"]\n",
    )
    .unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(
        d[0].target,
        Target::Slack {
            url_env: "SLACK_URL".into()
        }
    );
    assert_eq!(d[0].reports, ["weekly-organisation"]);
    assert_eq!(d[0].severities, [Severity::Sev1, Severity::Sev2]);
    assert_eq!(d[0].timeout_seconds, 30);
    let Target::Email(s) = &d[1].target else {
        panic!("email")
    };
    assert_eq!((s.port, s.tls), (25, Tls::None));
    assert_eq!(d[1].teams, ["payments"]);
    assert_eq!(d[1].severities, [Severity::Sev1]);
}

#[test]
fn every_problem_names_its_key_and_no_secret_is_taken() {
    let e = parse(
        "[[deliver]]\nname = \"a\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/x\"\n\
         url_env = \"https://hooks.slack.com/services/T0/B0/xyz\"\n\
         [[deliver]]\nname = \"a\"\nkind = \"email\"\nsmtp_host = \"mail.example.com\"\n\
         tls = \"none\"\nfrom = \"a@x\"\nto = [\"not an address\"]\nreports = [\"weekly\"]\nchannel = 1\n\
         [[deliver]]\nname = \"b\"\nkind = \"pager\"\n",
    )
    .unwrap_err();
    let joined = e.join("\n");
    assert!(e.contains(&"deliver[0].url: secrets are not read from the config; put it in an environment variable and name that variable with `url_env`".to_string()), "{joined}");
    assert!(joined.contains("deliver[0].url_env: expected the NAME of an environment variable"));
    assert!(joined.contains("deliver[1].channel: unknown key"));
    assert!(joined.contains("deliver[1].tls: \"none\" sends the password"));
    assert!(joined.contains("deliver[1].to[0]: \"not an address\" is not an email address"));
    assert!(joined.contains("deliver[1].reports[0]: unknown report \"weekly\""));
    assert!(joined.contains("deliver[1].name: \"a\" names another destination too"));
    assert!(joined.contains("deliver[2].kind: \"pager\" is not a destination kind"));
    // The secret itself is never repeated in a message.
    assert!(!joined.contains("xyz"), "{joined}");
    assert!(!joined.contains("hooks.slack.com"), "{joined}");
}
