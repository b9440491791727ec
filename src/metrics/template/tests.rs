//! Hand-computed cases for `metrics::template`.
use super::*;

fn set(words: &[&str]) -> BTreeSet<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn spec_example_gives_one_template() {
    let a = template("WAL is 2.3 GB on db-7");
    let b = template("WAL is 3.1 GB on db-12");
    assert_eq!(a, "wal is <num> on <host>");
    assert_eq!(a, b);
    assert_eq!(
        similar("WAL is 2.3 GB on db-7", "WAL is 3.1 GB on db-12", 0.6),
        (true, 1.0)
    );
}

#[test]
fn masks_uuid_ip_hex() {
    assert_eq!(
        template("Job 550E8400-e29b-41d4-a716-446655440000 stuck"),
        "job <uuid> stuck"
    );
    assert_eq!(template("Packet loss to 10.0.3.17"), "packet loss to <ip>");
    assert_eq!(template("PG 10.0.3.17:5432 refused"), "pg <ip> refused");
    assert_eq!(template("2001:db8::1 unreachable"), "<ip> unreachable");
    assert_eq!(template("fe80::1ff:fe23:4567:890a down"), "<ip> down");
    assert_eq!(template("fe80:: down"), "<ip> down");
    assert_eq!(template("on db-7: disk full"), "on <host>: disk full");
    assert_eq!(template("Deploy a3f9c2e1b7 failed"), "deploy <hex> failed");
    assert_eq!(
        template("revert 9fceb02d0ae598e95dc970b74767f19372d61af8"),
        "revert <hex>"
    );
    assert_eq!(template("bad pointer 0x1f"), "bad pointer <hex>");
}

#[test]
fn masks_percentages_and_numbers() {
    assert_eq!(template("CPU at 97% on api"), "cpu at <pct> on api");
    assert_eq!(template("Disk 97.5 percent full"), "disk <pct> full");
    assert_eq!(
        template("Queue depth 1,024 (limit 10k)"),
        "queue depth <num> (limit <num>)"
    );
    assert_eq!(template("Heap 512MiB, 3rd time"), "heap <num>, <num> time");
    assert_eq!(template("HTTP 502 on login"), "http <num> on login");
}

#[test]
fn masks_ids() {
    assert_eq!(template("INC-4821 follow-up"), "<id> follow-up");
    assert_eq!(template("Reopened #1234"), "reopened <id>");
    assert_eq!(template("PagerDuty PT4KHLK fired"), "pagerduty <id> fired");
    assert_eq!(template("shard_12 lagging"), "<id> lagging");
}

#[test]
fn masks_durations() {
    assert_eq!(template("Restarted after 45s"), "restarted after <dur>");
    assert_eq!(template("Backup took 2h30m"), "backup took <dur>");
    assert_eq!(template("Backup took 2h 30m"), "backup took <dur>");
    assert_eq!(
        template("Failover after 45 seconds"),
        "failover after <dur>"
    );
    assert_eq!(
        template("Latency 500ms, paging every 5m"),
        "latency <dur>, paging every <dur>"
    );
    assert_eq!(
        template("Backup took 2 hours 30 minutes"),
        "backup took <dur>"
    );
}

#[test]
fn masks_hosts_dates_times_versions() {
    assert_eq!(template("web-12.prod.example.com slow"), "<host> slow");
    assert_eq!(template("ip-10-0-0-1 OOM"), "<host> oom");
    assert_eq!(template("node12.prod.example.com slow"), "<host> slow");
    assert_eq!(template("db-7:5432 refused"), "<host>:<num> refused");
    assert_eq!(template("GET /orders/123 fails"), "get /orders/<num> fails");
    assert_eq!(
        template("2024-03-05 outage at 14:05 UTC"),
        "<date> outage at <time> utc"
    );
    assert_eq!(
        template("Deploy v1.4.2 broke login"),
        "deploy <ver> broke login"
    );
    // Clock times have two colons but no `::`: a time, not an IPv6 address.
    assert_eq!(template("stuck since 12:30:45"), "stuck since <time>");
}

#[test]
fn ordinary_words_are_not_masked() {
    // `p99` names the metric that breached, so it is kept: a p50 and a p99 breach differ.
    assert_eq!(
        template("Checkout p99 latency high"),
        "checkout p99 latency high"
    );
    assert_eq!(
        template("SEV-1: k8s e2e-tests fail on ec2, oauth2 and utf-8"),
        "sev-1: k8s e2e-tests fail on ec2, oauth2 and utf-8"
    );
    assert_eq!(template("Elevated 5xx on API v2"), "elevated 5xx on api v2");
    assert_eq!(template("Facade decade added"), "facade decade added");
    assert_eq!(
        template("example.com certificate expired"),
        "example.com certificate expired"
    );
    assert_eq!(template("(Checkout) down!"), "(checkout) down!");
}

#[test]
fn template_normalises_and_is_idempotent() {
    let t = template("  WAL   is 2.3 GB\ton db-7 ");
    assert_eq!(t, "wal is <num> on <host>");
    assert_eq!(template(&t), t);
}

#[test]
fn tokens_of_template() {
    assert_eq!(
        tokens("wal is <num> on <host>:<num>"),
        set(&["wal", "is", "<num>", "on", "<host>"])
    );
    assert_eq!(tokens("e2e-tests, fail"), set(&["e2e", "tests", "fail"]));
}

#[test]
fn jaccard_hand_computed() {
    let a = set(&["a", "b", "c", "d"]);
    let b = set(&["a", "b", "e"]);
    // 2 shared of 5 distinct.
    assert_eq!(jaccard(&a, &b), 0.4);
    assert_eq!(jaccard(&a, &a), 1.0);
    assert_eq!(jaccard(&a, &set(&[])), 0.0);
    assert_eq!(jaccard(&set(&[]), &set(&[])), 0.0);
}

#[test]
fn threshold_is_inclusive() {
    // {disk, full, on} shared, {primary, replica} not: 3 / 5 = 0.6 exactly.
    let (hit, score) = similar("Disk full on primary", "Disk full on replica", 0.6);
    assert_eq!(score, 0.6);
    assert!(hit);
    // The same score just under a slightly higher threshold is not a match.
    assert_eq!(
        similar("Disk full on primary", "Disk full on replica", 0.6001),
        (false, 0.6)
    );
    // {disk, full, on} shared of 7 distinct: 3 / 7 ≈ 0.4286, not similar at 0.6.
    let (hit, score) = similar("Disk full on primary db", "Disk full on replica cache", 0.6);
    assert!(!hit);
    assert!((score - 3.0 / 7.0).abs() < 1e-12);
}

#[test]
fn empty_titles() {
    assert_eq!(template(""), "");
    assert_eq!(template("   "), "");
    assert!(tokens("").is_empty());
    assert_eq!(similar("", "", 0.6), (false, 0.0));
    assert_eq!(similar("", "Disk full", 0.6), (false, 0.0));
}
