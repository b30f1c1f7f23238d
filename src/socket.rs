//! Socket Mode: with `SLACK_APP_TOKEN` set, Momentum connects out to Slack over WebSockets
//! (`apps.connections.open` through `SLACK_API_URL`), so no public URL is needed. Slash
//! commands, interactions and events arrive as envelopes and go through the very handlers the
//! HTTP routes use; each envelope is acknowledged with the payload the HTTP route would have
//! answered, within the same write budget (well inside Slack's 3 s).
//!
//! Concurrently: each envelope is handled on a task of its own and acknowledged through the
//! connection's writer as soon as its answer is ready, so one slow `views.open` never holds up
//! anyone else's acknowledgement (slack-morphism's listener awaited each envelope inside its
//! read loop; this client replaces it, on the same slack-morphism types).
//!
//! Never twice: each envelope is claimed by the id Slack redelivers it with (a command's or
//! interaction's `trigger_id`, an event's `event_id`) in `socket_envelopes`, with the payload
//! it was acknowledged with, so a redelivery after a dropped connection — to this replica or
//! another — gets the same answer and changes nothing. A handler that fails sends no
//! acknowledgement, so Slack redelivers.
//!
//! Connections: [`CONNECTIONS`] at once (Slack spreads envelopes over them), each reopened at
//! once on a `disconnect` envelope, and after a dropped socket or a failed attempt with an
//! exponential back-off (1 s doubling to [`MAX_BACKOFF`], each wait jittered by ±50 % so
//! replicas do not reconnect in step). A token Slack refuses (`invalid_auth`, revoked, not an
//! app-level token) stops Socket Mode with an error in the log: retrying cannot help.
use crate::config::Secret;
use crate::http::commands::{self, SlashForm};
use crate::http::events;
use crate::service::envelopes::{self, Envelope};
use crate::slack::CallError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use slack_morphism::prelude::*;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// WebSocket connections kept open at once.
pub const CONNECTIONS: usize = 2;
/// The longest wait between two attempts to reach Slack.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long opening a WebSocket may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that saw nothing (not even a ping) for this long is taken for dead.
const SILENCE: Duration = Duration::from_secs(60);

/// Connects and serves envelopes until `shutdown` fires (or Slack refuses the token).
pub async fn run(state: AppState, app_token: Secret, shutdown: tokio::sync::watch::Receiver<bool>) {
    tracing::info!(
        connections = CONNECTIONS,
        "Socket Mode: connecting to Slack"
    );
    let links = (0..CONNECTIONS).map(|n| {
        tokio::spawn(keep_connected(
            n,
            state.clone(),
            app_token.clone(),
            shutdown.clone(),
        ))
    });
    futures::future::join_all(links).await;
}

/// How a connection ended.
enum Ended {
    /// Slack asked for a new connection (`disconnect`): reconnect at once.
    Replaced,
    /// The socket dropped or went silent: reconnect after a back-off.
    Dropped,
    /// Momentum is stopping.
    Shutdown,
}

/// One connection slot: connect, serve, and reconnect until shutdown.
async fn keep_connected(
    slot: usize,
    state: AppState,
    app_token: Secret,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut failures = 0u32;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let opened = tokio::select! {
            opened = state.slack.open_socket(&app_token) => opened,
            _ = shutdown.changed() => return,
        };
        let url = match opened {
            Ok(url) => url,
            Err(CallError::Permanent(reason)) => {
                tracing::error!(
                    slot,
                    %reason,
                    "Socket Mode stopped: Slack refused SLACK_APP_TOKEN (it must be a valid \
                     app-level xapp- token with connections:write); fix it and restart"
                );
                return;
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(slot, error = %e, "Socket Mode: could not reach Slack; retrying");
                if wait(backoff(failures), &mut shutdown).await {
                    return;
                }
                continue;
            }
        };
        let connected = tokio::select! {
            connected = tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(url.as_str())) => connected,
            _ = shutdown.changed() => return,
        };
        let socket = match connected {
            Ok(Ok((socket, _))) => socket,
            Err(_) => {
                failures += 1;
                tracing::warn!(
                    slot,
                    "Socket Mode: no connection within {CONNECT_TIMEOUT:?}; retrying"
                );
                if wait(backoff(failures), &mut shutdown).await {
                    return;
                }
                continue;
            }
            Ok(Err(e)) => {
                failures += 1;
                // The error, never the address: it carries the connection's ticket.
                tracing::warn!(slot, error = %e, "Socket Mode: the connection failed; retrying");
                if wait(backoff(failures), &mut shutdown).await {
                    return;
                }
                continue;
            }
        };
        tracing::info!(slot, "Socket Mode: connected");
        match serve(&state, socket, &mut shutdown, &mut failures).await {
            Ended::Shutdown => return,
            Ended::Replaced => {
                tracing::info!(slot, "Socket Mode: Slack asked for a new connection")
            }
            Ended::Dropped => {
                failures += 1;
                tracing::warn!(slot, "Socket Mode: the connection dropped; reconnecting");
                if wait(backoff(failures), &mut shutdown).await {
                    return;
                }
            }
        }
    }
}

/// Sleeps `pause`; `true` when shutdown came first.
async fn wait(pause: Duration, shutdown: &mut tokio::sync::watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(pause) => *shutdown.borrow(),
        _ = shutdown.changed() => true,
    }
}

/// The wait before attempt `failures + 1`: 1 s doubling to [`MAX_BACKOFF`], ±50 % jitter.
pub fn backoff(failures: u32) -> Duration {
    let base = Duration::from_secs(1u64 << failures.saturating_sub(1).min(6)).min(MAX_BACKOFF);
    let mut byte = [0u8; 1];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut byte);
    // 50 % to 150 % of the base.
    base.mul_f64(0.5 + f64::from(byte[0]) / 255.0)
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads envelopes until the connection ends; each is handled on a task of its own, and its
/// acknowledgement comes back through `acks` to this one writer.
async fn serve(
    state: &AppState,
    socket: Socket,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
    failures: &mut u32,
) -> Ended {
    let (mut writer, mut reader) = socket.split();
    let (acks, mut to_send) = mpsc::unbounded_channel::<String>();
    loop {
        tokio::select! {
            frame = tokio::time::timeout(SILENCE, reader.next()) => {
                let frame = match frame {
                    Ok(Some(Ok(frame))) => frame,
                    Ok(Some(Err(e))) => {
                        tracing::warn!(error = %e, "Socket Mode: read failed");
                        return Ended::Dropped;
                    }
                    Ok(None) | Err(_) => return Ended::Dropped,
                };
                match frame {
                    Message::Text(text) => match envelope(state, text.as_str(), &acks) {
                        Frame::Hello => *failures = 0,
                        Frame::Disconnect => return Ended::Replaced,
                        Frame::Envelope => {}
                    },
                    Message::Ping(body) if writer.send(Message::Pong(body.clone())).await.is_err() => {
                        return Ended::Dropped;
                    }
                    Message::Close(_) => return Ended::Dropped,
                    _ => {}
                }
            }
            Some(ack) = to_send.recv() => {
                if let Err(e) = writer.send(Message::Text(ack.into())).await {
                    tracing::warn!(error = %e, "Socket Mode: an acknowledgement could not be sent");
                    return Ended::Dropped;
                }
            }
            _ = shutdown.changed() => {
                let _ = writer.send(Message::Close(None)).await;
                return Ended::Shutdown;
            }
        }
    }
}

/// A Socket Mode frame, as Slack sends it (the fields Momentum reads).
#[derive(serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Incoming {
    Hello {},
    Disconnect {},
    SlashCommands {
        envelope_id: String,
        payload: Box<SlackCommandEvent>,
    },
    Interactive {
        envelope_id: String,
        payload: Box<SlackInteractionEvent>,
    },
    EventsApi {
        envelope_id: String,
        payload: Box<SlackPushEventCallback>,
    },
}

/// What a text frame was.
enum Frame {
    /// Slack says the connection is ready.
    Hello,
    /// Slack will close this connection soon: open another.
    Disconnect,
    /// An envelope, now being handled on a task of its own (acknowledged through `acks`).
    Envelope,
}

/// Reads one text frame, starting an envelope's handling on a task of its own.
fn envelope(state: &AppState, text: &str, acks: &mpsc::UnboundedSender<String>) -> Frame {
    let (envelope_id, work): (String, Handler) = match serde_json::from_str::<Incoming>(text) {
        Ok(Incoming::Hello {}) => return Frame::Hello,
        Ok(Incoming::Disconnect {}) => return Frame::Disconnect,
        Ok(Incoming::SlashCommands {
            envelope_id,
            payload,
        }) => (envelope_id, Handler::Command(payload)),
        Ok(Incoming::Interactive {
            envelope_id,
            payload,
        }) => (envelope_id, Handler::Interaction(payload)),
        Ok(Incoming::EventsApi {
            envelope_id,
            payload,
        }) => (envelope_id, Handler::Event(payload)),
        Err(e) => {
            // Something this version does not know: acknowledged, so it is not redelivered.
            let id = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| v["envelope_id"].as_str().map(str::to_owned));
            if let Some(id) = id {
                tracing::info!(error = %e, "Socket Mode: an envelope Momentum has no use for");
                let _ = acks.send(json!({ "envelope_id": id }).to_string());
            }
            return Frame::Envelope;
        }
    };
    let (state, acks) = (state.clone(), acks.clone());
    tokio::spawn(async move {
        match work.run(&state).await {
            Ok(payload) => {
                let mut ack = json!({ "envelope_id": envelope_id });
                if let Some(payload) = payload {
                    ack["payload"] = payload;
                }
                let _ = acks.send(ack.to_string());
            }
            Err(status) => tracing::warn!(
                %status,
                "Socket Mode envelope not acknowledged: handling failed, Slack will redeliver"
            ),
        }
    });
    Frame::Envelope
}

/// An envelope's content, to be handled.
enum Handler {
    Command(Box<SlackCommandEvent>),
    Interaction(Box<SlackInteractionEvent>),
    Event(Box<SlackPushEventCallback>),
}

impl Handler {
    /// Handles the envelope once; its acknowledgement payload (if any), or the failure.
    async fn run(self, state: &AppState) -> Result<Option<Value>, axum::http::StatusCode> {
        match self {
            Handler::Command(event) => {
                let event = *event;
                let key = format!("trigger:{}", event.trigger_id);
                let form = SlashForm {
                    team_id: Some(event.team_id.to_string()),
                    user_id: Some(event.user_id.to_string()),
                    command: Some(event.command.to_string()),
                    text: event.text.unwrap_or_default(),
                    channel_id: event.channel_id.to_string(),
                    trigger_id: Some(event.trigger_id.to_string()),
                };
                once(state, key, commands::answer_form(state.clone(), form)).await
            }
            Handler::Interaction(event) => {
                let trigger = match event.as_ref() {
                    SlackInteractionEvent::BlockActions(e) => Some(e.trigger_id.to_string()),
                    SlackInteractionEvent::ViewSubmission(e) => {
                        e.trigger_id.as_ref().map(|t| t.to_string())
                    }
                    _ => None,
                };
                let handle = events::interaction_event(state.clone(), *event);
                match trigger {
                    Some(trigger) => once(state, format!("trigger:{trigger}"), handle).await,
                    None => {
                        handle.await;
                        Ok(None)
                    }
                }
            }
            Handler::Event(event) => {
                let key = format!("event:{}", event.event_id);
                let body = serde_json::to_vec(&SlackPushEvent::EventCallback(*event))
                    .map_err(|_| axum::http::StatusCode::BAD_REQUEST)?;
                once(
                    state,
                    key,
                    events::handle_event(state.clone(), Bytes::from(body)),
                )
                .await
                .map(|_| None)
            }
        }
    }
}

/// Runs `handle` once per `key`: a redelivered envelope gets the first answer again. The
/// answer is the HTTP route's body as JSON (`None` when it had none).
async fn once<F>(
    state: &AppState,
    key: String,
    handle: F,
) -> Result<Option<Value>, axum::http::StatusCode>
where
    F: std::future::Future<Output = Response>,
{
    match envelopes::claim(state, &key).await {
        Ok(Envelope::New) => {}
        Ok(Envelope::Seen(Some(body))) => return Ok(serde_json::from_str(&body).ok()),
        Ok(Envelope::Seen(None)) => return Ok(None),
        // Not claimed: handle it anyway rather than lose a person's step.
        Err(e) => tracing::warn!(error = %e, "could not claim a Socket Mode envelope"),
    }
    let response = crate::http::within_budget(state, handle).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), crate::http::MAX_BODY)
        .await
        .unwrap_or_default();
    if status.is_server_error() {
        // Let a redelivery try again.
        let _ = envelopes::forget(state, &key).await;
        return Err(status);
    }
    let payload = serde_json::from_slice::<Value>(&body).ok();
    if let Some(payload) = &payload
        && let Err(e) = envelopes::answered(state, &key, &payload.to_string()).await
    {
        tracing::warn!(error = %e, "could not keep a Socket Mode answer");
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_to_a_minute_with_jitter() {
        for (failures, base) in [(1, 1), (2, 2), (3, 4), (7, 60), (40, 60)] {
            for _ in 0..20 {
                let wait = backoff(failures).as_secs_f64();
                let base = base as f64;
                assert!(
                    (base * 0.5..=base * 1.5).contains(&wait),
                    "{failures}: {wait}"
                );
            }
        }
    }
}
