//! `/win`: store the win, count it on the member's day, reply with today's count and streak.
use super::{Caller, Reply, Result, count_step, plural, step_context, streak_note};
use crate::commands::{WinRequest, truncate};
use crate::state::AppState;
use crate::store::{self, wins};

pub async fn log(state: &AppState, caller: &Caller, request: WinRequest) -> Result<Reply> {
    let now = state.clock.now();
    let data = (caller.clone(), request, now, state.settings.default_tz);
    let (member, counted, request) = state
        .db
        .write(data, |c, (caller, request, now, default_tz)| {
            Box::pin(async move {
                let ctx =
                    step_context(c, &caller.team_id, &caller.user_id, *now, *default_tz).await?;
                let win = wins::NewWin {
                    team_id: &caller.team_id,
                    user_id: &caller.user_id,
                    kind: request.kind.as_str(),
                    text: &request.text,
                    day: &ctx.today.to_string(),
                    at: &store::ts(*now),
                };
                wins::insert(c, &win).await?;
                let counted = count_step(c, &ctx, 1, 0).await?;
                Ok((ctx.member, counted, request.clone()))
            })
        })
        .await?;
    super::profile::refresh_in_background(state, &member);
    Ok(Reply::ephemeral(format!(
        "{} Logged your *{}*: “{}”\n{} today{}",
        request.kind.emoji(),
        request.kind,
        truncate(&request.text, 200),
        plural(counted.wins_today, "win", "wins"),
        streak_note(counted.streak),
    )))
}
