//! Every request from Slack is verified before anything reads it: the v0 HMAC signature over
//! the raw body (constant-time compare, ±5 minutes, by slack-morphism's verifier), with the
//! body capped at 1 MiB (413 beyond, after reading on to 8 MiB so every client sees the answer). Refusals say nothing about why beyond the status.
//! Two things come before the signature: a method other than POST is 405 (`Allow: POST`), and
//! Slack's unsigned `ssl_check=1` post to the commands URL is 200 with an empty body.
use super::MAX_BODY;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn slack_signature(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "use POST",
        )
            .into_response();
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let (parts, body) = request.into_parts();
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        // Not worth reading: answer and close.
        return too_large();
    }
    let bytes = match read_capped(body).await {
        Ok(bytes) => bytes,
        Err(Oversized) => return too_large(),
    };
    if parts.uri.path() == "/slack/commands" && is_ssl_check(&bytes) {
        // Slack's certificate check carries no signature and asks for nothing but a 200.
        return StatusCode::OK.into_response();
    }
    if !signed_by_slack(&state, &parts.headers, &bytes) {
        tracing::warn!(
            len = bytes.len(),
            "refused a request with a missing, wrong or stale signature"
        );
        return (StatusCode::UNAUTHORIZED, "invalid signature").into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn signed_by_slack(state: &AppState, headers: &HeaderMap, body: &Bytes) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header("x-slack-signature"),
        header("x-slack-request-timestamp"),
    ) else {
        return false;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return false;
    };
    // With Socket Mode and no signing secret, nothing arriving over HTTP is from Slack.
    state
        .verifier
        .as_ref()
        .is_some_and(|v| v.verify(signature, body, timestamp).is_ok())
}

/// Slack's `ssl_check=1` post (sent now and then to publicly distributed apps' command URLs).
fn is_ssl_check(body: &Bytes) -> bool {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .is_ok_and(|form| form.iter().any(|(k, v)| k == "ssl_check" && v == "1"))
}

/// How much of an oversized body is read (and thrown away) before the 413: a client that
/// writes its whole body before reading the answer (Python's urllib, many HTTP libraries) would
/// otherwise see the connection reset under its feet instead of the 413.
const DRAIN_LIMIT: usize = 8 * MAX_BODY;

struct Oversized;

/// The body if it is at most [`MAX_BODY`]; past that, reads on (discarding) up to
/// [`DRAIN_LIMIT`] so the client gets to read the answer.
async fn read_capped(body: Body) -> Result<Bytes, Oversized> {
    use futures::StreamExt;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(Oversized);
        };
        seen += chunk.len();
        if seen > DRAIN_LIMIT {
            return Err(Oversized);
        }
        if seen <= MAX_BODY {
            kept.extend_from_slice(&chunk);
        }
    }
    if seen > MAX_BODY {
        return Err(Oversized);
    }
    Ok(Bytes::from(kept))
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONNECTION, "close")],
        "request body too large",
    )
        .into_response()
}
