//! Charts in Slack: the digest's picture of the week reaches the manager's DM right after the
//! digest, uploaded in Slack's three steps through the outbox — once, across failures and
//! restarts — and a workspace without `files:write` still gets its digest as text.
use crate::common::*;
use momentum::jobs::Job;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// `files.getUploadURLExternal` as Slack answers it: a new file id (F1, F2, …) and an upload
/// URL on the fake server for each call.
struct GrantUploads {
    base: String,
    next: Arc<AtomicUsize>,
}

impl Respond for GrantUploads {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "file_id": format!("F{n}"),
            "upload_url": format!("{}/upload/F{n}", self.base),
        }))
    }
}

/// `files.getUploadURLExternal` granting F1, F2, … on the fake server.
async fn mount_grants(slack: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/files.getUploadURLExternal"))
        .respond_with(GrantUploads {
            base: slack.uri(),
            next: Arc::new(AtomicUsize::new(0)),
        })
        .mount(slack)
        .await;
}

/// Runs Monday's digests, delivers the digest, then makes one attempt at its chart.
async fn digest_then_one_upload_attempt(app: &TestApp) {
    app.clock().set(NEXT_MONDAY.parse().unwrap());
    momentum::jobs::run(&app.state, Job::Digests, NEXT_MONDAY.parse().unwrap())
        .await
        .unwrap();
    app.drain().await;
    app.clock().advance(chrono::Duration::seconds(5));
    app.drain().await;
}

/// The app restarted on its database, with a fake Slack that now takes everything (and has
/// forgotten what it received), after delivering what is due.
async fn restarted_with_slack_back(app: TestApp) -> TestApp {
    let app = app.restart().await;
    app.slack.reset().await;
    mount_post_ok(&app.slack).await;
    mount_files(&app.slack).await;
    app.drain_all().await;
    app
}

/// Mounts the three upload steps, all succeeding.
pub async fn mount_files(slack: &MockServer) {
    mount_grants(slack).await;
    mount_upload(slack, ResponseTemplate::new(200).set_body_string("OK - 1")).await;
    Mock::given(method("POST"))
        .and(path("/files.completeUploadExternal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "files": [{ "id": "F1", "title": "chart" }]
        })))
        .mount(slack)
        .await;
}

async fn mount_upload(slack: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path_regex("^/upload/F[0-9]+$"))
        .respond_with(answer)
        .mount(slack)
        .await;
}

/// A query parameter of a request.
pub fn param(r: &Request, name: &str) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The width and height of a PNG, read by a decoder (which fails on anything else).
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(bytes).read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

/// Every request the fake Slack received, as "METHOD path", in order.
async fn calls(app: &TestApp) -> Vec<String> {
    app.slack
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .filter(|c| !c.ends_with("/users.info"))
        .collect()
}

/// Slack knows `user` as `name`, over the mock for everyone.
pub async fn mount_named(slack: &MockServer, user: &str, name: &str) {
    Mock::given(method("GET"))
        .and(path("/users.info"))
        .and(wiremock::matchers::query_param("user", user))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "user": {
            "id": user, "team_id": TEAM, "name": "someone", "tz": "America/New_York",
            "is_admin": false, "is_bot": false, "deleted": false,
            "profile": { "display_name": name, "real_name": name } } })),
        )
        .with_priority(1)
        .mount(slack)
        .await;
}

/// A team with a week of touches and goals, whose Monday digest is due. The reps' names are
/// read from Slack on Tuesday, when their day-old profiles are read again.
async fn a_week_of_work() -> TestApp {
    let app = TestApp::spawn_team().await;
    mount_named(&app.slack, "U0JANE", "Jane Doe").await;
    mount_named(&app.slack, "U0BOB", "Bob 🚀").await;
    app.reply("U0BOSS", "/momentum", "goals touches 10").await;
    app.clock().advance(chrono::Duration::hours(25));
    app.reply("U0JANE", "/touch", "Ann Lee @ Acme phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ben Ray email replied").await;
    app.reply("U0BOB", "/touch", "Cal Fox social no_answer")
        .await;
    let named = "SELECT COUNT(*) FROM members WHERE name IN ('Jane Doe', 'Bob 🚀')";
    for _ in 0..500 {
        if app.count(named).await == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(app.count(named).await, 2, "the profiles were read again");
    app.drain_all().await;
    app.slack.reset().await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    mount_post_ok(&app.slack).await;
    app
}

/// Monday 30 November, just past 08:00 in New York: the weekly digest is due.
const NEXT_MONDAY: &str = "2026-11-30T13:00:30Z";

#[tokio::test]
async fn the_weekly_digest_brings_a_chart_of_the_week_right_after_it() {
    let app = a_week_of_work().await;
    mount_files(&app.slack).await;
    app.run_job(Job::Digests, NEXT_MONDAY).await;

    assert_eq!(
        calls(&app).await,
        [
            "POST /chat.postMessage",
            "GET /files.getUploadURLExternal",
            "POST /upload/F1",
            "POST /files.completeUploadExternal",
        ]
    );
    let digest = &app.posted().await[0];
    assert_eq!(digest["channel"], "U0BOSS");

    let asked = &app.requests_to("/files.getUploadURLExternal").await[0];
    let alt = param(asked, "alt_txt").unwrap();
    assert!(
        alt.starts_with(
            "Touches per day · Mon 23 Nov – Sun 29 Nov, Your team (2 reps): Mon 23 0, Tue 24 3, Wed 25 0"
        ),
        "{alt}"
    );
    assert!(alt.contains("3 in all"), "{alt}");
    assert!(
        alt.ends_with("Goals: Bob 🚀 1/10 touches, Jane Doe 2/10 touches."),
        "named, never mentioned: {alt}"
    );
    assert_eq!(
        param(asked, "filename").as_deref(),
        Some("momentum-week.png")
    );

    let uploaded = &app.requests_to("/upload/F1").await[0];
    assert_eq!(
        param(asked, "length"),
        Some(uploaded.body.len().to_string()),
        "the length announced is the length sent"
    );
    let (width, height) = png_size(&uploaded.body);
    assert!(width >= 1200, "readable on a phone: {width} px wide");
    assert!(height > 600, "the days and a goal bar per rep: {height} px");

    let shared = &app.bodies_to("/files.completeUploadExternal").await[0];
    assert_eq!(
        shared["channel_id"], "D0DM",
        "into the digest's DM: {shared}"
    );
    assert_eq!(shared["files"][0]["id"], "F1");
    assert!(
        shared["files"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Mon 23 Nov – Sun 29 Nov"),
        "{shared}"
    );
    assert!(
        shared.get("thread_ts").is_none(),
        "just after the digest, not hidden in a thread"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_files").await,
        0,
        "the bytes are dropped once shared"
    );
}

#[tokio::test]
async fn a_restart_between_the_upload_steps_shares_the_chart_once() {
    let app = a_week_of_work().await;
    // Slack grants the upload URL, then its file servers fail.
    mount_grants(&app.slack).await;
    mount_upload(&app.slack, ResponseTemplate::new(503)).await;
    // The digest goes out; its chart's upload fails half-way.
    digest_then_one_upload_attempt(&app).await;
    assert_eq!(
        app.requests_to("/files.getUploadURLExternal").await.len(),
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_files WHERE file_id = 'F1' AND uploaded_at IS NULL")
            .await,
        1,
        "the grant is kept"
    );

    // The service restarts; Slack is back.
    let app = restarted_with_slack_back(app).await;

    assert_eq!(
        calls(&app).await,
        ["POST /upload/F1", "POST /files.completeUploadExternal"],
        "the kept upload URL is used, and nothing is posted twice"
    );
    let shared = &app.bodies_to("/files.completeUploadExternal").await[0];
    assert_eq!(shared["files"][0]["id"], "F1");
    assert_eq!(shared["channel_id"], "D0DM");
    assert_eq!(
        app.text_pairs(
            "SELECT method, status FROM outbox WHERE method = 'files.completeUploadExternal'"
        )
        .await,
        [("files.completeUploadExternal".to_owned(), "sent".to_owned())]
    );
}

#[tokio::test]
async fn an_expired_upload_url_is_asked_for_again() {
    let app = a_week_of_work().await;
    mount_grants(&app.slack).await;
    // The first URL has expired by the time the bytes arrive.
    Mock::given(method("POST"))
        .and(path("/upload/F1"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&app.slack)
        .await;
    mount_upload(&app.slack, ResponseTemplate::new(200).set_body_string("OK")).await;
    Mock::given(method("POST"))
        .and(path("/files.completeUploadExternal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "files": [] })))
        .mount(&app.slack)
        .await;
    app.run_job(Job::Digests, NEXT_MONDAY).await;

    assert_eq!(
        calls(&app).await,
        [
            "POST /chat.postMessage",
            "GET /files.getUploadURLExternal",
            "POST /upload/F1",
            "GET /files.getUploadURLExternal",
            "POST /upload/F2",
            "POST /files.completeUploadExternal",
        ]
    );
    let shared = &app.bodies_to("/files.completeUploadExternal").await[0];
    assert_eq!(
        shared["files"],
        json!([{ "id": "F2", "title": shared["files"][0]["title"] }])
    );
}

#[tokio::test]
async fn without_files_write_the_digest_arrives_as_text_and_the_chart_is_dropped_for_good() {
    let app = a_week_of_work().await;
    Mock::given(method("GET"))
        .and(path("/files.getUploadURLExternal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "ok": false, "error": "missing_scope", "needed": "files:write" }),
        ))
        .mount(&app.slack)
        .await;
    app.run_job(Job::Digests, NEXT_MONDAY).await;
    // Hours later, nothing has been tried again.
    app.clock().advance(chrono::Duration::hours(3));
    app.drain_all().await;

    let digest = &app.posted().await;
    assert_eq!(digest.len(), 1);
    assert!(
        digest[0].to_string().contains("Team digest"),
        "{}",
        digest[0]
    );
    assert_eq!(
        app.requests_to("/files.getUploadURLExternal").await.len(),
        1
    );
    let (status, error): (String, String) = sqlx_row(
        &app,
        "SELECT status, last_error FROM outbox WHERE method = 'files.completeUploadExternal'",
    )
    .await;
    assert_eq!(
        (status.as_str(), error.as_str()),
        ("failed", "missing_scope")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_files").await, 0);
}

#[tokio::test]
async fn a_manager_without_reps_gets_no_chart() {
    let app = TestApp::spawn().await;
    app.reply("U0LONE", "/momentum", "digest").await;
    app.drain_all().await;
    assert_eq!(app.posts_to("U0LONE").await.len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE method = 'files.completeUploadExternal'")
            .await,
        0
    );
}

/// Two text columns of the one row `sql` selects.
async fn sqlx_row(app: &TestApp, sql: &str) -> (String, String) {
    let rows = app.text_pairs(sql).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0].clone()
}

#[tokio::test]
async fn the_blitz_results_bring_a_chart_in_their_thread_naming_no_private_rep() {
    let app = crate::blitz::blitz_team().await;
    mount_files(&app.slack).await;
    app.reply("U0BOB", "/momentum", "private").await;
    app.reply("U0BOSS", "/blitz", "start 60m").await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;
    app.clock().set("2026-11-23T14:10:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Carl Cho phone meeting")
        .await;
    app.reply("U0JANE", "/touch", "Dee Finn phone no_answer")
        .await;
    app.reply("U0BOB", "/touch", "Ned Ortiz phone no_answer")
        .await;
    app.reply("U0BOSS", "/blitz", "end").await;
    app.drain_all().await;

    let results = app.posts_to("C0GENERAL").await;
    assert!(
        results.last().unwrap().contains("Blitz results"),
        "{results:?}"
    );
    let asked = &app.requests_to("/files.getUploadURLExternal").await;
    assert_eq!(asked.len(), 1);
    let alt = param(&asked[0], "alt_txt").unwrap();
    assert_eq!(
        alt,
        "Blitz results · 10 minutes: Jane 2 attempts, 1 response; a teammate 1 attempt, 0 responses."
    );
    let uploaded = &app.requests_to("/upload/F1").await[0];
    assert_eq!(png_size(&uploaded.body).0, momentum::files::chart::WIDTH);
    let shared = &app.bodies_to("/files.completeUploadExternal").await[0];
    assert_eq!(shared["channel_id"], "C0GENERAL");
    assert_eq!(
        shared["thread_ts"], "1764000000.000100",
        "in the results post's thread"
    );
}

#[tokio::test]
async fn a_restart_after_the_bytes_went_up_only_shares_them() {
    let app = a_week_of_work().await;
    mount_grants(&app.slack).await;
    mount_upload(&app.slack, ResponseTemplate::new(200).set_body_string("OK")).await;
    // The bytes go up; then Slack fails to share them.
    Mock::given(method("POST"))
        .and(path("/files.completeUploadExternal"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&app.slack)
        .await;
    digest_then_one_upload_attempt(&app).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_files WHERE uploaded_at IS NOT NULL")
            .await,
        1,
        "the upload is kept"
    );

    let app = restarted_with_slack_back(app).await;
    assert_eq!(
        calls(&app).await,
        ["POST /files.completeUploadExternal"],
        "no second URL, no second upload"
    );
    assert_eq!(
        app.bodies_to("/files.completeUploadExternal").await[0]["files"][0]["id"],
        "F1"
    );
}
