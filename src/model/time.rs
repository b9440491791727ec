//! Units of time as the store counts them. Every instant is microseconds since the Unix epoch
//! (UTC) and every duration microseconds, so these are the one place a second, minute, hour or
//! day is spelled out; the float forms divide a duration into minutes or days for display and
//! statistics without a cast at each use.

/// Microseconds in a second.
pub const SECOND_US: i64 = 1_000_000;
/// Microseconds in a minute.
pub const MINUTE_US: i64 = 60 * SECOND_US;
/// Microseconds in an hour.
pub const HOUR_US: i64 = 60 * MINUTE_US;
/// Microseconds in a day of 24 hours (a UTC day; a local day across a DST change differs).
pub const DAY_US: i64 = 24 * HOUR_US;

/// [`MINUTE_US`] as a float, to turn a duration into minutes.
pub const MINUTE_US_F: f64 = MINUTE_US as f64;
/// [`HOUR_US`] as a float, to turn a duration into hours.
pub const HOUR_US_F: f64 = HOUR_US as f64;
/// [`DAY_US`] as a float, to turn a duration into days.
pub const DAY_US_F: f64 = DAY_US as f64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_agree() {
        assert_eq!(DAY_US, 86_400_000_000);
        assert_eq!(HOUR_US_F, 3.6e9);
        assert_eq!(MINUTE_US_F * 60.0 * 24.0, DAY_US_F);
    }
}
