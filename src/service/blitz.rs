//! `/blitz`: start a team prospecting session in a channel, check the score, end it.
use super::{Caller, Reply, Result, count};
use crate::commands::BlitzRequest;
use crate::domain::blitz::team;
use crate::domain::response_rate;
use crate::jobs::blitz::{finish, starter_name};
use crate::slack::blitz::first_post;
use crate::state::AppState;
use crate::store::{blitz, members};
use chrono::Duration;

pub async fn handle(state: &AppState, caller: &Caller, request: BlitzRequest) -> Result<Reply> {
    if !caller.channel_id.starts_with(['C', 'G']) {
        return Ok(Reply::ephemeral(
            "A blitz runs in a team channel, so everyone sees the scoreboard. Try `/blitz start 60m` there.",
        ));
    }
    match request {
        BlitzRequest::Start { minutes, goal } => start(state, caller, minutes, goal).await,
        BlitzRequest::Status => status(state, caller).await,
        BlitzRequest::End => end(state, caller).await,
        BlitzRequest::Board { reset } => super::board::link(state, caller, reset).await,
    }
}

async fn start(
    state: &AppState,
    caller: &Caller,
    minutes: u32,
    goal: Option<u32>,
) -> Result<Reply> {
    let now = state.clock.now();
    let ends_at = now + Duration::minutes(minutes.into());
    let starter = starter_name(state, &caller.team_id, &caller.user_id).await?;
    let board = first_post(
        &caller.channel_id,
        goal.map(i64::from),
        minutes.into(),
        &starter,
    );
    let new = blitz::NewBlitz {
        team_id: caller.team_id.clone(),
        channel_id: caller.channel_id.clone(),
        started_by: caller.user_id.clone(),
        goal: goal.map(i64::from),
        at: now,
        ends_at,
        scoreboard: board,
    };
    let started = blitz::start_with_scoreboard(&state.db, new).await?;
    if started.is_none() {
        let running =
            blitz::running_in(state.db.reader(), &caller.team_id, &caller.channel_id).await?;
        let until = running
            .map(|b| format!(" for another {} min", b.minutes_left(now)))
            .unwrap_or_default();
        return Ok(Reply::ephemeral(format!(
            "A blitz is already running in this channel{until} — jump in! `/blitz status` shows the score."
        )));
    }
    state.outbox_wake.notify_one();
    let counting = match blitz::running_in(state.db.reader(), &caller.team_id, &caller.channel_id)
        .await?
        .and_then(|b| b.team_manager)
    {
        Some(manager) => format!(" It counts <@{manager}>'s team, ranked by response rate."),
        None => " It counts everyone in the workspace (set up teams with `/momentum team add @a @b` to blitz by team)."
            .to_owned(),
    };
    let goal = goal
        .map(|g| format!(", goal {}", count(g.into(), "attempt")))
        .unwrap_or_default();
    Ok(Reply::ephemeral(format!(
        "🏁 Blitz on: {}{goal}. The scoreboard is in this channel and updates as the team logs \
         `/touch` and `/block done`.{counting} `/blitz end` stops it early; `/blitz board` puts it \
         on a screen.",
        count(minutes.into(), "minute")
    )))
}

async fn status(state: &AppState, caller: &Caller) -> Result<Reply> {
    let reader = state.db.reader();
    let Some(b) = blitz::running_in(reader, &caller.team_id, &caller.channel_id).await? else {
        return Ok(Reply::ephemeral(
            "No blitz is running here. Start one: `/blitz start 60m goal 200`",
        ));
    };
    let now = state.clock.now();
    let squad = b.team_manager.as_deref();
    let tallies = blitz::tallies(reader, &b.team_id, squad, b.starts_at, now).await?;
    let t = team(&tallies);
    let left = b.minutes_left(now);
    let rate = response_rate(t.responses, t.attempts).map_or("—".to_owned(), |r| format!("{r}%"));
    let goal = b.goal.map(|g| format!(" of {g}")).unwrap_or_default();
    Ok(Reply::ephemeral(format!(
        "🏁 {left} min left · {}{goal} · {} · {} · {rate} response rate · {} taking part",
        count(t.attempts, "attempt"),
        count(t.conversations, "conversation"),
        count(t.meetings, "meeting"),
        tallies.len()
    )))
}

async fn end(state: &AppState, caller: &Caller) -> Result<Reply> {
    let reader = state.db.reader();
    let Some(b) = blitz::running_in(reader, &caller.team_id, &caller.channel_id).await? else {
        return Ok(Reply::ephemeral("No blitz is running here."));
    };
    // Its starter, the starter's manager (the team it counts), or a workspace admin.
    let starters_manager = members::get(reader, &caller.team_id, &b.started_by)
        .await?
        .and_then(|m| m.manager_id);
    let allowed = b.started_by == caller.user_id
        || starters_manager.as_deref() == Some(caller.user_id.as_str())
        || super::momentum::is_admin(state, caller).await?;
    if !allowed {
        let manager = starters_manager
            .map(|m| format!(", their manager <@{m}>,"))
            .unwrap_or_default();
        return Ok(Reply::ephemeral(format!(
            "🔒 Only <@{}> (who started it){manager} or a workspace admin can end this blitz early. \
             It ends on its own when the time is up.",
            b.started_by
        )));
    }
    finish(state, b.id, state.clock.now()).await?;
    Ok(Reply::ephemeral(
        "🏁 Blitz ended — the results are in the channel.",
    ))
}
