//! When a team's scheduled posts happen: a [`Schedule`] is a local time on a set of weekdays
//! (stored as a cron expression, read back into this type by the store), and
//! [`Schedule::latest_due`] is its latest occurrence in a zone within a grace window before
//! `now`. Only the latest is returned, so a run missed while the service was down is caught up
//! once, not once per missed tick. Pure.
use super::time::{WEEK, WorkDays};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// A local time on some days of the week: "16:00 Mon-Fri", "08:00 Mon".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub at: NaiveTime,
    pub days: WorkDays,
}

impl Schedule {
    /// Shout-outs until a team sets its own: weekdays at 16:00.
    pub const SHOUTOUTS: Schedule = Schedule::daily(16, 0, WorkDays::MON_FRI);
    /// Digests until a team sets its own: Mondays at 08:00.
    pub const DIGESTS: Schedule = Schedule::daily(8, 0, WorkDays(1));

    const fn daily(hour: u32, minute: u32, days: WorkDays) -> Self {
        match NaiveTime::from_hms_opt(hour, minute, 0) {
            Some(at) => Schedule { at, days },
            None => panic!("a schedule's time is a valid time"),
        }
    }

    /// The cron expression (sec min hour day-of-month month day-of-week). Days are `*` or a
    /// list of names, never a range: the `cron` crate numbers Sunday 1, so a range that ends
    /// on Sunday (`Mon-Sun`, `Thu-Sun`) would never fire.
    pub fn cron(&self) -> String {
        let names: Vec<String> = WEEK
            .iter()
            .filter(|d| self.days.contains(**d))
            .map(|d| d.to_string())
            .collect();
        let days = if names.len() == WEEK.len() {
            "*".to_owned()
        } else {
            names.join(",")
        };
        format!(
            "0 {} {} * * {days}",
            self.at.format("%-M"),
            self.at.format("%-H")
        )
    }

    /// Reads `0 M H * * DAYS` back (days as `*`, names, or a range of names like `Mon-Fri`).
    pub fn parse(cron: &str) -> Option<Self> {
        let f: Vec<&str> = cron.split_whitespace().collect();
        let [_, minute, hour, "*", "*", days] = f.as_slice() else {
            return None;
        };
        let at = NaiveTime::from_hms_opt(hour.parse().ok()?, minute.parse().ok()?, 0)?;
        Some(Schedule {
            at,
            days: parse_days(days)?,
        })
    }

    /// Fires on one weekday only (a weekly schedule) rather than daily.
    pub fn is_weekly(&self) -> bool {
        self.days.0.count_ones() == 1
    }

    /// `Mon-Fri`, `Mon, Wed, Fri`, `every day`.
    pub fn describe_days(&self) -> String {
        if self.days.0 == 0x7f {
            "every day".to_owned()
        } else {
            self.days.describe()
        }
    }

    /// The latest occurrence in `tz` in `(now - grace, now]`.
    pub fn latest_due(&self, tz: Tz, now: DateTime<Utc>, grace: Duration) -> Option<DateTime<Utc>> {
        latest_due(&self.cron(), tz, now, grace)
    }
}

fn parse_days(field: &str) -> Option<WorkDays> {
    if field == "*" {
        return Some(WorkDays(0x7f));
    }
    let index = |name: &str| {
        WEEK.iter()
            .position(|d| d.to_string().eq_ignore_ascii_case(name))
    };
    let mut bits = 0u8;
    for part in field.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (index(a)?, index(b)?);
                if a > b {
                    return None;
                }
                for i in a..=b {
                    bits |= 1 << i;
                }
            }
            None => bits |= 1 << index(part)?,
        }
    }
    (bits != 0).then_some(WorkDays(bits))
}

/// A cron expression parsed once per thread: a job asks the same few schedules of thousands
/// of members, and parsing was most of its time per member.
fn parsed(cron: &str) -> Option<std::rc::Rc<cron::Schedule>> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    /// Distinct schedules kept; past it the cache starts over.
    const KEPT: usize = 256;
    thread_local! {
        static PARSED: RefCell<HashMap<String, Rc<cron::Schedule>>> = RefCell::new(HashMap::new());
    }
    PARSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(schedule) = cache.get(cron) {
            return Some(schedule.clone());
        }
        let schedule = Rc::new(cron::Schedule::from_str(cron).ok()?);
        if cache.len() >= KEPT {
            cache.clear();
        }
        cache.insert(cron.to_owned(), schedule.clone());
        Some(schedule)
    })
}

/// The latest occurrence of any cron expression (in `tz`) in `(now - grace, now]`.
pub fn latest_due(
    cron: &str,
    tz: Tz,
    now: DateTime<Utc>,
    grace: Duration,
) -> Option<DateTime<Utc>> {
    let schedule = parsed(cron)?;
    let from = (now - grace).with_timezone(&tz);
    schedule
        .after(&from)
        .take_while(|t| t.with_timezone(&Utc) <= now)
        .last()
        .map(|t| t.with_timezone(&Utc))
}

impl super::TextValue for Schedule {
    fn to_text(&self) -> String {
        self.cron()
    }
    fn from_text(cron: &str) -> Result<Self, String> {
        Schedule::parse(cron).ok_or_else(|| format!("not a daily schedule: {cron:?}"))
    }
}

super::sql_text!(Schedule);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn ten(days: WorkDays) -> Schedule {
        Schedule {
            at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            days,
        }
    }

    #[test]
    fn ten_oclock_follows_the_member_across_a_dst_change() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let s = ten(WorkDays::MON_FRI);
        // Friday 27 March 2026, CET (UTC+1): 10:00 is 09:00 UTC.
        assert_eq!(
            s.latest_due(paris, at("2026-03-27T09:30:00Z"), Duration::hours(3)),
            Some(at("2026-03-27T09:00:00Z"))
        );
        // Monday 30 March, after the change to CEST (UTC+2): 10:00 is 08:00 UTC.
        assert_eq!(
            s.latest_due(paris, at("2026-03-30T08:30:00Z"), Duration::hours(3)),
            Some(at("2026-03-30T08:00:00Z"))
        );
        assert_eq!(
            s.latest_due(paris, at("2026-03-30T07:59:00Z"), Duration::hours(3)),
            None
        );
    }

    #[test]
    fn only_the_latest_missed_run_is_due() {
        let due = latest_due(
            "0 0 * * * *",
            chrono_tz::UTC,
            at("2026-11-23T14:30:00Z"),
            Duration::hours(5),
        );
        assert_eq!(due, Some(at("2026-11-23T14:00:00Z")));
    }

    #[test]
    fn a_run_older_than_the_grace_window_is_skipped() {
        let s = ten(WorkDays(0x7f));
        assert_eq!(
            s.latest_due(
                chrono_tz::UTC,
                at("2026-11-23T20:00:00Z"),
                Duration::hours(3)
            ),
            None
        );
    }

    #[test]
    fn every_working_week_fires_on_exactly_its_days() {
        use chrono::Datelike;
        for bits in 1..=127u8 {
            let s = ten(WorkDays(bits));
            // Monday 23 November 2026 to Sunday 29 November, each day at 10:30.
            for offset in 0..7 {
                let now = at("2026-11-23T10:30:00Z") + Duration::days(offset);
                let fired = s
                    .latest_due(chrono_tz::UTC, now, Duration::hours(1))
                    .is_some();
                let weekday = now.weekday();
                assert_eq!(fired, s.days.contains(weekday), "{} on {weekday}", s.cron());
                assert_eq!(weekday, WEEK[offset as usize]);
            }
        }
    }

    #[test]
    fn a_schedule_reads_back_from_its_cron_and_from_the_old_defaults() {
        for bits in 1..=127u8 {
            let s = Schedule {
                at: NaiveTime::from_hms_opt(16, 5, 0).unwrap(),
                days: WorkDays(bits),
            };
            assert_eq!(Schedule::parse(&s.cron()), Some(s));
        }
        assert_eq!(
            Schedule::parse("0 0 16 * * Mon-Fri"),
            Some(Schedule::SHOUTOUTS)
        );
        assert_eq!(Schedule::parse("0 0 8 * * Mon"), Some(Schedule::DIGESTS));
        assert_eq!(Schedule::parse("0 0 8 * * Fri-Mon"), None);
        assert_eq!(Schedule::parse("0 0 8 1 * Mon"), None);
    }

    #[test]
    fn days_read_as_people_write_them() {
        assert_eq!(Schedule::SHOUTOUTS.describe_days(), "Mon-Fri");
        assert_eq!(ten(WorkDays(0x7f)).describe_days(), "every day");
        assert_eq!(Schedule::DIGESTS.describe_days(), "Mon");
    }

    #[test]
    fn weekly_and_daily_schedules_are_told_apart() {
        assert!(Schedule::DIGESTS.is_weekly());
        assert!(!Schedule::SHOUTOUTS.is_weekly());
        assert!(!ten(WorkDays(0x7f)).is_weekly());
    }
}
