//! What a team did since its last shout-out: the numbers a shout-out celebrates. Pure values,
//! read by the store and rendered by `slack::shoutout`.
use super::WinKind;
use super::text::UserText;

/// One win to celebrate.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WinToCelebrate {
    pub id: i64,
    pub user_id: String,
    pub private: bool,
    pub kind: WinKind,
    pub text: UserText,
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
}
