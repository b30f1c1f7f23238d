//! Who has gone quiet: one rule for the rep's quiet nudge and the manager's digest and Home
//! tab. A rep is quiet after `quiet_after` working days without a step — counting only the
//! days they could have prospected: their team's working days, less the team's holidays and
//! the days they were away. A rep away now is away, never quiet; a rep who never logged a step
//! is counted from the day they joined.
use super::time::WorkDays;
use chrono::{Datelike, NaiveDate};

/// What the rule needs to know of one rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// Their last step's local day, if they ever logged one.
    pub last_step: Option<NaiveDate>,
    /// The local day they joined (the team, or Momentum).
    pub joined: NaiveDate,
    /// Away through this local day (`/momentum away until`), now or in the past.
    pub away_until: Option<NaiveDate>,
}

/// The team's calendar: its working week and its holidays (any order).
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub work: WorkDays,
    pub holidays: &'a [NaiveDate],
}

/// Where a rep stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Logged a step recently enough.
    Active,
    /// Away through this day: not to be chased.
    Away { until: NaiveDate },
    /// `missed` working days without a step since their last one.
    Quiet { missed: i64, last_step: NaiveDate },
    /// Never logged a step in `missed` working days since they joined.
    NeverStarted { missed: i64, joined: NaiveDate },
}

impl Calendar<'_> {
    /// Whether the rep could have prospected on `day` (a working day, no holiday, not away).
    fn open(&self, day: NaiveDate, away_until: Option<NaiveDate>) -> bool {
        self.work.contains(day.weekday())
            && !self.holidays.contains(&day)
            && away_until.is_none_or(|until| day > until)
    }

    /// The days the rep could have prospected strictly between `since` and `today` (today is
    /// not over yet).
    pub fn missed(&self, since: NaiveDate, today: NaiveDate, away_until: Option<NaiveDate>) -> i64 {
        since
            .iter_days()
            .skip(1)
            .take_while(|d| *d < today)
            .filter(|d| self.open(*d, away_until))
            .count() as i64
    }
}

/// The rep's standing on `today` under the team's calendar and `quiet_after`.
pub fn standing(
    p: Presence,
    today: NaiveDate,
    calendar: Calendar<'_>,
    quiet_after: i64,
) -> Standing {
    if let Some(until) = p.away_until.filter(|until| *until >= today) {
        return Standing::Away { until };
    }
    let since = p.last_step.unwrap_or(p.joined);
    let missed = calendar.missed(since, today, p.away_until);
    match p.last_step {
        _ if missed < quiet_after => Standing::Active,
        Some(last_step) => Standing::Quiet { missed, last_step },
        None => Standing::NeverStarted {
            missed,
            joined: p.joined,
        },
    }
}

impl Standing {
    /// Working days without a step, when that makes the rep quiet (never started included).
    pub fn quiet_days(self) -> Option<i64> {
        match self {
            Standing::Quiet { missed, .. } | Standing::NeverStarted { missed, .. } => Some(missed),
            Standing::Active | Standing::Away { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const WEEKDAYS: Calendar<'static> = Calendar {
        work: WorkDays(0b0011111),
        holidays: &[],
    };

    fn presence(last_step: Option<&str>, joined: &str, away_until: Option<&str>) -> Presence {
        Presence {
            last_step: last_step.map(d),
            joined: d(joined),
            away_until: away_until.map(d),
        }
    }

    // Monday 23 November 2026 is "today" throughout.
    const TODAY: &str = "2026-11-23";

    #[test]
    fn a_rep_whose_last_step_was_a_week_ago_is_quiet_for_the_working_days_since() {
        let p = presence(Some("2026-11-16"), "2026-11-01", None);
        assert_eq!(
            standing(p, d(TODAY), WEEKDAYS, 2),
            Standing::Quiet {
                missed: 4,
                last_step: d("2026-11-16")
            }
        );
    }

    #[test]
    fn the_weekend_is_not_counted_as_quiet() {
        // Last step Thursday, today Monday: only Friday was missed; from Wednesday, two days.
        assert_eq!(WEEKDAYS.missed(d("2026-11-26"), d("2026-11-30"), None), 1);
        assert_eq!(WEEKDAYS.missed(d("2026-11-25"), d("2026-11-30"), None), 2);
    }

    #[test]
    fn a_rep_away_now_is_away_and_never_quiet() {
        let p = presence(Some("2026-11-02"), "2026-11-01", Some("2026-12-28"));
        assert_eq!(
            standing(p, d(TODAY), WEEKDAYS, 2),
            Standing::Away {
                until: d("2026-12-28")
            }
        );
    }

    #[test]
    fn days_away_and_team_holidays_are_not_days_a_rep_could_have_prospected() {
        // Last step Monday 16; away Tuesday to Thursday; Friday a team holiday.
        let holidays = [d("2026-11-20")];
        let calendar = Calendar {
            holidays: &holidays,
            ..WEEKDAYS
        };
        let p = presence(Some("2026-11-16"), "2026-11-01", Some("2026-11-19"));
        assert_eq!(standing(p, d(TODAY), calendar, 1), Standing::Active);
        // Back on Monday 23, quiet on Wednesday 25 after Monday and Tuesday.
        assert_eq!(
            standing(p, d("2026-11-25"), calendar, 2),
            Standing::Quiet {
                missed: 2,
                last_step: d("2026-11-16")
            }
        );
    }

    #[test]
    fn a_rep_who_never_logged_a_step_is_counted_from_joining() {
        let p = presence(None, "2026-11-16", None);
        assert_eq!(
            standing(p, d(TODAY), WEEKDAYS, 2),
            Standing::NeverStarted {
                missed: 4,
                joined: d("2026-11-16")
            }
        );
        let new = presence(None, "2026-11-20", None);
        assert_eq!(standing(new, d(TODAY), WEEKDAYS, 2), Standing::Active);
    }
}
