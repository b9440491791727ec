//! Dense integer ids and orders for millions of alerts: text columns (team, fingerprint, rule,
//! service) are interned once into `u32` ids, and rows are ordered by (id, instant) with a
//! counting sort on the id and a sort of each id's rows (already almost in time order, as the
//! store keeps rows sorted by their instant). Measured on 8.6 million alerts this is an order of
//! magnitude faster than grouping or sorting by several text columns in polars, which goes
//! through row encoding; the fatigue and rules families use these ids for all per-group work.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use crate::metrics::scope::week_label;
use crate::model::time::DAY_US;

/// The Fx hash (rustc's): a rotate, xor and multiply per 8 bytes, so short keys (names,
/// fingerprints, packed ids) hash several times faster than with SipHash. These maps hold our
/// own data, not adversarial input.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A text column as ids: `ids[row]` indexes `names` (null is a name of its own, `None`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Interned {
    pub ids: Vec<u32>,
    pub names: Vec<Option<String>>,
}

impl Interned {
    pub(crate) fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).and_then(|n| n.as_deref())
    }

    pub(crate) fn id_of(&self, name: &str) -> Option<u32> {
        self.names
            .iter()
            .position(|n| n.as_deref() == Some(name))
            .map(|p| p as u32)
    }

    /// Keep the rows where `keep` is true.
    pub(crate) fn retain(&mut self, keep: &[bool]) {
        retain(&mut self.ids, keep);
    }
}

/// Intern a text column. Strings of up to 12 bytes sit whole in their 16-byte view, so those
/// are looked up by the view (one hash of two words, no string comparison) in front of the map
/// by content, which stays the one source of ids.
pub(crate) fn intern(ca: &StringChunked) -> Interned {
    let mut by_content: FastMap<&str, u32> = FastMap::default();
    let mut by_view: FastMap<u128, u32> = FastMap::default();
    let mut null_id = None;
    let mut names: Vec<Option<String>> = vec![];
    let mut ids = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        for (view, value) in arr.views().iter().zip(arr.iter()) {
            let Some(s) = value else {
                let id = *null_id.get_or_insert_with(|| {
                    names.push(None);
                    (names.len() - 1) as u32
                });
                ids.push(id);
                continue;
            };
            let inline = view.is_inline().then(|| view.as_u128());
            if let Some(&id) = inline.and_then(|k| by_view.get(&k)) {
                ids.push(id);
                continue;
            }
            let id = *by_content.entry(s).or_insert_with(|| {
                names.push(Some(s.to_string()));
                (names.len() - 1) as u32
            });
            if let Some(k) = inline {
                by_view.insert(k, id);
            }
            ids.push(id);
        }
    }
    Interned { ids, names }
}

/// Keep `v[i]` where `keep[i]`.
pub(crate) fn retain<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
    let mut j = 0;
    for i in 0..v.len() {
        if keep[i] {
            v[j] = v[i];
            j += 1;
        }
    }
    v.truncate(j);
}

/// Rows grouped by a key and in time order within a key: entry `i` is `(t, tie, row)`, the
/// entries of key `k` are `entries[ranges[k]]`.
pub(crate) struct Ordered {
    pub entries: Vec<(i64, i64, u32)>,
    pub ranges: Vec<Range<usize>>,
}

/// `rows` ordered by `key[row]` (ids below `n_keys`), then by `t[row]`, then `tie[row]` (0 when
/// none), then row. A counting sort on the key, then a sort of each key's entries, which are
/// contiguous and usually already in time order (the store keeps rows sorted by instant).
pub(crate) fn order_by_key(
    key: &[u32],
    n_keys: usize,
    rows: impl Iterator<Item = u32> + Clone,
    t: &[i64],
    tie: Option<&[i64]>,
) -> Ordered {
    let mut start = vec![0usize; n_keys + 1];
    for r in rows.clone() {
        start[key[r as usize] as usize + 1] += 1;
    }
    for k in 0..n_keys {
        start[k + 1] += start[k];
    }
    let ranges: Vec<Range<usize>> = (0..n_keys).map(|k| start[k]..start[k + 1]).collect();
    let mut entries = vec![(0i64, 0i64, 0u32); start[n_keys]];
    for r in rows {
        let (i, k) = (r as usize, key[r as usize] as usize);
        entries[start[k]] = (t[i], tie.map_or(0, |x| x[i]), r);
        start[k] += 1;
    }
    for range in &ranges {
        entries[range.clone()].sort_unstable();
    }
    Ordered { entries, ranges }
}

/// The ISO week (Monday 00:00 UTC) of an instant, as a count of weeks; 1970-01-01 was a
/// Thursday, so shifting by 3 days puts week starts on Mondays.
pub(crate) fn week_index(t: i64) -> i64 {
    (t + 3 * DAY_US).div_euclid(7 * DAY_US)
}

/// `2026-W46` for a `week_index`.
pub(crate) fn week_index_label(w: i64) -> String {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    week_label(epoch + Duration::days(w * 7 - 3))
}

/// The UTC month of an instant as `year * 12 + month0`, by the civil-from-days arithmetic of
/// H. Hinnant's date algorithms (no calendar object per row: this runs once per alert).
pub(crate) fn month_index(t: i64) -> i64 {
    let z = t.div_euclid(DAY_US) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month0 = if mp < 10 { mp + 2 } else { mp - 10 };
    let year = yoe + era * 400 + i64::from(month0 < 2);
    year * 12 + month0
}

/// `2026-11` for a `month_index`.
pub(crate) fn month_index_label(m: i64) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// Dense group ids for `n` rows from a key per row below `size` (the number of possible keys,
/// `None` when it does not fit a u128); returns the group of each row and the first row of each
/// group.
pub(crate) fn dense_groups(
    n: usize,
    size: Option<u128>,
    key: impl Fn(usize) -> u128,
    slow_key: impl Fn(usize) -> Vec<u32>,
) -> (Vec<u32>, Vec<usize>) {
    let mut first: Vec<usize> = vec![];
    let mut gid = Vec::with_capacity(n);
    let mut new_group = |u: usize| {
        first.push(u);
        (first.len() - 1) as u32
    };
    match size {
        // Few possible keys (team x week and the like): a direct table.
        Some(size) if size <= DIRECT_TABLE_MAX => {
            let mut table = vec![u32::MAX; size as usize];
            for u in 0..n {
                let slot = &mut table[key(u) as usize];
                if *slot == u32::MAX {
                    *slot = new_group(u);
                }
                gid.push(*slot);
            }
        }
        Some(_) => {
            let mut map: FastMap<u128, u32> = FastMap::default();
            for u in 0..n {
                gid.push(*map.entry(key(u)).or_insert_with(|| new_group(u)));
            }
        }
        // More combinations than a u128 holds: key by the ids themselves (never seen in
        // practice; it takes several dims with billions of values each).
        None => {
            let mut map: FastMap<Vec<u32>, u32> = FastMap::default();
            for u in 0..n {
                gid.push(*map.entry(slow_key(u)).or_insert_with(|| new_group(u)));
            }
        }
    }
    (gid, first)
}

/// Up to this many possible keys, `dense_groups` uses a table instead of a hash map.
const DIRECT_TABLE_MAX: u128 = 1 << 22;

/// The median (mean of the two middle values when even) in O(n), reordering `v`; `None` when
/// empty. The same figure as `stats::median`, without sorting millions of durations.
pub(crate) fn median_in_place(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (lower, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        return Some(mid);
    }
    let below = lower.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
    Some(0.5 * (below + mid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::SECOND_US;
    use chrono::{DateTime, Datelike};

    #[test]
    fn month_index_matches_the_calendar() {
        // Every day boundary from 1969 to 2101, and a second before each.
        let mut t = DateTime::parse_from_rfc3339("1969-01-01T00:00:00Z")
            .unwrap()
            .timestamp_micros();
        while t < DateTime::parse_from_rfc3339("2101-01-01T00:00:00Z")
            .unwrap()
            .timestamp_micros()
        {
            for at in [t, t - SECOND_US] {
                let d = DateTime::from_timestamp_micros(at).unwrap();
                let want = i64::from(d.year()) * 12 + i64::from(d.month0());
                assert_eq!(month_index(at), want, "{d}");
            }
            t += DAY_US;
        }
        assert_eq!(month_index_label(2026 * 12 + 10), "2026-11");
    }

    #[test]
    fn week_index_starts_on_monday_utc() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros();
        let w = week_index(at("2026-11-09T00:00:00Z"));
        assert_eq!(week_index(at("2026-11-15T23:59:59Z")), w);
        assert_eq!(week_index(at("2026-11-08T23:59:59Z")), w - 1);
        assert_eq!(week_index_label(w), "2026-W46");
        assert_eq!(
            week_index_label(week_index(at("2027-01-01T12:00:00Z"))),
            "2026-W53"
        );
    }

    #[test]
    fn rows_ordered_by_key_then_time() {
        let key = [1, 0, 1, 0, 1];
        let t = [50, 40, 10, 30, 30];
        let o = order_by_key(&key, 3, 0..5u32, &t, None);
        let rows: Vec<u32> = o.entries.iter().map(|e| e.2).collect();
        assert_eq!(rows, [3, 1, 2, 4, 0]);
        assert_eq!(o.ranges, [0..2, 2..5, 5..5]);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median_in_place(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median_in_place(&mut []), None);
    }
}
