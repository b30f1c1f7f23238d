//! `/win undo`, `/touch undo`, `/block undo`: a mistaken log removed. Only the caller's own,
//! only from the last 24 hours, one at a time (the latest first). Everything that followed
//! from it follows back: the day's counts and the streak, the prospect's count and stage, a
//! celebrated win and its kudos — and so the next shout-out.
use super::{Caller, Reply, Result};
use crate::commands::Undo;
use crate::domain::streak;
use crate::domain::text::UserText;
use crate::state::AppState;
use crate::store::{members, undo};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How far back a log can be undone.
pub const UNDO_HOURS: i64 = 24;

enum Removed {
    Win {
        text: UserText,
    },
    Touch {
        name: UserText,
        how: String,
        prospect_removed: bool,
    },
    BlockResults {
        id: i64,
        back_to_plan: bool,
    },
    BlockPlan {
        id: i64,
        starts_at: DateTime<Utc>,
    },
}

pub async fn undo(state: &AppState, caller: &Caller, what: Undo) -> Result<Reply> {
    let now = state.clock.now();
    let data = (caller.clone(), what, now);
    let (removed, tz) = state
        .db
        .write(data, |c, (caller, what, now)| {
            Box::pin(async move {
                let (team, user) = (caller.team_id.as_str(), caller.user_id.as_str());
                let member = members::upsert(&mut *c, team, user, *now).await?;
                let since = *now - Duration::hours(UNDO_HOURS);
                // (what was removed, the day and counts of the step it took off)
                let (removed, step): (Removed, Option<(NaiveDate, i64, i64)>) = match what {
                    Undo::Win => {
                        let Some(w) = undo::last_win(c, team, user, since).await? else {
                            return Ok((None, member.local.tz));
                        };
                        undo::delete_win(c, w.id).await?;
                        (Removed::Win { text: w.text }, Some((w.day, 1, 0)))
                    }
                    Undo::Touch => {
                        let Some(t) = undo::last_touch(c, team, user, since).await? else {
                            return Ok((None, member.local.tz));
                        };
                        let prospect_removed = undo::delete_touch(c, &t).await?;
                        let how = format!(
                            "{}, {}",
                            t.channel.label(),
                            t.outcome.as_str().replace('_', " ")
                        );
                        let removed = Removed::Touch {
                            name: t.name,
                            how,
                            prospect_removed,
                        };
                        (removed, Some((t.day, 0, 1)))
                    }
                    Undo::Block => {
                        let Some(b) = undo::last_block(c, team, user, since).await? else {
                            return Ok((None, member.local.tz));
                        };
                        undo::undo_block(c, &b).await?;
                        match b.reported_at.filter(|_| b.reported) {
                            Some(at) => (
                                Removed::BlockResults {
                                    id: b.id,
                                    back_to_plan: b.planned,
                                },
                                Some((member.local.today(at), 0, 0)),
                            ),
                            None => (
                                Removed::BlockPlan {
                                    id: b.id,
                                    starts_at: b.starts_at,
                                },
                                None,
                            ),
                        }
                    }
                };
                if let Some((day, wins, touches)) = step {
                    let days = members::unrecord_step(c, team, user, day, wins, touches).await?;
                    let streak = streak::from_days(&days, member.local.work_days);
                    members::set_streak(&mut *c, team, user, streak, days.first().copied()).await?;
                }
                Ok((Some(removed), member.local.tz))
            })
        })
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
