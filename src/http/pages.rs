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
