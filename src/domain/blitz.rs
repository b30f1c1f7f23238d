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

/// The board's order: people with at least [`MIN_ATTEMPTS_FOR_RATE`] attempts by response
/// rate (exactly, not rounded), more attempts breaking ties; then everyone else by attempts.
pub fn ranked(mut tallies: Vec<Tally>) -> Vec<Tally> {
    use std::cmp::Ordering;
    let rated = |t: &Tally| t.attempts >= MIN_ATTEMPTS_FOR_RATE;
    tallies.sort_by(|a, b| match (rated(a), rated(b)) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (true, true) => (b.responses * a.attempts)
            .cmp(&(a.responses * b.attempts))
            .then(b.attempts.cmp(&a.attempts))
            .then(a.user_id.cmp(&b.user_id)),
        (false, false) => b.attempts.cmp(&a.attempts).then(a.user_id.cmp(&b.user_id)),
    });
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(user: &str, attempts: i64, responses: i64) -> Tally {
        Tally {
            user_id: user.into(),
            attempts,
            responses,
            ..Tally::default()
        }
    }

    #[test]
    fn the_board_ranks_by_response_rate_once_attempts_count_then_by_attempts() {
        let order: Vec<String> = ranked(vec![
            tally("busy", 40, 4),    // 10%
            tally("sharp", 10, 3),   // 30%
            tally("sharper", 20, 6), // 30%, more attempts
            tally("new", 4, 4),      // too few attempts to rank by rate
            tally("newer", 2, 0),
        ])
        .into_iter()
        .map(|t| t.user_id)
        .collect();
        assert_eq!(order, ["sharper", "sharp", "busy", "new", "newer"]);
    }
}
