//! `/momentum away` and `/momentum private`: pausing nudges, and being counted without being
//! named in channel posts.
use super::super::{Caller, Reply, Result};
use crate::domain::time::short_date;
use crate::state::AppState;
use crate::store::members;
use chrono::{Duration, NaiveDate};

pub(super) async fn away(
    state: &AppState,
    caller: &Caller,
    until: Option<NaiveDate>,
) -> Result<Reply> {
    let now = state.clock.now();
    let done = state
        .db
        .write((caller.clone(), until, now), |c, (caller, until, now)| {
            Box::pin(async move {
                let ctx =
                    members::step_context(&mut *c, &caller.team_id, &caller.user_id, *now).await?;
                if until.is_some_and(|d| d < ctx.today) {
                    return Ok(Err(ctx.today));
                }
                members::set_away(c, &caller.team_id, &caller.user_id, *until).await?;
                Ok(Ok(()))
            })
        })
        .await?;
    Ok(Reply::ephemeral(match (done, until) {
        (Err(today), _) => format!(
            "That date has passed (today is {today}). Give your last day away, like `/momentum away until {}`.",
            today + Duration::days(7)
        ),
        (Ok(()), Some(d)) => format!(
            "🌴 Away through {} — no nudges until you're back. Enjoy! (`/momentum away off` if plans change)",
            short_date(d)
        ),
        (Ok(()), None) => "👋 Welcome back — nudges are on again.".to_owned(),
    }))
}

pub(super) async fn private(state: &AppState, caller: &Caller, on: bool) -> Result<Reply> {
    let now = state.clock.now();
    state
        .db
        .write((caller.clone(), on, now), |c, (caller, on, now)| {
            Box::pin(async move {
                members::upsert(&mut *c, &caller.team_id, &caller.user_id, *now).await?;
                members::set_private(c, &caller.team_id, &caller.user_id, *on).await
            })
        })
        .await?;
    Ok(Reply::ephemeral(if on {
        "🙈 Private: your steps still count toward the team's totals, but channel posts won't name you."
    } else {
        "🙌 Channel posts may name you again when they celebrate your wins."
    }))
}
