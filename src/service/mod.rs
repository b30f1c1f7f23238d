//! Carries out one typed request for one caller: store writes in one transaction, then the
//! reply a person reads. Business functions take `&AppState` and plain values, never axum
//! types, so the HTTP edge, jobs and tests share them.
mod blitz;
mod block;
pub mod board;
pub mod buttons;
pub mod calendar;
pub mod envelopes;
pub mod home;
mod links;
mod momentum;
pub use momentum::answer_invite;
pub(crate) mod profile;
mod targets;
mod touch;
mod undo;
mod win;
pub mod workspaces;

pub use profile::refresh_profile;

/// The zone a member's days count in (theirs, else the team's, else the default).
/// Whether the database answers (`GET /healthz`).
pub async fn healthy(state: &AppState) -> store::Result<()> {
    Ok(state.db.ping().await?)
}

pub async fn member_zone(state: &AppState, team_id: &str, user_id: &str) -> chrono_tz::Tz {
    match members::step_state(state.db.reader(), team_id, user_id).await {
        Ok(at) => at.local.tz,
        Err(_) => state.settings.default_tz,
    }
}

use crate::commands::Request;
use crate::state::AppState;
use crate::store::{self, members};
use serde::Serialize;

/// Who sent the command, and where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub team_id: String,
    pub user_id: String,
    pub channel_id: String,
}

/// A reply to a slash command (the HTTP response body Slack shows).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reply {
    pub response_type: &'static str,
    pub text: String,
    /// Shown instead of `text` when present (which stays the notification fallback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<slack_morphism::prelude::SlackBlock>>,
}

impl Reply {
    pub fn ephemeral(text: impl Into<String>) -> Self {
        Self {
            response_type: "ephemeral",
            text: text.into(),
            blocks: None,
        }
    }

    /// The text with a button under it.
    pub fn with_button(mut self, button: slack_morphism::prelude::SlackBlockButtonElement) -> Self {
        use slack_morphism::prelude::*;
        self.blocks = Some(vec![
            crate::slack::messages::section(self.text.clone()),
            SlackActionsBlock::new(vec![button.into()]).into(),
        ]);
        self
    }
}

pub type Result<T> = std::result::Result<T, store::StoreError>;
/// What a failed request's reply is chosen by (busy, or our fault), for the edges.
pub use store::StoreError as Error;
/// Runs a request's handling with every write in it due by a deadline (for the edges).
pub use store::within;

pub async fn handle(state: &AppState, caller: &Caller, request: Request) -> Result<Reply> {
    match request {
        Request::Win(r) => win::log(state, caller, r).await,
        Request::Undo(what) => undo::undo(state, caller, what).await,
        Request::Touch(r) => touch::log(state, caller, r).await,
        Request::Block(r) => block::handle(state, caller, r).await,
        Request::Blitz(r) => {
            profile::learn_in_background(state, &caller.team_id, &caller.user_id);
            blitz::handle(state, caller, r).await
        }
        Request::Targets(r) => {
            profile::learn_in_background(state, &caller.team_id, &caller.user_id);
            targets::handle(state, caller, r).await
        }
        Request::Momentum(r) => {
            profile::learn_in_background(state, &caller.team_id, &caller.user_id);
            momentum::handle(state, caller, r).await
        }
    }
}

/// "🔥 4-day streak" once a streak is worth mentioning.
pub(crate) fn streak_note(streak: i64) -> String {
    if streak >= 2 {
        format!(" · 🔥 {streak}-day streak")
    } else {
        String::new()
    }
}

pub(crate) use crate::domain::words::{count, plural};
