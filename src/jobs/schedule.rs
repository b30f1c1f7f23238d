//! When a scheduled job is due: the latest occurrence of a cron expression, in a time zone,
//! within a grace window before `now`. Only the latest is returned, so a run missed while the
//! service was down is caught up once, not once per missed tick. Pure.
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use cron::Schedule;
use std::str::FromStr;

/// The latest occurrence of `cron` (in `tz`) in `(now - grace, now]`.
pub fn latest_due(
    cron: &str,
    tz: Tz,
    now: DateTime<Utc>,
    grace: Duration,
) -> Option<DateTime<Utc>> {
    let schedule = Schedule::from_str(cron).ok()?;
    let from = (now - grace).with_timezone(&tz);
    schedule
        .after(&from)
        .take_while(|t| t.with_timezone(&Utc) <= now)
        .last()
        .map(|t| t.with_timezone(&Utc))
}

/// A cron expression (sec min hour day-of-month month day-of-week) at `time` on `days`.
pub fn cron_at(time: chrono::NaiveTime, days: &str) -> String {
    format!("0 {} {} * * {days}", time.format("%-M"), time.format("%-H"))
}

/// `Mon-Fri` or `Mon,Wed,Fri` in cron's day-of-week syntax.
pub fn cron_days(days: crate::domain::time::WorkDays) -> String {
    days.describe().replace(", ", ",")
}

/// Whether the expression fires on one weekday only (a weekly schedule) rather than daily.
pub fn is_weekly(cron: &str) -> bool {
    cron.split_whitespace()
        .nth(5)
        .is_some_and(|days| !days.contains(['-', ',', '*']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn ten_oclock_follows_the_member_across_a_dst_change() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let cron = "0 0 10 * * Mon-Fri";
        // Friday 27 March 2026, CET (UTC+1): 10:00 is 09:00 UTC.
        assert_eq!(
            latest_due(cron, paris, at("2026-03-27T09:30:00Z"), Duration::hours(3)),
            Some(at("2026-03-27T09:00:00Z"))
        );
        // Monday 30 March, after the change to CEST (UTC+2): 10:00 is 08:00 UTC.
        assert_eq!(
            latest_due(cron, paris, at("2026-03-30T08:30:00Z"), Duration::hours(3)),
            Some(at("2026-03-30T08:00:00Z"))
        );
        assert_eq!(
            latest_due(cron, paris, at("2026-03-30T07:59:00Z"), Duration::hours(3)),
            None
        );
    }

    #[test]
    fn only_the_latest_missed_run_is_due() {
        let utc: Tz = "UTC".parse().unwrap();
        let due = latest_due(
            "0 0 * * * *",
            utc,
            at("2026-11-23T14:30:00Z"),
            Duration::hours(5),
        );
        assert_eq!(due, Some(at("2026-11-23T14:00:00Z")));
    }

    #[test]
    fn a_run_older_than_the_grace_window_is_skipped() {
        let utc: Tz = "UTC".parse().unwrap();
        assert_eq!(
            latest_due(
                "0 0 10 * * *",
                utc,
                at("2026-11-23T20:00:00Z"),
                Duration::hours(3)
            ),
            None
        );
    }

    #[test]
    fn weekly_and_daily_schedules_are_told_apart() {
        assert!(is_weekly("0 0 8 * * Mon"));
        assert!(!is_weekly("0 0 8 * * Mon-Fri"));
        assert!(!is_weekly("0 0 8 * * *"));
    }
}
