//! Running blitzes: the scoreboard is refreshed (`chat.update` of the same message) when its
//! numbers change, at most every [`MIN_UPDATE_GAP_SECS`]; when the clock runs out — or someone
//! ends it — the final scoreboard and one results post go out. All state is in the database,
//! so a blitz survives a restart and still ends on time.
use super::JobReport;
use crate::domain::blitz::team;
use crate::domain::files::{Make, Upload};
use crate::slack::blitz::{Results, board_update, results_chart, results_post};
use crate::state::AppState;
use crate::store::outbox::Method;
use crate::store::{self, blitz, outbox};
use chrono::{DateTime, Utc};

/// Least time between two refreshes of one scoreboard.
pub const MIN_UPDATE_GAP_SECS: i64 = 10;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let mut report = JobReport::default();
    for b in blitz::running(state.db.reader()).await? {
        let queued = if now >= b.ends_at {
            finish(state, b.id, b.ends_at).await?
        } else {
            refresh(state, &b, now).await?
        };
        if queued > 0 {
            report.claimed += 1;
            report.queued += queued;
        }
    }
    Ok(report)
}

/// The starter's name for the scoreboard (never a mention), ready for `mrkdwn`.
pub async fn starter_name(state: &AppState, team_id: &str, user_id: &str) -> store::Result<String> {
    let m = store::members::get(state.db.reader(), team_id, user_id).await?;
    Ok(m.and_then(|m| m.name)
        .filter(|n| !n.is_empty())
        .map_or_else(|| "a teammate".to_owned(), |n| n.mrkdwn(40)))
}

async fn refresh(
    state: &AppState,
    b: &blitz::BlitzRow,
    now: DateTime<Utc>,
) -> store::Result<usize> {
    let recent = b
        .last_update_at
        .is_some_and(|t| (now - t).num_seconds() < MIN_UPDATE_GAP_SECS);
    let Some(outbox_id) = b.scoreboard_outbox_id else {
        return Ok(0);
    };
    if recent {
        return Ok(0);
    }
    let Some(ts) = blitz::scoreboard_ts(state.db.reader(), outbox_id).await? else {
        return Ok(0);
    };
    let tallies = blitz::tallies(
        state.db.reader(),
        &b.team_id,
        b.team_manager.as_deref(),
        b.starts_at,
        now,
    )
    .await?;
    let body = board_update(
        &b.channel_id,
        &ts,
        &tallies,
        b.goal,
        Some(b.minutes_left(now)),
        &starter_name(state, &b.team_id, &b.started_by).await?,
    );
    if b.last_scoreboard.as_deref() == Some(body.as_str()) {
        return Ok(0);
    }
    let data = (b.clone(), body, now);
    state
        .db
        .write(data, |c, (b, body, at)| {
            Box::pin(async move {
                if !blitz::mark_updated(c, b.id, *at, body, b.last_update_at).await? {
                    return Ok(0);
                }
                outbox::queue(c, &b.team_id, Method::Update, &b.channel_id, body, *at).await?;
                Ok(1)
            })
        })
        .await
}

/// Ends the blitz at `end_at`: the final scoreboard, and the results post. Returns the
/// messages queued (none if it had already ended).
pub async fn finish(state: &AppState, id: i64, end_at: DateTime<Utc>) -> store::Result<usize> {
    let reader = state.db.reader();
    let Some(b) = blitz::get(reader, id).await? else {
        return Ok(0);
    };
    if b.ended_at.is_some() {
        return Ok(0);
    }
    let end = end_at;
    let squad = b.team_manager.as_deref();
    let tallies = blitz::tallies(reader, &b.team_id, squad, b.starts_at, end).await?;
    let previous = match blitz::previous(reader, &b).await? {
        Some(p) => {
            let until = p.ended_at.unwrap_or(p.ends_at);
            Some(team(
                &blitz::tallies(reader, &p.team_id, squad, p.starts_at, until).await?,
            ))
        }
        None => None,
    };
    let moments = blitz::moments(reader, &b.team_id, squad, b.starts_at, end).await?;
    let minutes = (end_at - b.starts_at).num_minutes().max(1);
    let results = Results {
        tallies: &tallies,
        minutes,
        leader: &b.started_by,
        previous,
        moments: &moments,
    };
    let results_post = results_post(&b.channel_id, &results);
    // The picture of the results, in the results post's thread.
    let chart = results_chart(&results).and_then(|c| {
        serde_json::to_string(&Upload {
            make: Make::BlitzChart(c),
            in_thread: true,
        })
        .ok()
    });
    let starter = starter_name(state, &b.team_id, &b.started_by).await?;
    let final_board = match b.scoreboard_outbox_id {
        Some(outbox_id) => blitz::scoreboard_ts(reader, outbox_id)
            .await?
            .map(|ts| board_update(&b.channel_id, &ts, &tallies, b.goal, None, &starter)),
        None => None,
    };
    let data = (
        b,
        end,
        (results_post, chart),
        final_board,
        state.clock.now(),
    );
    let queued = state
        .db
        .write(
            data,
            |c, (b, end, (results_post, chart), final_board, at)| {
                Box::pin(async move {
                    if !blitz::end(c, b.id, *end).await? {
                        return Ok(0);
                    }
                    let mut queued = 0;
                    if let Some(board) = final_board {
                        outbox::queue(c, &b.team_id, Method::Update, &b.channel_id, board, *at)
                            .await?;
                        queued += 1;
                    }
                    let (team, channel) = (&b.team_id, &b.channel_id);
                    let id =
                        outbox::queue(c, team, Method::PostMessage, channel, results_post, *at)
                            .await?;
                    if let Some(chart) = chart {
                        outbox::queue_after(c, team, Method::Upload, channel, chart, id, *at)
                            .await?;
                    }
                    Ok(queued + 1)
                })
            },
        )
        .await?;
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}
