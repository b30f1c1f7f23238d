//! A rep's calendar feed as data: their planned and done prospecting blocks and their
//! call-backs, each with a stable id so a calendar updates an event rather than adding one.
use super::{BlockStatus, vocabulary};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

vocabulary! {
    /// What a private link outside Slack opens.
    LinkKind {
        Calendar => "calendar",
        Board => "board",
    }
}

/// How far back the feed reaches.
pub const FEED_DAYS_BACK: i64 = 30;

/// A block in the feed (cancelled ones are left out).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedBlock {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub minutes: i64,
    pub status: BlockStatus,
    pub dials: i64,
    pub emails: i64,
    pub social: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub created_at: DateTime<Utc>,
    /// When its results were logged.
    pub reported_at: Option<DateTime<Utc>>,
}

/// A call-back agreed on a touch, on its day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedCallback {
    pub touch_id: i64,
    pub callback_on: NaiveDate,
    pub prospect: String,
    pub company: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// Everything a rep's feed shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feed {
    pub blocks: Vec<FeedBlock>,
    pub callbacks: Vec<FeedCallback>,
    /// Prospects due for a touch now, "Ann Lee (Acme)", for the blocks ahead.
    pub due: Vec<String>,
}
