//! Title templates for recurrence matching (`metrics.md`, "Recurrence"): two incidents without a
//! shared source fingerprint match when they belong to the same team and service and the word
//! tokens of their title *templates* have a Jaccard similarity of at least the threshold (0.6 by
//! default). A template is the lower-cased title with everything that changes from one occurrence
//! of the same problem to the next (numbers, sizes, percentages, durations, ticket and vendor ids,
//! hashes, UUIDs, IPs, host names, dates) replaced by a placeholder, so that
//! `"WAL is 2.3 GB on db-7"` and `"WAL is 3.1 GB on db-12"` both become `"wal is <num> on <host>"`.
//! Pure functions on strings, no polars and no I/O, so the matching rules are testable on their
//! own and the score printed in a recurrence audit can be recomputed from the two titles alone.
//!
//! Masking works on whitespace-separated words rather than on the whole string, so a pattern never
//! fires in the middle of an ordinary word: each word loses its surrounding punctuation, is
//! classified by the first rule that matches it whole, and if none does it is split at separators
//! (`/ = : , ;` and brackets) and the pieces are classified. Then a number followed by a unit word
//! (`2.3 GB`, `45 seconds`, `12 percent`) becomes one placeholder, and runs of the same placeholder
//! separated only by spaces (`2h 30m`) collapse to one.
//!
//! | placeholder | what | examples |
//! |---|---|---|
//! | `<uuid>` | 8-4-4-4-12 hex | `550e8400-e29b-41d4-a716-446655440000` |
//! | `<ip>` | IPv4 (optional port or prefix length), IPv6 | `10.0.3.17:5432`, `2001:db8::1` |
//! | `<date>` | ISO date, optionally with a time | `2024-03-05`, `2024-03-05t14:05:00z` |
//! | `<time>` | clock time | `14:05`, `09:30:12`, `10:00am` |
//! | `<pct>` | number with `%` or followed by `percent` | `97%`, `12.5 percent` |
//! | `<dur>` | number with a time unit, compound or not | `45s`, `500ms`, `5m`, `2h30m`, `45 seconds` |
//! | `<ver>` | dotted version | `v1.4`, `1.4.2` |
//! | `<num>` | number, with thousands separators, decimals, size and rate units, ordinals | `2.3 GB`, `1,024`, `10k`, `3rd` |
//! | `<id>` | upper-case ticket keys, `#` numbers, words of 4+ chars mixing letters and digits | `INC-4821`, `#1234`, `PT4KHLK` |
//! | `<hex>` | `0x…`, or 6+ hex chars with at least one digit | `a3f9c2e1b7`, `0x1f` |
//! | `<host>` | hyphenated names with a digit after a hyphen, dotted names with a digit | `db-7`, `ip-10-0-0-1`, `web-12.prod.example.com` |
//!
//! The rules read shapes, not meaning: `500s` (HTTP errors) is masked as a duration and `c5.xlarge`
//! as a host. That only names the placeholder wrongly; the same shape always gets the same mask,
//! which is what matching needs.
//!
//! Kept as words, because they name *what* went wrong rather than *which instance*: percentiles
//! and priorities (`p99`, `p50`, `p1`), severities (`sev1`, `sev-2`), status classes (`5xx`), API
//! versions (`v2`), words of at most 3 characters (`k8s`, `ec2`, `s3`, `2fa`), a short list of
//! technical names (`ipv6`, `oauth2`, `sha256`, `utf-8`, …), hyphenated words whose digits come
//! before the first hyphen only (`e2e-tests`) and hex-letter words without a digit (`facade`).
//! Ticket keys are told from hosts by case in the original title (`INC-4821` is an id, `db-7` a
//! host); either way the value is masked, only the placeholder's name differs.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

/// Compiles one of this module's fixed patterns; they are literals tested below, so failure is a
/// programming error.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("template pattern compiles")
}

/// Words with digits that name a technology, not an instance; only those of 4+ characters need
/// listing, shorter mixed words are kept anyway.
const KEEP_WORDS: &[&str] = &[
    "ipv4", "ipv6", "http2", "http3", "oauth1", "oauth2", "sha1", "sha256", "sha384", "sha512",
    "base32", "base64", "utf8", "utf16", "utf-8", "utf-16", "sha-1", "sha-256", "sha-512", "x509",
    "i18n", "l10n", "a11y", "log4j", "log4j2", "win32", "x86_64", "amd64", "arm64", "aarch64",
];

static KEEP_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    // percentiles / priorities, severities, HTTP status classes, API versions
    re(r"^(?:p[0-9]{1,3}(?:\.[0-9]+)?|sev-?[0-9]|[1-5]xx|v[0-9]+)$")
});
static UUID: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?::[0-9]{1,5}|/[0-9]{1,2})?$"));
// Shape only; `is_ipv6` adds the checks a regex without look-around cannot express.
static IPV6_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:/[0-9]{1,3})?$"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:t[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?(?:z|[+-][0-9]{2}:?[0-9]{2})?$",
    )
});
static TIME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:am|pm|z)?$"));
static PCT: LazyLock<Regex> = LazyLock::new(|| re(r"^[+-]?[0-9]+(?:\.[0-9]+)?%$"));
static DUR: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|secs?|m|mins?|h|hrs?|d|w))+$"));
static VERSION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:v[0-9]+(?:\.[0-9]+)+|[0-9]+(?:\.[0-9]+){2,})$"));
static NUM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[+-]?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[kmgtp]i?b|b|bytes?|k|x|rps|qps|rpm|iops|[kmg]?hz|st|nd|rd|th)?$",
    )
});
// Ticket keys are matched on the original case: upper-case `INC-4821`, not lower-case `db-7`.
static TICKET: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[A-Z][A-Z0-9]*-[0-9]+|#[0-9]+)$"));
static HEX: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:0x[0-9a-f]+|[0-9a-f]{6,})$"));
static HOST_HYPHEN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[a-z]*[0-9][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9-]+)*$")
});
static HOST_DOTTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$"));
static MIXED: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-z0-9_]{4,}$"));
// Where an unclassified word is cut into pieces (`db-7:5432`, `/orders/123`, `shard=12`).
static SEPARATORS: LazyLock<Regex> = LazyLock::new(|| re(r"[/=:,;|()\[\]{}]+"));
static TOKEN: LazyLock<Regex> = LazyLock::new(|| re(r"<[a-z]+>|\w+"));

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mask {
    Uuid,
    Ip,
    Date,
    Time,
    Pct,
    Dur,
    Ver,
    Num,
    Id,
    Hex,
    Host,
}

impl Mask {
    fn placeholder(self) -> &'static str {
        match self {
            Mask::Uuid => "<uuid>",
            Mask::Ip => "<ip>",
            Mask::Date => "<date>",
            Mask::Time => "<time>",
            Mask::Pct => "<pct>",
            Mask::Dur => "<dur>",
            Mask::Ver => "<ver>",
            Mask::Num => "<num>",
            Mask::Id => "<id>",
            Mask::Hex => "<hex>",
            Mask::Host => "<host>",
        }
    }
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

fn has_letter(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_lowercase())
}

/// IPv6 beyond its shape: either the full eight groups or a `::` compression, so that a clock
/// time such as `12:30:45` (two colons, no `::`) is not an address.
fn is_ipv6(lower: &str) -> bool {
    if !IPV6_SHAPE.is_match(lower) {
        return false;
    }
    let addr = lower.split('/').next().unwrap_or(lower);
    let full = addr.matches(':').count() == 7 && !addr.contains("::");
    let compressed =
        addr.contains("::") && !addr[addr.find("::").unwrap_or(0) + 2..].contains("::");
    (full || compressed) && addr.chars().any(|c| c.is_ascii_hexdigit())
}

/// The first rule matching the whole word, or `None` to keep it. `orig` is the word as written
/// (for the case of ticket keys), `lower` the same word lower-cased.
fn classify(orig: &str, lower: &str) -> Option<Mask> {
    // Every rule below needs a digit, except IPv6 (`abcd::ef`), which needs a colon: most words
    // of a title have neither and skip a dozen regexes (recurrence templates 200k titles).
    if !has_digit(lower) && !lower.contains(':') {
        return None;
    }
    if KEEP_WORDS.contains(&lower) || KEEP_PATTERN.is_match(lower) {
        return None;
    }
    // Most specific shapes first: a UUID also looks like a hyphenated host, an IP like a version,
    // a date like a hyphenated number, a duration like a number with a unit.
    let rules: [(bool, Mask); 8] = [
        (UUID.is_match(lower), Mask::Uuid),
        (IPV4.is_match(lower) || is_ipv6(lower), Mask::Ip),
        (DATE.is_match(lower), Mask::Date),
        (TIME.is_match(lower), Mask::Time),
        (PCT.is_match(lower), Mask::Pct),
        (DUR.is_match(lower), Mask::Dur),
        (VERSION.is_match(lower), Mask::Ver),
        (NUM.is_match(lower), Mask::Num),
    ];
    if let Some((_, mask)) = rules.iter().find(|(hit, _)| *hit) {
        return Some(*mask);
    }
    if TICKET.is_match(orig) {
        return Some(Mask::Id);
    }
    // A digit is required so that words spelt in hex letters (`facade`, `deface`) stay words.
    if HEX.is_match(lower) && has_digit(lower) {
        return Some(Mask::Hex);
    }
    if HOST_HYPHEN.is_match(lower) || (HOST_DOTTED.is_match(lower) && has_digit(lower)) {
        return Some(Mask::Host);
    }
    // Short mixed words (`k8s`, `ec2`, `2fa`) are names far more often than ids.
    if MIXED.is_match(lower) && has_digit(lower) && has_letter(lower) {
        return Some(Mask::Id);
    }
    None
}

/// One output piece: text kept as written (lower-cased) or a mask, with the punctuation around it.
#[derive(Debug)]
struct Piece {
    lead: String,
    body: Result<Mask, String>,
    trail: String,
}

impl Piece {
    fn text(&self) -> String {
        let body = match &self.body {
            Ok(mask) => mask.placeholder(),
            Err(word) => word.as_str(),
        };
        format!("{}{}{}", self.lead, body, self.trail)
    }
}

const LEADING: &[char] = &['(', '[', '{', '"', '\'', '`', '<'];
const TRAILING: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '`', '>',
];

/// Masks one whitespace-free word: whole first, else piece by piece between separators.
fn mask_word(word: &str) -> Piece {
    let core_start = word.len() - word.trim_start_matches(LEADING).len();
    let rest = &word[core_start..];
    let mut core = rest.trim_end_matches(TRAILING);
    // `:` is trailing punctuation (`db-7:`) except at the end of a compressed IPv6 (`fe80::`).
    let keep_colons = rest.trim_end_matches(|c| c != ':' && TRAILING.contains(&c));
    if keep_colons.len() > core.len() && is_ipv6(&keep_colons.to_lowercase()) {
        core = keep_colons;
    }
    let lead = word[..core_start].to_lowercase();
    let trail = rest[core.len()..].to_lowercase();
    let lower = core.to_lowercase();
    if let Some(mask) = classify(core, &lower) {
        return Piece {
            lead,
            body: Ok(mask),
            trail,
        };
    }
    // Separators are ASCII, so byte offsets found in `core` are valid in both spellings only if
    // lower-casing kept the length; otherwise (rare non-ASCII case changes) keep the word as is.
    let mut out = String::new();
    let mut last = 0;
    let same_len = lower.len() == core.len();
    for sep in SEPARATORS.find_iter(core).filter(|_| same_len) {
        push_part(
            &mut out,
            &core[last..sep.start()],
            &lower[last..sep.start()],
        );
        out.push_str(sep.as_str());
        last = sep.end();
    }
    if last == 0 {
        out = lower;
    } else {
        push_part(&mut out, &core[last..], &lower[last..]);
    }
    Piece {
        lead,
        body: Err(out),
        trail,
    }
}

fn push_part(out: &mut String, orig: &str, lower: &str) {
    match classify(orig, lower) {
        Some(mask) => out.push_str(mask.placeholder()),
        None => out.push_str(lower),
    }
}

/// What a unit word standing after a number turns the number into.
fn unit_mask(word: &str) -> Option<Mask> {
    match word {
        "b" | "byte" | "bytes" | "kb" | "mb" | "gb" | "tb" | "pb" | "kib" | "mib" | "gib"
        | "tib" | "pib" => Some(Mask::Num),
        "ns" | "us" | "µs" | "ms" | "s" | "sec" | "secs" | "second" | "seconds" | "min"
        | "mins" | "minute" | "minutes" | "h" | "hr" | "hrs" | "hour" | "hours" | "day"
        | "days" | "week" | "weeks" => Some(Mask::Dur),
        "percent" | "pct" => Some(Mask::Pct),
        _ => None,
    }
}

/// The template of an incident title: lower-cased, with the varying parts masked (see the module
/// documentation for the rules), whitespace normalised to single spaces. Deterministic, and
/// idempotent on its own output.
pub fn template(title: &str) -> String {
    // Two passes, because a unit can turn a number into the kind of the value before it:
    // `2 hours 30 minutes` is `<dur> <dur>` only once both units are attached.
    let mut with_units: Vec<Piece> = Vec::new();
    for word in title.split_whitespace() {
        let piece = mask_word(word);
        if let Some(prev) = with_units.last_mut()
            && adjacent(prev, &piece)
            && let (Ok(Mask::Num), Err(unit)) = (&prev.body, &piece.body)
            && let Some(mask) = unit_mask(unit)
        {
            // `2.3 GB`, `45 seconds`, `12 percent`: the unit belongs to the number.
            prev.body = Ok(mask);
            prev.trail = piece.trail;
            continue;
        }
        with_units.push(piece);
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for piece in with_units {
        if let Some(prev) = pieces.last_mut()
            && adjacent(prev, &piece)
            && let (Ok(a), Ok(b)) = (&prev.body, &piece.body)
            && a == b
        {
            // `2h 30m`, `db-1 db-2`: one run of the same kind of value is one value.
            prev.trail = piece.trail;
            continue;
        }
        pieces.push(piece);
    }
    pieces.iter().map(Piece::text).collect::<Vec<_>>().join(" ")
}

/// Separated by whitespace only: `2.3 GB` belongs together, `2.3, GB` or `(2.3) GB` does not.
fn adjacent(prev: &Piece, next: &Piece) -> bool {
    prev.trail.is_empty() && next.lead.is_empty()
}

/// The word tokens of a template: each placeholder (`<num>`) is one token, other tokens are runs
/// of letters, digits and `_`; punctuation separates. Expects a template (already lower-case); no
/// case folding is done here.
pub fn tokens(template: &str) -> BTreeSet<String> {
    TOKEN
        .find_iter(template)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Jaccard similarity |a ∩ b| / |a ∪ b|, in [0, 1]. Two empty sets give 0, not 1 (where 0/0
/// leaves the choice open): two titles with no words carry no evidence of being the same
/// problem, and 1 would make every untitled incident a recurrence of every other one.
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        return 0.0;
    }
    inter as f64 / union as f64
}

/// Whether two titles are similar for recurrence matching: the Jaccard similarity of their
/// templates' tokens, and whether it reaches `threshold` (`>=`, as in "Jaccard >= 0.6"). The
/// score is returned either way so a match, or a near miss, can be audited.
pub fn similar(a_title: &str, b_title: &str, threshold: f64) -> (bool, f64) {
    let score = jaccard(&tokens(&template(a_title)), &tokens(&template(b_title)));
    (score >= threshold, score)
}

#[cfg(test)]
mod tests;
