//! `/win`: store the win, count it on the member's day, reply with today's count and streak.
//! The hot path: the member's zone and streak are read inside the write itself, so a win is
//! one trip to the writer (in-thread on SQLite: [`crate::store::direct`]).
use super::{Caller, Reply, Result, plural, streak_note};
use crate::commands::WinRequest;
use crate::domain::streak;
use crate::domain::text;
use crate::state::AppState;
use crate::store::{members, wins};
use chrono::{DateTime, Utc};

/// What logging a win did, and how old the member's profile is.
struct Logged {
    wins_today: i64,
    streak: i64,
    profile_at: Option<DateTime<Utc>>,
}

impl Logged {
    /// The day's count and streak the write returned, for the member as it was read.
    fn after(known: &members::StepState, (wins_today, streak): (i64, i64)) -> Self {
        Self {
            wins_today,
            streak,
            profile_at: known.profile_at,
        }
    }
}

/// The win as stored, on the member's local day, with the streak it makes if it is the
/// member's first step today.
fn logged<'a>(
    caller: &'a Caller,
    request: &'a WinRequest,
    at: DateTime<Utc>,
    known: &members::StepState,
) -> wins::LoggedWin<'a> {
    let day = known.local.today(at);
    wins::LoggedWin {
        win: wins::NewWin {
            team_id: &caller.team_id,
            user_id: &caller.user_id,
            kind: request.kind,
            text: &request.text,
            day,
            at,
        },
        streak_if_first_today: streak::after_step(
            known.last_step_day,
            known.streak.unwrap_or(0),
            day,
            known.local.work_days,
        ),
    }
}

pub async fn log(state: &AppState, caller: &Caller, request: WinRequest) -> Result<Reply> {
    let data = (caller.clone(), request, state.clock.now());
    let (done, request) = state
        .db
        .write_direct(
            data,
            |c, (caller, request, at)| {
                let known = members::step_state_direct(c, &caller.team_id, &caller.user_id)?;
                let win = logged(caller, request, *at, &known);
                let counts = wins::log_direct(c, &win, known.last_step_day, known.streak)?;
                Ok((Logged::after(&known, counts), request.clone()))
            },
            |c, (caller, request, at)| {
                Box::pin(async move {
                    let known =
                        members::step_state(&mut *c, &caller.team_id, &caller.user_id).await?;
                    let win = logged(caller, request, *at, &known);
                    let counts = wins::log(c, &win).await?;
                    Ok((Logged::after(&known, counts), request.clone()))
                })
            },
        )
        .await?;
    super::profile::refresh_if_stale(state, &caller.team_id, &caller.user_id, done.profile_at);
    Ok(Reply::ephemeral(format!(
        "{} Logged your {}: “{}”\n{} today{}",
        request.kind.emoji(),
        request.kind.noun(),
        text::mrkdwn(&request.text, 200),
        plural(done.wins_today, "win", "wins"),
        streak_note(done.streak),
    )))
}
