//! The HTTP edge: routes, Slack request verification, body limits, request spans.
pub(crate) mod commands;
pub(crate) mod events;
mod oauth;
mod pages;
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

pub use crate::config::WRITE_BUDGET;

/// What a person reads when their step could not be saved in time.
pub const NOT_SAVED: &str = "😬 I couldn't save that — the database is busy right now. Nothing was stored; please try again in a moment.";

/// What a person reads when something else went wrong on our side.
pub const FAILED: &str =
    "😬 Something went wrong on my side and nothing was saved. Please try again in a moment.";

/// The reply text for a failed request: busy (try again) or our fault (logged).
pub fn failure_text(error: &crate::service::Error) -> &'static str {
    match error {
        crate::service::Error::Busy => NOT_SAVED,
        _ => FAILED,
    }
}

/// Runs a request's handling with its writes due within the write budget of now
/// ([`WRITE_BUDGET`], unless the settings give another: tests that pile up hundreds of writes
/// on purpose).
pub async fn within_budget<F: std::future::Future>(state: &AppState, work: F) -> F::Output {
    crate::service::within(
        std::time::Instant::now() + state.settings.write_budget,
        work,
    )
    .await
}

pub fn router(state: AppState) -> Router {
    let slack = Router::new()
        .route("/slack/commands", post(commands::slash_command))
        .route("/slack/events", post(events::event))
        .route("/slack/interactions", post(events::interaction))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            verify::slack_signature,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            shed_load,
        ));
    let install = with_install_rate_limit(
        Router::new()
            .route("/slack/install", get(oauth::install))
            .route("/slack/oauth/callback", get(oauth::callback)),
    );
    let pages = rate_limited(
        Router::new()
            .route("/calendar/{file}", get(pages::calendar))
            .route("/board/{token}", get(pages::board))
            .route("/board/{token}/events", get(pages::board_events))
            .route("/board-assets/{file}", get(pages::board_asset)),
        FEED_EVERY,
        FEED_BURST,
        "Too many requests from here; try again shortly.",
    );
    Router::new()
        .merge(slack)
        .merge(install)
        .merge(pages)
        .route("/healthz", get(healthz))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(10)))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %loggable(req.uri().path()))
            }),
        )
        .with_state(state)
}

/// A request path as logs may show it: the token of a private link (the board, a calendar
/// feed) is its only key, so it is never written down.
pub fn loggable(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/board/", "/calendar/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find(['/', '.']).map_or("", |i| &rest[i..]);
            return format!("{prefix}…{tail}").into();
        }
    }
    path.into()
}

/// Installs a caller may start in a burst, then one more every [`INSTALL_EVERY`] (per IP).
pub const INSTALL_BURST: u32 = 10;
/// How often a caller's install allowance grows back by one.
pub const INSTALL_EVERY: Duration = Duration::from_secs(6);

/// A per-IP limit on `/slack/install` and `/slack/oauth/callback` (governor's GCRA): a
/// scripted loop of installs cannot queue writes in front of every workspace's commands, nor
/// get the app's OAuth calls throttled by Slack. The key is the TCP peer, which cannot be
/// forged (behind a proxy every install shares the proxy's allowance: ten at once, ten a
/// minute, plenty for people clicking Add to Slack). Beyond it: 429 with `Retry-After`.
fn with_install_rate_limit(routes: Router<AppState>) -> Router<AppState> {
    rate_limited(
        routes,
        INSTALL_EVERY,
        INSTALL_BURST,
        "Too many install attempts from here; try again shortly.",
    )
}

/// Feed fetches a caller may make in a burst, then one more every [`FEED_EVERY`] (per IP):
/// calendar apps poll a few times an hour; a guesser of tokens gets nowhere fast.
pub const FEED_BURST: u32 = 30;
pub const FEED_EVERY: Duration = Duration::from_secs(2);

/// A per-IP limit (governor's GCRA, keyed by the TCP peer): `burst` at once, then one more
/// every `every`; beyond it, 429 with `Retry-After` and `refusal`.
fn rate_limited(
    routes: Router<AppState>,
    every: Duration,
    burst: u32,
    refusal: &'static str,
) -> Router<AppState> {
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .period(every)
        .burst_size(burst)
        .finish()
        .unwrap_or_default();
    // Forget callers whose allowance is full again, so the table of IPs stays small.
    let limiter = config.limiter().clone();
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                limiter.retain_recent();
            }
        });
    }
    let layer = tower_governor::GovernorLayer::new(config).error_handler(move |error| {
        use axum::response::IntoResponse;
        match error {
            tower_governor::GovernorError::TooManyRequests { wait_time, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                [(
                    axum::http::header::RETRY_AFTER,
                    wait_time.max(1).to_string(),
                )],
                refusal,
            )
                .into_response(),
            other => {
                tracing::warn!(error = %other, "a rate limit could not place the caller");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    });
    routes.route_layer(layer)
}

/// Load shedding: at most `MOMENTUM_MAX_IN_FLIGHT` Slack requests are handled at once; one
/// more is answered 503 with `Retry-After: 1` at once, before its body is read, so a flood
/// costs no work and never queues in front of everyone's commands.
async fn shed_load(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Ok(_permit) = state.in_flight.clone().try_acquire_owned() else {
        tracing::warn!("shedding a request: too many in flight");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "1")],
            "busy, try again in a second",
        )
            .into_response();
    };
    next.run(request).await
}

/// `GET /healthz`: 200 "ok" when the database answers, with the rounds of jobs this process
/// has run so far in `X-Momentum-Job-Rounds` (to see that a replica's scheduler is alive).
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, [(&'static str, String); 1], &'static str) {
    let rounds = state
        .job_rounds
        .load(std::sync::atomic::Ordering::Relaxed)
        .to_string();
    match crate::service::healthy(&state).await {
        Ok(()) => (StatusCode::OK, [("x-momentum-job-rounds", rounds)], "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [("x-momentum-job-rounds", rounds)],
                "database unavailable",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_private_links_token_never_reaches_the_logs() {
        let token = "ab".repeat(32);
        assert_eq!(super::loggable(&format!("/board/{token}")), "/board/…");
        assert_eq!(
            super::loggable(&format!("/board/{token}/events")),
            "/board/…/events"
        );
        assert_eq!(
            super::loggable(&format!("/calendar/{token}.ics")),
            "/calendar/….ics"
        );
        assert_eq!(super::loggable("/slack/commands"), "/slack/commands");
    }
}
