//! Pages for people outside Slack, opened by a private link: the calendar feed. The link's
//! token is the only key, so every answer is private and uncached by anyone in between, and a
//! token that opens nothing (never issued, or reset) is a plain 404.
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Headers every page answer carries.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn not_found() -> Response {
    private((StatusCode::NOT_FOUND, "Not found").into_response())
}

/// `GET /calendar/<token>.ics`: the rep's feed, `304 Not Modified` when the caller's ETag
/// still holds.
pub async fn calendar(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let served = match crate::service::calendar::feed(&state, token).await {
        Ok(Some(served)) => served,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed failed");
            return private((StatusCode::SERVICE_UNAVAILABLE, "Try again shortly").into_response());
        }
    };
    let etag = HeaderValue::from_str(&served.etag).unwrap_or(HeaderValue::from_static("\"\""));
    // Calendar apps revalidate every poll; nobody in between keeps a copy.
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == served.etag || t.trim() == "*")
        });
    if unchanged {
        return private((StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response());
    }
    private(
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/calendar; charset=utf-8"),
                ),
                (header::ETAG, etag),
                cache,
            ],
            served.body,
        )
            .into_response(),
    )
}

/// The board's Content-Security-Policy: its own script, style and event stream, nothing else.
const BOARD_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                         img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn with_csp(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(BOARD_CSP),
    );
    private(response)
}

/// `GET /board/<token>`: the page (its script draws the events); 404 once the link is reset.
pub async fn board(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match crate::service::board::opened_by(&state, &token).await {
        Ok(Some(_)) => with_csp(
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                include_str!("../../assets/board/index.html"),
            )
                .into_response(),
        ),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "board failed");
            private((StatusCode::SERVICE_UNAVAILABLE, "Try again shortly").into_response())
        }
    }
}

/// `GET /board-assets/<file>`: the page's script and style, embedded in the binary.
pub async fn board_asset(Path(file): Path<String>) -> Response {
    let (kind, body) = match file.as_str() {
        "board.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../../assets/board/board.js"),
        ),
        "board.css" => (
            "text/css; charset=utf-8",
            include_str!("../../assets/board/board.css"),
        ),
        _ => return not_found(),
    };
    with_csp(([(header::CONTENT_TYPE, kind)], body).into_response())
}

/// How often an open board looks for changes in the database.
pub const BOARD_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Waits one poll; `false` once the server is stopping (the stream then ends, so the graceful
/// shutdown can finish; the page reconnects to the server that comes back).
async fn pause(state: &AppState) -> bool {
    let mut stopping = state.stopping.subscribe();
    if *stopping.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(BOARD_POLL) => true,
        _ = stopping.changed() => false,
    }
}

enum Watch {
    Start,
    Seen(String),
    Done,
}

/// `GET /board/<token>/events`: Server-Sent Events — a `board` event with the board's JSON at
/// once and whenever the database says something changed (looked at every second, so a
/// touch taken by any replica shows within two), and `gone` when the link is reset (then the
/// stream ends).
pub async fn board_events(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    match crate::service::board::opened_by(&state, &token).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "board events failed");
            return private((StatusCode::SERVICE_UNAVAILABLE, "Try again shortly").into_response());
        }
    }
    let events = futures::stream::unfold(
        (state, token, Watch::Start),
        |(state, token, watch)| async move {
            let mut last = match watch {
                Watch::Done => return None,
                Watch::Start => None,
                Watch::Seen(marker) => {
                    if !pause(&state).await {
                        return None;
                    }
                    Some(marker)
                }
            };
            loop {
                match crate::service::board::marker(&state, &token).await {
                    Ok(None) => {
                        let gone = Event::default().event("gone").data("reset");
                        return Some((
                            Ok::<_, std::convert::Infallible>(gone),
                            (state, token, Watch::Done),
                        ));
                    }
                    Ok(Some((link, marker))) if last.as_ref() != Some(&marker) => {
                        match crate::service::board::snapshot(&state, &link).await {
                            Ok(board) => {
                                let json = serde_json::to_string(&board).unwrap_or_default();
                                let event = Event::default().event("board").data(json);
                                return Some((Ok(event), (state, token, Watch::Seen(marker))));
                            }
                            Err(e) => tracing::warn!(error = %e, "board snapshot failed"),
                        }
                    }
                    Ok(Some((_, marker))) => last = Some(marker),
                    Err(e) => tracing::warn!(error = %e, "board marker failed"),
                }
                if !pause(&state).await {
                    return None;
                }
            }
        },
    );
    private(
        Sse::new(events)
            .keep_alive(KeepAlive::default())
            .into_response(),
    )
}
