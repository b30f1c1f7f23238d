//! Private links to pages outside Slack (the board, a calendar feed): made with 256 random
//! bits, kept as their hash only — so shown once — and replaced, never shown again, on reset.
use super::Result;
use crate::crypto::{link_token, token_hash};
use crate::state::AppState;
use crate::store::links::{self, LinkKind};
use chrono::{DateTime, Utc};

/// What asking for a link gives.
pub(super) enum Issued {
    /// A new link's token (the old one, if any, opens nothing from now on).
    New(String),
    /// The owner already has one, made then: it cannot be shown again.
    Exists(DateTime<Utc>),
}

/// `owner`'s link of this kind: a new one when they have none or ask for a reset.
pub(super) async fn issue(
    state: &AppState,
    kind: LinkKind,
    team_id: &str,
    owner: &str,
    reset: bool,
) -> Result<Issued> {
    if !reset && let Some(existing) = links::of(state.db.reader(), kind, team_id, owner).await? {
        return Ok(Issued::Exists(existing.created_at));
    }
    let token = link_token();
    let write = (
        kind,
        team_id.to_owned(),
        owner.to_owned(),
        token_hash(&token),
        state.clock.now(),
    );
    state
        .db
        .write(write, |c, (kind, team, owner, hash, at)| {
            Box::pin(links::replace(c, *kind, team, owner, hash, *at))
        })
        .await?;
    Ok(Issued::New(token))
}
