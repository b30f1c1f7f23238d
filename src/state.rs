//! The one application state, cloned into every handler, job and worker.
use crate::clock::Clock;
use crate::config::{Secret, Settings, Workspaces};
use crate::slack::SlackApi;
use crate::store::workspaces::{self, Access};
use crate::store::{Db, StoreError};
use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};

/// (team, user) → when their profile was last requested.
pub type ProfileAsks = HashMap<(String, String), chrono::DateTime<chrono::Utc>>;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub slack: SlackApi,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    /// Verifies HTTP requests from Slack; `None` with Socket Mode and no signing secret.
    pub verifier: Option<SlackEventSignatureVerifier>,
    /// Wakes the outbox sender when a message is queued.
    pub outbox_wake: Arc<Notify>,
    /// When we last asked Slack for each member's profile, so we ask at most once an hour.
    pub profile_asked: Arc<Mutex<ProfileAsks>>,
    /// Members whose profile to refresh in the background (`service::profile::refresher`).
    pub profile_queue: mpsc::Sender<(String, String)>,
    /// One permit per Slack request being handled (`http::shed_load`).
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// Rounds of every job this process's scheduler has finished (`/healthz` reports it).
    pub job_rounds: Arc<std::sync::atomic::AtomicU64>,
    /// Turns `true` when the server starts stopping: long-lived answers (the board's event
    /// streams) end, so the graceful shutdown is not held open by them.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    /// The state; `profile_queue` feeds the background profile refresher (which the caller
    /// starts: `startup::build_state`).
    pub fn new(
        db: Db,
        slack: SlackApi,
        clock: Clock,
        settings: Settings,
        profile_queue: mpsc::Sender<(String, String)>,
    ) -> Self {
        let verifier = settings.signing_secret.as_ref().map(|secret| {
            SlackEventSignatureVerifier::new(&SlackSigningSecret::new(secret.expose().into()))
        });
        let max_in_flight = settings.max_in_flight;
        Self {
            db,
            slack,
            clock,
            settings: Arc::new(settings),
            verifier,
            outbox_wake: Arc::new(Notify::new()),
            profile_asked: Arc::default(),
            profile_queue,
            in_flight: Arc::new(tokio::sync::Semaphore::new(max_in_flight)),
            job_rounds: Arc::default(),
            stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }
}

impl AppState {
    /// The bot token of workspace `team_id`: `SLACK_BOT_TOKEN` in single-workspace mode, else
    /// its installation's (decrypted here, never logged). `None` once the workspace has left
    /// (uninstalled or revoked), or when it never installed Momentum here.
    pub async fn bot_token(&self, team_id: &str) -> Result<Option<Secret>, StoreError> {
        let access = workspaces::access(self.db.reader(), team_id).await?;
        Ok(match (&self.settings.workspaces, access) {
            (_, Access::Left) => None,
            (Workspaces::Single(token), _) => Some(token.clone()),
            (Workspaces::Installed(_), Access::Unknown) => None,
            (Workspaces::Installed(app), Access::Installed(sealed)) => {
                match app.open(team_id, &sealed) {
                    Ok(token) => Some(token),
                    Err(e) => {
                        tracing::error!(team = %team_id, error = %e, "unreadable bot token");
                        None
                    }
                }
            }
        })
    }
}
