//! The rest of what people type and press, and what the settings change, through the real
//! router and scheduler: `/blitz status`, `goals off`, `stats today|month`, bare `team`, the
//! effects of `quiet N`, `digest daily` and `shoutout HH:MM`, the buttons that open forms, and
//! the scheduler's own loop.
use crate::common::*;
use axum::http::StatusCode;
use momentum::jobs::Job;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn blitz_status_shows_the_running_blitz_in_its_channel_only() {
    let app = TestApp::spawn_team().await;
    app.reply_in("C0SALES", "U0JANE", "/blitz", "start 30m")
        .await;
    app.reply("U0JANE", "/touch", "Carl Cho phone talked").await;
    let status = app.reply_in("C0SALES", "U0BOB", "/blitz", "status").await;
    assert!(status.contains("1 attempt"), "{status}");
    let elsewhere = app.reply_in("C0OTHER", "U0BOB", "/blitz", "status").await;
    assert!(
        elsewhere.contains("No blitz is running here"),
        "{elsewhere}"
    );
}

#[tokio::test]
async fn goals_off_clears_a_reps_goals() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals touches 20 <@U0JANE>")
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM goals").await, 1);
    let cleared = app
        .reply("U0BOSS", "/momentum", "goals off <@U0JANE>")
        .await;
    assert!(
        cleared.contains("Cleared the weekly goals for <@U0JANE>"),
        "{cleared}"
    );
    let jane = app.reply("U0JANE", "/momentum", "goals").await;
    assert!(!jane.contains("touches 0/20"), "{jane}");
}

#[tokio::test]
async fn stats_today_and_this_month_count_their_own_days() {
    let app = TestApp::spawn().await;
    app.clock().set("2026-11-10T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    app.clock().set(monday_afternoon());
    app.reply("U0JANE", "/touch", "Ben Ray email replied").await;
    let today = app.reply("U0JANE", "/momentum", "stats today").await;
    assert!(today.contains("*Touches:* 1 — 1 email"), "{today}");
    let month = app.reply("U0JANE", "/momentum", "stats month").await;
    assert!(month.contains("*Touches:* 2"), "{month}");
}

#[tokio::test]
async fn bare_team_says_who_manages_whom() {
    let app = TestApp::spawn_team().await;
    let boss = app.reply("U0BOSS", "/momentum", "team").await;
    assert!(
        boss.contains("Your team (2): <@U0BOB>, <@U0JANE>"),
        "{boss}"
    );
    let jane = app.reply("U0JANE", "/momentum", "team").await;
    assert!(jane.contains("Your manager: <@U0BOSS>"), "{jane}");
}

#[tokio::test]
async fn quiet_n_moves_the_day_a_quiet_rep_is_nudged() {
    let app = TestApp::spawn_team().await;
    app.reply("U0ADMIN", "/momentum", "settings quiet 5").await;
    app.clock().set("2026-11-16T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "a connection accepted").await;
    let quiet_nudge = |dms: Vec<String>| {
        dms.iter()
            .any(|p| p.contains("since your last logged step"))
    };
    // Monday 23: four working days without a step — not yet quiet at 5.
    app.run_job(Job::Nudges, "2026-11-23T15:00:30Z").await;
    assert!(!quiet_nudge(app.posts_to("U0JANE").await));
    // Tuesday 24: five.
    app.run_job(Job::Nudges, "2026-11-24T15:00:30Z").await;
    assert!(quiet_nudge(app.posts_to("U0JANE").await));
}

#[tokio::test]
async fn digest_daily_sends_the_digest_on_a_tuesday_too() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    // Weekly (the default): nothing on Tuesday at 08:00 in New York.
    app.run_job(Job::Digests, "2026-11-24T13:00:30Z").await;
    assert!(app.posts_to("U0BOSS").await.is_empty());
    app.reply("U0ADMIN", "/momentum", "settings digest daily 8:00")
        .await;
    app.run_job(Job::Digests, "2026-11-24T13:00:40Z").await;
    let digests = app.posts_to("U0BOSS").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert!(
        digests[0].contains("Team digest — Mon 23 Nov"),
        "{}",
        digests[0]
    );
}

#[tokio::test]
async fn shoutout_hh_mm_moves_the_shout_out() {
    let app = TestApp::spawn_team().await;
    app.reply("U0ADMIN", "/momentum", "settings shoutout 15:30")
        .await;
    app.reply("U0JANE", "/win", "Dana at Acme accepted my invite")
        .await;
    // The team's zone is the deployment's (UTC here). At 15:20, not yet.
    app.run_job(Job::Shoutouts, "2026-11-23T15:20:00Z").await;
    assert!(app.posts_to("C0WINS").await.is_empty());
    // 15:30: the shout-out (the default 16:00 has not come).
    app.run_job(Job::Shoutouts, "2026-11-23T15:30:30Z").await;
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 1);
    assert!(posts[0].contains("Dana at Acme"), "{}", posts[0]);
}

#[tokio::test]
async fn the_buttons_that_open_forms_open_the_right_form() {
    let app = TestApp::spawn().await;
    Mock::given(method("POST"))
        .and(path("/views.open"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true })))
        .mount(&app.slack)
        .await;
    for (action, value, form) in [
        ("log_step", "-", "touch"),
        ("open_win", "1", "win"),
        ("plan_block", "-", "block_plan"),
        ("set_goals", "-", "goals"),
    ] {
        assert_eq!(
            press_button(&app, "U0JANE", action, value).await,
            StatusCode::OK
        );
        let opened = app.bodies_to("/views.open").await;
        let last = opened.last().expect("a form was opened");
        assert_eq!(last["view"]["callback_id"], form, "{action}: {last}");
    }
    assert_eq!(app.bodies_to("/views.open").await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_loop_runs_the_days_jobs_on_its_first_tick() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/win", "Dana at Acme accepted my invite")
        .await;
    // 16:00 in the team's zone (UTC): the shout-out is due.
    app.clock().set("2026-11-23T16:00:30Z".parse().unwrap());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(momentum::jobs::run_scheduler(app.state.clone(), stopped));
    let queued = "SELECT COUNT(*) FROM outbox WHERE channel = 'C0WINS'";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.count(queued).await == 0 {
        assert!(std::time::Instant::now() < deadline, "no shout-out queued");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    scheduler.await.unwrap();
    app.drain_all().await;
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 1);
    assert!(posts[0].contains("Dana at Acme"), "{}", posts[0]);
}
