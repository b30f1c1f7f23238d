//! `/win`: store the win, count it on the member's day, reply with today's count and streak.
//! The hot path: what the write needs (zone, streak) is read first on a reader, so the writer
//! does the whole win in one round trip.
use super::{Caller, Reply, Result, plural, streak_note};
use crate::commands::WinRequest;
use crate::domain::streak;
use crate::domain::text;
use crate::state::AppState;
use crate::store::{members, wins};

pub async fn log(state: &AppState, caller: &Caller, request: WinRequest) -> Result<Reply> {
    let now = state.clock.now();
    let known = members::step_state(state.db.reader(), &caller.team_id, &caller.user_id).await?;
    let today = known.local.today(now);
    let next_streak = streak::after_step(
        known.last_step_day,
        known.streak.unwrap_or(0),
        today,
        known.local.work_days,
    );
    let data = (caller.clone(), request, now, today, next_streak);
    let (wins_today, streak, request) = state
        .db
        .write(data, |c, (caller, request, at, day, next_streak)| {
            Box::pin(async move {
                let logged = wins::LoggedWin {
                    win: wins::NewWin {
                        team_id: &caller.team_id,
                        user_id: &caller.user_id,
                        kind: request.kind,
                        text: &request.text,
                        day: *day,
                        at: *at,
                    },
                    streak_if_first_today: *next_streak,
                };
                let (wins_today, streak) = wins::log(c, &logged).await?;
                Ok((wins_today, streak, request.clone()))
            })
        })
        .await?;
    super::profile::refresh_if_stale(state, &caller.team_id, &caller.user_id, known.profile_at);
    Ok(Reply::ephemeral(format!(
        "{} Logged your {}: “{}”\n{} today{}",
        request.kind.emoji(),
        request.kind.noun(),
        text::mrkdwn(&request.text, 200),
        plural(wins_today, "win", "wins"),
        streak_note(streak),
    )))
}
