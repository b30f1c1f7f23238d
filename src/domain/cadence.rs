//! Persistence and frequency: it takes about ten touches, at least weekly, to reach someone.
use super::text::UserText;
use super::{Channel, TextValue};
use chrono::{DateTime, NaiveDate, Utc};

/// Touches that usually reach a new prospect.
pub const TOUCH_GOAL: i64 = 10;
/// The longest gap between touches before a prospect is going cold.
pub const MAX_GAP_DAYS: i64 = 7;

/// Cold prospects listed in one nudge.
pub const MAX_LISTED: usize = 8;
/// Prospects suggested for letting go in one nudge.
pub const MAX_LET_GO: usize = 3;

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
    /// The channels tried on them so far.
    pub used: ChannelsUsed,
}

impl ColdProspect {
    /// The channel to try next: one not used on them yet, else the least recent idea — phone.
    pub fn next_channel(&self) -> Channel {
        Channel::not_yet_used(self.used.0.iter().copied()).unwrap_or(Channel::Phone)
    }
}

/// Channels used on a prospect, stored as a comma-separated list (SQL `group_concat`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelsUsed(pub Vec<Channel>);

impl TextValue for ChannelsUsed {
    fn to_text(&self) -> String {
        let words: Vec<&str> = self.0.iter().map(|c| c.as_str()).collect();
        words.join(",")
    }
    fn from_text(text: &str) -> Result<Self, String> {
        text.split(',')
            .filter(|w| !w.is_empty())
            .map(Channel::from_text)
            .collect::<Result<Vec<_>, _>>()
            .map(|mut used| {
                // In the vocabulary's order, whatever order the database listed them in.
                used.sort();
                used.dedup();
                ChannelsUsed(used)
            })
    }
}
super::sql_text!(ChannelsUsed);

/// A call-back the rep agreed, due on their local day `callback_on`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallbackDue {
    pub touch_id: i64,
    pub team_id: String,
    pub user_id: String,
    pub prospect_id: i64,
    pub name: UserText,
    pub company: Option<UserText>,
    pub note: UserText,
    pub channel: Channel,
    pub callback_on: NaiveDate,
    /// The day the call-back was agreed.
    pub day: NaiveDate,
    /// When the rep's working day starts, in minutes after local midnight.
    pub work_start_min: i64,
    #[sqlx(flatten)]
    pub local: super::time::Local,
}

impl CallbackDue {
    /// Due from the start of the rep's working day on the call-back day, until that day ends
    /// (a call-back missed while the service was down is not sent late: it would be stale).
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        let tz = self.local.tz;
        self.callback_on == super::time::local_day(now, tz)
            && super::time::minute_of_day(now, tz) >= self.work_start_min
    }
}

/// A prospect with ten or more touches and no response: the rep is told once that it may be
/// time to let them go and replace them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LetGo {
    pub id: i64,
    pub team_id: String,
    pub user_id: String,
    pub name: UserText,
    pub touch_count: i64,
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
    /// They never logged a step: the quiet days count from the day they joined.
    pub first_step: bool,
    pub cold: Vec<ColdProspect>,
    /// Prospects to suggest letting go (each suggested once).
    pub let_go: Vec<LetGo>,
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
