//! `/momentum team`: who manages whom. A rep's numbers open to a manager only with the rep's
//! consent: `team add` by anyone but a workspace admin sends the rep an invitation (Accept or
//! Decline), and the link is made when the rep accepts. An admin assigns directly and the rep
//! is told. A rep already on a team moves only by their manager or an admin; bots, deleted
//! accounts and Slackbot are never reps.
use super::super::{Caller, Reply, Result};
use super::is_admin;
use crate::slack::messages;
use crate::state::AppState;
use crate::store::invites;
use crate::store::members;
use crate::store::outbox::Method;
use crate::store::team::{self, Done, JoinDms, Named, Plan, Standing};
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
    let (team_id, me) = (caller.team_id.as_str(), caller.user_id.as_str());
    for _ in 0..PLAN_TRIES {
        // Where each rep stands, read first; the DMs rendered for it; the write checks it.
        let mut named = Vec::new();
        let mut said = Vec::new();
        for rep in &reps {
            let skip = |say| (Standing::default(), Plan::Skip, Some(say));
            let (planned, plan, say) = if rep == me {
                skip(Added::Yourself)
            } else if bots.contains(rep) {
                skip(Added::NotAPerson(rep.clone()))
            } else {
                let standing = team::standing(state.db.reader(), team_id, rep).await?;
                let (plan, say) = match standing.manager.as_deref() {
                    Some(mgr) if mgr == me => (Plan::Stands, Some(Added::Already(rep.clone()))),
                    Some(mgr) if !admin => {
                        let guarded = Added::Guarded {
                            rep: rep.clone(),
                            manager: mgr.to_owned(),
                        };
                        (Plan::Stands, Some(guarded))
                    }
                    _ if !admin => {
                        let dm = messages::team_invite(rep, me, invites::LIFETIME_DAYS);
                        (Plan::Invite { dm }, None)
                    }
                    _ => (Plan::Join(join_dms(rep, me, &standing)), None),
                };
                (standing, plan, say)
            };
            named.push(Named {
                rep: rep.clone(),
                planned,
                plan,
            });
            said.push(say);
        }
        let Ok(done) = team::add_reps(&state.db, team_id, me, named, state.clock.now()).await?
        else {
            continue;
        };
        let outcomes: Vec<Added> = reps
            .iter()
            .zip(said)
            .zip(done)
            .filter_map(|((rep, say), done)| match done {
                Done::Nothing => say,
                Done::Invited => Some(Added::Invited(rep.clone())),
                Done::StillWaiting(asked) => Some(Added::StillWaiting(rep.clone(), asked)),
                Done::Joined { first: true } => Some(Added::Welcomed(rep.clone())),
                Done::Joined { first: false } => Some(Added::Moved(rep.clone())),
            })
            .collect();
        state.outbox_wake.notify_one();
        return Ok(Reply::ephemeral(render_added(&outcomes)));
    }
    Ok(Reply::ephemeral(CHANGED_MEANWHILE))
}

/// How many times a team change reads where people stand again when it changed meanwhile.
const PLAN_TRIES: usize = 3;

const CHANGED_MEANWHILE: &str =
    "Someone's team changed while I was at it, so nothing was saved. Please try again.";

/// The DMs of putting `rep` on `manager`'s team, for where the rep stands: a welcome the first
/// time (else a notice of the change), and a word to their previous manager.
fn join_dms(rep: &str, manager: &str, standing: &Standing) -> JoinDms {
    let previous = standing.manager.as_deref();
    JoinDms {
        to_rep: if standing.welcomed {
            messages::manager_changed(rep, manager, previous)
        } else {
            messages::welcome(rep, manager)
        },
        to_previous: previous.map(|old| messages::rep_left(old, rep, Some(manager))),
    }
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
    let (method, channel) = match &message {
        Some((channel, _)) => (Method::Update, channel.clone()),
        None => (Method::PostMessage, rep.to_owned()),
    };
    let outcome = |text: &str| match &message {
        Some((channel, ts)) => messages::invite_answered(channel, ts, text),
        None => messages::note(rep, text),
    };
    let gone = format!(
        "This invitation from <@{manager}> has lapsed or was already answered — nothing changed. \
         They can send a new one with `/momentum team add`."
    );
    for _ in 0..PLAN_TRIES {
        let standing = team::standing(state.db.reader(), team_id, rep).await?;
        let (open, to_manager, join) = if !accept {
            let note = format!("<@{rep}> declined your invitation to your Momentum team.");
            (
                format!(
                    "You declined — <@{manager}> doesn't see your numbers. I've let them know."
                ),
                Some(messages::note(manager, &note)),
                None,
            )
        } else {
            match standing.manager.as_deref() {
                Some(current) if current == manager => (
                    format!("You're already on <@{manager}>'s team."),
                    None,
                    None,
                ),
                Some(current) => (
                    format!(
                        "You're on <@{current}>'s team, so nothing changed. To switch, `/momentum team leave` \
                         first, then ask <@{manager}> to invite you again."
                    ),
                    None,
                    None,
                ),
                None => {
                    let note = format!(
                        "✅ <@{rep}> accepted your invitation: they're on your team and you now see their numbers."
                    );
                    (
                        format!(
                            "✅ You joined <@{manager}>'s team — they now see your numbers. \
                             `/momentum team leave` undoes it."
                        ),
                        Some(messages::note(manager, &note)),
                        Some(join_dms(rep, manager, &standing)),
                    )
                }
            }
        };
        let answer = team::Answer {
            team_id: team_id.to_owned(),
            rep: rep.to_owned(),
            manager: manager.to_owned(),
            planned: standing,
            method,
            channel: channel.clone(),
            gone: outcome(&gone),
            open: outcome(&open),
            to_manager,
            join,
        };
        if team::answer_invite(&state.db, answer, state.clock.now())
            .await?
            .is_ok()
        {
            state.outbox_wake.notify_one();
            return Ok(());
        }
    }
    Err(crate::store::StoreError::Busy)
}

pub(super) async fn leave(state: &AppState, caller: &Caller) -> Result<Reply> {
    let (team_id, rep) = (caller.team_id.as_str(), caller.user_id.as_str());
    for _ in 0..PLAN_TRIES {
        let standing = team::standing(state.db.reader(), team_id, rep).await?;
        let Some(manager) = standing.manager else {
            return Ok(Reply::ephemeral(
                "You're not on anyone's team, so only you see your numbers.",
            ));
        };
        let note = messages::rep_left(&manager, rep, None);
        let now = state.clock.now();
        if team::leave(&state.db, team_id, rep, &manager, note, now)
            .await?
            .is_ok()
        {
            state.outbox_wake.notify_one();
            return Ok(Reply::ephemeral(format!(
                "Done — <@{manager}> no longer sees your numbers. I've let them know."
            )));
        }
    }
    Ok(Reply::ephemeral(CHANGED_MEANWHILE))
}
