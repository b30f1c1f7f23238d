//! `/momentum team`: who manages whom. A rep's numbers open to a manager only with the rep's
//! consent: `team add` by anyone but a workspace admin sends the rep an invitation (Accept or
//! Decline), and the link is made when the rep accepts. An admin assigns directly and the rep
//! is told. A rep already on a team moves only by their manager or an admin; bots, deleted
//! accounts and Slackbot are never reps.
use super::super::{Caller, Reply, Result};
use super::is_admin;
use crate::slack::messages;
use crate::state::AppState;
use crate::store::invites::{self, Answered, Asked};
use crate::store::{members, outbox};
use chrono::{DateTime, Utc};

/// How long `team add` waits for Slack to say whether someone is a person (every lookup runs
/// at once: at most `MAX_TEAM_ADD` of them, as the parser allows).
const PERSON_LOOKUP: std::time::Duration = std::time::Duration::from_millis(1500);

pub(super) async fn show(state: &AppState, caller: &Caller) -> Result<Reply> {
    let reader = state.db.reader();
    let me = members::get(reader, &caller.team_id, &caller.user_id).await?;
    let reps = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
    let waiting =
        invites::waiting_for(reader, &caller.team_id, &caller.user_id, state.clock.now()).await?;
    let mut out = match me.and_then(|m| m.manager_id) {
        Some(manager) => format!(
            "Your manager: <@{manager}> (sees your numbers; `/momentum team leave` to undo)."
        ),
        None => "You're not on anyone's team.".to_owned(),
    };
    if reps.is_empty() {
        out.push_str("\nYou don't manage anyone yet: `/momentum team add @a @b`.");
    } else {
        let names: Vec<String> = reps.iter().map(|r| format!("<@{}>", r.user_id)).collect();
        out.push_str(&format!(
            "\nYour team ({}): {}",
            reps.len(),
            names.join(", ")
        ));
    }
    if !waiting.is_empty() {
        let names: Vec<String> = waiting.iter().map(|(r, _)| format!("<@{r}>")).collect();
        out.push_str(&format!(
            "\n⏳ Waiting for {} to accept your invitation.",
            names.join(", ")
        ));
    }
    Ok(Reply::ephemeral(out))
}

/// What happened to each person named in `team add`.
enum Added {
    Welcomed(String),
    Moved(String),
    Invited(String),
    StillWaiting(String, DateTime<Utc>),
    Already(String),
    Yourself,
    NotAPerson(String),
    Guarded { rep: String, manager: String },
}

/// Whether each named user is a person who can be a rep, as far as Slack says in time (a
/// lookup that fails or is slow counts as a person: a bot could never accept an invitation).
async fn bots_among(state: &AppState, caller: &Caller, reps: &[String]) -> Vec<String> {
    let others: Vec<&String> = reps.iter().filter(|r| **r != caller.user_id).collect();
    let looked = futures::future::join_all(
        others
            .iter()
            .map(|rep| is_bot_or_gone(state, &caller.team_id, rep)),
    )
    .await;
    others
        .into_iter()
        .zip(looked)
        .filter(|(_, bot)| *bot)
        .map(|(rep, _)| rep.clone())
        .collect()
}

async fn is_bot_or_gone(state: &AppState, team_id: &str, user_id: &str) -> bool {
    user_id == crate::slack::SLACKBOT
        || super::super::refresh_profile(state, team_id, user_id, PERSON_LOOKUP)
            .await
            .is_some_and(|p| p.is_bot_or_gone)
}

pub(super) async fn add(state: &AppState, caller: &Caller, reps: Vec<String>) -> Result<Reply> {
    let (admin, bots) = tokio::join!(is_admin(state, caller), bots_among(state, caller, &reps));
    let admin = admin?;
    let now = state.clock.now();
    let outcomes = state
        .db
        .write(
            (caller.clone(), reps, bots, admin, now),
            |c, (caller, reps, bots, admin, now)| {
                Box::pin(async move {
                    let at = *now;
                    let (team, me) = (caller.team_id.as_str(), caller.user_id.as_str());
                    members::upsert(&mut *c, team, me, at).await?;
                    let mut outcomes = Vec::new();
                    for rep in reps.iter() {
                        if rep == me {
                            outcomes.push(Added::Yourself);
                            continue;
                        }
                        if bots.contains(rep) {
                            outcomes.push(Added::NotAPerson(rep.clone()));
                            continue;
                        }
                        let m = members::upsert(&mut *c, team, rep, at).await?;
                        let previous = m.manager_id.clone();
                        match previous.as_deref() {
                            Some(mgr) if mgr == me => {
                                outcomes.push(Added::Already(rep.clone()));
                                continue;
                            }
                            Some(mgr) if !*admin => {
                                outcomes.push(Added::Guarded {
                                    rep: rep.clone(),
                                    manager: mgr.to_owned(),
                                });
                                continue;
                            }
                            _ => {}
                        }
                        if !*admin {
                            match invites::ask(c, team, rep, me, at).await? {
                                Asked::New => {
                                    let dm = messages::team_invite(rep, me, invites::LIFETIME_DAYS);
                                    outbox::post(c, team, rep, &dm, at).await?;
                                    outcomes.push(Added::Invited(rep.clone()));
                                }
                                Asked::Waiting(asked) => {
                                    outcomes.push(Added::StillWaiting(rep.clone(), asked))
                                }
                            }
                            continue;
                        }
                        let welcomed = join(c, team, &m, me, at).await?;
                        outcomes.push(if welcomed {
                            Added::Welcomed(rep.clone())
                        } else {
                            Added::Moved(rep.clone())
                        });
                    }
                    Ok(outcomes)
                })
            },
        )
        .await?;
    state.outbox_wake.notify_one();
    Ok(Reply::ephemeral(render_added(&outcomes)))
}

/// Puts the rep `m` on `manager`'s team (within the caller's transaction): the link, the rep's
/// welcome (or a notice of the change), a word to the previous manager, and no invitation left
/// waiting. Returns whether the rep was welcomed for the first time.
async fn join(
    c: &mut crate::store::sql::Conn,
    team: &str,
    m: &members::MemberRow,
    manager: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let rep = m.user_id.as_str();
    let previous = m.manager_id.as_deref();
    members::set_manager(c, team, rep, Some(manager)).await?;
    invites::withdraw_all(c, team, rep).await?;
    let first = m.welcomed_at.is_none();
    let dm = if first {
        members::mark_welcomed(c, team, rep, at).await?;
        messages::welcome(rep, manager)
    } else {
        messages::manager_changed(rep, manager, previous)
    };
    outbox::post(c, team, rep, &dm, at).await?;
    if let Some(old) = previous {
        let note = messages::rep_left(old, rep, Some(manager));
        outbox::post(c, team, old, &note, at).await?;
    }
    Ok(first)
}

fn render_added(outcomes: &[Added]) -> String {
    let mut added = Vec::new();
    let mut invited = Vec::new();
    let mut lines = Vec::new();
    for o in outcomes {
        match o {
            Added::Welcomed(r) | Added::Moved(r) => added.push(format!("<@{r}>")),
            Added::Invited(r) => invited.push(format!("<@{r}>")),
            Added::StillWaiting(r, asked) => lines.push(format!(
                "⏳ Still waiting for <@{r}> to accept your invitation (sent {}); you'll see their numbers once they do.",
                asked.format("%a %-d %b")
            )),
            Added::Already(r) => lines.push(format!("<@{r}> is already on your team.")),
            Added::Yourself => lines.push("You see your own numbers already — no need to add yourself.".to_owned()),
            Added::NotAPerson(r) => lines.push(format!(
                "<@{r}> is a bot or a deactivated account, so they can't be on a team."
            )),
            Added::Guarded { rep, manager } => lines.push(format!(
                "<@{rep}> is on <@{manager}>'s team; only <@{manager}> or a workspace admin can move them."
            )),
        }
    }
    if !invited.is_empty() {
        lines.insert(
            0,
            format!(
                "✉️ Asked {} to join your team — waiting for them to accept. You'll see their numbers once they do, \
                 and I'll tell you their answer. An invitation lapses after {} days.",
                invited.join(", "),
                invites::LIFETIME_DAYS
            ),
        );
    }
    if !added.is_empty() {
        lines.insert(
            0,
            format!(
                "👥 Added {} to your team. Each gets a DM saying you now see their numbers (and how to leave). \
                 `/momentum stats @name` shows theirs.",
                added.join(", ")
            ),
        );
    }
    lines.join("\n")
}

/// A rep's answer to an invitation from `manager` (the Accept or Decline button). The
/// invitation message, when known (`message`: its channel and ts), turns into the outcome.
pub async fn answer(
    state: &AppState,
    team_id: &str,
    rep: &str,
    manager: &str,
    accept: bool,
    message: Option<(String, String)>,
) -> crate::store::Result<()> {
    let data = (
        team_id.to_owned(),
        rep.to_owned(),
        manager.to_owned(),
        accept,
        message,
        state.clock.now(),
    );
    state
        .db
        .write(data, |c, (team, rep, manager, accept, message, at)| {
            Box::pin(async move {
                let at = *at;
                let (team, rep, manager) = (team.as_str(), rep.as_str(), manager.as_str());
                let answered = invites::answer(c, team, rep, manager, at).await?;
                let outcome = match (answered, *accept) {
                    (Answered::Gone, _) => format!(
                        "This invitation from <@{manager}> has lapsed or was already answered — nothing changed. \
                         They can send a new one with `/momentum team add`."
                    ),
                    (Answered::Open, false) => {
                        let note = format!(
                            "<@{rep}> declined your invitation to your Momentum team."
                        );
                        outbox::post(c, team, manager, &messages::note(manager, &note), at)
                            .await?;
                        format!(
                            "You declined — <@{manager}> doesn't see your numbers. I've let them know."
                        )
                    }
                    (Answered::Open, true) => {
                        let m = members::upsert(&mut *c, team, rep, at).await?;
                        match m.manager_id.as_deref() {
                            Some(current) if current == manager => format!(
                                "You're already on <@{manager}>'s team."
                            ),
                            Some(current) => format!(
                                "You're on <@{current}>'s team, so nothing changed. To switch, `/momentum team leave` \
                                 first, then ask <@{manager}> to invite you again."
                            ),
                            None => {
                                join(c, team, &m, manager, at).await?;
                                let note = format!(
                                    "✅ <@{rep}> accepted your invitation: they're on your team and you now see their numbers."
                                );
                                outbox::post(c, team, manager, &messages::note(manager, &note), at)
                                    .await?;
                                format!(
                                    "✅ You joined <@{manager}>'s team — they now see your numbers. \
                                     `/momentum team leave` undoes it."
                                )
                            }
                        }
                    }
                };
                let payload = match message {
                    Some((channel, ts)) => {
                        (outbox::Method::Update, messages::invite_answered(channel, ts, &outcome))
                    }
                    None => (outbox::Method::PostMessage, messages::note(rep, &outcome)),
                };
                let channel = message.as_ref().map_or(rep, |(c, _)| c.as_str());
                outbox::queue(c, team, payload.0, channel, &payload.1, at).await?;
                Ok(())
            })
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

pub(super) async fn leave(state: &AppState, caller: &Caller) -> Result<Reply> {
    let now = state.clock.now();
    let left = state
        .db
        .write((caller.clone(), now), |c, (caller, now)| {
            Box::pin(async move {
                let at = *now;
                let me = members::upsert(&mut *c, &caller.team_id, &caller.user_id, at).await?;
                let Some(manager) = me.manager_id else {
                    return Ok(None);
                };
                members::set_manager(c, &caller.team_id, &caller.user_id, None).await?;
                outbox::post(
                    c,
                    &caller.team_id,
                    &manager,
                    &messages::rep_left(&manager, &caller.user_id, None),
                    at,
                )
                .await?;
                Ok(Some(manager))
            })
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(Reply::ephemeral(match left {
        Some(manager) => {
            format!("Done — <@{manager}> no longer sees your numbers. I've let them know.")
        }
        None => "You're not on anyone's team, so only you see your numbers.".to_owned(),
    }))
}
