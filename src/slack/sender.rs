//! Delivers the outbox: due rows go to Slack with per-channel pacing (Slack allows about one
//! message per second per channel), back-off on failures, a pause honouring `Retry-After` on
//! HTTP 429, and a row marked sent as soon as Slack accepts it, so it is never sent again.
//! `drain_once` is one pass; `run` loops it, woken by new messages or by a short timer.
use super::CallError;
use crate::state::AppState;
use crate::store::{self, outbox};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Least time between two messages to the same channel.
pub const CHANNEL_GAP: Duration = Duration::from_millis(1100);
/// After this many failed attempts (about a day of back-off), a message is given up.
pub const MAX_ATTEMPTS: i64 = 300;
/// Longest back-off between attempts.
pub const MAX_BACKOFF_SECS: i64 = 300;
const BATCH: i64 = 200;
/// How long a picked message is reserved for the attempt under way.
const LEASE_SECS: i64 = 60;
const PARALLEL: usize = 8;

/// In-memory pacing, on the app clock: when each channel may next receive a message, and
/// per-team pauses after a 429.
#[derive(Default)]
pub struct Pacing {
    channel_free_at: Mutex<HashMap<String, DateTime<Utc>>>,
    team_paused_until: Mutex<HashMap<String, DateTime<Utc>>>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drained {
    pub sent: usize,
    pub retrying: usize,
    pub given_up: usize,
    /// Due but held back by pacing or a rate-limit pause.
    pub held: usize,
}

pub async fn drain_once(state: &AppState) -> store::Result<Drained> {
    let now = state.clock.now();
    let due = outbox::due(state.db.reader(), &store::ts(now), BATCH).await?;
    let mut report = Drained::default();
    let mut picked = Vec::new();
    {
        let instant = now;
        let mut channels = lock(&state.pacing.channel_free_at);
        let paused = lock(&state.pacing.team_paused_until);
        for msg in due {
            let channel_key = format!("{}/{}", msg.team_id, msg.channel);
            let held = paused.get(&msg.team_id).is_some_and(|t| *t > instant)
                || channels.get(&channel_key).is_some_and(|t| *t > instant);
            if held {
                report.held += 1;
                continue;
            }
            channels.insert(channel_key, instant + gap(CHANNEL_GAP));
            picked.push(msg);
        }
    }
    // Lease what we picked, so a second process (`run-job`) never sends the same row too.
    let lease_until = store::ts(now + ChronoDuration::seconds(LEASE_SECS));
    let ids: Vec<i64> = picked.iter().map(|m| m.id).collect();
    let leased: Vec<i64> = state
        .db
        .write(
            (ids, store::ts(now), lease_until),
            |c, (ids, now, until)| {
                Box::pin(async move {
                    let mut leased = Vec::new();
                    for id in ids {
                        if outbox::lease(c, *id, now, until).await? {
                            leased.push(*id);
                        }
                    }
                    Ok(leased)
                })
            },
        )
        .await?;
    picked.retain(|m| leased.contains(&m.id));
    let results: Vec<_> = futures::stream::iter(picked)
        .map(|msg| async move {
            let payload = match &msg.parent_ts {
                Some(ts) => in_thread(&msg.payload, ts),
                None => msg.payload.clone(),
            };
            let result = state.slack.deliver(&msg.method, &payload).await;
            (msg, result)
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (msg, result) in results {
        let at = state.clock.now();
        match result {
            Ok(ts) => {
                let data = (msg.id, ts, store::ts(at));
                state
                    .db
                    .write(data, |c, (id, ts, at)| {
                        Box::pin(outbox::mark_sent(c, *id, ts.as_deref(), at))
                    })
                    .await?;
                report.sent += 1;
            }
            Err(CallError::RateLimited(wait)) => {
                tracing::warn!(id = msg.id, team = %msg.team_id, ?wait, "Slack rate limit; pausing the team");
                lock(&state.pacing.team_paused_until).insert(msg.team_id.clone(), at + gap(wait));
                let next = store::ts(at + gap(wait));
                let data = (msg.id, format!("rate limited for {wait:?}"), next, false);
                state.db.write(data, failed_attempt).await?;
                report.retrying += 1;
            }
            Err(CallError::Transient(e)) if msg.attempts + 1 < MAX_ATTEMPTS => {
                let next = store::ts(retry_at(at, msg.attempts + 1));
                tracing::warn!(id = msg.id, attempt = msg.attempts + 1, error = %e, "delivery failed; will retry");
                state
                    .db
                    .write((msg.id, e, next, true), failed_attempt)
                    .await?;
                report.retrying += 1;
            }
            Err(e) => {
                tracing::error!(id = msg.id, method = %msg.method, error = %e, "delivery given up");
                state
                    .db
                    .write((msg.id, e.to_string(), String::new(), true), failed_attempt)
                    .await?;
                report.given_up += 1;
            }
        }
    }
    Ok(report)
}

/// The message body as a reply in the thread of `ts`.
fn in_thread(payload: &str, ts: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(mut body) => {
            body["thread_ts"] = serde_json::Value::String(ts.to_owned());
            body.to_string()
        }
        Err(_) => payload.to_owned(),
    }
}

fn gap(d: Duration) -> ChronoDuration {
    ChronoDuration::from_std(d).unwrap_or(ChronoDuration::seconds(1))
}

/// Exponential back-off: 2 s, 4 s, 8 s … capped at five minutes.
pub fn retry_at(now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    let secs = 1i64
        .checked_shl(attempts.clamp(1, 20) as u32)
        .unwrap_or(MAX_BACKOFF_SECS)
        .min(MAX_BACKOFF_SECS);
    now + ChronoDuration::seconds(secs)
}

/// Delivers until the shutdown signal fires.
pub async fn run(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        let pause = match drain_once(&state).await {
            Ok(d) if d.sent + d.retrying + d.given_up > 0 => Duration::ZERO,
            Ok(d) if d.held > 0 => Duration::from_millis(200),
            Ok(_) => Duration::from_secs(1),
            Err(e) => {
                tracing::error!(error = %e, "outbox pass failed");
                Duration::from_secs(2)
            }
        };
        if pause.is_zero() {
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            _ = state.outbox_wake.notified() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Records a failed attempt; an empty `next` gives the message up.
fn failed_attempt<'c>(
    c: &'c mut store::Conn,
    (id, error, next, counts): &'c (i64, String, String, bool),
) -> futures::future::BoxFuture<'c, sqlx::Result<()>> {
    let next = (!next.is_empty()).then_some(next.as_str());
    Box::pin(outbox::mark_failed_attempt(c, *id, error, next, *counts))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        let t0: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        assert_eq!((retry_at(t0, 1) - t0).num_seconds(), 2);
        assert_eq!((retry_at(t0, 3) - t0).num_seconds(), 8);
        assert_eq!((retry_at(t0, 40) - t0).num_seconds(), MAX_BACKOFF_SECS);
    }
}
