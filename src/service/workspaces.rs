//! Workspaces arriving and leaving: an "Add to Slack" install stored with its token sealed;
//! `app_uninstalled` / `tokens_revoked` stopping everything for the workspace at once; its
//! data forgotten once the retention period is over (or at once, from the command line).
use crate::config::Workspaces;
use crate::crypto::TokenKey;
use crate::slack::Grant;
use crate::state::AppState;
use crate::store::{self, workspaces};
use chrono::{DateTime, Utc};

/// Uses an OAuth state's nonce once: `false` when it was used before (a replay).
pub async fn use_state(state: &AppState, nonce: &str, now: DateTime<Utc>) -> store::Result<bool> {
    state
        .db
        .write((nonce.to_owned(), now), |c, (nonce, at)| {
            Box::pin(workspaces::use_state(c, nonce, *at))
        })
        .await
}

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

/// The workspace uninstalled Momentum or revoked its bot token: jobs skip it from now on, in
/// one transaction (with the event id, so a retried event does it once). With "Add to Slack"
/// its token is deleted and queued messages are cancelled; its data goes after the retention
/// period. With one `SLACK_BOT_TOKEN` it is only paused: queued messages wait, nothing is ever
/// deleted automatically (the operator owns that database), and a start-up whose token Slack
/// accepts resumes it ([`resume_single_workspace`]).
pub async fn left(state: &AppState, event_id: &str, team_id: &str) -> store::Result<()> {
    let single = matches!(state.settings.workspaces, Workspaces::Single(_));
    let queued = if single {
        workspaces::Queued::Hold
    } else {
        workspaces::Queued::Cancel
    };
    let at = state.clock.now();
    let cancelled = workspaces::leave_once(&state.db, event_id, team_id, at, queued).await?;
    match cancelled {
        Some(_) if single => tracing::warn!(
            team = %team_id,
            "Slack says the app was uninstalled or its token revoked: deliveries and jobs are paused, \
             nothing is deleted; reinstall, set the new SLACK_BOT_TOKEN and restart to resume"
        ),
        Some(cancelled) => {
            tracing::info!(team = %team_id, cancelled, "workspace left; its data is kept for the retention period")
        }
        None => {}
    }
    Ok(())
}

/// One-token deployments: a workspace paused by an uninstall resumes when the configured
/// token passes `auth.test` for it (called at start-up; asks Slack only when a workspace is
/// paused). Returns the workspaces resumed.
pub async fn resume_single_workspace(state: &AppState) -> store::Result<Vec<String>> {
    let Workspaces::Single(token) = &state.settings.workspaces else {
        return Ok(Vec::new());
    };
    let departed = workspaces::departed(state.db.reader()).await?;
    if departed.is_empty() {
        return Ok(Vec::new());
    }
    let team = match state.slack.auth_test(token).await {
        Ok(team) => team,
        Err(e) => {
            tracing::warn!(error = %e, paused = ?departed,
                "SLACK_BOT_TOKEN did not pass auth.test: the paused workspace stays paused");
            return Ok(Vec::new());
        }
    };
    if !departed.contains(&team) {
        return Ok(Vec::new());
    }
    let resumed = state
        .db
        .write(team.clone(), |c, team| {
            Box::pin(workspaces::resume(c, team))
        })
        .await?;
    if resumed {
        tracing::info!(%team, "SLACK_BOT_TOKEN passed auth.test: the workspace resumes, with its held messages");
        state.outbox_wake.notify_one();
        return Ok(vec![team]);
    }
    Ok(Vec::new())
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
