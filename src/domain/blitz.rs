//! A blitz's numbers: each person's tally, the team's sums, the best moments. Pure values;
//! `slack::blitz` renders the scoreboard and the results.
use super::text::UserText;

/// One person's numbers in a blitz.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub user_id: String,
    pub name: Option<UserText>,
    pub private: bool,
    pub attempts: i64,
    pub conversations: i64,
    pub responses: i64,
    pub meetings: i64,
}

/// One of a blitz's best moments: a meeting booked with a prospect (`text` is the prospect's
/// name), or a win logged (`text` is the win).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Moment {
    pub user_id: String,
    pub private: bool,
    pub meeting: bool,
    pub text: UserText,
}

/// Attempts before a person's response rate is shown and ranked.
pub const MIN_ATTEMPTS_FOR_RATE: i64 = 5;

/// The team's sums.
pub fn team(tallies: &[Tally]) -> Tally {
    tallies.iter().fold(Tally::default(), |mut t, p| {
        t.attempts += p.attempts;
        t.conversations += p.conversations;
        t.responses += p.responses;
        t.meetings += p.meetings;
        t
    })
}
