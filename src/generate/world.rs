//! The generated organisation: teams in several time zones (with DST changes inside any half-year),
//! their services, people, alert rules with distinct personalities (noisy, flapping, actionable),
//! and the recurring problems whose titles vary in numbers and host names. Plus the seeded random
//! source every generator draws from.

use chrono_tz::Tz;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};

/// The seeded random source. ChaCha8's output is fixed for a seed on every platform and release.
pub struct Dice(ChaCha8Rng);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(ChaCha8Rng::seed_from_u64(seed))
    }
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Uniform in `lo..hi` (hi exclusive).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..hi)
        }
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.int(0, xs.len() as i64) as usize]
    }
    /// Lognormal with the given median and log-scale sigma.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        let z: f64 = StandardNormal.sample(&mut self.0);
        median * (sigma * z).exp()
    }
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        Poisson::new(mean)
            .map(|p| p.sample(&mut self.0) as u64)
            .unwrap_or(0)
    }
    /// A random alphanumeric id of `n` characters, PagerDuty-style.
    pub fn id(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        (0..n).map(|_| *self.pick(A) as char).collect()
    }
}

pub struct Rule {
    pub name: String,
    pub service: String,
    pub severity: &'static str,
    /// Relative share of the team's alert volume.
    pub weight: f64,
    pub pages: bool,
    /// Probability that a page from this rule is acted on (acknowledged by a human).
    pub actionable: f64,
    /// Probability that it resolves by itself within minutes.
    pub transient: f64,
    /// Fires again shortly after resolving, several times.
    pub flaps: bool,
}

pub struct TeamDef {
    pub name: String,
    pub zone: Tz,
    pub source: &'static str,
    pub services: Vec<String>,
    pub people: Vec<(String, Tz)>,
    pub rules: Vec<Rule>,
    /// Title templates of this team's recurring problems: `{n}` a number, `{host}` a host.
    pub recurring: Vec<&'static str>,
}

const TEAMS: &[(&str, &str, &str, &[&str])] = &[
    (
        "payments",
        "Europe/Berlin",
        "pagerduty",
        &["payments-api", "billing", "ledger"],
    ),
    (
        "search",
        "America/New_York",
        "pagerduty",
        &["search-api", "indexer"],
    ),
    ("identity", "Asia/Kolkata", "opsgenie", &["auth", "sso"]),
    (
        "storefront",
        "America/Los_Angeles",
        "opsgenie",
        &["web", "cdn-edge"],
    ),
    (
        "data-platform",
        "Europe/London",
        "incidentio",
        &["kafka", "warehouse"],
    ),
    (
        "mobile",
        "Australia/Sydney",
        "incidentio",
        &["mobile-api", "push"],
    ),
];

const PEOPLE: &[&str] = &[
    "amara", "bjorn", "chen", "dana", "elif", "farid", "grace", "hiro", "ines", "jonas", "kofi",
    "lena", "mateo", "nadia", "oskar", "priya", "quinn", "rosa", "sven", "tariq", "uma", "viktor",
    "wen", "yusuf",
];

const RECURRING: &[&str] = &[
    "Disk usage at {n}% on {host}",
    "WAL is {n}.{d} GB on {host}",
    "Elevated 5xx rate on {service}: {n}% of requests",
    "Certificate for {host} expires in {n} days",
    "Replication lag {n}s on {host}",
    "Queue backlog of {n} messages on {service}",
    "OOM kills on {host} ({n} in 10m)",
    "p99 latency {n}ms on {service}",
];

/// Team number `i` (0-based): the six named teams, then `team-07`, `team-08`, ... cycling zones.
pub fn team(i: usize, dice: &mut Dice) -> TeamDef {
    let (name, zone, source, services) = TEAMS[i % TEAMS.len()];
    let name = if i < TEAMS.len() {
        name.to_string()
    } else {
        format!("team-{:02}", i + 1)
    };
    let zone: Tz = zone.parse().expect("the built-in zones are valid");
    let services: Vec<String> = if i < TEAMS.len() {
        services.iter().map(|s| s.to_string()).collect()
    } else {
        services.iter().map(|s| format!("{name}-{s}")).collect()
    };
    let mut people: Vec<(String, Tz)> = (0..5)
        .map(|k| (PEOPLE[(i * 5 + k) % PEOPLE.len()].to_string(), zone))
        .collect();
    // One responder per team lives elsewhere: their sleep hours are not the team's.
    let far: Tz = TEAMS[(i + 3) % TEAMS.len()].1.parse().expect("valid zone");
    people.push((
        format!("{}-remote", PEOPLE[(i * 5 + 5) % PEOPLE.len()]),
        far,
    ));

    let mut rules = vec![];
    for (k, svc) in services.iter().enumerate() {
        let base = svc.replace('-', "_");
        rules.push(Rule {
            name: format!("{base}_high_error_rate"),
            service: svc.clone(),
            severity: "SEV2",
            weight: 3.0,
            pages: true,
            actionable: 0.85,
            transient: 0.15,
            flaps: false,
        });
        rules.push(Rule {
            name: format!("{base}_latency_slo_burn"),
            service: svc.clone(),
            severity: "SEV3",
            weight: 4.0,
            pages: true,
            actionable: 0.7,
            transient: 0.25,
            flaps: false,
        });
        rules.push(Rule {
            name: format!("{base}_pod_restarts"),
            service: svc.clone(),
            severity: "SEV4",
            weight: 6.0,
            pages: false,
            actionable: 0.2,
            transient: 0.6,
            flaps: false,
        });
        if k == 0 {
            // The noisy ones: page a lot, rarely worth it.
            rules.push(Rule {
                name: format!("{base}_cpu_high"),
                service: svc.clone(),
                severity: "SEV3",
                weight: 10.0,
                pages: true,
                actionable: 0.15,
                transient: 0.65,
                flaps: false,
            });
            rules.push(Rule {
                name: format!("{base}_healthcheck_flapping"),
                service: svc.clone(),
                severity: "SEV3",
                weight: 3.0,
                pages: true,
                actionable: 0.1,
                transient: 0.9,
                flaps: true,
            });
        }
    }
    rules.push(Rule {
        name: "disk_space_low".into(),
        service: services[0].clone(),
        severity: "SEV4",
        weight: 4.0,
        pages: false,
        actionable: 0.5,
        transient: 0.1,
        flaps: false,
    });
    rules.push(Rule {
        name: "node_down".into(),
        service: services[services.len() - 1].clone(),
        severity: "SEV1",
        weight: 0.5,
        pages: true,
        actionable: 0.95,
        transient: 0.05,
        flaps: false,
    });

    let mut recurring = vec![];
    while recurring.len() < 3 {
        let r = *dice.pick(RECURRING);
        if !recurring.contains(&r) {
            recurring.push(r);
        }
    }
    TeamDef {
        name,
        zone,
        source,
        services,
        people,
        rules,
        recurring,
    }
}

/// A host name of a service: `payments-api-7`, `db-12`.
pub fn host(dice: &mut Dice, service: &str) -> String {
    if dice.chance(0.3) {
        format!("db-{}", dice.int(1, 16))
    } else {
        format!("{service}-{}", dice.int(1, 24))
    }
}

/// Fill a title template with fresh numbers and a host.
pub fn render(template: &str, dice: &mut Dice, service: &str) -> String {
    let host = host(dice, service);
    template
        .replace("{n}", &dice.int(2, 99).to_string())
        .replace("{d}", &dice.int(0, 9).to_string())
        .replace("{host}", &host)
        .replace("{service}", service)
}
