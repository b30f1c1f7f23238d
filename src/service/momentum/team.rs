//! `/momentum team`: who manages whom. A rep already on a team moves only by their manager or
//! a workspace admin; each rep is told by DM who now sees their numbers.
use super::super::{Caller, Reply, Result};
use super::is_admin;
use crate::slack::messages;
use crate::state::AppState;
use crate::store::{members, outbox};

pub(super) async fn show(state: &AppState, caller: &Caller) -> Result<Reply> {
    let reader = state.db.reader();
    let me = members::get(reader, &caller.team_id, &caller.user_id).await?;
    let reps = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
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
    Ok(Reply::ephemeral(out))
}

/// What happened to each rep named in `team add`.
enum Added {
    Welcomed(String),
    Moved(String),
    Already(String),
    Yourself,
    Guarded { rep: String, manager: String },
}

pub(super) async fn add(state: &AppState, caller: &Caller, reps: Vec<String>) -> Result<Reply> {
    let reader = state.db.reader();
    let mut needs_admin = false;
    for rep in &reps {
        if let Some(m) = members::get(reader, &caller.team_id, rep).await? {
            needs_admin |= m
                .manager_id
                .as_deref()
                .is_some_and(|mgr| mgr != caller.user_id);
        }
    }
    let admin = needs_admin && is_admin(state, caller).await?;
    let now = state.clock.now();
    let outcomes = state
        .db
        .write(
            (caller.clone(), reps, admin, now),
            |c, (caller, reps, admin, now)| {
                Box::pin(async move {
                    let at = *now;
                    members::upsert(c, &caller.team_id, &caller.user_id, at).await?;
                    let mut outcomes = Vec::new();
                    for rep in reps {
                        if *rep == caller.user_id {
                            outcomes.push(Added::Yourself);
                            continue;
                        }
                        let m = members::upsert(c, &caller.team_id, rep, at).await?;
                        let previous = m.manager_id.clone();
                        match previous.as_deref() {
                            Some(mgr) if mgr == caller.user_id => {
                                outcomes.push(Added::Already(rep.clone()));
                                continue;
                            }
                            Some(mgr) if !admin => {
                                outcomes.push(Added::Guarded {
                                    rep: rep.clone(),
                                    manager: mgr.to_owned(),
                                });
                                continue;
                            }
                            _ => {}
                        }
                        members::set_manager(c, &caller.team_id, rep, Some(&caller.user_id))
                            .await?;
                        let dm = if m.welcomed_at.is_none() {
                            members::mark_welcomed(c, &caller.team_id, rep, at).await?;
                            messages::welcome(rep, &caller.user_id)
                        } else {
                            messages::manager_changed(rep, &caller.user_id, previous.as_deref())
                        };
                        outbox::post(c, &caller.team_id, rep, &dm, at).await?;
                        if let Some(old) = previous.as_deref() {
                            outbox::post(
                                c,
                                &caller.team_id,
                                old,
                                &messages::rep_left(old, rep, Some(&caller.user_id)),
                                at,
                            )
                            .await?;
                        }
                        outcomes.push(if m.welcomed_at.is_none() {
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
    for o in &outcomes {
        if let Added::Welcomed(rep) | Added::Moved(rep) = o {
            super::super::profile::learn_in_background(state, &caller.team_id, rep);
        }
    }
    Ok(Reply::ephemeral(render_added(&outcomes)))
}

fn render_added(outcomes: &[Added]) -> String {
    let mut added = Vec::new();
    let mut lines = Vec::new();
    for o in outcomes {
        match o {
            Added::Welcomed(r) | Added::Moved(r) => added.push(format!("<@{r}>")),
            Added::Already(r) => lines.push(format!("<@{r}> is already on your team.")),
            Added::Yourself => lines.push("You see your own numbers already — no need to add yourself.".to_owned()),
            Added::Guarded { rep, manager } => lines.push(format!(
                "<@{rep}> is on <@{manager}>'s team; only <@{manager}> or a workspace admin can move them."
            )),
        }
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

pub(super) async fn leave(state: &AppState, caller: &Caller) -> Result<Reply> {
    let now = state.clock.now();
    let left = state
        .db
        .write((caller.clone(), now), |c, (caller, now)| {
            Box::pin(async move {
                let at = *now;
                let me = members::upsert(c, &caller.team_id, &caller.user_id, at).await?;
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
