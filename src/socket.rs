//! Socket Mode: with `SLACK_APP_TOKEN` set, Momentum connects out to Slack over WebSockets
//! (slack-morphism's listener; `apps.connections.open` through `SLACK_API_URL`), so no public
//! URL is needed. Slash commands, interactions and events arrive as envelopes and go through
//! the very handlers the HTTP routes use; each envelope is acknowledged with the payload the
//! HTTP route would have answered, within the same write budget (well inside Slack's 3 s).
//!
//! Never twice: each envelope is claimed by the id Slack redelivers it with (a command's or
//! interaction's `trigger_id`, an event's `event_id`) in `socket_envelopes`, with the payload
//! it was acknowledged with, so a redelivery after a dropped connection — to this replica or
//! another — gets the same answer and changes nothing. Events are also deduplicated by
//! `event_id` in the handler itself, as over HTTP.
//!
//! Connections: two at once (Slack spreads envelopes over them), each reopened at once on a
//! `disconnect` envelope or a dropped socket, then every [`RECONNECT_SECS`] while Slack is
//! unreachable.
use crate::config::Secret;
use crate::http::commands::{self, SlashForm};
use crate::http::events;
use crate::state::AppState;
use crate::store::interactions::{self, Envelope};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use slack_morphism::hyper_tokio::SlackClientHyperHttpsConnector as Connector;
use slack_morphism::prelude::*;
use std::sync::Arc;

/// Seconds between attempts to reach Slack while it is unreachable.
pub const RECONNECT_SECS: u64 = 5;

/// Connects and serves envelopes until `shutdown` fires.
pub async fn run(
    state: AppState,
    app_token: Secret,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(state.slack.client())
            .with_error_handler(on_error)
            .with_user_state(state),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_event);
    let config = SlackClientSocketModeConfig::new()
        .with_max_connections_count(2)
        .with_initial_backoff_in_seconds(1)
        .with_reconnect_timeout_in_seconds(RECONNECT_SECS);
    let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
    let token = SlackApiToken::new(app_token.expose().into());
    if let Err(e) = listener.listen_for(&token).await {
        tracing::error!(error = %e, "Socket Mode could not start");
        return;
    }
    listener.start().await;
    tracing::info!("Socket Mode: connecting to Slack");
    let _ = shutdown.changed().await;
    listener.shutdown().await;
}

/// Tells the listener to send a bare acknowledgement (the handler answered with no body).
#[derive(Debug, thiserror::Error)]
#[error("acknowledged without a payload")]
struct BareAck;

/// Tells the listener not to acknowledge: the handler failed, so Slack should redeliver.
#[derive(Debug, thiserror::Error)]
#[error("handling failed (HTTP {0}); Slack will redeliver")]
struct NotHandled(StatusCode);

fn on_error(
    error: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackClient<Connector>>,
    _states: SlackClientEventsUserState,
) -> StatusCode {
    if error.is::<BareAck>() {
        return StatusCode::OK;
    }
    tracing::warn!(error = %error, "Socket Mode envelope not acknowledged");
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn app_state(states: &SlackClientEventsUserState) -> AppState {
    states
        .read()
        .await
        .get_user_state::<AppState>()
        .cloned()
        .expect("the listener is built with the AppState")
}

type Callback<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What the handler answered: its body when there is one, or why there is no ack.
enum Answer {
    Body(Bytes),
    Bare,
}

/// Runs `handle` once per `key`: a redelivered envelope gets the first answer again.
async fn once<F>(state: &AppState, key: String, handle: F) -> Callback<Answer>
where
    F: std::future::Future<Output = Response>,
{
    let now = state.clock.now();
    let claimed = state
        .db
        .write((key.clone(), now), |c, (key, at)| {
            Box::pin(interactions::claim_envelope(c, key, *at))
        })
        .await;
    match claimed {
        Ok(Envelope::New) => {}
        Ok(Envelope::Seen(Some(body))) => return Ok(Answer::Body(Bytes::from(body))),
        Ok(Envelope::Seen(None)) => return Ok(Answer::Bare),
        // Not claimed: handle it anyway rather than lose a person's step.
        Err(e) => tracing::warn!(error = %e, "could not claim a Socket Mode envelope"),
    }
    let response = crate::http::within_budget(handle).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), crate::http::MAX_BODY)
        .await
        .unwrap_or_default();
    if status.is_server_error() {
        // Let a redelivery try again.
        let _ = state
            .db
            .write(key, |c, key| {
                Box::pin(interactions::forget_envelope(c, key))
            })
            .await;
        return Err(Box::new(NotHandled(status)));
    }
    if !body.is_empty() {
        let text = String::from_utf8_lossy(&body).into_owned();
        if let Err(e) = state
            .db
            .write((key, text), |c, (key, text)| {
                Box::pin(interactions::envelope_answered(c, key, text))
            })
            .await
        {
            tracing::warn!(error = %e, "could not keep a Socket Mode answer");
        }
        return Ok(Answer::Body(body));
    }
    Ok(Answer::Bare)
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> Callback<SlackCommandEventResponse> {
    let state = app_state(&states).await;
    let key = format!("trigger:{}", event.trigger_id);
    let form = SlashForm {
        team_id: Some(event.team_id.to_string()),
        user_id: Some(event.user_id.to_string()),
        command: Some(event.command.to_string()),
        text: event.text.unwrap_or_default(),
        channel_id: event.channel_id.to_string(),
        trigger_id: Some(event.trigger_id.to_string()),
    };
    match once(&state, key, commands::answer_form(state.clone(), form)).await? {
        Answer::Body(body) => Ok(serde_json::from_slice(&body)?),
        Answer::Bare => Err(Box::new(BareAck)),
    }
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> Callback<SlackInteractionResponse> {
    let state = app_state(&states).await;
    let trigger = match &event {
        SlackInteractionEvent::BlockActions(e) => Some(e.trigger_id.to_string()),
        SlackInteractionEvent::ViewSubmission(e) => e.trigger_id.as_ref().map(|t| t.to_string()),
        _ => None,
    };
    let handle = events::interaction_event(state.clone(), event);
    let answer = match trigger {
        Some(trigger) => once(&state, format!("trigger:{trigger}"), handle).await?,
        None => {
            handle.await;
            Answer::Bare
        }
    };
    match answer {
        Answer::Body(body) => Ok(SlackInteractionResponse::ViewSubmission(
            serde_json::from_slice(&body)?,
        )),
        Answer::Bare => Ok(SlackInteractionResponse::Empty),
    }
}

async fn on_event(
    event: SlackPushEventCallback,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> Callback<()> {
    let state = app_state(&states).await;
    let key = format!("event:{}", event.event_id);
    let body = Bytes::from(serde_json::to_vec(&SlackPushEvent::EventCallback(event))?);
    once(&state, key, events::handle_event(state.clone(), body)).await?;
    Ok(())
}
