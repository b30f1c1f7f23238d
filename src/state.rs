//! The one application state, cloned into every handler, job and worker.
use crate::clock::Clock;
use crate::config::Settings;
use crate::slack::SlackApi;
use crate::store::Db;
use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// (team, user) → when their profile was last requested.
pub type ProfileAsks = HashMap<(String, String), chrono::DateTime<chrono::Utc>>;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub slack: SlackApi,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub verifier: SlackEventSignatureVerifier,
    /// Wakes the outbox sender when a message is queued.
    pub outbox_wake: Arc<Notify>,
    /// When we last asked Slack for each member's profile, so we ask at most once an hour.
    pub profile_asked: Arc<Mutex<ProfileAsks>>,
}

impl AppState {
    pub fn new(db: Db, slack: SlackApi, clock: Clock, settings: Settings) -> Self {
        let verifier = SlackEventSignatureVerifier::new(&SlackSigningSecret::new(
            settings.signing_secret.expose().into(),
        ));
        Self {
            db,
            slack,
            clock,
            settings: Arc::new(settings),
            verifier,
            outbox_wake: Arc::new(Notify::new()),
            profile_asked: Arc::default(),
        }
    }
}
