//! `POST /slack/events` and `POST /slack/interactions`: verified like every Slack request.
//! Events answer Slack's `url_verification` challenge and acknowledge everything else with 200
//! (otherwise Slack retries); interaction payloads are acknowledged. Acting on them (App Home,
//! buttons, modals) is the interactivity issue's work.
use axum::Json;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    challenge: Option<String>,
}

pub async fn event(body: Bytes) -> Response {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(&body) else {
        return (StatusCode::BAD_REQUEST, "malformed event").into_response();
    };
    match (envelope.kind.as_str(), envelope.challenge) {
        ("url_verification", Some(challenge)) => {
            Json(serde_json::json!({ "challenge": challenge })).into_response()
        }
        _ => StatusCode::OK.into_response(),
    }
}

#[derive(Deserialize)]
struct InteractionForm {
    payload: String,
}

pub async fn interaction(body: Bytes) -> Response {
    let parsed = serde_urlencoded::from_bytes::<InteractionForm>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<serde_json::Value>(&f.payload).ok());
    match parsed {
        Some(_) => StatusCode::OK.into_response(),
        None => (StatusCode::BAD_REQUEST, "malformed interaction").into_response(),
    }
}
