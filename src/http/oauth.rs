//! "Add to Slack" (OAuth v2), when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set.
//! `GET /slack/install` sends the browser to Slack's authorize page with the manifest's bot
//! scopes and a `state` that is signed (HMAC), expires after ten minutes, works once, and is
//! bound to the browser by a cookie. `GET /slack/oauth/callback` checks all four, exchanges the
//! code (`oauth.v2.access`), stores the installation with its token sealed, and shows what to
//! try next. A bad state stores nothing. In single-workspace mode both routes answer 404.
use crate::config::{OAuthApp, Workspaces};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// The bot scopes of `manifest.yml` (a test keeps the two lists equal).
pub const BOT_SCOPES: &[&str] = &[
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "files:write",
];

/// Slack's authorize page.
pub const AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";

/// How long an install link works.
const STATE_LIFETIME_SECS: i64 = 600;

/// The cookie that binds a state to the browser that started the install.
const COOKIE: &str = "momentum_oauth_state";

fn oauth_app(state: &AppState) -> Option<&OAuthApp> {
    match &state.settings.workspaces {
        Workspaces::Installed(app) => Some(app),
        Workspaces::Single(_) => None,
    }
}

fn not_configured() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "“Add to Slack” is not set up here",
        "This Momentum serves one workspace with SLACK_BOT_TOKEN. To install it into many \
         workspaces, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and MOMENTUM_TOKEN_KEY (see the README).",
    )
}

pub async fn install(State(state): State<AppState>) -> Response {
    let Some(app) = oauth_app(&state) else {
        return not_configured();
    };
    let expires = state.clock.now().timestamp() + STATE_LIFETIME_SECS;
    let signed = app.key.sign_state(expires);
    let mut query = vec![
        ("client_id", app.client_id.clone()),
        ("scope", BOT_SCOPES.join(",")),
        ("state", signed.clone()),
    ];
    if let Some(redirect) = &app.redirect_url {
        query.push(("redirect_uri", redirect.clone()));
    }
    let query = serde_urlencoded::to_string(&query).unwrap_or_default();
    let cookie = format!(
        "{COOKIE}={signed}; Path=/slack/oauth; Max-Age={STATE_LIFETIME_SECS}; HttpOnly; Secure; SameSite=Lax"
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, format!("{AUTHORIZE_URL}?{query}")),
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let Some(app) = oauth_app(&state) else {
        return not_configured();
    };
    if callback.error.is_some() {
        return page(
            StatusCode::OK,
            "Momentum was not installed",
            "The install was cancelled in Slack. Nothing was stored; you can start again from \
             /slack/install whenever you like.",
        );
    }
    let (Some(code), Some(signed)) = (callback.code, callback.state) else {
        return page(
            StatusCode::BAD_REQUEST,
            "This is not a complete install link",
            "Start the install again from /slack/install.",
        );
    };
    let now = state.clock.now();
    let fresh = app
        .key
        .verify_state(&signed)
        .filter(|(_, expires)| *expires > now.timestamp())
        .filter(|_| cookie(&headers, COOKIE) == Some(signed.as_str()));
    let used = match fresh {
        None => false,
        Some((nonce, _)) => match crate::service::workspaces::use_state(&state, nonce, now).await {
            Ok(first) => first,
            Err(e) => {
                tracing::error!(error = %e, "could not record an OAuth state");
                return unfinished();
            }
        },
    };
    if !used {
        tracing::warn!(
            "refused an OAuth callback with a forged, expired, replayed or unbound state"
        );
        return page(
            StatusCode::BAD_REQUEST,
            "This install link has expired or was already used",
            "Nothing was stored. Start the install again from /slack/install, in the same browser.",
        );
    }
    let grant = match state
        .slack
        .oauth_access(
            &app.client_id,
            &app.client_secret,
            &code,
            app.redirect_url.as_deref(),
        )
        .await
    {
        Ok(grant) => grant,
        Err(e) => {
            tracing::warn!(error = %e, "oauth.v2.access failed");
            return page(
                StatusCode::BAD_GATEWAY,
                "Slack did not confirm the install",
                "Nothing was stored. Start the install again from /slack/install.",
            );
        }
    };
    if let Err(e) = crate::service::workspaces::installed(&state, &app.key, &grant).await {
        tracing::error!(error = %e, "could not store an installation");
        return unfinished();
    }
    let workspace = grant.team_name.as_deref().unwrap_or("your workspace");
    page(
        StatusCode::OK,
        &format!("Momentum is installed in {workspace}"),
        "Next, in Slack: type /momentum team add @rep1 @rep2 to make your team, \
         /momentum channel #wins to choose where wins are celebrated, then log a first step \
         with /win booked a demo with Acme or /touch Jane Doe @ Acme phone no_answer. \
         /momentum help lists everything.",
    )
}

/// Our side failed (the database): nothing was stored.
fn unfinished() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Momentum could not finish the install",
        "Nothing was stored. Please start again from /slack/install in a moment.",
    )
}

/// The value of cookie `name` in the request, if any.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A small HTML page; every text is escaped (a workspace's name is data).
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em\">\
         <h1>{t}</h1><p>{b}</p></body></html>",
        t = escape(title),
        b = escape(body)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_install_asks_for_exactly_the_manifests_bot_scopes() {
        for manifest in [
            include_str!("../../manifest.yml"),
            include_str!("../../manifest.socket.yml"),
        ] {
            let bot = manifest
                .split("    bot:\n")
                .nth(1)
                .expect("manifest has oauth_config.scopes.bot");
            let scopes: Vec<&str> = bot
                .lines()
                .map_while(|l| l.trim_start().strip_prefix("- "))
                .map(|l| l.split_whitespace().next().unwrap_or_default())
                .collect();
            assert_eq!(scopes, BOT_SCOPES);
        }
    }

    #[test]
    fn page_text_is_escaped() {
        assert_eq!(
            escape("<b>Acme & \"Co\"</b>"),
            "&lt;b&gt;Acme &amp; &quot;Co&quot;&lt;/b&gt;"
        );
    }
}
