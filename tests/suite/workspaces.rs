//! Many workspaces: "Add to Slack" end to end through the real router and a fake Slack, each
//! workspace served with its own token, and a workspace leaving (uninstall, revoked token).

use crate::common::{TestApp, post_ok};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use momentum::jobs::Job;
use serde_json::{Value, json};
use tower::ServiceExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// What a browser sees for a GET: status, Location, Set-Cookie and the page.
struct Page {
    status: StatusCode,
    location: String,
    cookie: String,
    body: String,
}

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>) -> Page {
    let sent: Vec<(header::HeaderName, &str)> =
        cookie.into_iter().map(|c| (header::COOKIE, c)).collect();
    let (status, headers, body) = app.get(uri, &sent).await;
    let text = |name| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    Page {
        status,
        location: text(header::LOCATION),
        cookie: text(header::SET_COOKIE),
        body,
    }
}

/// The `state` of an authorize URL and the cookie that carries it.
fn state_and_cookie(install: &Page) -> (String, String) {
    let query = install.location.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let state = pairs.iter().find(|(k, _)| k == "state").unwrap().1.clone();
    let cookie = install.cookie.split(';').next().unwrap().to_owned();
    (state, cookie)
}

/// Slack's answer to `oauth.v2.access` for `code`: workspace `team` with bot token `token`.
async fn slack_grants(app: &TestApp, code: &str, team: &str, name: &str, token: &str) {
    Mock::given(method("GET"))
        .and(path("/oauth.v2.access"))
        .and(query_param("code", code))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "app_id": "A0APP", "access_token": token, "token_type": "bot",
            "scope": "commands,chat:write,chat:write.public,users:read", "bot_user_id": "U0BOT",
            "team": { "id": team, "name": name }, "enterprise": null,
            "is_enterprise_install": false, "authed_user": { "id": "U0ADMIN" }
        })))
        .mount(&app.slack)
        .await;
}

/// Installs Momentum into `team` the way a browser does; returns the success page.
async fn add_to_slack(app: &TestApp, team: &str, name: &str, token: &str) -> Page {
    let code = format!("code-{token}");
    slack_grants(app, &code, team, name, token).await;
    let install = get(app, "/slack/install", None).await;
    let (state, cookie) = state_and_cookie(&install);
    let uri = format!("/slack/oauth/callback?code={code}&state={state}");
    get(app, &uri, Some(&cookie)).await
}

async fn exchanges(app: &TestApp) -> usize {
    app.requests_to("/oauth.v2.access").await.len()
}

/// (path, workspace the request was about, Authorization header) of every Web API call.
async fn calls(app: &TestApp) -> Vec<(String, String, String)> {
    app.slack
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() != "/oauth.v2.access")
        .map(|r| {
            let auth = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let about = match r.url.path() {
                "/users.info" => r
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "user")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default(),
                _ => serde_json::from_slice::<Value>(&r.body).unwrap()["channel"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            };
            (r.url.path().to_owned(), about, auth)
        })
        .collect()
}

/// A team in `team` with a rep, a celebration channel `C0{team}` and a win of the day.
/// The channels Momentum posted to, in order. Lookups such as `users.info` are left out: the
/// profile worker makes them in the background, whenever its turn comes.
async fn posted(app: &TestApp) -> Vec<String> {
    calls(app)
        .await
        .into_iter()
        .filter(|(path, _, _)| path == "/chat.postMessage")
        .map(|(_, channel, _)| channel)
        .collect()
}

async fn a_team_with_a_win(app: &TestApp, team: &str) {
    // The installer (an admin of the workspace for Momentum) puts the rep on their team.
    let boss = "U0ADMIN";
    let rep = format!("U0{team}REP");
    app.command_from(team, boss, "/momentum", &format!("team add <@{rep}>"))
        .await;
    app.command_from(
        team,
        boss,
        "/momentum",
        &format!("channel <#C0{team}|wins>"),
    )
    .await;
    let reply = app
        .command_from(team, &rep, "/win", "booked a demo with Initech")
        .await;
    assert!(
        reply["text"].as_str().unwrap().contains("Logged"),
        "{reply}"
    );
}

fn uninstalled(team: &str, event_id: &str) -> Value {
    json!({ "token": "x", "team_id": team, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": event_id, "event_time": 1764000000,
            "event": { "type": "app_uninstalled", "event_ts": "1764000000.000100" } })
}

#[tokio::test]
async fn add_to_slack_sends_the_admin_to_slack_with_the_manifests_scopes_and_a_signed_state() {
    let app = TestApp::spawn_installable().await;
    let install = get(&app, "/slack/install", None).await;
    assert_eq!(install.status, StatusCode::FOUND);
    let (base, query) = install.location.split_once('?').unwrap();
    assert_eq!(base, "https://slack.com/oauth/v2/authorize");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let param = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(param("client_id"), Some("111.222"));
    assert_eq!(
        param("scope"),
        Some("commands,chat:write,chat:write.public,users:read,files:write")
    );
    assert_eq!(
        param("redirect_uri"),
        Some("https://momentum.example.com/slack/oauth/callback")
    );
    let state = param("state").unwrap();
    assert!(
        install
            .cookie
            .starts_with(&format!("momentum_oauth_state={state};")),
        "{}",
        install.cookie
    );
    assert!(install.cookie.contains("HttpOnly") && install.cookie.contains("Secure"));
}

#[tokio::test]
async fn the_callback_stores_the_workspace_with_its_token_encrypted_and_says_what_to_try() {
    let app = TestApp::spawn_installable().await;
    let done = add_to_slack(&app, "T0ACME", "Acme <Sales>", "xoxb-acme-secret-1").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body
            .contains("Momentum is installed in Acme &lt;Sales&gt;"),
        "{}",
        done.body
    );
    assert!(done.body.contains("/momentum team add"), "{}", done.body);

    let stored: (String, String, String, String) = momentum::store::sql::query_as(
        "SELECT team_name, bot_user_id, installed_by, bot_token FROM installations WHERE team_id = 'T0ACME'",
    )
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(
        (stored.0.as_str(), stored.1.as_str(), stored.2.as_str()),
        ("Acme <Sales>", "U0BOT", "U0ADMIN")
    );
    let key = momentum::crypto::TokenKey::from_hex(crate::common::TOKEN_KEY).unwrap();
    assert!(
        stored.3.starts_with(&format!("v2.{}.", key.id())),
        "sealed, naming its key: {}",
        stored.3
    );
    assert!(!stored.3.contains("xoxb"), "{}", stored.3);

    // Nowhere in the database files is the token in plaintext.
    if app.db_url.starts_with("sqlite:") {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(app.dir.path()).unwrap() {
            bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        let needle = b"xoxb-acme-secret-1";
        assert!(bytes.len() > 10_000, "the database files were read");
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    } else {
        let dump: String = momentum::store::sql::query_scalar(
            "SELECT string_agg(i::text, ' ') FROM installations i",
        )
        .scalar_one(app.state.db.reader())
        .await
        .unwrap();
        assert!(!dump.contains("xoxb"), "{dump}");
    }

    // Installing again (a new token) updates the row.
    add_to_slack(&app, "T0ACME", "Acme", "xoxb-acme-secret-2").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM installations").await, 1);
    app.command_from("T0ACME", "U0JANE", "/win", "reinstalled")
        .await;
    let token = app.state.bot_token("T0ACME").await.unwrap().unwrap();
    assert_eq!(token.expose(), "xoxb-acme-secret-2");
}

#[tokio::test]
async fn a_forged_replayed_expired_or_foreign_state_is_refused_and_stores_nothing() {
    let app = TestApp::spawn_installable().await;
    slack_grants(&app, "c1", "T0ACME", "Acme", "xoxb-acme").await;
    let install = get(&app, "/slack/install", None).await;
    let (state, cookie) = state_and_cookie(&install);

    // Forged: the signature does not match.
    let (body, _) = state.rsplit_once('.').unwrap();
    let forged = format!("{body}.{}", "0".repeat(64));
    let forged_cookie = format!("momentum_oauth_state={forged}");
    let page = get(
        &app,
        &format!("/slack/oauth/callback?code=c1&state={forged}"),
        Some(&forged_cookie),
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("expired or was already used"),
        "{}",
        page.body
    );

    // A valid state from another browser (no cookie, or another install's cookie).
    let uri = format!("/slack/oauth/callback?code=c1&state={state}");
    assert_eq!(get(&app, &uri, None).await.status, StatusCode::BAD_REQUEST);
    let other = state_and_cookie(&get(&app, "/slack/install", None).await).1;
    assert_eq!(
        get(&app, &uri, Some(&other)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(exchanges(&app).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM installations").await, 0);

    // Used once, then replayed.
    assert_eq!(get(&app, &uri, Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM installations").await, 1);
    let replay = get(&app, &uri, Some(&cookie)).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(exchanges(&app).await, 1);

    // Expired: eleven minutes after the install link was made.
    let late = get(&app, "/slack/install", None).await;
    let (state, cookie) = state_and_cookie(&late);
    app.clock().advance(chrono::Duration::minutes(11));
    slack_grants(&app, "c2", "T0GLOBEX", "Globex", "xoxb-globex").await;
    let uri = format!("/slack/oauth/callback?code=c2&state={state}");
    assert_eq!(
        get(&app, &uri, Some(&cookie)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(exchanges(&app).await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM installations").await, 1);

    // A cancelled install says so.
    let cancelled = get(
        &app,
        "/slack/oauth/callback?error=access_denied&state=x",
        None,
    )
    .await;
    assert!(cancelled.body.contains("cancelled"), "{}", cancelled.body);
}

#[tokio::test]
async fn each_workspaces_messages_and_lookups_use_its_own_token() {
    let app = TestApp::spawn_installable().await;
    acme_and_globex_each_with_a_win(&app).await;
    app.run_job(Job::Shoutouts, "2026-11-23T16:00:30Z").await;
    app.run_job(Job::Nudges, "2026-11-25T15:00:30Z").await;

    let calls = calls(&app).await;
    let shouts: Vec<_> = calls
        .iter()
        .filter(|(p, about, _)| p == "/chat.postMessage" && about.starts_with("C0T0"))
        .collect();
    assert_eq!(shouts.len(), 2, "{calls:?}");
    let mut seen_acme = 0;
    let mut seen_globex = 0;
    for (path, about, auth) in &calls {
        // Channel ids and user ids in these teams name their workspace.
        if about.contains("T0ACME") {
            assert_eq!(auth, "Bearer xoxb-acme", "{path} {about}");
            seen_acme += 1;
        } else if about.contains("T0GLOBEX") {
            assert_eq!(auth, "Bearer xoxb-globex", "{path} {about}");
            seen_globex += 1;
        }
    }
    // The shout-out, and the profile lookups of the boss and the rep at least.
    assert!(seen_acme >= 3 && seen_globex >= 3, "{calls:?}");
    assert!(calls.iter().any(|(p, _, _)| p == "/users.info"));
}

#[tokio::test]
async fn uninstalling_cancels_that_workspaces_messages_and_stops_its_jobs_but_not_the_others() {
    let app = TestApp::spawn_installable().await;
    acme_and_globex_each_with_a_win(&app).await;
    app.drain_all().await;
    app.slack.reset().await;
    crate::common::mount_user(&app.slack, None, "America/New_York", false).await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(post_ok())
        .mount(&app.slack)
        .await;

    // The shout-outs are queued; Acme uninstalls before they go out.
    let at: chrono::DateTime<chrono::Utc> = "2026-11-23T16:00:30Z".parse().unwrap();
    app.clock().set(at);
    let report = momentum::jobs::run(&app.state, Job::Shoutouts, at)
        .await
        .unwrap();
    assert_eq!(report.queued, 2);
    assert_eq!(
        app.event(&uninstalled("T0ACME", "Ev0BYE")).await,
        StatusCode::OK
    );
    // Slack retries the event: nothing changes.
    assert_eq!(
        app.event(&uninstalled("T0ACME", "Ev0BYE")).await,
        StatusCode::OK
    );
    app.drain_all().await;

    let sent = posted(&app).await;
    assert_eq!(sent, ["C0T0GLOBEX"]);
    let cancelled: String = momentum::store::sql::query_scalar(
        "SELECT last_error FROM outbox WHERE team_id = 'T0ACME' AND status = 'failed'",
    )
    .scalar_one(app.state.db.reader())
    .await
    .unwrap();
    assert!(cancelled.starts_with("cancelled"), "{cancelled}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM installations WHERE team_id = 'T0ACME' AND bot_token IS NULL AND left_at IS NOT NULL").await,
        1
    );
    assert!(app.state.bot_token("T0ACME").await.unwrap().is_none());

    // The next day, only Globex is celebrated; Acme's data is still there.
    app.command_from("T0ACME", "U0T0ACMEREP", "/win", "a late one")
        .await;
    app.command_from("T0GLOBEX", "U0T0GLOBEXREP", "/win", "another")
        .await;
    let report = app.run_job(Job::Shoutouts, "2026-11-24T16:00:30Z").await;
    assert_eq!(report.queued, 1);
    let sent = posted(&app).await;
    assert_eq!(sent, ["C0T0GLOBEX", "C0T0GLOBEX"]);
    let acme_wins = "SELECT COUNT(*) FROM wins WHERE team_id = 'T0ACME'";
    assert_eq!(app.count(acme_wins).await, 2);

    // Thirty days on, housekeeping deletes Acme's data, and only Acme's.
    let later = "2026-12-23T15:00:00Z".parse().unwrap();
    app.clock().set(later);
    momentum::jobs::housekeeping(&app.state, later).await;
    assert_eq!(app.count(acme_wins).await, 2, "kept for 30 days");
    let later = "2026-12-23T17:00:00Z".parse().unwrap();
    app.clock().set(later);
    momentum::jobs::housekeeping(&app.state, later).await;
    for table in ["wins", "members", "teams", "outbox", "installations"] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE team_id = 'T0ACME'");
        assert_eq!(app.count(&sql).await, 0, "{table}");
    }
    let globex = "SELECT COUNT(*) FROM wins WHERE team_id = 'T0GLOBEX'";
    assert_eq!(app.count(globex).await, 2);
}

#[tokio::test]
async fn a_revoked_bot_token_stops_the_workspace_but_a_revoked_user_token_does_not() {
    let app = TestApp::spawn().await;
    let revoked = |id: &str, tokens: Value| {
        json!({ "token": "x", "team_id": crate::common::TEAM, "api_app_id": "A0APP",
                "type": "event_callback", "event_id": id, "event_time": 1764000000,
                "event": { "type": "tokens_revoked", "tokens": tokens, "event_ts": "1" } })
    };
    let users_only = revoked("Ev0USER", json!({ "oauth": ["U0JANE"] }));
    assert_eq!(app.event(&users_only).await, StatusCode::OK);
    assert!(
        app.state
            .bot_token(crate::common::TEAM)
            .await
            .unwrap()
            .is_some()
    );

    let bot = revoked("Ev0BOT", json!({ "bot": ["U0BOT"] }));
    assert_eq!(app.event(&bot).await, StatusCode::OK);
    // Single-workspace mode: SLACK_BOT_TOKEN is no longer used for this workspace.
    assert!(
        app.state
            .bot_token(crate::common::TEAM)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn with_one_bot_token_add_to_slack_is_not_offered() {
    let app = TestApp::spawn().await;
    let page = get(&app, "/slack/install", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("SLACK_CLIENT_ID"), "{}", page.body);
}

#[tokio::test]
async fn a_changed_token_key_stops_start_up_with_a_clear_error() {
    let app = TestApp::spawn_installable().await;
    add_to_slack(&app, "T0ACME", "Acme", "xoxb-acme").await;
    let mut settings = crate::common::installable_settings(&app.slack.uri());
    let momentum::config::Workspaces::Installed(oauth) = &mut settings.workspaces else {
        unreachable!()
    };
    oauth.key = momentum::crypto::TokenKey::from_hex(&"ab".repeat(32)).unwrap();
    let clock = momentum::clock::Clock::fixed(crate::common::monday_afternoon());
    let Err(error) = momentum::startup::build_state(settings, &app.db_url, clock).await else {
        panic!("started with the wrong key");
    };
    let error = format!("{error:#}");
    assert!(
        error.contains("MOMENTUM_TOKEN_KEY does not decrypt"),
        "{error}"
    );
    assert!(!error.contains("xoxb"), "{error}");
}

#[tokio::test]
async fn momentum_forget_workspace_deletes_one_workspaces_data_at_once() {
    let app = TestApp::spawn_installable().await;
    acme_and_globex_each_with_a_win(&app).await;
    for team in ["T0ACME", "T0GLOBEX"] {
        let rep = format!("U0{team}REP");
        app.command_from(team, &rep, "/block", "calendar").await;
        app.command_from(team, &rep, "/momentum", "export").await;
    }
    // An export was being uploaded: its file is kept beside its outbox row.
    let export_row: i64 = app
        .count(
            "SELECT MIN(id) FROM outbox WHERE team_id = 'T0ACME' AND method = 'files.completeUploadExternal'",
        )
        .await;
    let part = momentum::store::files::NewPart {
        filename: "x.csv".into(),
        title: "x".into(),
        alt_txt: None,
        content: b"a,b".to_vec(),
    };
    app.state
        .db
        .write((export_row, vec![part]), |c, (id, parts)| {
            Box::pin(momentum::store::files::keep(c, *id, parts))
        })
        .await
        .unwrap();
    // Off the test's thread, so the app's own tasks (a profile being stored) keep running
    // and release the database while the command waits for it.
    let url = app.db_url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_momentum"))
            .args(["forget-workspace", "T0ACME"])
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("of workspace T0ACME"), "{said}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_files").await,
        0,
        "the file of the forgotten workspace's export"
    );
    for table in [
        "wins",
        "members",
        "teams",
        "installations",
        "feed_links",
        "outbox",
    ] {
        let acme = format!("SELECT COUNT(*) FROM {table} WHERE team_id = 'T0ACME'");
        let globex = format!("SELECT COUNT(*) FROM {table} WHERE team_id = 'T0GLOBEX'");
        assert_eq!(app.count(&acme).await, 0, "{table}");
        assert!(app.count(&globex).await > 0, "{table}");
    }
}

/// Acme and Globex install Momentum, and each has a team with a win today.
async fn acme_and_globex_each_with_a_win(app: &TestApp) {
    add_to_slack(app, "T0ACME", "Acme", "xoxb-acme").await;
    add_to_slack(app, "T0GLOBEX", "Globex", "xoxb-globex").await;
    a_team_with_a_win(app, "T0ACME").await;
    a_team_with_a_win(app, "T0GLOBEX").await;
}

/// Slack's answer to `auth.test` for the configured token: `ok` for workspace TEAM, or
/// `invalid_auth`.
async fn auth_test_answers(app: &TestApp, ok: bool) {
    let body = if ok {
        json!({ "ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "momentum",
                "team_id": crate::common::TEAM, "user_id": "U0BOT", "bot_id": "B0BOT" })
    } else {
        json!({ "ok": false, "error": "invalid_auth" })
    };
    Mock::given(path("/auth.test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(1)
        .mount(&app.slack)
        .await;
}

#[tokio::test]
async fn with_one_bot_token_an_uninstall_pauses_deletes_nothing_and_a_restart_whose_token_passes_resumes()
 {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/win", "booked a demo with Initech")
        .await;
    let at: chrono::DateTime<chrono::Utc> = "2026-11-23T16:00:30Z".parse().unwrap();
    app.clock().set(at);
    let report = momentum::jobs::run(&app.state, Job::Shoutouts, at)
        .await
        .unwrap();
    assert_eq!(report.queued, 1);
    assert_eq!(
        app.event(&uninstalled(crate::common::TEAM, "Ev0BYE")).await,
        StatusCode::OK
    );
    app.drain_all().await;
    assert!(app.posts_to("C0WINS").await.is_empty(), "paused");
    let held = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
    assert_eq!(app.count(held).await, 1, "held, not cancelled");

    // Past the retention period, nothing is deleted: the operator owns this database.
    let later = at + chrono::Duration::days(45);
    app.clock().set(later);
    momentum::jobs::housekeeping(&app.state, later).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE manager_id = 'U0BOSS'")
            .await,
        2
    );
    assert_eq!(app.count(held).await, 1);

    // A restart whose token Slack refuses stays paused.
    auth_test_answers(&app, false).await;
    let app = app.restart().await;
    app.drain_all().await;
    assert!(app.posts_to("C0WINS").await.is_empty(), "still paused");
    assert_eq!(app.requests_to("/auth.test").await.len(), 1);

    // The app is installed again and restarted with its token: everything resumes.
    auth_test_answers(&app, true).await;
    let app = app.restart().await;
    app.drain_all().await;
    let celebrated = app.posts_to("C0WINS").await;
    assert_eq!(celebrated.len(), 1, "{celebrated:?}");
    assert!(
        celebrated[0].contains("booked a demo with Initech"),
        "{celebrated:?}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM installations").await, 0);
    assert!(
        app.state
            .bot_token(crate::common::TEAM)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_scripted_loop_of_installs_from_one_address_is_slowed_to_429_but_others_get_through() {
    let app = TestApp::spawn_installable().await;
    let from =
        |ip: [u8; 4]| {
            let mut request = Request::get("/slack/install").body(Body::empty()).unwrap();
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from((ip, 5555)),
            ));
            request
        };
    for attempt in 0..momentum::http::INSTALL_BURST {
        let response = app
            .router
            .clone()
            .oneshot(from([198, 51, 100, 7]))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "attempt {attempt}");
    }
    let slowed = app
        .router
        .clone()
        .oneshot(from([198, 51, 100, 7]))
        .await
        .unwrap();
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = slowed.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&wait), "{wait}");
    // The callback shares the allowance: no code is exchanged with Slack past it.
    let mut callback = from([198, 51, 100, 7]);
    *callback.uri_mut() = "/slack/oauth/callback?code=c&state=s".parse().unwrap();
    let refused = app.router.clone().oneshot(callback).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(exchanges(&app).await, 0);
    // Someone else is not held up.
    let other = app
        .router
        .clone()
        .oneshot(from([203, 0, 113, 9]))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_rotated_token_key_opens_the_old_tokens_and_seals_them_again_at_start_up() {
    let app = TestApp::spawn_installable().await;
    add_to_slack(&app, "T0ACME", "Acme", "xoxb-acme-1").await;
    let old_key = momentum::crypto::TokenKey::from_hex(crate::common::TOKEN_KEY).unwrap();
    let new_key = momentum::crypto::TokenKey::from_hex(&"cd".repeat(32)).unwrap();
    let stored = || async {
        let token: String = momentum::store::sql::query_scalar(
            "SELECT bot_token FROM installations WHERE team_id = 'T0ACME'",
        )
        .scalar_one(app.state.db.reader())
        .await
        .unwrap();
        token
    };
    let sealed = stored().await;
    assert!(
        sealed.starts_with(&format!("v2.{}.", old_key.id())),
        "{sealed}"
    );
    let with_keys = |current: &momentum::crypto::TokenKey,
                     previous: Option<&momentum::crypto::TokenKey>| {
        let mut settings = crate::common::installable_settings(&app.slack.uri());
        let momentum::config::Workspaces::Installed(oauth) = &mut settings.workspaces else {
            unreachable!()
        };
        oauth.key = current.clone();
        oauth.previous_key = previous.cloned();
        settings
    };
    let clock = || momentum::clock::Clock::fixed(crate::common::monday_afternoon());

    // The new key alone does not open them: start-up stops and says what to do.
    let Err(error) =
        momentum::startup::build_state(with_keys(&new_key, None), &app.db_url, clock()).await
    else {
        panic!("started without the key that sealed the tokens");
    };
    assert!(
        format!("{error:#}").contains("MOMENTUM_TOKEN_KEY_PREVIOUS"),
        "{error:#}"
    );
    assert_eq!(stored().await, sealed, "nothing changed");

    // With the old key as the previous one, the tokens open and are sealed again.
    let rotated =
        momentum::startup::build_state(with_keys(&new_key, Some(&old_key)), &app.db_url, clock())
            .await
            .unwrap();
    let resealed = stored().await;
    assert!(
        resealed.starts_with(&format!("v2.{}.", new_key.id())),
        "{resealed}"
    );
    assert_eq!(
        rotated.bot_token("T0ACME").await.unwrap().unwrap().expose(),
        "xoxb-acme-1"
    );
    rotated.db.close().await;

    // From then on the new key alone is enough.
    let after = momentum::startup::build_state(with_keys(&new_key, None), &app.db_url, clock())
        .await
        .unwrap();
    assert_eq!(
        after.bot_token("T0ACME").await.unwrap().unwrap().expose(),
        "xoxb-acme-1"
    );
    after.db.close().await;
}
