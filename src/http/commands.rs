//! `POST /slack/commands`: a verified slash-command form → typed request → ephemeral reply.
use crate::commands;
use crate::service::{self, Caller, Reply};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The fields of Slack's slash-command form that Momentum reads; the rest are ignored.
#[derive(Debug, Deserialize)]
struct SlashForm {
    #[serde(default)]
    ssl_check: Option<String>,
    team_id: Option<String>,
    user_id: Option<String>,
    command: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    channel_id: String,
}

pub async fn slash_command(State(state): State<AppState>, body: Bytes) -> Response {
    let form: SlashForm = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => return (StatusCode::BAD_REQUEST, "malformed form").into_response(),
    };
    if form.ssl_check.is_some() {
        return StatusCode::OK.into_response();
    }
    let (Some(team_id), Some(user_id), Some(command)) = (form.team_id, form.user_id, form.command)
    else {
        return (
            StatusCode::BAD_REQUEST,
            "missing team_id, user_id or command",
        )
            .into_response();
    };
    if team_id.is_empty() || user_id.is_empty() || team_id.len() > 32 || user_id.len() > 32 {
        return (StatusCode::BAD_REQUEST, "bad team_id or user_id").into_response();
    }
    let caller = Caller {
        team_id,
        user_id,
        channel_id: form.channel_id,
    };
    let reply = match commands::parse(&command, &form.text) {
        Err(e) => Reply::ephemeral(e.message()),
        Ok(request) => match service::handle(&state, &caller, request).await {
            Ok(reply) => reply,
            Err(e) => {
                tracing::error!(error = ?e, command = %command, "command failed");
                Reply::ephemeral(
                    "😬 Something went wrong on my side and nothing was saved. Please try again in a moment.",
                )
            }
        },
    };
    Json(reply).into_response()
}
