//! The buttons on Momentum's messages that change something or read a prospect: 🎉 kudos on a
//! shout-out line (and the post's counts refreshed), 😴 snooze a day on a nudge, and the
//! prospect a "log a step" or "add a replacement" button refers to. The HTTP edge and Socket
//! Mode decode the press; the transactions are here.
use crate::slack::interaction::{Kudos, ProspectRef};
use crate::slack::shoutout;
use crate::state::AppState;
use crate::store::interactions::Wins;
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
    let at = state.clock.now();
    let post = interactions::celebrate(&state.db, team, user, wins(&kudos), message.clone(), at);
    let Some((id, payload)) = post.await? else {
        return Ok(());
    };
    let Some((channel, ts)) = &message else {
        return Ok(());
    };
    // The counts are read and rendered here, outside a write; the write that queues them
    // checks they still hold (a 🎉 pressed meanwhile means reading them again).
    let lines: Vec<Wins> = shoutout::celebrate_buttons(&payload)
        .iter()
        .map(wins)
        .collect();
    for _ in 0..3 {
        let mut counts = Vec::new();
        for line in &lines {
            counts.push(interactions::celebrated_by(state.db.reader(), team, line.as_ref()).await?);
        }
        let Some(update) = shoutout::with_counts(&payload, ts, &counts) else {
            return Ok(());
        };
        let new = interactions::Counts {
            shoutout_id: id,
            channel: channel.clone(),
            lines: lines.clone(),
            counts,
            update,
        };
        let queued = interactions::queue_counts(&state.db, team, new, at, KUDOS_UPDATE_GAP);
        if queued.await?.is_ok() {
            state.outbox_wake.notify_one();
            return Ok(());
        }
    }
    Ok(())
}

fn wins(kudos: &Kudos) -> Wins {
    match kudos {
        Kudos::Range(a, b) => Wins::Range(*a, *b),
        Kudos::Ids(ids) => Wins::Ids(ids.clone()),
    }
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
