//! Pacing of outbound messages, in memory, on the app clock: when each channel may next
//! receive a message (Slack allows about one per second per channel), and per-team pauses
//! after an HTTP 429.
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Least time between two messages to the same channel.
pub const CHANNEL_GAP: Duration = Duration::from_millis(1100);

#[derive(Default)]
pub struct Pacing {
    channel_free_at: Mutex<HashMap<String, DateTime<Utc>>>,
    team_paused_until: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl Pacing {
    /// Whether a message to `channel` may go at `now`; if so, the channel's next turn is
    /// [`CHANNEL_GAP`] later.
    pub fn take_turn(&self, team_id: &str, channel: &str, now: DateTime<Utc>) -> bool {
        let paused = lock(&self.team_paused_until)
            .get(team_id)
            .is_some_and(|t| *t > now);
        if paused {
            return false;
        }
        let mut channels = lock(&self.channel_free_at);
        let key = format!("{team_id}/{channel}");
        if channels.get(&key).is_some_and(|t| *t > now) {
            return false;
        }
        channels.insert(key, now + gap(CHANNEL_GAP));
        true
    }

    /// Holds every message of the team until `until` (after a 429).
    pub fn pause_team(&self, team_id: &str, until: DateTime<Utc>) {
        lock(&self.team_paused_until).insert(team_id.to_owned(), until);
    }
}

pub fn gap(d: Duration) -> ChronoDuration {
    ChronoDuration::from_std(d).unwrap_or(ChronoDuration::seconds(1))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
