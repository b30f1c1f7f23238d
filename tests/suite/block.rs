//! `/block`: blocks are planned in the rep's own time zone, reported, listed and cancelled.
use crate::common::*;
use chrono::Duration;
use momentum::clock::Clock;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn starts_at(app: &TestApp) -> Vec<String> {
    let starts: Vec<chrono::DateTime<chrono::Utc>> = momentum::store::sql::query_scalar(
        "SELECT starts_at FROM blocks WHERE status = 'planned' ORDER BY id",
    )
    .scalar_all(app.state.db.reader())
    .await
    .unwrap();
    starts.into_iter().map(momentum::store::ts).collect()
}

#[tokio::test]
async fn a_block_is_planned_in_the_reps_own_time_zone() {
    let app = TestApp::spawn().await; // Slack says the rep is in New York; it is 09:00 there.
    let text = app.reply("U0JANE", "/block", "14:00 60m").await;
    assert!(
        text.contains("planned: today 14:00–15:00 (60 minutes, America/New_York)"),
        "{text}"
    );
    assert_eq!(starts_at(&app).await, ["2026-11-23T19:00:00.000Z"]);
    let text = app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    assert!(text.contains("tomorrow 09:30–10:15"), "{text}");
    assert_eq!(starts_at(&app).await[1], "2026-11-24T14:30:00.000Z");
}

#[tokio::test]
async fn a_time_that_has_passed_is_refused_with_a_hint() {
    let app = TestApp::spawn().await;
    let text = app.reply("U0JANE", "/block", "8:00 30m").await;
    assert!(text.contains("already passed"), "{text}");
    assert!(text.contains("/block tomorrow 08:00"), "{text}");
    assert!(starts_at(&app).await.is_empty());
}

#[tokio::test]
async fn overlapping_blocks_are_refused() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/block", "14:00 60m").await;
    let text = app.reply("U0JANE", "/block", "14:30 30m").await;
    assert!(text.contains("You already have block #1"), "{text}");
    assert_eq!(starts_at(&app).await.len(), 1);
}

#[tokio::test]
async fn results_are_recorded_on_the_block_just_finished() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/block", "now 45m").await;
    app.clock().advance(Duration::minutes(50));
    let text = app
        .reply(
            "U0JANE",
            "/block",
            "done 25 dials 8 emails 4 convos 2 meetings 1 callback 3 no",
        )
        .await;
    assert!(text.contains("Block #1 done"), "{text}");
    assert!(
        text.contains("25 dials · 8 emails · 4 conversations · 2 meetings · 1 call-back · 3 no's"),
        "{text}"
    );
    // (4 + 2 + 1) responses of 33 attempts.
    assert!(text.contains("21% of attempts got a response"), "{text}");
    let row: (String, i64, i64, i64) = momentum::store::sql::query_as(
        "SELECT status, dials, conversations, nos FROM blocks WHERE id = 1",
    )
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(row, ("done".into(), 25, 4, 3));
}

#[tokio::test]
async fn results_without_a_plan_are_kept_as_an_unplanned_block() {
    let app = TestApp::spawn().await;
    let text = app.reply("U0JANE", "/block", "done 10 dials 1 convo").await;
    assert!(text.contains("it wasn't planned"), "{text}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM blocks WHERE NOT planned AND status = 'done' AND dials = 10"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn planned_blocks_are_listed_and_cancelled() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/block", "14:00 60m").await;
    app.reply("U0JANE", "/block", "tomorrow 10:00 30m").await;
    let list = app.reply("U0JANE", "/block", "list").await;
    assert!(list.contains("#1 today 14:00–15:00"), "{list}");
    assert!(list.contains("#2 tomorrow 10:00–10:30"), "{list}");
    let text = app.reply("U0JANE", "/block", "cancel").await;
    assert!(text.contains("Cancelled block #1"), "{text}");
    let text = app.reply("U0BOB", "/block", "cancel 2").await;
    assert!(
        text.contains("no planned block #2"),
        "someone else's block is untouched: {text}"
    );
    assert_eq!(starts_at(&app).await.len(), 1);
}

#[tokio::test]
async fn when_slack_is_slow_the_team_time_zone_is_used() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    Mock::given(method("GET"))
        .and(path("/users.info"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)))
        .mount(&app.slack)
        .await;
    // Slack answers after 5 s: the reply could only be in the team's zone (UTC) if the
    // command stopped waiting for it (how fast it answers is the benchmark's business).
    let text = app.reply("U0JANE", "/block", "15:00 30m").await;
    assert!(text.contains("UTC"), "{text}");
    assert_eq!(starts_at(&app).await, ["2026-11-23T15:00:00.000Z"]);
}

#[tokio::test]
async fn a_time_skipped_by_daylight_saving_is_refused() {
    let app = TestApp::spawn_bare(Clock::fixed("2026-03-28T10:00:00Z".parse().unwrap())).await;
    mount_user(&app.slack, None, "Europe/Paris", false).await;
    let text = app.reply("U0JANE", "/block", "tomorrow 2:30 30m").await;
    assert!(text.contains("doesn't exist"), "{text}");
    let text = app.reply("U0JANE", "/block", "tomorrow 9:00 30m").await;
    assert!(text.contains("tomorrow 09:00–09:30"), "{text}");
    assert_eq!(starts_at(&app).await, ["2026-03-29T07:00:00.000Z"]);
}

#[tokio::test]
async fn nonsense_block_text_is_explained() {
    let app = TestApp::spawn().await;
    for text in ["whenever", "done lots", "14:00 9h", "cancel soon"] {
        let reply = app.reply("U0JANE", "/block", text).await;
        assert!(reply.contains("For example"), "{text}: {reply}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM blocks").await, 0);
}
