//! Who manages whom: the business writes behind `/momentum team add`, the rep's answer to an
//! invitation and `/momentum team leave`. Their DMs depend on where each rep stands (their
//! manager, whether they were ever welcomed), so the service reads that on a reader first
//! ([`standing`]), renders the DMs for it, and the write checks the standing still holds
//! before it changes anything: `Stale` (nothing written) sends the service back to read
//! again. Nothing is rendered inside a write.
use super::invites::{self, Answered, Asked};
use super::members::{self, MemberRow};
use super::outbox::{self, Method};
use super::sql::{Conn, Ex};
use chrono::{DateTime, Utc};

/// Where a rep stands on teams, as far as DMs about them go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub manager: Option<String>,
    /// Welcomed to a team before (the first time gets the welcome, later ones a notice).
    pub welcomed: bool,
}

impl From<&MemberRow> for Standing {
    fn from(m: &MemberRow) -> Self {
        Standing {
            manager: m.manager_id.clone(),
            welcomed: m.welcomed_at.is_some(),
        }
    }
}

/// Where the rep stands now (a member not seen yet: no manager, never welcomed).
pub async fn standing(db: impl Into<Ex<'_>>, team_id: &str, rep: &str) -> sqlx::Result<Standing> {
    Ok(members::get(db, team_id, rep)
        .await?
        .as_ref()
        .map(Standing::from)
        .unwrap_or_default())
}

/// The standing changed between the read and the write: nothing was written; read again.
pub use super::Stale;

/// The DMs that putting a rep on a manager's team sends, rendered for the planned standing.
#[derive(Debug, Clone)]
pub struct JoinDms {
    /// To the rep: a welcome the first time, else a notice of the change.
    pub to_rep: String,
    /// To the rep's previous manager, when they had one.
    pub to_previous: Option<String>,
}

/// Puts the rep `m` on `manager`'s team (inside the caller's transaction): the link, the
/// rep's DM, a word to the previous manager, and no invitation left waiting.
async fn join(
    c: &mut Conn,
    team: &str,
    m: &MemberRow,
    manager: &str,
    dms: &JoinDms,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let rep = m.user_id.as_str();
    members::set_manager(c, team, rep, Some(manager)).await?;
    invites::withdraw_all(c, team, rep).await?;
    if m.welcomed_at.is_none() {
        members::mark_welcomed(c, team, rep, at).await?;
    }
    outbox::post(c, team, rep, &dms.to_rep, at).await?;
    if let (Some(old), Some(note)) = (m.manager_id.as_deref(), &dms.to_previous) {
        outbox::post(c, team, old, note, at).await?;
    }
    Ok(())
}

/// One rep named in `team add`, with what the service planned from their standing.
#[derive(Debug, Clone)]
pub struct Named {
    pub rep: String,
    pub planned: Standing,
    pub plan: Plan,
}

/// What `team add` does about one rep.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Nothing to write or check: the caller themself, or a bot.
    Skip,
    /// Nothing to write, but the answer depends on where they stand (already on the team,
    /// guarded by another manager): checked.
    Stands,
    /// Invite them (not an admin): this DM if the invitation is new.
    Invite { dm: String },
    /// Put them on the team (an admin).
    Join(JoinDms),
}

/// What happened to one rep of `team add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Nothing,
    Invited,
    StillWaiting(DateTime<Utc>),
    /// Joined: welcomed for the first time (`true`) or moved from another team.
    Joined {
        first: bool,
    },
}

/// `team add`: each rep invited or put on `manager`'s team as planned, in one transaction,
/// unless one of them no longer stands where the plan read them.
pub async fn add_reps(
    db: &super::Db,
    team_id: &str,
    manager: &str,
    named: Vec<Named>,
    at: DateTime<Utc>,
) -> super::Result<Result<Vec<Done>, Stale>> {
    let key = (team_id.to_owned(), manager.to_owned(), named, at);
    db.write(key, |c, (team, me, named, at)| {
        Box::pin(async move {
            let at = *at;
            members::upsert(&mut *c, team, me, at).await?;
            let mut rows = Vec::new();
            for n in named.iter() {
                let row = match n.plan {
                    Plan::Skip => None,
                    _ => Some(members::upsert(&mut *c, team, &n.rep, at).await?),
                };
                if row.as_ref().is_some_and(|m| Standing::from(m) != n.planned) {
                    return Ok(Err(Stale));
                }
                rows.push(row);
            }
            let mut done = Vec::new();
            for (n, row) in named.iter().zip(rows) {
                done.push(match (&n.plan, row) {
                    (Plan::Invite { dm }, Some(_)) => {
                        match invites::ask(c, team, &n.rep, me, at).await? {
                            Asked::New => {
                                outbox::post(c, team, &n.rep, dm, at).await?;
                                Done::Invited
                            }
                            Asked::Waiting(asked) => Done::StillWaiting(asked),
                        }
                    }
                    (Plan::Join(dms), Some(m)) => {
                        join(c, team, &m, me, dms, at).await?;
                        Done::Joined {
                            first: m.welcomed_at.is_none(),
                        }
                    }
                    _ => Done::Nothing,
                });
            }
            Ok(Ok(done))
        })
    })
    .await
}

/// The rep's answer to an invitation, with everything rendered for both ways it can go.
#[derive(Debug, Clone)]
pub struct Answer {
    pub team_id: String,
    pub rep: String,
    pub manager: String,
    pub planned: Standing,
    /// Where the outcome goes: the invitation message updated (`chat.update` of `channel`),
    /// else a note to the rep.
    pub method: Method,
    pub channel: String,
    /// The outcome's payload if the invitation had lapsed or was answered already.
    pub gone: String,
    /// The outcome's payload if it was waiting.
    pub open: String,
    /// A note to the manager if it was waiting (the rep declined or joined).
    pub to_manager: Option<String>,
    /// The DMs of joining: the rep accepts and is on no team, so they join.
    pub join: Option<JoinDms>,
}

/// The rep's answer to an invitation: taken off the list, and when it was waiting, the rep
/// put on the team (if they accept and are on none) and the manager told.
pub async fn answer_invite(
    db: &super::Db,
    a: Answer,
    at: DateTime<Utc>,
) -> super::Result<Result<(), Stale>> {
    db.write((a, at), |c, (a, at)| {
        Box::pin(async move {
            let at = *at;
            let (team, rep, manager) = (a.team_id.as_str(), a.rep.as_str(), a.manager.as_str());
            let m = members::upsert(&mut *c, team, rep, at).await?;
            if Standing::from(&m) != a.planned {
                return Ok(Err(Stale));
            }
            let payload = match invites::answer(c, team, rep, manager, at).await? {
                Answered::Gone => &a.gone,
                Answered::Open => {
                    if let Some(dms) = &a.join {
                        join(c, team, &m, manager, dms, at).await?;
                    }
                    if let Some(note) = &a.to_manager {
                        outbox::post(c, team, manager, note, at).await?;
                    }
                    &a.open
                }
            };
            outbox::queue(c, team, a.method, &a.channel, payload, at).await?;
            Ok(Ok(()))
        })
    })
    .await
}

/// `team leave`: the rep off `manager`'s team (as planned) and the manager told by `note`.
pub async fn leave(
    db: &super::Db,
    team_id: &str,
    rep: &str,
    manager: &str,
    note: String,
    at: DateTime<Utc>,
) -> super::Result<Result<(), Stale>> {
    let key = (
        team_id.to_owned(),
        rep.to_owned(),
        manager.to_owned(),
        note,
        at,
    );
    db.write(key, |c, (team, rep, manager, note, at)| {
        Box::pin(async move {
            if !members::clear_manager_if(c, team, rep, manager).await? {
                return Ok(Err(Stale));
            }
            outbox::post(c, team, manager, note, *at).await?;
            Ok(Ok(()))
        })
    })
    .await
}
