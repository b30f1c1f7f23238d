//! The outbox: every message is a committed row first, delivered once, through Slack outages,
//! rate limits and restarts.
use crate::common::*;
use momentum::clock::Clock;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

async fn outbox_row(app: &TestApp) -> (String, i64) {
    momentum::store::sql::query_as("SELECT status, attempts FROM outbox")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_welcome_dm_is_delivered_exactly_once_after_slack_answers_503_three_times() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream unavailable"))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&app.slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(post_ok())
        .with_priority(2)
        .mount(&app.slack)
        .await;

    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    assert_eq!(app.drain_all().await, 1);
    assert_eq!(
        app.posted().await.len(),
        4,
        "three refused attempts and one delivery"
    );
    assert_eq!(outbox_row(&app).await, ("sent".into(), 4));
    // Nothing is ever sent again.
    assert_eq!(app.drain_all().await, 0);
    assert_eq!(app.posted().await.len(), 4);
}

/// Answers 429 with `Retry-After: 2` first, then OK, noting when each call came.
struct RateLimitedOnce(Arc<Mutex<Vec<Instant>>>);

impl Respond for RateLimitedOnce {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut calls = self.0.lock().unwrap();
        calls.push(Instant::now());
        if calls.len() == 1 {
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "2")
                .set_body_json(serde_json::json!({"ok": false, "error": "ratelimited"}))
        } else {
            post_ok()
        }
    }
}

#[tokio::test]
async fn after_a_429_the_sender_waits_at_least_retry_after_before_trying_again() {
    let app = TestApp::spawn_bare(Clock::system()).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    let calls = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(RateLimitedOnce(calls.clone()))
        .mount(&app.slack)
        .await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sender = tokio::spawn(momentum::delivery::run(app.state.clone(), stopped));

    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while outbox_row(&app).await.0 != "sent" {
        assert!(Instant::now() < deadline, "not delivered in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    sender.await.unwrap();

    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    let waited = calls[1] - calls[0];
    assert!(
        waited >= Duration::from_secs(2),
        "retried after only {waited:?}"
    );
}

#[tokio::test]
async fn a_message_slack_refuses_for_good_is_given_up_not_retried() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"ok": false, "error": "channel_not_found"})),
        )
        .mount(&app.slack)
        .await;
    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    app.drain_all().await;
    assert_eq!(outbox_row(&app).await, ("failed".into(), 1));
    assert_eq!(app.posted().await.len(), 1);
}

#[tokio::test]
async fn messages_queued_while_slack_is_down_survive_a_restart_and_go_out_when_it_returns() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&app.slack)
        .await;
    app.reply("U0BOSS", "/momentum", "team add <@U0JANE> <@U0BOB>")
        .await;
    app.drain().await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .await,
        2
    );

    let app = app.restart().await;
    app.slack.reset().await;
    mount_post_ok(&app.slack).await;
    assert_eq!(app.drain_all().await, 2);
    let delivered: Vec<String> = app
        .posted()
        .await
        .iter()
        .map(|p| p["channel"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(delivered.len(), 2);
    assert!(delivered.contains(&"U0JANE".to_owned()) && delivered.contains(&"U0BOB".to_owned()));
}

#[tokio::test]
async fn housekeeping_forgets_old_sent_messages_but_keeps_pending_ones() {
    let app = TestApp::spawn().await;
    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    app.drain_all().await;
    app.reply("U0BOSS", "/momentum", "team add <@U0BOB>").await; // still pending
    momentum::jobs::housekeeping(&app.state, app.clock().now() + chrono::Duration::days(31)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .await,
        1
    );
}
