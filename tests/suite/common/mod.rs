//! Test helpers: the real router over a temp SQLite file, a wiremock fake of the Slack Web
//! API, signed slash-command requests, and a clock the test sets.
#![allow(dead_code)]
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use momentum::clock::Clock;
use momentum::config::{Secret, Settings};
use momentum::state::AppState;
use serde_json::{Value, json};
use sha2::Sha256;
use tempfile::TempDir;
use tower::ServiceExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub mod pg;

mod on_postgresql {
    /// Every test of this binary again, on PostgreSQL (see `pg`).
    #[test]
    fn the_whole_suite() {
        super::pg::run_suite_on_postgres()
    }
}

/// A new database for one test: a SQLite file in `dir`, or a fresh PostgreSQL database when
/// the suite runs on PostgreSQL.
pub async fn database_url(dir: &TempDir) -> String {
    if pg::on_postgres() {
        pg::fresh_database().await
    } else {
        format!("sqlite://{}", dir.path().join("momentum.db").display())
    }
}

pub const SECRET: &str = "test-signing-secret";
pub const TEAM: &str = "T0TEAM";
/// The content type of slash commands and interactions.
pub const FORM: &str = "application/x-www-form-urlencoded";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub slack: MockServer,
    pub dir: TempDir,
    pub db_url: String,
}

/// Monday 23 November 2026, 14:00 UTC (09:00 in New York).
pub fn monday_afternoon() -> DateTime<Utc> {
    "2026-11-23T14:00:00Z".parse().unwrap()
}

pub fn settings(api_url: &str) -> Settings {
    Settings::single_workspace(Secret::new(SECRET), Secret::new("xoxb-test-token"), api_url)
}

/// The key tests seal installed workspaces' tokens with.
pub const TOKEN_KEY: &str = "4d6f6d656e74756d2074657374206b65792c206e6f7420666f72207573652121";

/// "Add to Slack" settings: many workspaces, no `SLACK_BOT_TOKEN`.
pub fn installable_settings(api_url: &str) -> Settings {
    let mut settings = settings(api_url);
    settings.workspaces =
        momentum::config::Workspaces::Installed(Box::new(momentum::config::OAuthApp {
            client_id: "111.222".into(),
            client_secret: Secret::new("client-secret"),
            key: momentum::crypto::TokenKey::from_hex(TOKEN_KEY).unwrap(),
            previous_key: None,
            redirect_url: Some("https://momentum.example.com/slack/oauth/callback".into()),
        }));
    settings
}

impl TestApp {
    /// A fresh app installed through "Add to Slack" into no workspace yet; its fake Slack
    /// knows every user in New York and accepts every message.
    pub async fn spawn_installable() -> Self {
        Self::spawn_configured(installable_settings, true).await
    }

    /// A fresh app on `settings(the fake Slack's URL)`, its clock at Monday afternoon, its
    /// fake Slack accepting every message (and knowing every user in New York when
    /// `known_users`).
    pub async fn spawn_configured(
        settings: impl FnOnce(&str) -> Settings,
        known_users: bool,
    ) -> Self {
        let slack = MockServer::start().await;
        if known_users {
            mount_user(&slack, None, "America/New_York", false).await;
        }
        mount_post_ok(&slack).await;
        let dir = tempfile::tempdir().unwrap();
        let db_url = database_url(&dir).await;
        let settings = settings(&slack.uri());
        Self::open_with(
            settings,
            slack,
            dir,
            db_url,
            Clock::fixed(monday_afternoon()),
        )
        .await
    }

    /// `manager` invites `reps` to their team with `/momentum team add`, and each rep presses
    /// Accept on the invitation.
    pub async fn join_team(&self, manager: &str, reps: &[&str]) {
        let mentions: Vec<String> = reps.iter().map(|r| format!("<@{r}>")).collect();
        let asked = self
            .reply(
                manager,
                "/momentum",
                &format!("team add {}", mentions.join(" ")),
            )
            .await;
        assert!(asked.contains("waiting for them to accept"), "{asked}");
        for rep in reps {
            assert_eq!(
                press_button(self, rep, "team_accept", manager).await,
                StatusCode::OK
            );
        }
        for rep in reps {
            let linked = self
                .count(&format!(
                    "SELECT COUNT(*) FROM members WHERE user_id = '{rep}' AND manager_id = '{manager}'"
                ))
                .await;
            assert_eq!(linked, 1, "{rep} accepted {manager}'s invitation");
        }
    }

    /// A signed slash command from `user` of workspace `team`; the JSON reply.
    pub async fn command_from(&self, team: &str, user: &str, command: &str, text: &str) -> Value {
        let body = slash_body(user, command, text).replace(TEAM, team);
        let (status, reply) = self.send(signed(&body, now_ts())).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        serde_json::from_str(&reply).unwrap_or(Value::String(reply))
    }

    /// A signed Events API callback to `/slack/events`.
    pub async fn event(&self, event: &Value) -> StatusCode {
        let request = signed_post("/slack/events", "application/json", event.to_string());
        self.send(request).await.0
    }

    /// Waits until the member's time zone, fetched from Slack in the background, is stored.
    pub async fn wait_for_tz(&self, user: &str) {
        wait_for_tz(self, user).await
    }

    /// A fresh app whose clock stands at Monday afternoon, with a fake Slack that knows every
    /// user as a non-admin in New York and accepts every message.
    pub async fn spawn() -> Self {
        Self::spawn_with(Clock::fixed(monday_afternoon()), true).await
    }

    /// A team whose manager U0BOSS manages U0JANE and U0BOB (who accepted his invitation)
    /// and celebrates in #wins (C0WINS, set by the workspace admin U0ADMIN); everyone's zone
    /// is New York. Nothing sent so far is kept.
    pub async fn spawn_team() -> Self {
        let app = TestApp::spawn().await;
        mount_admin(&app.slack, "U0ADMIN").await;
        app.join_team("U0BOSS", &["U0JANE", "U0BOB"]).await;
        app.reply("U0ADMIN", "/momentum", "channel <#C0WINS|wins>")
            .await;
        app.drain_all().await;
        app.slack.reset().await;
        mount_admin(&app.slack, "U0ADMIN").await;
        mount_user(&app.slack, None, "America/New_York", false).await;
        mount_post_ok(&app.slack).await;
        app
    }

    /// A fresh app with no Slack mocks mounted: the test mounts its own.
    pub async fn spawn_bare(clock: Clock) -> Self {
        Self::spawn_with(clock, false).await
    }

    /// A fresh app deployed with `MOMENTUM_TZ=tz`, whose fake Slack knows nobody's zone.
    pub async fn spawn_in_default_zone(tz: chrono_tz::Tz) -> Self {
        let with_zone = |url: &str| {
            let mut settings = settings(url);
            settings.default_tz = tz;
            settings
        };
        Self::spawn_configured(with_zone, false).await
    }

    async fn spawn_with(clock: Clock, default_mocks: bool) -> Self {
        let slack = MockServer::start().await;
        if default_mocks {
            mount_user(&slack, None, "America/New_York", false).await;
            mount_post_ok(&slack).await;
        }
        let dir = tempfile::tempdir().unwrap();
        let db_url = database_url(&dir).await;
        Self::open(slack, dir, db_url, clock).await
    }

    /// The app again on the same database file and fake Slack: a restart.
    pub async fn restart(self) -> Self {
        let TestApp {
            state,
            slack,
            dir,
            db_url,
            ..
        } = self;
        let clock = state.clock.clone();
        state.db.close().await;
        drop(state);
        Self::open(slack, dir, db_url, clock).await
    }

    async fn open(slack: MockServer, dir: TempDir, db_url: String, clock: Clock) -> Self {
        let settings = settings(&slack.uri());
        Self::open_with(settings, slack, dir, db_url, clock).await
    }

    async fn open_with(
        settings: Settings,
        slack: MockServer,
        dir: TempDir,
        db_url: String,
        clock: Clock,
    ) -> Self {
        let state = momentum::startup::build_state(settings, &db_url, clock)
            .await
            .unwrap();
        // Requests come from one address (unless a test sets another), as `serve` sees a
        // TCP peer.
        let router = momentum::http::router(state.clone()).layer(axum::middleware::map_request(
            |mut request: Request<Body>| async move {
                let peer = axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [192, 0, 2, 10],
                    40000,
                )));
                if request
                    .extensions()
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .is_none()
                {
                    request.extensions_mut().insert(peer);
                }
                request
            },
        ));
        Self {
            state,
            router,
            slack,
            dir,
            db_url,
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// Sends a signed slash command from `user` and returns the status and JSON reply.
    pub async fn command(&self, user: &str, command: &str, text: &str) -> (StatusCode, Value) {
        self.command_in("C0GENERAL", user, command, text).await
    }

    /// A signed slash command typed in `channel`.
    pub async fn command_in(
        &self,
        channel: &str,
        user: &str,
        command: &str,
        text: &str,
    ) -> (StatusCode, Value) {
        let body = slash_body(user, command, text).replace("C0GENERAL", channel);
        let response = self
            .router
            .clone()
            .oneshot(signed(&body, now_ts()))
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
        (status, json)
    }

    /// The ephemeral text a person reads in reply to a command (asserting it is ephemeral).
    pub async fn reply(&self, user: &str, command: &str, text: &str) -> String {
        self.reply_in("C0GENERAL", user, command, text).await
    }

    /// The ephemeral reply to a command typed in `channel`.
    pub async fn reply_in(&self, channel: &str, user: &str, command: &str, text: &str) -> String {
        let (status, json) = self.command_in(channel, user, command, text).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert_eq!(json["response_type"], "ephemeral", "{json}");
        json["text"].as_str().unwrap().to_owned()
    }

    /// A GET with these request headers, as a browser or a calendar app sends it: the status,
    /// the response's headers and its body as text.
    pub async fn get(
        &self,
        uri: &str,
        headers: &[(axum::http::HeaderName, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    pub async fn count(&self, sql: &str) -> i64 {
        momentum::store::sql::query_scalar(sql)
            .scalar_one(self.state.db.reader())
            .await
            .unwrap()
    }

    /// The two text columns of each row `sql` selects.
    pub async fn text_pairs(&self, sql: &str) -> Vec<(String, String)> {
        momentum::store::sql::query_as(sql)
            .fetch_all(self.state.db.reader())
            .await
            .unwrap()
    }

    /// Delivers the outbox until nothing is due (advancing a fixed clock past back-offs is the
    /// test's business).
    pub async fn drain(&self) -> momentum::delivery::Drained {
        momentum::delivery::drain_once(&self.state).await.unwrap()
    }

    /// Drains the outbox, moving the fixed clock on past pacing and back-off, until nothing
    /// is left to try (at most 30 passes). Returns the total sent.
    pub async fn drain_all(&self) -> usize {
        let mut sent = 0;
        for _ in 0..30 {
            let pass = self.drain().await;
            sent += pass.sent;
            if pass.held + pass.retrying == 0
                && self
                    .count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                    .await
                    == 0
            {
                break;
            }
            self.clock().advance(chrono::Duration::seconds(5));
        }
        sent
    }

    /// Runs a job through the real scheduler code as if at `at` (the clock is set there), then
    /// delivers what it queued.
    pub async fn run_job(&self, job: momentum::jobs::Job, at: &str) -> momentum::jobs::JobReport {
        let at: DateTime<Utc> = at.parse().unwrap();
        self.clock().set(at);
        let report = momentum::jobs::run(&self.state, job, at).await.unwrap();
        self.drain_all().await;
        self.clock().set(at);
        report
    }

    /// Everything posted to `channel` (a channel id, or a user id for a DM), as JSON text.
    pub async fn posts_to(&self, channel: &str) -> Vec<String> {
        self.posted()
            .await
            .iter()
            .filter(|p| p["channel"] == channel)
            .map(|p| p.to_string())
            .collect()
    }

    /// The `chat.postMessage` bodies the fake Slack received, in order.
    pub async fn posted(&self) -> Vec<Value> {
        self.bodies_to("/chat.postMessage").await
    }

    /// The requests the fake Slack received at `path`, in order.
    pub async fn requests_to(&self, path: &str) -> Vec<wiremock::Request> {
        let mut all = self.slack.received_requests().await.unwrap_or_default();
        all.retain(|r| r.url.path() == path);
        all
    }

    /// The JSON bodies the fake Slack received at `path`, in order.
    pub async fn bodies_to(&self, path: &str) -> Vec<Value> {
        self.requests_to(path)
            .await
            .iter()
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect()
    }
}

/// Presses a button on one of Momentum's messages, as `user` (a signed `block_actions`).
pub async fn press_button(app: &TestApp, user: &str, action: &str, value: &str) -> StatusCode {
    let payload = include_str!("../fixtures/block_actions.json")
        .replace("USER_ID", user)
        .replace("ACTION_ID", action)
        .replace("VALUE", value);
    let body = serde_urlencoded::to_string([("payload", payload)]).unwrap();
    let request = signed_post("/slack/interactions", FORM, body);
    app.send(request).await.0
}

pub async fn mount_user(slack: &MockServer, user: Option<&str>, tz: &str, is_admin: bool) {
    let mut mock = Mock::given(method("GET")).and(path("/users.info"));
    if let Some(u) = user {
        mock = mock.and(wiremock::matchers::query_param("user", u));
    }
    // U0JANE is called "Jane", and so on.
    let name = user.map_or("Someone".to_owned(), |u| {
        let base = u.trim_start_matches("U0").to_lowercase();
        base[..1].to_uppercase() + &base[1..]
    });
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "ok": true,
        "user": { "id": user.unwrap_or("U0ANY"), "team_id": TEAM, "name": "someone", "tz": tz,
                  "tz_offset": -18000, "is_admin": is_admin, "is_bot": false, "deleted": false,
                  "profile": { "display_name": name, "real_name": format!("{name} Example") } }
    })))
    .mount(slack)
    .await;
}

/// Makes `user` a Slack workspace admin in New York, over any mock mounted for everyone.
pub async fn mount_admin(slack: &MockServer, user: &str) {
    mount_person(slack, user, json!({ "is_admin": true })).await
}

/// Makes `user` a bot (`is_bot`), over any mock mounted for everyone.
pub async fn mount_bot(slack: &MockServer, user: &str) {
    mount_person(slack, user, json!({ "is_bot": true })).await
}

/// Makes `user` a deactivated account, over any mock mounted for everyone.
pub async fn mount_deleted(slack: &MockServer, user: &str) {
    mount_person(slack, user, json!({ "deleted": true })).await
}

/// `users.info` for `user` in New York, with `flags` over the defaults (a person, no admin),
/// at a priority above the mocks for everyone.
async fn mount_person(slack: &MockServer, user: &str, flags: Value) {
    let mut person = json!({ "id": user, "team_id": TEAM, "name": "someone", "tz": "America/New_York",
        "tz_offset": -18000, "is_admin": false, "is_bot": false, "deleted": false,
        "profile": { "display_name": user, "real_name": user } });
    for (k, v) in flags.as_object().unwrap() {
        person[k] = v.clone();
    }
    Mock::given(method("GET"))
        .and(path("/users.info"))
        .and(wiremock::matchers::query_param("user", user))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "user": person })),
        )
        .with_priority(1)
        .mount(slack)
        .await;
}

pub fn post_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "ok": true, "channel": "D0DM", "ts": "1764000000.000100",
        "message": { "type": "message", "text": "sent", "user": "U0BOT", "ts": "1764000000.000100" }
    }))
}

pub async fn mount_update_ok(slack: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/chat.update"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channel": "C0GENERAL", "ts": "1764000000.000100",
            "message": { "text": "updated" }
        })))
        .mount(slack)
        .await;
}

/// The `chat.update` bodies the fake Slack received, in order, as JSON text.
pub async fn updates(slack: &MockServer) -> Vec<String> {
    slack
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/chat.update")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

pub async fn mount_post_ok(slack: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(LikeSlack)
        .mount(slack)
        .await;
}

/// `chat.postMessage` as the real Slack answers it: `invalid_blocks` when a Block Kit limit is
/// broken (written here independently of the app's own check), otherwise ok.
pub struct LikeSlack;

impl wiremock::Respond for LikeSlack {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        match block_kit_violation(&body) {
            Some(_) => ResponseTemplate::new(200)
                .set_body_json(json!({ "ok": false, "error": "invalid_blocks" })),
            None => post_ok(),
        }
    }
}

/// The first Block Kit limit a message body breaks, if any.
pub fn block_kit_violation(body: &Value) -> Option<String> {
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let blocks = body["blocks"].as_array().cloned().unwrap_or_default();
    if blocks.len() > 50 {
        return Some(format!("{} blocks", blocks.len()));
    }
    let button =
        |b: &Value| (len(&b["text"]["text"]) > 75).then(|| "button text over 75".to_owned());
    for b in &blocks {
        let broke = match b["type"].as_str() {
            Some("section") => {
                if len(&b["text"]["text"]) > 3000 {
                    Some("section text over 3000".to_owned())
                } else if len(&b["accessory"]["value"]) > 2000 {
                    Some("button value over 2000".to_owned())
                } else {
                    button(&b["accessory"])
                }
            }
            Some("header") => (len(&b["text"]["text"]) > 150).then(|| "header over 150".into()),
            Some("context") => {
                let n = b["elements"].as_array().map_or(0, Vec::len);
                (n > 10).then(|| format!("{n} context elements"))
            }
            Some("actions") => b["elements"].as_array().and_then(|es| {
                es.iter().find_map(|e| {
                    (len(&e["value"]) > 2000)
                        .then(|| "button value over 2000".to_owned())
                        .or_else(|| button(e))
                })
            }),
            _ => None,
        };
        if broke.is_some() {
            return broke;
        }
    }
    None
}

pub fn now_ts() -> i64 {
    Utc::now().timestamp()
}

pub fn slash_body(user: &str, command: &str, text: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "deprecated"),
        ("team_id", TEAM),
        ("team_domain", "acme"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", command),
        ("text", text),
        ("api_app_id", "A0APP"),
        (
            "response_url",
            "https://hooks.slack.com/commands/T0TEAM/1/abc",
        ),
        ("trigger_id", "1.2.abc"),
    ])
    .unwrap()
}

/// `v0=` + hex HMAC-SHA256 of `v0:{ts}:{body}` — what Slack sends.
pub fn signature(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v0={hex}")
}

/// A POST to `path` signed now, as Slack signs it.
pub fn signed_post(path: &str, content_type: &str, body: String) -> Request<Body> {
    let ts = now_ts();
    Request::post(path)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature(SECRET, ts, &body))
        .body(Body::from(body))
        .unwrap()
}

pub fn signed(body: &str, ts: i64) -> Request<Body> {
    request_with(
        body,
        Some(ts.to_string()),
        Some(signature(SECRET, ts, body)),
    )
}

pub fn request_with(body: &str, ts: Option<String>, sig: Option<String>) -> Request<Body> {
    let mut builder = Request::post("/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(ts) = ts {
        builder = builder.header("x-slack-request-timestamp", ts);
    }
    if let Some(sig) = sig {
        builder = builder.header("x-slack-signature", sig);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

pub async fn wait_for_tz(app: &TestApp, user: &str) {
    // Generous: the background lookup waits its turn behind others on a busy machine; the wait
    // ends as soon as the zone is stored.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        let tz: Option<String> =
            momentum::store::sql::query_scalar("SELECT tz FROM members WHERE user_id = ?")
                .bind(user)
                .scalar_optional(app.state.db.reader())
                .await
                .unwrap()
                .flatten();
        if tz.is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the profile of {user} was never fetched");
}

/// Another connection (a backup, a `sqlite3` shell) takes the write lock and means to keep it
/// for 10 s; it lets go when `release` fires.
pub async fn hold_the_write_lock(app: &TestApp) -> tokio::sync::oneshot::Sender<()> {
    use sqlx::Connection;
    if pg::on_postgres() {
        let mut other = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
        sqlx::Executor::execute(
            &mut other,
            format!(
                "BEGIN; SELECT pg_advisory_xact_lock({})",
                momentum::store::WRITE_LOCK
            )
            .as_str(),
        )
        .await
        .unwrap();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), released).await;
            sqlx::Executor::execute(&mut other, "ROLLBACK")
                .await
                .unwrap();
        });
        return release;
    }
    let mut other = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
    momentum::store::sql::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), released).await;
        momentum::store::sql::query("ROLLBACK")
            .execute(&mut other)
            .await
            .unwrap();
    });
    release
}

/// Submits a form as `user`: `fields` are (block id, value), each block with one action of the same id.
pub async fn submit(
    app: &TestApp,
    user: &str,
    callback: &str,
    metadata: &str,
    fields: &[(&str, Value)],
) -> (StatusCode, Value) {
    let mut values = serde_json::Map::new();
    for (id, v) in fields {
        values.insert((*id).to_owned(), json!({ *id: v }));
    }
    let payload = include_str!("../fixtures/view_submission.json")
        .replace("USER_ID", user)
        .replace("CALLBACK", callback)
        .replace("METADATA", metadata)
        .replace("STATE", &Value::Object(values).to_string());
    let body = serde_urlencoded::to_string([("payload", payload)]).unwrap();
    let request = signed_post("/slack/interactions", FORM, body);
    let (status, body) = app.send(request).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Opens `user`'s Home tab (a signed `app_home_opened` with its own event id) and returns the
/// view Momentum published.
pub async fn open_home(app: &TestApp, user: &str) -> Value {
    Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "view": { "id": "V0HOME", "team_id": TEAM, "type": "home", "blocks": [], "hash": "1764000000.abc",
                      "private_metadata": "", "callback_id": "", "state": { "values": {} }, "app_id": "A0APP" }
        })))
        .mount(&app.slack)
        .await;
    let event = include_str!("../fixtures/app_home_opened.json")
        .replace("U0JANE", user)
        .replace("Ev0HOME1", &format!("Ev0HOME{user}{}", now_ts()));
    let request = signed_post("/slack/events", "application/json", event);
    assert_eq!(app.send(request).await.0, StatusCode::OK);
    app.drain_all().await;
    app.slack
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .rev()
        .filter(|r| r.url.path() == "/views.publish")
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .find(|v| v["user_id"] == user)
        .expect("a published home view")
}

/// A port nothing listens on yet.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request to a local port over a plain socket; the raw response (`None` when
/// nothing listens there).
pub fn http(port: u16, request: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    Some(out)
}

/// A signed slash command as raw HTTP, for a real `momentum serve` process.
pub fn raw_command(user: &str, command: &str, text: &str) -> String {
    let body = slash_body(user, command, text);
    let ts = now_ts();
    format!(
        "POST /slack/commands HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {}\r\n\r\n{body}",
        body.len(),
        signature(SECRET, ts, &body)
    )
}
