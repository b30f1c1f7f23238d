//! Streaks: consecutive working days with at least one step. A day off between two steps does
//! not break a streak; a working day without a step does.
use super::time::WorkDays;
use chrono::{Datelike, NaiveDate};

/// The streak after a step on `today`, given the previous step day and streak.
pub fn after_step(
    last_step: Option<NaiveDate>,
    streak: i64,
    today: NaiveDate,
    work: WorkDays,
) -> i64 {
    let Some(last) = last_step else { return 1 };
    if last >= today {
        return streak.max(1);
    }
    let mut day = last.succ_opt().unwrap_or(today);
    while day < today {
        if work.contains(day.weekday()) {
            return 1;
        }
        day = day.succ_opt().unwrap_or(today);
    }
    streak + 1
}

/// The streak as it stands on `today` (0 if a working day was missed since the last step).
pub fn current(last_step: Option<NaiveDate>, streak: i64, today: NaiveDate, work: WorkDays) -> i64 {
    let Some(last) = last_step else { return 0 };
    let mut day = last.succ_opt().unwrap_or(today);
    while day < today {
        if work.contains(day.weekday()) {
            return 0;
        }
        day = day.succ_opt().unwrap_or(today);
    }
    streak
}

/// The streak ending on the latest of `days` (the days with a step, latest first), as
/// [`after_step`] would have counted it step by step.
pub fn from_days(days: &[NaiveDate], work: WorkDays) -> i64 {
    let mut streak = 0;
    let mut later: Option<NaiveDate> = None;
    for day in days {
        streak = match later {
            None => 1,
            Some(next) if after_step(Some(*day), 1, next, work) == 2 => streak + 1,
            Some(_) => break,
        };
        later = Some(*day);
    }
    streak
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streak_is_recounted_from_the_days_with_steps() {
        let days = [
            d("2026-11-23"), // Monday
            d("2026-11-20"), // Friday: the weekend between does not break it
            d("2026-11-19"),
            d("2026-11-17"), // a missed Wednesday does
        ];
        assert_eq!(from_days(&days, WorkDays::MON_FRI), 3);
        assert_eq!(from_days(&[], WorkDays::MON_FRI), 0);
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_first_step_starts_a_streak_of_one() {
        assert_eq!(after_step(None, 0, d("2026-11-23"), WorkDays::MON_FRI), 1);
    }

    #[test]
    fn a_second_step_the_same_day_keeps_the_streak() {
        assert_eq!(
            after_step(Some(d("2026-11-23")), 3, d("2026-11-23"), WorkDays::MON_FRI),
            3
        );
    }

    #[test]
    fn the_weekend_does_not_break_a_streak() {
        // Friday 27th, then Monday 30th.
        assert_eq!(
            after_step(Some(d("2026-11-27")), 4, d("2026-11-30"), WorkDays::MON_FRI),
            5
        );
    }

    #[test]
    fn a_missed_working_day_restarts_the_streak() {
        assert_eq!(
            after_step(Some(d("2026-11-23")), 4, d("2026-11-25"), WorkDays::MON_FRI),
            1
        );
        assert_eq!(
            current(Some(d("2026-11-23")), 4, d("2026-11-25"), WorkDays::MON_FRI),
            0
        );
        assert_eq!(
            current(Some(d("2026-11-24")), 4, d("2026-11-25"), WorkDays::MON_FRI),
            4
        );
    }
}
