//! What a team did since its last shout-out: the numbers a shout-out celebrates. Pure values,
//! read by the store and rendered by `slack::shoutout`.
use super::text::UserText;
use super::{WinKind, WinSource};
use chrono::NaiveDate;
use std::collections::HashMap;

/// One win to celebrate: typed with `/win`, or a touch outcome or block result.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WinToCelebrate {
    pub id: i64,
    pub user_id: String,
    pub private: bool,
    pub kind: WinKind,
    /// What the rep typed; for a touch, who it was with; empty for a block.
    pub text: UserText,
    pub source: WinSource,
    pub day: NaiveDate,
    /// How many steps it stands for (a block's meetings or conversations; otherwise 1).
    pub steps: i64,
}

impl WinToCelebrate {
    pub fn is_typed(&self) -> bool {
        self.source == WinSource::Typed
    }
}

/// One step logged twice — as a touch or block result and with `/win` — is celebrated once,
/// in the rep's own words: each typed win of kind reply, conversation or meeting stands in for
/// one step of the same kind by the same rep on the same local day. Steps are matched oldest
/// first; a block result counting several steps loses only as many as were typed.
pub fn once_each(wins: Vec<WinToCelebrate>) -> Vec<WinToCelebrate> {
    let mut typed: HashMap<(String, NaiveDate, WinKind), i64> = HashMap::new();
    for w in wins.iter().filter(|w| w.is_typed()) {
        if matches!(
            w.kind,
            WinKind::Reply | WinKind::Conversation | WinKind::Meeting
        ) {
            *typed.entry((w.user_id.clone(), w.day, w.kind)).or_default() += 1;
        }
    }
    wins.into_iter()
        .filter_map(|mut w| {
            let key = (w.user_id.clone(), w.day, w.kind);
            if let Some(left) = typed.get_mut(&key).filter(|_| !w.is_typed()) {
                let used = (*left).min(w.steps);
                *left -= used;
                w.steps -= used;
            }
            (w.steps > 0).then_some(w)
        })
        .collect()
}

/// A milestone on a prospect: the 10th touch, or a meeting after `touches` touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProspectMilestone {
    pub user_id: String,
    pub private: bool,
    pub prospect: UserText,
    /// Touches before this one.
    pub touches: i64,
}

/// A number reached by one person: a streak, blocks completed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonCount {
    pub user_id: String,
    pub private: bool,
    pub n: i64,
}

/// What a team did in the shout-out's window.
#[derive(Debug, Clone, Default)]
pub struct Celebration {
    pub wins: Vec<WinToCelebrate>,
    /// Each 10th touch on a prospect.
    pub tenth_touches: Vec<ProspectMilestone>,
    /// Each meeting after 5+ touches.
    pub persistent_meetings: Vec<ProspectMilestone>,
    /// Streaks reaching a multiple of five.
    pub streaks: Vec<PersonCount>,
    /// Blocks completed.
    pub blocks: Vec<PersonCount>,
    /// Weekly goals reached since the last shout-out.
    pub goals_reached: Vec<GoalReached>,
}

/// A weekly goal a rep reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalReached {
    pub user_id: String,
    pub private: bool,
    pub metric: super::goals::Metric,
    pub goal: i64,
}

/// A kudos a rep received, not yet told to them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KudosReceived {
    pub team_id: String,
    pub user_id: String,
    pub win_id: i64,
    pub giver: String,
    pub kind: WinKind,
    pub text: UserText,
    pub source: WinSource,
    pub steps: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub work_start_min: i64,
    pub work_end_min: i64,
    pub kudos_dm_day: Option<NaiveDate>,
    #[sqlx(flatten)]
    pub local: super::time::Local,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(id: i64, user: &str, kind: WinKind, source: WinSource, steps: i64) -> WinToCelebrate {
        WinToCelebrate {
            id,
            user_id: user.into(),
            private: false,
            kind,
            text: UserText::from(format!("win {id}")),
            source,
            day: "2026-11-23".parse().unwrap(),
            steps,
        }
    }

    #[test]
    fn a_typed_win_stands_in_for_one_logged_step_of_its_kind() {
        use WinKind::*;
        use WinSource::*;
        let kept = once_each(vec![
            win(1, "A", Meeting, Touch, 1),
            win(2, "A", Meeting, Touch, 1),
            win(3, "A", Meeting, Typed, 1),
            win(4, "A", Reply, Touch, 1),
            win(5, "B", Meeting, Touch, 1),
            win(6, "A", Conversation, Block, 3),
            win(7, "A", Conversation, Typed, 1),
        ]);
        let left: Vec<(i64, i64)> = kept.iter().map(|w| (w.id, w.steps)).collect();
        // A's typed meeting replaces their first meeting touch, not B's; their typed
        // conversation takes one of the block's three.
        assert_eq!(left, vec![(2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (7, 1)]);
    }
}
