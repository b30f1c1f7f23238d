//! The HTTP edge: routes, Slack request verification, body limits, request spans.
pub(crate) mod commands;
pub(crate) mod events;
mod oauth;
mod verify;

use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body read; larger ones get 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// Every write a request makes is committed within this long of the request's arrival, or
/// not at all: Slack gives up on an answer after 3 seconds.
pub const WRITE_BUDGET: Duration = Duration::from_millis(2000);

/// What a person reads when their step could not be saved in time.
pub const NOT_SAVED: &str = "😬 I couldn't save that — the database is busy right now. Nothing was stored; please try again in a moment.";

/// What a person reads when something else went wrong on our side.
pub const FAILED: &str =
    "😬 Something went wrong on my side and nothing was saved. Please try again in a moment.";

/// The reply text for a failed request: busy (try again) or our fault (logged).
pub fn failure_text(error: &crate::store::StoreError) -> &'static str {
    match error {
        crate::store::StoreError::Busy => NOT_SAVED,
        _ => FAILED,
    }
}

/// Runs a request's handling with its writes due within [`WRITE_BUDGET`] of now.
pub async fn within_budget<F: std::future::Future>(work: F) -> F::Output {
    crate::store::within(std::time::Instant::now() + WRITE_BUDGET, work).await
}

pub fn router(state: AppState) -> Router {
    let slack = Router::new()
        .route("/slack/commands", post(commands::slash_command))
        .route("/slack/events", post(events::event))
        .route("/slack/interactions", post(events::interaction))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            verify::slack_signature,
        ));
    Router::new()
        .merge(slack)
        .route("/healthz", get(healthz))
        .route("/slack/install", get(oauth::install))
        .route("/slack/oauth/callback", get(oauth::callback))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(10)))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, &'static str) {
    match crate::store::sql::query("SELECT 1")
        .execute(state.db.reader())
        .await
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
