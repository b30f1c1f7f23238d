//! `/win`: store the win, count it on the member's day, reply with today's count and streak.
//! The hot path: one store function (`store::wins::record`), one trip to the writer.
use super::{Caller, Reply, Result, plural, streak_note};
use crate::commands::WinRequest;
use crate::domain::text;
use crate::state::AppState;
use crate::store::wins::{self, WinInput};

pub async fn log(state: &AppState, caller: &Caller, request: WinRequest) -> Result<Reply> {
    let input = WinInput {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        kind: request.kind,
        text: request.text.clone(),
        at: state.clock.now(),
    };
    let done = wins::record(&state.db, input).await?;
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
