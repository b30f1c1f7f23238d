//! Persistence and frequency: it takes about ten touches, at least weekly, to reach someone.
use super::text::UserText;
use chrono::{DateTime, NaiveDate, Utc};

/// Touches that usually reach a new prospect.
pub const TOUCH_GOAL: i64 = 10;
/// The longest gap between touches before a prospect is going cold.
pub const MAX_GAP_DAYS: i64 = 7;

/// Cold prospects listed in one nudge.
pub const MAX_LISTED: usize = 8;

/// An active prospect short of ten touches whose last touch is too long ago.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ColdProspect {
    pub id: i64,
    pub team_id: String,
    pub user_id: String,
    pub name: UserText,
    pub company: Option<UserText>,
    pub touch_count: i64,
    pub last_touch_day: NaiveDate,
    /// How many of the rep's prospects are cold in all (only the coldest few are listed).
    pub cold_total: i64,
}

/// One rep's nudge, decided before anything is written.
#[derive(Debug, Clone)]
pub struct Nudge {
    pub team_id: String,
    pub user_id: String,
    /// The scheduled time it is for.
    pub due: DateTime<Utc>,
    /// The rep's local day.
    pub today: NaiveDate,
    /// Working days without a step, when that makes the rep quiet.
    pub quiet_days: Option<i64>,
    pub cold: Vec<ColdProspect>,
}

/// Where a prospect stands after its latest touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    pub touches: i64,
    pub last_touch: Option<NaiveDate>,
}

impl Cadence {
    /// The day by which the next touch is due, if any is still needed.
    pub fn next_due(&self) -> Option<NaiveDate> {
        if self.touches >= TOUCH_GOAL {
            return None;
        }
        self.last_touch
            .and_then(|d| d.checked_add_days(chrono::Days::new(MAX_GAP_DAYS as u64)))
    }

    /// Days past due on `today` (positive) or until due (negative).
    pub fn overdue_days(&self, today: NaiveDate) -> Option<i64> {
        self.next_due().map(|due| (today - due).num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_touch_is_due_a_week_after_the_last() {
        let c = Cadence {
            touches: 3,
            last_touch: Some("2026-11-20".parse().unwrap()),
        };
        assert_eq!(c.next_due(), Some("2026-11-27".parse().unwrap()));
        assert_eq!(c.overdue_days("2026-11-29".parse().unwrap()), Some(2));
    }

    #[test]
    fn nothing_is_due_after_the_tenth_touch() {
        let c = Cadence {
            touches: 10,
            last_touch: Some("2026-11-20".parse().unwrap()),
        };
        assert_eq!(c.next_due(), None);
    }
}
