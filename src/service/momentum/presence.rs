//! `/momentum away` and `/momentum private`: pausing nudges, and being counted without being
//! named in channel posts.
use super::super::{Caller, Reply, Result};
use crate::domain::time::short_date;
use crate::state::AppState;
use crate::store::presence;
use chrono::{Duration, NaiveDate};

pub(super) async fn away(
    state: &AppState,
    caller: &Caller,
    until: Option<NaiveDate>,
) -> Result<Reply> {
    let now = state.clock.now();
    let done = presence::go_away(&state.db, &caller.team_id, &caller.user_id, until, now).await?;
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
    presence::make_private(&state.db, &caller.team_id, &caller.user_id, on, now).await?;
    Ok(Reply::ephemeral(if on {
        "🙈 Private: your steps still count toward the team's totals, but channel posts won't name you."
    } else {
        "🙌 Channel posts may name you again when they celebrate your wins."
    }))
}
