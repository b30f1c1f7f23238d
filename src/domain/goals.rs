//! Weekly goals: touches, conversations, meetings and blocks a manager asks of the team or
//! one rep, and how far a rep has come this week. Reaching one is celebrated; missing one is
//! never mentioned anywhere public (progress goes to the rep and their manager only).
use super::vocabulary;
use chrono::{Datelike, Days, NaiveDate};
use std::fmt;

vocabulary! {
    /// A number a weekly goal is set on.
    Metric {
        Touches => "touches",
        Conversations => "conversations",
        Meetings => "meetings",
        Blocks => "blocks",
    }
}

impl Metric {
    /// "50 touches", "1 meeting".
    pub fn count(self, n: i64) -> String {
        let one = match self {
            Metric::Touches => "touch",
            Metric::Conversations => "conversation",
            Metric::Meetings => "meeting",
            Metric::Blocks => "block",
        };
        super::words::count(n, one)
    }
}

/// A goal per number; `None` where none is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Goals {
    pub touches: Option<i64>,
    pub conversations: Option<i64>,
    pub meetings: Option<i64>,
    pub blocks: Option<i64>,
}

impl Goals {
    pub fn get(&self, m: Metric) -> Option<i64> {
        match m {
            Metric::Touches => self.touches,
            Metric::Conversations => self.conversations,
            Metric::Meetings => self.meetings,
            Metric::Blocks => self.blocks,
        }
    }

    pub fn set(&mut self, m: Metric, n: Option<i64>) {
        let slot = match m {
            Metric::Touches => &mut self.touches,
            Metric::Conversations => &mut self.conversations,
            Metric::Meetings => &mut self.meetings,
            Metric::Blocks => &mut self.blocks,
        };
        *slot = n;
    }

    pub fn is_empty(&self) -> bool {
        Metric::ALL.iter().all(|m| self.get(*m).is_none())
    }

    /// "50 touches · 2 meetings".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = Metric::ALL
            .iter()
            .filter_map(|m| self.get(*m).map(|n| m.count(n)))
            .collect();
        parts.join(" · ")
    }
}

/// What a rep did toward each number this week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Done {
    /// `/touch` logs and a block's dials, emails and social touches.
    #[sqlx(rename = "done_touches")]
    pub touches: i64,
    /// Touches that were conversations (`talked`) and a block's conversations.
    #[sqlx(rename = "done_conversations")]
    pub conversations: i64,
    #[sqlx(rename = "done_meetings")]
    pub meetings: i64,
    /// Blocks done.
    #[sqlx(rename = "done_blocks")]
    pub blocks: i64,
}

impl Done {
    pub fn get(&self, m: Metric) -> i64 {
        match m {
            Metric::Touches => self.touches,
            Metric::Conversations => self.conversations,
            Metric::Meetings => self.meetings,
            Metric::Blocks => self.blocks,
        }
    }
}

/// A rep's goals and what they did toward them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Progress {
    pub user_id: String,
    pub private: bool,
    #[sqlx(flatten)]
    pub goals: Goals,
    #[sqlx(flatten)]
    pub done: Done,
}

impl Progress {
    /// The numbers whose goal is reached.
    pub fn reached(&self) -> Vec<Metric> {
        Metric::ALL
            .iter()
            .copied()
            .filter(|m| self.goals.get(*m).is_some_and(|g| self.done.get(*m) >= g))
            .collect()
    }

    /// "touches 12/50 · meetings 2/2 ✅" — for the rep and their manager only.
    pub fn line(&self) -> String {
        let parts: Vec<String> = Metric::ALL
            .iter()
            .filter_map(|m| {
                let goal = self.goals.get(*m)?;
                let done = self.done.get(*m);
                let tick = if done >= goal { " ✅" } else { "" };
                Some(format!("{m} {done}/{goal}{tick}"))
            })
            .collect();
        parts.join(" · ")
    }
}

/// The Monday of the week holding `day`, and its Sunday: goals are weekly.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - Days::new(day.weekday().num_days_from_monday().into());
    (monday, monday + Days::new(6))
}

impl fmt::Display for Goals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_each_goal_and_ticks_the_reached_ones() {
        let p = Progress {
            user_id: "U1".into(),
            private: false,
            goals: Goals {
                touches: Some(50),
                meetings: Some(2),
                ..Goals::default()
            },
            done: Done {
                touches: 12,
                meetings: 2,
                conversations: 9,
                blocks: 1,
            },
        };
        assert_eq!(p.line(), "touches 12/50 · meetings 2/2 ✅");
        assert_eq!(p.reached(), vec![Metric::Meetings]);
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(week_of(d("2026-11-25")), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(week_of(d("2026-11-23")), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(week_of(d("2026-11-29")), (d("2026-11-23"), d("2026-11-29")));
    }
}
