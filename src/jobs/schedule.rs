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

/// The working week in cron's day-of-week syntax: `*` for every day, else a list of names
/// (`Mon,Tue,Wed,Thu,Fri`). Never a range: the `cron` crate numbers Sunday 1, so a range that
/// ends on Sunday (`Mon-Sun`, `Thu-Sun`) would never fire.
pub fn cron_days(days: crate::domain::time::WorkDays) -> String {
    use crate::domain::time::WEEK;
    let names: Vec<String> = WEEK
        .iter()
        .filter(|d| days.contains(**d))
        .map(|d| d.to_string())
        .collect();
    if names.len() == WEEK.len() {
        "*".to_owned()
    } else {
        names.join(",")
    }
}

/// How a cron day-of-week field reads to a person: `Mon-Fri`, `Mon, Wed, Fri`, `every day`.
pub fn describe_cron_days(field: &str) -> String {
    use crate::domain::time::{WEEK, WorkDays};
    if field == "*" {
        return "every day".to_owned();
    }
    let mut bits = 0u8;
    for name in field.split(',') {
        match WEEK
            .iter()
            .position(|d| d.to_string().eq_ignore_ascii_case(name))
        {
            Some(i) => bits |= 1 << i,
            None => return field.to_owned(),
        }
    }
    WorkDays(bits).describe()
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
    fn every_working_week_fires_on_exactly_its_days() {
        use crate::domain::time::{WEEK, WorkDays};
        use chrono::Datelike;
        let utc: Tz = "UTC".parse().unwrap();
        let ten = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        for bits in 1..=127u8 {
            let days = WorkDays(bits);
            let cron = cron_at(ten, &cron_days(days));
            // Monday 23 November 2026 to Sunday 29 November, each day at 10:30.
            for offset in 0..7 {
                let now = at("2026-11-23T10:30:00Z") + Duration::days(offset);
                let fired = latest_due(&cron, utc, now, Duration::hours(1)).is_some();
                let weekday = now.weekday();
                assert_eq!(fired, days.contains(weekday), "{cron} on {weekday}");
                assert_eq!(weekday, WEEK[offset as usize]);
            }
        }
    }

    #[test]
    fn cron_days_read_back_as_people_write_them() {
        use crate::domain::time::WorkDays;
        assert_eq!(describe_cron_days(&cron_days(WorkDays::MON_FRI)), "Mon-Fri");
        assert_eq!(describe_cron_days(&cron_days(WorkDays(0x7f))), "every day");
        assert_eq!(describe_cron_days("Mon"), "Mon");
        assert_eq!(describe_cron_days("Mon-Fri"), "Mon-Fri");
    }

    #[test]
    fn weekly_and_daily_schedules_are_told_apart() {
        assert!(is_weekly("0 0 8 * * Mon"));
        assert!(!is_weekly("0 0 8 * * Mon-Fri"));
        assert!(!is_weekly("0 0 8 * * *"));
    }
}
