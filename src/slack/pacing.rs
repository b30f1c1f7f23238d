//! Pacing of outbound messages: Slack allows about one message per second per channel. The
//! state (each channel's next turn, a team's pause after HTTP 429) lives in the database, so
//! it holds across replicas; see `store::outbox::claim`.
use chrono::Duration as ChronoDuration;
use std::time::Duration;

/// Least time between two messages to the same channel.
pub const CHANNEL_GAP: Duration = Duration::from_millis(1100);

pub fn gap(d: Duration) -> ChronoDuration {
    ChronoDuration::from_std(d).unwrap_or(ChronoDuration::seconds(1))
}
