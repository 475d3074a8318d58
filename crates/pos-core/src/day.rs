//! Business days. A restaurant that closes at 1 a.m. still counts those sales in the
//! evening's day, so a day starts at the profile's `day_starts_at_hour` local time.

use time::{Date, Duration, OffsetDateTime};

use crate::{DomainError, Result};

/// The business day of the instant `at_ms` (Unix milliseconds, UTC).
pub fn business_day(at_ms: i64, utc_offset_minutes: i32, day_starts_at_hour: u8) -> Date {
    let shifted = at_ms / 1000 + i64::from(utc_offset_minutes) * 60 - i64::from(day_starts_at_hour) * 3600;
    OffsetDateTime::from_unix_timestamp(shifted)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date()
}

/// `YYYY-MM-DD`, the form days are stored and sent in.
pub fn format_day(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Result<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt)
        .map_err(|_| DomainError::invalid("day", format!("{s:?} is not a date like 2026-11-24")))
}

/// The instant (Unix ms) the business day `day` starts.
pub fn day_start_ms(day: Date, utc_offset_minutes: i32, day_starts_at_hour: u8) -> i64 {
    let midnight = day.midnight().assume_utc().unix_timestamp();
    (midnight + i64::from(day_starts_at_hour) * 3600 - i64::from(utc_offset_minutes) * 60) * 1000
}

/// The next day.
pub fn next_day(day: Date) -> Date {
    day.saturating_add(Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_after_midnight_belong_to_the_evening_before() {
        // 2026-11-24 19:30 UTC is 2026-11-25 01:00 in India (+05:30).
        let at = OffsetDateTime::parse(
            "2026-11-24T19:30:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp()
            * 1000;
        assert_eq!(format_day(business_day(at, 330, 4)), "2026-11-24");
        assert_eq!(format_day(business_day(at, 330, 0)), "2026-11-25");
    }

    #[test]
    fn day_start_round_trips_through_business_day() {
        let day = parse_day("2026-11-24").unwrap();
        let start = day_start_ms(day, 330, 4);
        assert_eq!(business_day(start, 330, 4), day);
        assert_eq!(business_day(start - 1, 330, 4), parse_day("2026-11-23").unwrap());
        assert!(parse_day("24/11/2026").is_err());
    }
}
