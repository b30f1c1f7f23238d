//! The buttons on Momentum's messages that change something or read a prospect: 🎉 kudos on a
//! shout-out line (and the post's counts refreshed), 😴 snooze a day on a nudge, and the
//! prospect a "log a step" or "add a replacement" button refers to. The HTTP edge and Socket
//! Mode decode the press; the transactions are here.
use crate::slack::interaction::{Kudos, ProspectRef};
use crate::slack::shoutout;
use crate::state::AppState;
use crate::store::interactions::WinsRef;
use crate::store::{self, interactions};

/// The name of the prospect a button refers to (older messages carried the name itself).
pub async fn prospect_named(
    state: &AppState,
    team: &str,
    user: &str,
    prospect: Option<ProspectRef>,
) -> Option<String> {
    let id = match prospect? {
        ProspectRef::Id(id) => id,
        ProspectRef::Name(name) => return Some(name),
    };
    match store::prospects::by_id(state.db.reader(), team, user, id).await {
        Ok(found) => found.map(|p| p.name.raw().to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the prospect of a button");
            None
        }
    }
}

/// How often a shout-out's celebrate counts are refreshed at most.
const KUDOS_UPDATE_GAP: chrono::Duration = chrono::Duration::seconds(10);

/// 🎉 on a shout-out line: kudos from `user` on that person's wins in the post, and the post's
/// counts refreshed (`chat.update`, at most every [`KUDOS_UPDATE_GAP`]).
pub async fn celebrate(
    state: &AppState,
    team: &str,
    user: &str,
    kudos: Kudos,
    message: Option<(String, String)>,
) -> store::Result<()> {
    let data = (
        team.to_owned(),
        user.to_owned(),
        kudos,
        message,
        state.clock.now(),
    );
    let queued = state
        .db
        .write(data, |c, (team, user, kudos, message, at)| {
            Box::pin(async move {
                let added = match kudos {
                    Kudos::Range(first, last) => {
                        interactions::give_kudos_range(c, team, *first, *last, user, *at).await?
                    }
                    Kudos::Ids(ids) => interactions::give_kudos(c, team, ids, user, *at).await?,
                };
                let Some((channel, ts)) = message.as_ref().filter(|_| added > 0) else {
                    return Ok(false);
                };
                let Some((id, payload)) = interactions::shoutout_at(c, team, channel, ts).await?
                else {
                    return Ok(false);
                };
                let mut counts = Vec::new();
                for line in shoutout::celebrate_buttons(&payload) {
                    let wins = match &line {
                        Kudos::Range(a, b) => WinsRef::Range(*a, *b),
                        Kudos::Ids(ids) => WinsRef::Ids(ids),
                    };
                    counts.push(interactions::celebrated_by(c, team, wins).await?);
                }
                let Some(update) = shoutout::with_counts(&payload, ts, &counts) else {
                    return Ok(false);
                };
                interactions::queue_kudos_update(
                    c,
                    team,
                    channel,
                    id,
                    &update,
                    *at,
                    KUDOS_UPDATE_GAP,
                )
                .await?;
                Ok(true)
            })
        })
        .await?;
    if queued {
        state.outbox_wake.notify_one();
    }
    Ok(())
}

pub async fn snooze(state: &AppState, team: &str, user: &str) -> store::Result<()> {
    let now = state.clock.now();
    // Through the same time tomorrow, with an hour to spare so tomorrow's nudge is skipped.
    let data = (
        team.to_owned(),
        user.to_owned(),
        now + chrono::Duration::hours(25),
    );
    state
        .db
        .write(data, |c, (team, user, until)| {
            Box::pin(store::presence::set_snoozed(c, team, user, *until))
        })
        .await
}
