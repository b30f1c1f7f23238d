//! Events and buttons: the App Home tab, retries processed once, kudos and snoozes.
use crate::common::*;
use axum::http::StatusCode;
use momentum::jobs::Job;

fn signed_post(
    path: &str,
    content_type: &str,
    body: &str,
    retry: Option<&str>,
) -> axum::http::Request<axum::body::Body> {
    let ts = now_ts();
    let mut builder = axum::http::Request::post(path)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature(SECRET, ts, body));
    if let Some(n) = retry {
        builder = builder
            .header("x-slack-retry-num", n)
            .header("x-slack-retry-reason", "http_timeout");
    }
    builder
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}

fn button_press(user: &str, action: &str, value: &str) -> String {
    let payload = include_str!("fixtures/block_actions.json")
        .replace("USER_ID", user)
        .replace("ACTION_ID", action)
        .replace("VALUE", value);
    serde_urlencoded::to_string([("payload", payload)]).unwrap()
}

fn published(app_posts: &[wiremock::Request]) -> Vec<serde_json::Value> {
    app_posts
        .iter()
        .filter(|r| r.url.path() == "/views.publish")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

async fn mount_publish_ok(app: &TestApp) {
    use wiremock::matchers::{method, path};
    wiremock::Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "ok": true,
            "view": { "id": "V0HOME", "team_id": "T0TEAM", "type": "home", "blocks": [], "hash": "1764000000.abc",
                      "private_metadata": "", "callback_id": "", "state": { "values": {} }, "app_id": "A0APP" }
        })))
        .mount(&app.slack)
        .await;
}

#[tokio::test]
async fn an_event_delivered_three_times_is_processed_once() {
    let app = TestApp::spawn().await;
    mount_publish_ok(&app).await;
    let event = include_str!("fixtures/app_home_opened.json");
    for retry in [None, Some("1"), Some("2")] {
        let (status, _) = app
            .send(signed_post(
                "/slack/events",
                "application/json",
                event,
                retry,
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    app.drain_all().await;
    let requests = app.slack.received_requests().await.unwrap();
    assert_eq!(published(&requests).len(), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM slack_events").await, 1);
}

#[tokio::test]
async fn the_home_tab_shows_the_members_week() {
    let app = TestApp::spawn().await;
    mount_publish_ok(&app).await;
    app.reply("U0JANE", "/win", "Jane Doe at Acme accepted my invite")
        .await;
    app.wait_for_tz("U0JANE").await;
    app.reply("U0JANE", "/win", "booked a demo with Globex")
        .await;
    app.reply("U0JANE", "/touch", "Ann Lee @ Initech phone replied")
        .await;
    app.reply("U0JANE", "/touch", "Bob Ray email no_answer")
        .await;
    app.reply("U0JANE", "/targets", "add Cy Dee @ Hooli").await;
    app.reply("U0JANE", "/block", "done 20 dials 2 convos")
        .await;
    let event = include_str!("fixtures/app_home_opened.json");
    app.send(signed_post(
        "/slack/events",
        "application/json",
        event,
        None,
    ))
    .await;
    app.drain_all().await;
    let requests = app.slack.received_requests().await.unwrap();
    let views = published(&requests);
    assert_eq!(views.len(), 1);
    insta::assert_json_snapshot!("home_tab", views[0]);
}

#[tokio::test]
async fn the_home_tab_lists_the_five_most_overdue_targets_of_many() {
    let app = TestApp::spawn().await;
    let at = |s: &str| app.clock().set(s.parse().unwrap());
    at("2026-11-09T15:00:00Z");
    app.reply("U0JANE", "/touch", "Ann Able phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ben Bell phone no_answer")
        .await;
    at("2026-11-12T15:00:00Z");
    app.reply("U0JANE", "/touch", "Cy Cole phone no_answer")
        .await;
    at("2026-11-16T15:00:00Z");
    app.reply("U0JANE", "/touch", "Di Dunn phone no_answer")
        .await;
    at("2026-11-20T15:00:00Z");
    // Touched three days ago: not due yet, never listed.
    app.reply("U0JANE", "/touch", "Ola Ode phone no_answer")
        .await;
    for name in ["Eve East", "Fay Ford", "Gus Gale"] {
        app.reply("U0JANE", "/targets", &format!("add {name}"))
            .await;
    }
    // Answered: no longer prospected, never listed.
    app.reply("U0JANE", "/touch", "Hal Hunt phone talked").await;
    app.clock().set(monday_afternoon());
    let home = open_home(&app, "U0JANE").await.to_string();
    assert!(home.contains("Targets due or overdue* (7)"), "{home}");
    let shown: Vec<&str> = [
        "Ann Able", "Ben Bell", "Cy Cole", "Di Dunn", "Eve East", "Fay Ford", "Gus Gale",
        "Ola Ode", "Hal Hunt",
    ]
    .into_iter()
    .filter(|n| home.contains(n))
    .collect();
    assert_eq!(
        shown,
        ["Ann Able", "Ben Bell", "Cy Cole", "Di Dunn", "Eve East"]
    );
    let position = |n: &str| home.find(n).unwrap();
    assert!(
        position("Ann Able") < position("Cy Cole") && position("Cy Cole") < position("Di Dunn")
    );
    assert!(home.contains("…and 2 more in `/targets`"), "{home}");
}

#[tokio::test]
async fn the_celebrate_button_counts_one_kudos_per_person_per_win() {
    let app = TestApp::spawn().await;
    mount_admin(&app.slack, "U0ADMIN").await;
    app.join_team("U0BOSS", &["U0JANE"]).await;
    app.reply("U0ADMIN", "/momentum", "channel <#C0WINS|wins>")
        .await;
    app.reply("U0JANE", "/win", "Jane Doe at Acme accepted my invite")
        .await;
    app.reply("U0CARL", "/win", "Carl's own win, between Jane's two")
        .await;
    app.reply("U0JANE", "/win", "Bob replied").await;
    app.run_job(Job::Shoutouts, "2026-11-23T16:00:00Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    let value = post
        .split("\"value\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        value, "1-3",
        "a short value: Jane's first and last win in the post"
    );
    for _ in 0..3 {
        assert_eq!(
            press_button(&app, "U0BOB", "celebrate", &value).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM kudos").await,
        2,
        "a double click counts once, and Carl's win in between is not Jane's"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM kudos WHERE win_id = 2")
            .await,
        0
    );
    press_button(&app, "U0BOSS", "celebrate", &value).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM kudos").await, 4);
    press_button(&app, "U0JANE", "celebrate", &value).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM kudos").await,
        4,
        "no kudos to yourself"
    );
}

#[tokio::test]
async fn snooze_a_day_skips_the_next_nudge() {
    let app = TestApp::spawn().await;
    app.clock().set("2026-11-18T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "a connection accepted").await;
    app.wait_for_tz("U0JANE").await;
    app.run_job(Job::Nudges, "2026-11-23T15:00:10Z").await;
    let dm = app.posts_to("U0JANE").await;
    assert_eq!(dm.len(), 1);
    assert!(dm[0].contains("snooze_day"), "{}", dm[0]);
    assert_eq!(
        press_button(&app, "U0JANE", "snooze_day", "1").await,
        StatusCode::OK
    );
    assert_eq!(
        press_button(&app, "U0JANE", "snooze_day", "1").await,
        StatusCode::OK
    );
    app.run_job(Job::Nudges, "2026-11-24T15:00:10Z").await;
    assert_eq!(app.posts_to("U0JANE").await.len(), 1, "snoozed on Tuesday");
    app.run_job(Job::Nudges, "2026-11-25T15:00:10Z").await;
    assert_eq!(app.posts_to("U0JANE").await.len(), 2, "back on Wednesday");
}

#[tokio::test]
async fn unsigned_or_malformed_interactions_change_nothing() {
    let app = TestApp::spawn().await;
    let body = button_press("U0BOB", "snooze_day", "1");
    let unsigned = axum::http::Request::post("/slack/interactions")
        .body(axum::body::Body::from(body))
        .unwrap();
    assert_eq!(app.send(unsigned).await.0, StatusCode::UNAUTHORIZED);
    let bad = signed_post(
        "/slack/interactions",
        "application/x-www-form-urlencoded",
        "payload=%7Bnope",
        None,
    );
    assert_eq!(app.send(bad).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE snoozed_until IS NOT NULL")
            .await,
        0
    );
}
