//! Delivers the outbox: due rows go to Slack with per-channel pacing (Slack allows about one
//! message per second per channel), back-off on failures, a pause honouring `Retry-After` on
//! HTTP 429, and a row marked sent as soon as Slack accepts it, so it is never sent again.
//! `drain_once` is one pass; `run` loops it, woken by new messages or by a short timer.
mod upload;

use crate::slack::CallError;
use crate::slack::pacing::gap;
use crate::state::AppState;
use crate::store::files;
use crate::store::outbox::{self, Failure};
use crate::store::{self};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use futures::StreamExt;
use std::time::Duration;

pub use crate::slack::pacing::CHANNEL_GAP;

/// After this many failed attempts (about a day of back-off), a message is given up.
pub const MAX_ATTEMPTS: i64 = 300;
/// Longest back-off between attempts.
pub const MAX_BACKOFF_SECS: i64 = 300;
const BATCH: i64 = 200;
/// How long a claimed message is reserved for the attempt under way; past it, another process
/// takes the message over (the holder died). `MOMENTUM_OUTBOX_LEASE_SECS` overrides it.
const LEASE_SECS: i64 = 60;

fn lease_secs() -> i64 {
    std::env::var("MOMENTUM_OUTBOX_LEASE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(LEASE_SECS)
}
const PARALLEL: usize = 8;

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
    let mut report = Drained::default();
    // A cheap look first: most passes find nothing due.
    if outbox::due(state.db.reader(), now, 1).await?.is_empty() {
        return Ok(report);
    }
    // Claim and lease in one write: pacing and pauses live in the database, so they hold
    // across every process (replicas, `run-job`) and no row is claimed twice.
    let lease_until = now + ChronoDuration::seconds(lease_secs());
    let wall = state.clock.wall();
    let claimed = state
        .db
        .write((now, wall, lease_until), |c, (now, wall, until)| {
            let pacing = outbox::Pacing {
                wall: *wall,
                gap: gap(CHANNEL_GAP),
            };
            Box::pin(outbox::claim(c, *now, pacing, *until, BATCH))
        })
        .await?;
    report.held = claimed.held;
    let picked = claimed.messages;
    // Each message goes out with its own workspace's token, read once per pass.
    let mut tokens = std::collections::HashMap::new();
    for msg in &picked {
        if !tokens.contains_key(&msg.team_id) {
            tokens.insert(msg.team_id.clone(), state.bot_token(&msg.team_id).await?);
        }
    }
    let tokens = &tokens;
    let results: Vec<_> = futures::stream::iter(picked)
        .map(|msg| async move {
            let payload = match &msg.parent_ts {
                Some(ts) => in_thread(&msg.payload, ts),
                None => msg.payload.clone(),
            };
            let result = match tokens.get(&msg.team_id).cloned().flatten() {
                Some(token) if msg.method == outbox::Method::Upload => {
                    upload::deliver(state, &token, &msg).await
                }
                Some(token) => state.slack.deliver(&token, msg.method, &payload).await,
                None => Err(CallError::Permanent(
                    crate::store::workspaces::CANCELLED.to_owned(),
                )),
            };
            (msg, result)
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (msg, result) in results {
        let at = state.clock.now();
        let failure = match result {
            Ok(delivered) => {
                let data = (msg.id, delivered, at);
                state
                    .db
                    .write(data, |c, (id, delivered, at)| {
                        Box::pin(async move {
                            let (ts, channel) =
                                (delivered.ts.as_deref(), delivered.channel.as_deref());
                            outbox::mark_sent(c, *id, ts, channel, *at).await?;
                            files::forget(c, *id).await
                        })
                    })
                    .await?;
                report.sent += 1;
                continue;
            }
            Err(CallError::RateLimited(wait)) => {
                tracing::warn!(id = msg.id, team = %msg.team_id, ?wait, "Slack rate limit; pausing the team");
                // A pause is Slack's real time, whatever business time this process runs at.
                let pause = (
                    msg.team_id.clone(),
                    state.clock.wall() + gap(wait).min(outbox::MAX_PAUSE),
                );
                state
                    .db
                    .write(pause, |c, (team, until)| {
                        Box::pin(outbox::pause_team(c, team, *until))
                    })
                    .await?;
                let failure = Failure::RateLimited {
                    at: at + gap(wait),
                    error: format!("rate limited for {wait:?}"),
                };
                report.retrying += 1;
                failure
            }
            Err(CallError::Transient(error)) if msg.attempts + 1 < MAX_ATTEMPTS => {
                tracing::warn!(id = msg.id, attempt = msg.attempts + 1, %error, "delivery failed; will retry");
                report.retrying += 1;
                Failure::Retry {
                    at: retry_at(at, msg.attempts + 1),
                    error,
                }
            }
            Err(CallError::Permanent(scope))
                if msg.method == outbox::Method::Upload && scope == "missing_scope" =>
            {
                tracing::warn!(
                    id = msg.id,
                    team = %msg.team_id,
                    "file not uploaded: this workspace's token lacks the files:write scope \
                     (installed before charts and exports); reinstall Momentum to get them"
                );
                report.given_up += 1;
                Failure::GiveUp { error: scope }
            }
            Err(e) => {
                tracing::error!(id = msg.id, method = %msg.method, error = %e, "delivery given up");
                report.given_up += 1;
                Failure::GiveUp {
                    error: e.to_string(),
                }
            }
        };
        // Someone who asked for an export hears that it will not come.
        let notice = match &failure {
            Failure::GiveUp { error } if msg.method == outbox::Method::Upload => {
                upload::not_delivered(&msg, error)
            }
            _ => None,
        };
        let at = state.clock.now();
        let data = (msg, failure, notice, at);
        state
            .db
            .write(data, |c, (msg, failure, notice, at)| {
                Box::pin(async move {
                    outbox::mark_failed(c, msg.id, failure).await?;
                    if matches!(failure, Failure::GiveUp { .. }) {
                        files::forget(c, msg.id).await?;
                    }
                    if let Some(notice) = notice {
                        outbox::post(c, &msg.team_id, &msg.channel, notice, *at).await?;
                    }
                    Ok(())
                })
            })
            .await?;
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
