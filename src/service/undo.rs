//! `/win undo`, `/touch undo`, `/block undo`: a mistaken log removed. Only the caller's own,
//! only from the last 24 hours, one at a time (the latest first). Everything that followed
//! from it follows back: the day's counts and the streak, the prospect's count and stage, a
//! celebrated win and its kudos — and so the next shout-out.
use super::{Caller, Reply, Result};
use crate::commands::Undo;
use crate::state::AppState;
use crate::store::undo::{self, Removed};
use chrono::Duration;

/// How far back a log can be undone.
pub const UNDO_HOURS: i64 = 24;

pub async fn undo(state: &AppState, caller: &Caller, what: Undo) -> Result<Reply> {
    let now = state.clock.now();
    let since = now - Duration::hours(UNDO_HOURS);
    let (removed, tz) = undo::take_back(
        &state.db,
        &caller.team_id,
        &caller.user_id,
        what,
        since,
        now,
    )
    .await?;
    let text = match removed {
        None => format!(
            "Nothing to undo: you have no {} from the last {UNDO_HOURS} hours.",
            match what {
                Undo::Win => "`/win`",
                Undo::Touch => "`/touch`",
                Undo::Block => "block planned or logged",
            }
        ),
        Some(Removed::Win { text }) => format!(
            "↩️ Removed your win “{}”. Your counts and streak are updated.",
            text.mrkdwn(200)
        ),
        Some(Removed::Touch {
            name,
            how,
            prospect_removed,
        }) => {
            let after = if prospect_removed {
                format!(
                    " That touch had added {} to your targets, so they're off the list again.",
                    name.mrkdwn(120)
                )
            } else {
                String::new()
            };
            format!(
                "↩️ Removed your touch on *{}* ({how}).{after} Your counts are updated.",
                name.mrkdwn(120)
            )
        }
        Some(Removed::BlockResults { id, back_to_plan }) if back_to_plan => format!(
            "↩️ Removed the results of block #{id} — it's planned again. Log them with `/block done …`."
        ),
        Some(Removed::BlockResults { .. }) => {
            "↩️ Removed the block results you logged. Your counts are updated.".to_owned()
        }
        Some(Removed::BlockPlan { id, starts_at }) => format!(
            "↩️ Removed block #{id}, planned for {} ({tz}).",
            starts_at.with_timezone(&tz).format("%a %-d %b %H:%M")
        ),
    };
    Ok(Reply::ephemeral(text))
}
