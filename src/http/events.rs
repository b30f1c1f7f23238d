//! `POST /slack/events` and `POST /slack/interactions`, verified like every Slack request.
//! Events: Slack's `url_verification` challenge is answered; `app_home_opened` publishes the
//! member's home tab once per `event_id` (Slack retries deliveries); `app_uninstalled` and
//! `tokens_revoked` (of the bot's token) stop everything for the workspace; everything else is
//! acknowledged with 200 so Slack does not retry it. Interactions: the buttons on Momentum's
//! messages — 🎉 on shout-outs (kudos, one per person per win), "snooze a day" and "log a
//! step" on nudges, "log how it went" on block follow-ups, "add a replacement" after a no —
//! and the forms (`view_submission`), read into the same requests as the text commands.
use crate::service::buttons::{celebrate, prospect_named, snooze};
use crate::service::{self, Caller, home, workspaces};
use crate::slack::interaction::{Action, Form};
use crate::slack::modals;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use slack_morphism::prelude::*;

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    challenge: Option<String>,
    #[serde(default)]
    event_id: Option<String>,
    #[serde(default)]
    team_id: Option<String>,
    #[serde(default)]
    event: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    tab: Option<String>,
    /// `tokens_revoked`: the user ids (`oauth`) and bot user ids (`bot`) whose tokens went.
    #[serde(default)]
    tokens: Option<Revoked>,
}

#[derive(Deserialize, Default)]
struct Revoked {
    #[serde(default)]
    bot: Vec<String>,
}

pub async fn event(State(state): State<AppState>, body: Bytes) -> Response {
    super::within_budget(&state.clone(), handle_event(state, body)).await
}

/// Handles one Events API callback (its JSON), whether it came over HTTP or Socket Mode.
pub(crate) async fn handle_event(state: AppState, body: Bytes) -> Response {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(&body) else {
        return (StatusCode::BAD_REQUEST, "malformed event").into_response();
    };
    if let ("url_verification", Some(challenge)) =
        (envelope.kind.as_str(), envelope.challenge.as_deref())
    {
        return Json(serde_json::json!({ "challenge": challenge })).into_response();
    }
    let (Some(event_id), Some(team_id), Some(inner)) =
        (envelope.event_id, envelope.team_id, envelope.event)
    else {
        return StatusCode::OK.into_response();
    };
    // Uninstalled, or the bot's token revoked (a user's revoked token changes nothing).
    let leaves = match inner.kind.as_str() {
        "app_uninstalled" => true,
        "tokens_revoked" => inner.tokens.is_some_and(|t| !t.bot.is_empty()),
        _ => false,
    };
    let result = match (inner.kind.as_str(), inner.user, inner.tab.as_deref()) {
        _ if leaves => workspaces::left(&state, &event_id, &team_id).await,
        ("app_home_opened", Some(user), Some("home") | None) => {
            home::opened(&state, &event_id, &team_id, &user)
                .await
                .map(|_| ())
        }
        _ => home::acknowledge(&state, &event_id).await.map(|_| ()),
    };
    if let Err(e) = result {
        // A 500 makes Slack retry later; the event id was not recorded, so the retry is handled.
        tracing::error!(error = %e, "event handling failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    StatusCode::OK.into_response()
}

#[derive(Deserialize)]
struct InteractionForm {
    payload: String,
}

pub async fn interaction(State(state): State<AppState>, body: Bytes) -> Response {
    super::within_budget(&state.clone(), handle_interaction(state, body)).await
}

async fn handle_interaction(state: AppState, body: Bytes) -> Response {
    let parsed = serde_urlencoded::from_bytes::<InteractionForm>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<SlackInteractionEvent>(&f.payload).ok());
    let Some(event) = parsed else {
        return (StatusCode::BAD_REQUEST, "malformed interaction").into_response();
    };
    interaction_event(state, event).await
}

/// Handles one interaction, whether it came over HTTP or Socket Mode.
pub(crate) async fn interaction_event(state: AppState, event: SlackInteractionEvent) -> Response {
    let actions = match event {
        SlackInteractionEvent::BlockActions(actions) => actions,
        SlackInteractionEvent::ViewSubmission(submission) => {
            return submitted(&state, submission).await;
        }
        _ => return StatusCode::OK.into_response(),
    };
    let trigger = actions.trigger_id.to_string();
    let message = match &actions.container {
        SlackInteractionActionContainer::Message(m) => m
            .channel_id
            .as_ref()
            .map(|c| (c.to_string(), m.message_ts.to_string())),
        _ => None,
    };
    let (Some(user), team) = (
        actions.user.as_ref().map(|u| u.id.to_string()),
        actions.team.id.to_string(),
    ) else {
        return StatusCode::OK.into_response();
    };
    for action in actions.actions.unwrap_or_default() {
        let Some(action) = Action::parse(action.action_id.as_ref(), action.value.as_deref()) else {
            continue;
        };
        let result = match action {
            Action::Celebrate(kudos) => {
                celebrate(&state, &team, &user, kudos, message.clone()).await
            }
            Action::SnoozeDay => snooze(&state, &team, &user).await,
            Action::AnswerInvite { manager, accept } => {
                service::answer_invite(&state, &team, &user, &manager, accept, message.clone())
                    .await
            }
            Action::LogBlock(id) => {
                open(&state, &team, &trigger, modals::block_done_form(id)).await
            }
            Action::AddReplacement(prospect) => {
                let old = prospect_named(&state, &team, &user, Some(prospect)).await;
                open(
                    &state,
                    &team,
                    &trigger,
                    modals::replacement_form(&old.unwrap_or_default()),
                )
                .await
            }
            Action::OpenWin => open(&state, &team, &trigger, modals::win_form()).await,
            Action::SetGoals => open(&state, &team, &trigger, modals::goals_form()).await,
            Action::PlanBlock => {
                let tz = service::member_zone(&state, &team, &user).await;
                let today = crate::domain::time::local_day(state.clock.now(), tz);
                open(&state, &team, &trigger, modals::block_plan_form(today)).await
            }
            Action::LogStep(prospect) => {
                let prospect = prospect_named(&state, &team, &user, prospect).await;
                open(
                    &state,
                    &team,
                    &trigger,
                    modals::touch_form(prospect.as_deref()),
                )
                .await
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "button handling failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    StatusCode::OK.into_response()
}

/// Opens a modal for a button press; a failure is logged (the button can be pressed again).
async fn open(state: &AppState, team: &str, trigger: &str, view: SlackView) -> service::Result<()> {
    let Some(token) = state.bot_token(team).await? else {
        tracing::warn!(%team, "no bot token for this workspace; the form was not opened");
        return Ok(());
    };
    if let Err(e) = state
        .slack
        .open_view(&token, trigger, view, MODAL_TIMEOUT)
        .await
    {
        tracing::warn!(error = %e, "views.open failed");
    }
    Ok(())
}

const MODAL_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(2500);

/// A submitted form: errors go back onto its fields; a valid one is stored exactly as its text
/// command would be, and the modal turns into the same reply.
async fn submitted(state: &AppState, s: SlackInteractionViewSubmissionEvent) -> Response {
    let SlackView::Modal(modal) = &s.view.view else {
        return StatusCode::OK.into_response();
    };
    let callback = modal
        .callback_id
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let empty = SlackViewState::new(Default::default());
    let values = s.view.state_params.state.as_ref().unwrap_or(&empty);
    let Some(form) = Form::parse(&callback) else {
        return StatusCode::OK.into_response();
    };
    let request = match modals::read(form, values, modal.private_metadata.as_deref()) {
        Ok(request) => request,
        Err(errors) if errors.is_empty() => return StatusCode::OK.into_response(),
        Err(errors) => {
            return Json(serde_json::json!({ "response_action": "errors", "errors": errors }))
                .into_response();
        }
    };
    let caller = Caller {
        team_id: s.team.id.to_string(),
        user_id: s.user.id.to_string(),
        channel_id: String::new(),
    };
    match service::handle(state, &caller, request).await {
        Ok(reply) => Json(
            serde_json::json!({ "response_action": "update",
                "view": crate::slack::limits::fitted_view("view_submission", modals::done(&reply.text)) }),
        )
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, form = %callback, "form submission failed");
            let view = modals::done(super::failure_text(&e));
            Json(serde_json::json!({ "response_action": "update", "view": view })).into_response()
        }
    }
}
