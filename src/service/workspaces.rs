//! Workspaces arriving and leaving: an "Add to Slack" install stored with its token sealed;
//! `app_uninstalled` / `tokens_revoked` stopping everything for the workspace at once; its
//! data forgotten once the retention period is over (or at once, from the command line).
use crate::crypto::TokenKey;
use crate::slack::Grant;
use crate::state::AppState;
use crate::store::{self, interactions, workspaces};
use chrono::{DateTime, Utc};

/// Stores the installation `grant` describes, its token sealed with `key`; installing again
/// replaces the token.
pub async fn installed(state: &AppState, key: &TokenKey, grant: &Grant) -> store::Result<()> {
    let sealed = key.seal(&grant.team_id, &grant.bot_token);
    let data = (grant.clone(), sealed, state.clock.now());
    state
        .db
        .write(data, |c, (g, sealed, at)| {
            Box::pin(async move {
                let row = workspaces::NewInstallation {
                    team_id: &g.team_id,
                    enterprise_id: g.enterprise_id.as_deref(),
                    team_name: g.team_name.as_deref(),
                    bot_user_id: g.bot_user_id.as_deref(),
                    sealed_token: sealed,
                    scopes: &g.scopes,
                    installed_by: Some(&g.installed_by),
                };
                workspaces::install(c, &row, *at).await
            })
        })
        .await?;
    tracing::info!(team = %grant.team_id, "workspace installed");
    Ok(())
}

/// The workspace uninstalled Momentum or revoked its bot token: the token is deleted, queued
/// messages are cancelled and jobs skip it, in one transaction (with the event id, so a
/// retried event does it once).
pub async fn left(state: &AppState, event_id: &str, team_id: &str) -> store::Result<()> {
    let data = (event_id.to_owned(), team_id.to_owned(), state.clock.now());
    let cancelled = state
        .db
        .write(data, |c, (event_id, team, at)| {
            Box::pin(async move {
                if !interactions::first_delivery(c, event_id, *at).await? {
                    return Ok(None);
                }
                workspaces::leave(c, team, *at).await.map(Some)
            })
        })
        .await?;
    if let Some(cancelled) = cancelled {
        tracing::info!(team = %team_id, cancelled, "workspace left; its data is kept for the retention period");
    }
    Ok(())
}

/// Deletes the data of workspaces that left more than the retention period before `now`.
/// Returns the rows deleted.
pub async fn forget_departed(state: &AppState, now: DateTime<Utc>) -> store::Result<u64> {
    let before = now - chrono::Duration::days(i64::from(state.settings.retention_days));
    let mut deleted = 0;
    for team in workspaces::left_before(state.db.reader(), before).await? {
        deleted += forget(state, &team).await?;
        tracing::info!(%team, "deleted the data of a workspace that left");
    }
    Ok(deleted)
}

/// Deletes everything stored about one workspace, now, in one transaction.
pub async fn forget(state: &AppState, team_id: &str) -> store::Result<u64> {
    state
        .db
        .write(team_id.to_owned(), |c, team| {
            Box::pin(workspaces::forget(c, team))
        })
        .await
}
