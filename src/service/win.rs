//! `/win`: store the win, count it on the member's day, reply with today's count and streak.
//! The hot path: what the write needs (zone, streak) is read first on a reader, so the writer
//! does the whole win in one round trip.
use super::{Caller, Reply, Result, plural, streak_note};
use crate::commands::WinRequest;
use crate::domain::streak;
use crate::domain::text;
use crate::domain::time::{WorkDays, local_day};
use crate::state::AppState;
use crate::store::{self, members, wins};
use chrono_tz::Tz;

pub async fn log(state: &AppState, caller: &Caller, request: WinRequest) -> Result<Reply> {
    let now = state.clock.now();
    let known = members::step_state(state.db.reader(), &caller.team_id, &caller.user_id).await?;
    let zone = |tz: &Option<String>| tz.as_deref().and_then(|t| t.parse::<Tz>().ok());
    let tz = zone(&known.tz)
        .or(zone(&known.team_tz))
        .unwrap_or(state.settings.default_tz);
    let today = local_day(now, tz);
    let work = WorkDays::from_bits(known.work_days.unwrap_or(WorkDays::MON_FRI.0.into()));
    let last = known.last_step_day.as_deref().and_then(|d| d.parse().ok());
    let next_streak = streak::after_step(last, known.streak.unwrap_or(0), today, work);
    let data = (
        caller.clone(),
        request,
        store::ts(now),
        today.to_string(),
        next_streak,
    );
    let (wins_today, streak, request) = state
        .db
        .write(data, |c, (caller, request, at, day, next_streak)| {
            Box::pin(async move {
                let logged = wins::LoggedWin {
                    win: wins::NewWin {
                        team_id: &caller.team_id,
                        user_id: &caller.user_id,
                        kind: request.kind.as_str(),
                        text: &request.text,
                        day,
                        at,
                    },
                    streak_if_first_today: *next_streak,
                };
                let (wins_today, streak) = wins::log(c, &logged).await?;
                Ok((wins_today, streak, request.clone()))
            })
        })
        .await?;
    super::profile::refresh_if_stale(
        state,
        &caller.team_id,
        &caller.user_id,
        known.profile_at.as_deref(),
    );
    Ok(Reply::ephemeral(format!(
        "{} Logged your {}: “{}”\n{} today{}",
        request.kind.emoji(),
        request.kind.noun(),
        text::mrkdwn(&request.text, 200),
        plural(wins_today, "win", "wins"),
        streak_note(streak),
    )))
}
