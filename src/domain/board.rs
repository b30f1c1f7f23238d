//! The blitz board for a screen, as data: during a blitz the live scoreboard, between blitzes
//! the team's week as the channel already sees it. Never more than the channel shows: people
//! are named as on the scoreboard and in shout-outs, private reps as "a teammate" or only
//! counted, and nobody's numbers appear outside a blitz.
use serde::Serialize;

/// What the board shows now; sent to the page as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Board {
    Blitz(BlitzBoard),
    Week(WeekBoard),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlitzBoard {
    pub title: String,
    /// When it ends (RFC 3339), for the page's countdown.
    pub ends_at: String,
    pub seconds_left: i64,
    pub goal: Option<i64>,
    pub team: Line,
    /// Ranked as in Slack.
    pub people: Vec<Line>,
}

/// One line of the scoreboard: a person's (or the team's) numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub name: String,
    pub attempts: i64,
    pub conversations: i64,
    pub responses: i64,
    pub meetings: i64,
    /// Responses over attempts, in whole percent (from enough attempts to mean something).
    pub rate: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekBoard {
    pub title: String,
    /// "Mon 23 – Wed 25 Nov".
    pub week: String,
    pub touches: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub wins: i64,
    /// Today's celebrated steps, newest first: "Jane — 📬 Carl replied".
    pub today: Vec<String>,
    /// Steps today by people who keep their name out of channel posts.
    pub unnamed_today: i64,
}
