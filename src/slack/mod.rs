//! The Slack Web API, through slack-morphism: one client for the app, every call with a
//! timeout, and failures sorted into "retry later", "wait this long" and "give up".
pub mod blitz;
pub mod digest;
pub mod home;
pub mod interaction;
pub mod limits;
pub mod messages;
pub mod modals;
pub mod nudge;
pub mod pacing;
pub mod reminder;
pub mod shoutout;

use crate::config::Secret;
use crate::store::outbox::Method;
use slack_morphism::errors::SlackClientError;
use slack_morphism::hyper_tokio::SlackClientHyperHttpsConnector as Connector;
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// Longest wait for any one Web API call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a file's bytes to reach Slack.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// What Slack said of a delivered call: the message's ts and the conversation it went to (a
/// DM's id where the call named a user).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    pub ts: Option<String>,
    pub channel: Option<String>,
}

/// The Web API client. It holds no token: every call takes the token of the workspace it is
/// made for (`AppState::bot_token`).
#[derive(Clone)]
pub struct SlackApi {
    client: Arc<SlackClient<Connector>>,
}

/// What `oauth.v2.access` grants for one installation.
#[derive(Debug, Clone)]
pub struct Grant {
    pub team_id: String,
    pub team_name: Option<String>,
    pub enterprise_id: Option<String>,
    pub bot_user_id: Option<String>,
    pub bot_token: Secret,
    pub scopes: String,
    pub installed_by: String,
}

/// The fields of `oauth.v2.access`'s answer that an installation keeps.
#[derive(serde::Deserialize)]
struct OAuthAccess {
    access_token: String,
    token_type: String,
    #[serde(default)]
    scope: String,
    bot_user_id: Option<String>,
    team: Option<IdName>,
    enterprise: Option<IdName>,
    authed_user: IdName,
}

#[derive(serde::Deserialize)]
struct IdName {
    id: String,
    name: Option<String>,
}

fn session_token(token: &Secret) -> SlackApiToken {
    SlackApiToken::new(token.expose().into())
}

/// Slackbot's user id, the same in every workspace.
pub const SLACKBOT: &str = "USLACKBOT";

/// What a user's Slack profile tells the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub tz: Option<chrono_tz::Tz>,
    pub is_admin: bool,
    /// Display name, else real name, else the account name.
    pub name: Option<String>,
    /// A bot, a deleted account or Slackbot: never a rep or a manager.
    pub is_bot_or_gone: bool,
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// HTTP 429: try again after this long.
    #[error("rate limited; retry after {0:?}")]
    RateLimited(Duration),
    /// A failure that may pass: timeouts, 5xx, connection errors, Slack's internal errors.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Slack refused the call for a reason that will not change by retrying.
    #[error("refused: {0}")]
    Permanent(String),
}

impl SlackApi {
    /// A client for `api_url` (`https://slack.com/api/` in production; plain HTTP is allowed
    /// so tests can use a local fake).
    pub fn new(api_url: &str) -> std::io::Result<Self> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https)
            .with_slack_api_url(api_url.trim_end_matches('/'));
        Ok(Self {
            client: Arc::new(SlackClient::new(connector)),
        })
    }

    /// The underlying client, for Socket Mode's listener.
    pub fn client(&self) -> Arc<SlackClient<Connector>> {
        self.client.clone()
    }

    /// `oauth.v2.access`: exchanges an install's `code` for the workspace's bot token.
    pub async fn oauth_access(
        &self,
        client_id: &str,
        client_secret: &Secret,
        code: &str,
        redirect_url: Option<&str>,
    ) -> Result<Grant, CallError> {
        let api = &self.client.http_api.connector;
        let code_param = code.to_owned();
        let redirect_param = redirect_url.map(str::to_owned);
        let url = SlackClientHttpApiUri::create_url_with_params(
            api.create_method_uri_path("oauth.v2.access")
                .map_err(|e| CallError::Permanent(e.to_string()))?,
            &vec![
                ("code", Some(&code_param)),
                ("redirect_uri", redirect_param.as_ref()),
            ],
        )
        .map_err(|e| CallError::Permanent(e.to_string()))?;
        // slack-morphism's typed answer has no `enterprise`; this one reads it too.
        let granted: OAuthAccess = with_timeout(
            CALL_TIMEOUT,
            api.http_get_with_client_secret(url, &client_id.into(), &client_secret.expose().into()),
        )
        .await?;
        let (Some(team), "bot") = (granted.team, granted.token_type.as_str()) else {
            return Err(CallError::Permanent(
                "Slack granted no workspace bot token (an organization-wide install?)".into(),
            ));
        };
        Ok(Grant {
            team_id: team.id,
            team_name: team.name,
            enterprise_id: granted.enterprise.map(|e| e.id),
            bot_user_id: granted.bot_user_id,
            bot_token: Secret::new(granted.access_token),
            scopes: granted.scope,
            installed_by: granted.authed_user.id,
        })
    }

    /// `users.info`: the member's time zone and whether they are a workspace admin.
    pub async fn user_profile(
        &self,
        token: &Secret,
        user_id: &str,
        timeout: Duration,
    ) -> Result<Profile, CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiUsersInfoRequest::new(user_id.into());
        let user = with_timeout(timeout, session.users_info(&request))
            .await?
            .user;
        let profile_name = |p: &SlackUserProfile| {
            [p.display_name.clone(), p.real_name.clone()]
                .into_iter()
                .flatten()
                .find(|n| !n.trim().is_empty())
        };
        let name = user
            .profile
            .as_ref()
            .and_then(profile_name)
            .or(user.real_name.clone())
            .or(user.name.clone());
        Ok(Profile {
            name,
            tz: user.tz.and_then(|tz| tz.parse().ok()),
            is_admin: user.flags.is_admin.unwrap_or(false) || user.flags.is_owner.unwrap_or(false),
            is_bot_or_gone: user.flags.is_bot.unwrap_or(false)
                || user.deleted.unwrap_or(false)
                || user.id.to_string() == SLACKBOT,
        })
    }

    /// `apps.connections.open` with the app-level token: the address of a new Socket Mode
    /// connection (a credential while it lasts: never logged).
    pub async fn open_socket(&self, app_token: &Secret) -> Result<String, CallError> {
        let token = session_token(app_token);
        let session = self.client.open_session(&token);
        let request = SlackApiAppsConnectionOpenRequest::new();
        let answer = with_timeout(CALL_TIMEOUT, session.apps_connections_open(&request)).await?;
        Ok(answer.url.value().to_string())
    }

    /// `auth.test`: the workspace the token belongs to, if Slack accepts the token.
    pub async fn auth_test(&self, token: &Secret) -> Result<String, CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let answer = with_timeout(CALL_TIMEOUT, session.auth_test()).await?;
        Ok(answer.team_id.to_string())
    }

    /// `views.open`: shows a modal in answer to a click or a command (the trigger lives 3 s).
    pub async fn open_view(
        &self,
        token: &Secret,
        trigger_id: &str,
        view: SlackView,
        timeout: Duration,
    ) -> Result<(), CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let view = limits::fitted_view("views.open", view);
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        with_timeout(timeout, session.views_open(&request))
            .await
            .map(|_| ())
    }

    /// Delivers one outbox row: `method` with its stored JSON `payload`. File uploads
    /// (`Method::Upload`) take several calls and are the delivery's (`upload_url`,
    /// `upload_bytes`, `complete_upload`).
    pub async fn deliver(
        &self,
        token: &Secret,
        method: Method,
        payload: &str,
    ) -> Result<Delivered, CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let bad_payload =
            |e: serde_json::Error| CallError::Permanent(format!("unreadable payload: {e}"));
        match method {
            Method::PostMessage => {
                let request: SlackApiChatPostMessageRequest =
                    serde_json::from_str(payload).map_err(bad_payload)?;
                let sent = with_timeout(CALL_TIMEOUT, session.chat_post_message(&request)).await?;
                Ok(Delivered {
                    ts: Some(sent.ts.to_string()),
                    channel: Some(sent.channel.to_string()),
                })
            }
            Method::Update => {
                let request: SlackApiChatUpdateRequest =
                    serde_json::from_str(payload).map_err(bad_payload)?;
                let sent = with_timeout(CALL_TIMEOUT, session.chat_update(&request)).await?;
                Ok(Delivered {
                    ts: Some(sent.ts.to_string()),
                    channel: Some(sent.channel.to_string()),
                })
            }
            Method::PublishView => {
                let request: SlackApiViewsPublishRequest =
                    serde_json::from_str(payload).map_err(bad_payload)?;
                with_timeout(CALL_TIMEOUT, session.views_publish(&request)).await?;
                Ok(Delivered::default())
            }
            Method::Upload => Err(CallError::Permanent(
                "a file upload is delivered in steps, not as one call".into(),
            )),
        }
    }

    /// `files.getUploadURLExternal`: where to send a file's bytes, and the file's id.
    pub async fn upload_url(
        &self,
        token: &Secret,
        filename: &str,
        length: usize,
        alt_txt: Option<&str>,
    ) -> Result<(String, String), CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiFilesGetUploadUrlExternalRequest::new(filename.to_owned(), length)
            .opt_alt_txt(alt_txt.map(str::to_owned));
        let granted = with_timeout(CALL_TIMEOUT, session.get_upload_url_external(&request)).await?;
        Ok((
            granted.file_id.to_string(),
            granted.upload_url.value().to_string(),
        ))
    }

    /// Sends a file's bytes to the upload URL Slack granted. A refusal (HTTP 4xx) means the
    /// URL is no longer good: `CallError::Permanent`, and the caller asks for another.
    pub async fn upload_bytes(
        &self,
        token: &Secret,
        upload_url: &str,
        content: &[u8],
        content_type: &str,
    ) -> Result<(), CallError> {
        let url: url::Url = upload_url
            .parse()
            .map_err(|e| CallError::Permanent(format!("bad upload URL: {e}")))?;
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiFilesUploadViaUrlRequest::new(
            SlackFileUploadUrl::new(url),
            content.to_vec(),
            content_type.to_owned(),
        );
        // Bytes take longer than a call: a minute for the largest file Momentum sends.
        with_timeout(UPLOAD_TIMEOUT, session.files_upload_via_url(&request))
            .await
            .map(|_| ())
    }

    /// `files.completeUploadExternal`: shares the uploaded files in `channel_id` (in the
    /// thread of `thread_ts` if given).
    pub async fn complete_upload(
        &self,
        token: &Secret,
        channel_id: &str,
        thread_ts: Option<&str>,
        files: &[(String, String)],
    ) -> Result<(), CallError> {
        let token = session_token(token);
        let session = self.client.open_session(&token);
        let files = files
            .iter()
            .map(|(id, title)| {
                SlackApiFilesComplete::new(SlackFileId::new(id.clone())).with_title(title.clone())
            })
            .collect();
        let request = SlackApiFilesCompleteUploadExternalRequest::new(files)
            .with_channel_id(SlackChannelId::new(channel_id.to_owned()))
            .opt_thread_ts(thread_ts.map(|ts| SlackTs::new(ts.to_owned())));
        with_timeout(
            CALL_TIMEOUT,
            session.files_complete_upload_external(&request),
        )
        .await
        .map(|_| ())
    }
}

async fn with_timeout<T>(
    limit: Duration,
    call: impl std::future::Future<Output = ClientResult<T>>,
) -> Result<T, CallError> {
    match tokio::time::timeout(limit, call).await {
        Err(_) => Err(CallError::Transient(format!("no answer within {limit:?}"))),
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(classify(e)),
    }
}

/// Sorts a slack-morphism error. Error text never includes the token.
fn classify(error: SlackClientError) -> CallError {
    match error {
        SlackClientError::RateLimitError(e) => {
            CallError::RateLimited(e.retry_after.unwrap_or(Duration::from_secs(1)))
        }
        SlackClientError::ApiError(e) => match e.code.as_str() {
            "ratelimited" => CallError::RateLimited(Duration::from_secs(1)),
            "internal_error"
            | "fatal_error"
            | "service_unavailable"
            | "request_timeout"
            | "team_added_to_org" => CallError::Transient(e.code),
            _ => CallError::Permanent(e.code),
        },
        SlackClientError::HttpError(e)
            if e.status_code.is_client_error() && e.status_code.as_u16() != 408 =>
        {
            CallError::Permanent(format!("HTTP {}", e.status_code))
        }
        SlackClientError::HttpError(e) => CallError::Transient(format!("HTTP {}", e.status_code)),
        other => CallError::Transient(other.to_string().chars().take(300).collect()),
    }
}
