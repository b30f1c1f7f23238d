//! `/momentum goals`: weekly goals a manager sets for their team or one rep, and this week's
//! progress. Progress goes to the rep and their manager only; reaching a goal is celebrated in
//! the next shout-out, missing one is never mentioned anywhere public.
use super::super::{Caller, Reply, Result};
use super::is_admin;
use crate::commands::GoalsRequest;
use crate::domain::goals::{Goals, Progress, week_of};
use crate::domain::time::local_day;
use crate::slack::messages;
use crate::state::AppState;
use crate::store::goals::{self, Scope};
use crate::store::members;
use chrono::NaiveDate;

pub(super) async fn handle(
    state: &AppState,
    caller: &Caller,
    request: GoalsRequest,
) -> Result<Reply> {
    match request {
        GoalsRequest::Show => show(state, caller).await,
        GoalsRequest::Set { goals, rep } => set(state, caller, goals, rep).await,
        GoalsRequest::Clear { rep } => set(state, caller, Goals::default(), rep).await,
    }
}

/// The progress of `user` (if they have any goal) in the week of their local day `today`.
pub(crate) async fn progress_of(
    state: &AppState,
    team_id: &str,
    user_id: &str,
    today: NaiveDate,
) -> Result<Option<Progress>> {
    let (monday, sunday) = week_of(today);
    let mut found =
        goals::progress(state.db.reader(), team_id, Some(user_id), monday, sunday).await?;
    Ok(found.pop())
}

async fn show(state: &AppState, caller: &Caller) -> Result<Reply> {
    let at = super::super::profile::locate(state, &caller.team_id, &caller.user_id).await?;
    let (monday, sunday) = week_of(local_day(state.clock.now(), at.tz));
    let reader = state.db.reader();
    let reps = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
    // One read for the caller and, for a manager, their reps.
    let only = reps.is_empty().then_some(caller.user_id.as_str());
    let progress = goals::progress(reader, &caller.team_id, only, monday, sunday).await?;
    let mut lines = Vec::new();
    match progress.iter().find(|p| p.user_id == caller.user_id) {
        Some(p) => lines.push(format!("🎯 *Your goals this week:* {}", p.line())),
        None => lines.push("You have no weekly goals set.".to_owned()),
    }
    if !reps.is_empty() {
        let team = goals::get(
            reader,
            &caller.team_id,
            Scope::Team {
                manager: &caller.user_id,
            },
        )
        .await?;
        lines.push(if team.is_empty() {
            "*Team goals:* none yet — `/momentum goals touches 50 conversations 10 meetings 2 blocks 3`"
                .to_owned()
        } else {
            format!("*Team goals (each rep, weekly):* {team}")
        });
        for rep in &reps {
            if let Some(p) = progress.iter().find(|p| p.user_id == rep.user_id) {
                lines.push(format!("• <@{}> — {}", rep.user_id, p.line()));
            }
        }
        lines.push("🔒 Progress is for you and each rep only.".to_owned());
    }
    Ok(Reply::ephemeral(lines.join("\n")))
}

async fn set(state: &AppState, caller: &Caller, new: Goals, rep: Option<String>) -> Result<Reply> {
    let reader = state.db.reader();
    let reps: Vec<String> = match &rep {
        Some(rep) => {
            let manager = members::get(reader, &caller.team_id, rep)
                .await?
                .and_then(|m| m.manager_id);
            if manager.as_deref() != Some(caller.user_id.as_str())
                && !is_admin(state, caller).await?
            {
                return Ok(Reply::ephemeral(format!(
                    "🔒 Only <@{rep}>'s manager sets their goals. Managers add reps with `/momentum team add @name`."
                )));
            }
            vec![rep.clone()]
        }
        None => {
            let reps = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
            if reps.is_empty() {
                return Ok(Reply::ephemeral(
                    "Team goals are for your reps, and you don't manage anyone yet: `/momentum team add @a @b` first.",
                ));
            }
            reps.into_iter().map(|r| r.user_id).collect()
        }
    };
    let now = state.clock.now();
    // The DMs are rendered here, outside the write that queues them.
    let tell = if new.is_empty() {
        Vec::new()
    } else {
        let described = new.describe();
        reps.iter()
            .map(|r| {
                (
                    r.clone(),
                    messages::goals_set(r, &caller.user_id, &described),
                )
            })
            .collect()
    };
    let set = goals::NewGoals {
        team_id: caller.team_id.clone(),
        set_by: caller.user_id.clone(),
        rep: rep.clone(),
        goals: new,
        tell,
        at: now,
    };
    goals::set_and_tell(&state.db, set).await?;
    state.outbox_wake.notify_one();
    let whom = match &rep {
        Some(r) => format!("<@{r}>"),
        None => "each rep on your team".to_owned(),
    };
    Ok(Reply::ephemeral(if new.is_empty() {
        format!("Cleared the weekly goals for {whom}.")
    } else {
        format!(
            "🎯 Weekly goals for {whom}: {new}. I've told them by DM; progress shows in their `/momentum stats`, \
             their Home tab and your digest. Reaching one is celebrated in the shout-out — missing one is never posted."
        )
    }))
}
