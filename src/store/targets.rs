//! The rep's list of targets: the business writes behind `/targets add`, `drop`, `close` and
//! `replace`, each one transaction, and what it did ([`Change`], which the reply tells).
use super::members;
use super::prospects::{self, NewProspect};
use crate::domain::text::UserText;
use crate::domain::{ProspectStatus, Stage};
use chrono::{DateTime, Utc};

/// A target as the rep named it.
#[derive(Debug, Clone)]
pub struct Target {
    pub team_id: String,
    pub user_id: String,
    pub name: String,
    /// The name as it is matched (`commands::name_key`).
    pub name_key: String,
    pub company: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a change to the list did.
pub enum Change {
    Added {
        name: UserText,
        company: Option<UserText>,
        already: Option<i64>,
    },
    Dropped {
        name: UserText,
        touches: i64,
        /// They had answered (engaged or meeting): the cadence's advice does not apply.
        answered: bool,
    },
    Closed {
        name: UserText,
        touches: i64,
    },
    Replaced {
        old: UserText,
        new: UserText,
    },
    NotFound {
        similar: Vec<UserText>,
    },
}

/// Puts a prospect on the rep's list (or back on it), or says it is there already.
pub async fn add(db: &super::Db, target: Target) -> super::Result<Change> {
    db.write(target, |c, t| {
        Box::pin(async move {
            members::upsert(&mut *c, &t.team_id, &t.user_id, t.at).await?;
            let new = NewProspect {
                team_id: &t.team_id,
                user_id: &t.user_id,
                name: &t.name,
                name_key: &t.name_key,
                company: t.company.as_deref(),
                replaces_id: None,
                at: t.at,
            };
            let (row, already) = prospects::add(&mut *c, &new).await?;
            Ok(Change::Added {
                name: row.name,
                company: t.company.clone().map(UserText::from).or(row.company),
                already: already.then_some(row.touches),
            })
        })
    })
    .await
}

/// Takes an active target off the list: dropped (to be replaced) or, with `close`, closed
/// (done). Not found: the names that start alike.
pub async fn drop_or_close(db: &super::Db, target: Target, close: bool) -> super::Result<Change> {
    db.write((target, close), |c, (t, close)| {
        Box::pin(async move {
            let found = prospects::find(&mut *c, &t.team_id, &t.user_id, &t.name_key).await?;
            match found {
                Some(p) if p.status == ProspectStatus::Active && p.stage != Stage::Closed => {
                    if *close {
                        prospects::close(c, p.id).await?;
                        return Ok(Change::Closed {
                            name: p.name,
                            touches: p.touches,
                        });
                    }
                    prospects::drop(&mut *c, p.id, t.at).await?;
                    Ok(Change::Dropped {
                        answered: !p.stage.is_prospecting(),
                        name: p.name,
                        touches: p.touches,
                    })
                }
                _ => Ok(Change::NotFound {
                    similar: prospects::similar(&mut *c, &t.team_id, &t.user_id, &t.name_key)
                        .await?,
                }),
            }
        })
    })
    .await
}

/// Replaces the target matched by `old_key` with `new` (dropping the old one if it was still
/// active), linked so the digest sees who replaced each no.
pub async fn replace(db: &super::Db, old_key: String, new: Target) -> super::Result<Change> {
    db.write((old_key, new), |c, (old_key, t)| {
        Box::pin(async move {
            let Some(previous) = prospects::find(&mut *c, &t.team_id, &t.user_id, old_key).await?
            else {
                return Ok(Change::NotFound {
                    similar: prospects::similar(&mut *c, &t.team_id, &t.user_id, old_key).await?,
                });
            };
            if previous.status == ProspectStatus::Active {
                prospects::drop(&mut *c, previous.id, t.at).await?;
            }
            let p = NewProspect {
                team_id: &t.team_id,
                user_id: &t.user_id,
                name: &t.name,
                name_key: &t.name_key,
                company: t.company.as_deref(),
                replaces_id: Some(previous.id),
                at: t.at,
            };
            let (row, _) = prospects::add(&mut *c, &p).await?;
            Ok(Change::Replaced {
                old: previous.name,
                new: row.name,
            })
        })
    })
    .await
}
