//! What people see, message by message: each kind of message Momentum sends, produced through
//! the real router and scheduler and snapshotted as Slack receives it, so a reviewer reads the
//! message itself (`tests/suite/snapshots/`). Review changes with `cargo insta review`.
use crate::common::*;
use momentum::jobs::Job;
use serde_json::Value;

/// The `chat.postMessage` bodies sent to `channel`, in order.
async fn sent_to(app: &TestApp, channel: &str) -> Vec<Value> {
    app.posted()
        .await
        .into_iter()
        .filter(|p| p["channel"] == channel)
        .collect()
}

/// The message's blocks (what a person sees), with the notification text.
fn seen(message: &Value) -> Value {
    serde_json::json!({ "text": message["text"], "blocks": message["blocks"] })
}

#[tokio::test]
async fn the_invitation_to_a_managers_team() {
    let app = TestApp::spawn().await;
    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    app.drain_all().await;
    let dm = &sent_to(&app, "U0JANE").await[0];
    insta::assert_json_snapshot!("invitation", seen(dm));
}

#[tokio::test]
async fn the_daily_shout_out() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/win", "Dana at Acme accepted my invite")
        .await;
    app.reply("U0BOB", "/touch", "Kim Yu @ Wayne phone meeting")
        .await;
    app.reply("U0JANE", "/block", "done 20 dials 3 convos")
        .await;
    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    let post = &sent_to(&app, "C0WINS").await[0];
    insta::assert_json_snapshot!("shout_out", seen(post));
}

#[tokio::test]
async fn a_quiet_nudge_with_a_cold_prospect() {
    let app = TestApp::spawn_team().await;
    app.clock().set("2026-11-12T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Cold Carl @ Umbrella email no_answer")
        .await;
    app.run_job(Job::Nudges, "2026-11-23T15:00:30Z").await;
    let dm = &sent_to(&app, "U0JANE").await[0];
    insta::assert_json_snapshot!("nudge", seen(dm));
}

#[tokio::test]
async fn the_managers_digest() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals touches 20").await;
    app.reply("U0JANE", "/touch", "Ann Lee @ Initech phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Bo Diddly email replied")
        .await;
    app.reply("U0JANE", "/win", "Bo replied, wants a call")
        .await;
    app.reply("U0JANE", "/block", "done 18 dials 2 convos 1 meeting")
        .await;
    app.reply("U0BOB", "/touch", "Ned No @ Hooli phone no")
        .await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let digest = sent_to(&app, "U0BOSS")
        .await
        .into_iter()
        .find(|p| {
            p["text"]
                .as_str()
                .unwrap_or_default()
                .contains("Team digest")
        })
        .expect("a digest");
    insta::assert_json_snapshot!("digest", seen(&digest));
}

#[tokio::test]
async fn a_blocks_reminder_and_its_follow_up() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/block", "14:00 60m").await; // 19:00 UTC
    app.run_job(Job::Reminders, "2026-11-23T18:51:00Z").await;
    app.run_job(Job::Reminders, "2026-11-23T20:01:00Z").await;
    let dms = sent_to(&app, "U0JANE").await;
    assert_eq!(dms.len(), 2);
    insta::assert_json_snapshot!("block_reminder", seen(&dms[0]));
    insta::assert_json_snapshot!("block_follow_up", seen(&dms[1]));
}

#[tokio::test]
async fn a_blitz_scoreboard_and_its_results() {
    let app = TestApp::spawn_team().await;
    mount_update_ok(&app.slack).await;
    app.reply_in("C0SALES", "U0BOSS", "/blitz", "start 30m goal 40")
        .await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;
    app.clock().set("2026-11-23T14:10:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Carl Cho phone meeting")
        .await;
    app.reply("U0BOB", "/touch", "Ned Ortiz phone no_answer")
        .await;
    app.reply("U0BOB", "/block", "done 12 dials 2 convos").await;
    app.run_job(Job::Blitz, "2026-11-23T14:10:30Z").await;
    let board = updates(&app.slack).await.last().cloned().expect("a board");
    let board: Value = serde_json::from_str(&board).unwrap();
    insta::assert_json_snapshot!("blitz_scoreboard", seen(&board));
    app.run_job(Job::Blitz, "2026-11-23T14:30:30Z").await;
    let results = sent_to(&app, "C0SALES").await.last().cloned().unwrap();
    insta::assert_json_snapshot!("blitz_results", seen(&results));
}
