//! `POST /slack/commands`: a verified slash-command form → typed request → ephemeral reply.
use crate::commands;
use crate::service::{self, Caller, Reply};
use crate::slack::modals;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The fields of Slack's slash-command form that Momentum reads; the rest are ignored.
/// Socket Mode fills the same struct from its envelope.
#[derive(Debug, Deserialize)]
pub(crate) struct SlashForm {
    pub team_id: Option<String>,
    pub user_id: Option<String>,
    pub command: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub channel_id: String,
    #[serde(default)]
    pub trigger_id: Option<String>,
}

/// How long to wait for Slack to open a modal (its trigger lives 3 s).
const MODAL_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(2500);

pub async fn slash_command(State(state): State<AppState>, body: Bytes) -> Response {
    super::within_budget(&state.clone(), answer(state, body)).await
}

async fn answer(state: AppState, body: Bytes) -> Response {
    match serde_urlencoded::from_bytes(&body) {
        Ok(form) => answer_form(state, form).await,
        Err(_) => (StatusCode::BAD_REQUEST, "malformed form").into_response(),
    }
}

/// Answers one slash command, whether it came over HTTP or Socket Mode.
pub(crate) async fn answer_form(state: AppState, form: SlashForm) -> Response {
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
    // A bare /win, /touch or /block opens its form; if Slack will not open it, the usage text is the answer.
    if form.text.trim().is_empty() {
        let view = match command.as_str() {
            "/win" => Some(modals::win_form()),
            "/touch" => Some(modals::touch_form(None)),
            "/block" => {
                let tz = service::member_zone(&state, &caller.team_id, &caller.user_id).await;
                Some(modals::block_plan_form(crate::domain::time::local_day(
                    state.clock.now(),
                    tz,
                )))
            }
            _ => None,
        };
        if let (Some(view), Some(trigger)) = (view, form.trigger_id.as_deref())
            && let Ok(Some(token)) = state.bot_token(&caller.team_id).await
        {
            match state
                .slack
                .open_view(&token, trigger, view, MODAL_TIMEOUT)
                .await
            {
                Ok(()) => return StatusCode::OK.into_response(),
                Err(e) => tracing::warn!(error = %e, "views.open failed; answering with usage"),
            }
        }
    }
    let reply = match commands::parse(&command, &form.text) {
        Err(e) => Reply::ephemeral(e.message()),
        Ok(request) => match service::handle(&state, &caller, request).await {
            Ok(reply) => reply,
            Err(e) => {
                tracing::error!(error = %e, command = %command, "command failed");
                Reply::ephemeral(super::failure_text(&e))
            }
        },
    };
    let mut body = serde_json::to_value(&reply).unwrap_or_default();
    crate::slack::limits::fit(
        "command reply",
        crate::slack::limits::Surface::Message,
        &mut body,
    );
    Json(body).into_response()
}
