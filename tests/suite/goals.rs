//! Weekly goals: a manager sets them for the team or one rep (command or form); progress shows
//! in `/momentum stats`, the Home tab and the digest; reaching one is a shout-out milestone;
//! missing one is never mentioned anywhere public.
use crate::common::*;
use momentum::jobs::Job;
use serde_json::json;

async fn jane_logs_a_day(app: &TestApp) {
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ben Ray phone talked").await;
    app.reply("U0JANE", "/touch", "Cal Fox @ Acme email meeting")
        .await;
    app.reply("U0JANE", "/block", "done 20 dials 2 convos 1 meeting")
        .await;
}

#[tokio::test]
async fn a_manager_sets_team_goals_and_each_rep_sees_their_progress() {
    let app = TestApp::spawn_team().await;
    let set = app
        .reply(
            "U0BOSS",
            "/momentum",
            "goals touches 50 conversations 10 meetings 2 blocks 3",
        )
        .await;
    assert!(
        set.contains("Weekly goals for each rep on your team: 50 touches · 10 conversations · 2 meetings · 3 blocks"),
        "{set}"
    );
    app.drain_all().await;
    for rep in ["U0JANE", "U0BOB"] {
        let dm = &app.posts_to(rep).await[0];
        assert!(dm.contains("<@U0BOSS> set your weekly goals"), "{dm}");
    }
    jane_logs_a_day(&app).await;
    // 3 touches + 20 dials; 1 talked + 2 block conversations; 1 + 1 meetings; 1 block.
    let stats = app.reply("U0JANE", "/momentum", "stats").await;
    assert!(
        stats.contains(
            "🎯 *Goals this week:* touches 23/50 · conversations 3/10 · meetings 2/2 ✅ · blocks 1/3"
        ),
        "{stats}"
    );
    let home = open_home(&app, "U0JANE").await.to_string();
    assert!(home.contains("touches 23/50"), "{home}");
}

#[tokio::test]
async fn a_rep_goal_overrides_the_team_goal_number_by_number() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals touches 50 meetings 2")
        .await;
    app.reply("U0BOSS", "/momentum", "goals touches 5 <@U0BOB>")
        .await;
    let bob = app.reply("U0BOB", "/momentum", "goals").await;
    assert!(
        bob.contains("*Your goals this week:* touches 0/5 · meetings 0/2"),
        "{bob}"
    );
    let boss = app.reply("U0BOSS", "/momentum", "goals").await;
    assert!(
        boss.contains("<@U0JANE> — touches 0/50 · meetings 0/2"),
        "{boss}"
    );
    assert!(
        boss.contains("<@U0BOB> — touches 0/5 · meetings 0/2"),
        "{boss}"
    );
}

#[tokio::test]
async fn only_a_reps_manager_sets_their_goals() {
    let app = TestApp::spawn_team().await;
    let peer = app
        .reply("U0JANE", "/momentum", "goals touches 1 <@U0BOB>")
        .await;
    assert!(
        peer.contains("Only <@U0BOB>'s manager sets their goals"),
        "{peer}"
    );
    let nobody = app.reply("U0JANE", "/momentum", "goals touches 1").await;
    assert!(nobody.contains("you don't manage anyone yet"), "{nobody}");
    assert_eq!(app.count("SELECT COUNT(*) FROM goals").await, 0);
}

#[tokio::test]
async fn reaching_a_goal_is_celebrated_once_and_missing_one_never_posted() {
    let app = TestApp::spawn_team().await;
    app.reply(
        "U0BOSS",
        "/momentum",
        "goals touches 50 conversations 10 meetings 2 blocks 3",
    )
    .await;
    jane_logs_a_day(&app).await;
    app.reply("U0BOB", "/win", "Bob's first reply").await;
    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    assert!(
        post.contains("🎯 <@U0JANE> reached a weekly goal: 2 meetings"),
        "{post}"
    );
    assert!(!post.contains("touches 23/50"), "{post}");
    assert_eq!(post.matches("weekly goal").count(), 1, "{post}");
    // The next day: already celebrated.
    app.clock().set("2026-11-24T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Another reply").await;
    app.run_job(Job::Shoutouts, "2026-11-24T21:00:30Z").await;
    let next = &app.posts_to("C0WINS").await[1];
    assert!(!next.contains("weekly goal"), "{next}");
}

#[tokio::test]
async fn the_goals_form_sets_goals_for_one_rep_or_the_team() {
    let app = TestApp::spawn_team().await;
    let (status, body) = submit(
        &app,
        "U0BOSS",
        "goals",
        "",
        &[
            (
                "rep",
                json!({ "type": "users_select", "selected_user": "U0BOB" }),
            ),
            ("touches", json!({ "type": "number_input", "value": "40" })),
            ("meetings", json!({ "type": "number_input", "value": "3" })),
        ],
    )
    .await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        body.to_string()
            .contains("Weekly goals for <@U0BOB>: 40 touches · 3 meetings"),
        "{body}"
    );
    let (_, bad) = submit(
        &app,
        "U0BOSS",
        "goals",
        "",
        &[("blocks", json!({ "type": "number_input", "value": "0" }))],
    )
    .await;
    assert_eq!(bad["response_action"], "errors", "{bad}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM goals WHERE scope = 'rep' AND user_id = 'U0BOB' AND touches = 40 AND meetings = 3")
            .await,
        1
    );
}

#[tokio::test]
async fn the_digest_shows_each_reps_goal_progress_to_the_manager() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals meetings 2 blocks 3")
        .await;
    jane_logs_a_day(&app).await;
    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let dm = app
        .posts_to("U0BOSS")
        .await
        .into_iter()
        .find(|d| d.contains("Team digest"))
        .unwrap();
    assert!(
        dm.contains("<@U0JANE> — meetings 2/2 ✅ · blocks 1/3"),
        "{dm}"
    );
    assert!(dm.contains("<@U0BOB> — meetings 0/2 · blocks 0/3"), "{dm}");
}
