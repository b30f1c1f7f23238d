//! The manager's view: a rep's plan with `/targets @rep` (for their manager only), the coming
//! week's blocks in the digest, and the team's week on the manager's Home tab.
use crate::common::*;

#[tokio::test]
async fn targets_of_a_rep_show_their_plan_to_their_manager_and_are_refused_to_a_peer() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Ann Lee @ Acme phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ben Ray email replied").await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;

    let boss = app.reply("U0BOSS", "/targets", "<@U0JANE>").await;
    assert!(
        boss.contains("<@U0JANE>'s targets* — 2 prospects"),
        "{boss}"
    );
    assert!(boss.contains("*Ann Lee* (Acme) — 1/10"), "{boss}");
    assert!(
        boss.contains("*Ben Ray* — 1/10 · last today · ✨ engaged"),
        "{boss}"
    );
    assert!(boss.contains("tomorrow 09:30 (45 min)"), "{boss}");

    let peer = app.reply("U0BOB", "/targets", "<@U0JANE>").await;
    assert!(
        peer.contains("🔒 Only <@U0JANE> and their manager"),
        "{peer}"
    );
    assert!(!peer.contains("Ann Lee"), "{peer}");
}

#[tokio::test]
async fn the_digest_lists_each_reps_planned_blocks_for_the_coming_week() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    app.reply("U0JANE", "/block", "thu 14:00 60m").await;
    // Past the coming week: not listed.
    app.reply("U0JANE", "/block", "2026-12-15 9:00 30m").await;
    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let dm = &app.posts_to("U0BOSS").await[0];
    assert!(
        dm.contains("*Blocks planned for the coming week* (times in America/New_York)"),
        "{dm}"
    );
    assert!(
        dm.contains("<@U0JANE> — Tue 24 09:30 (45m), Thu 26 14:00 (60m)"),
        "{dm}"
    );
    assert!(dm.contains("<@U0BOB> — none yet"), "{dm}");
    assert!(!dm.contains("Tue 15"), "{dm}");
}

#[tokio::test]
async fn the_managers_home_tab_shows_the_teams_week() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals touches 10").await;
    app.reply("U0JANE", "/touch", "Ann Lee phone no").await;
    app.reply("U0JANE", "/touch", "Ben Ray phone no_answer")
        .await;
    let home = open_home(&app, "U0BOSS").await.to_string();
    assert!(home.contains("Your team this week"), "{home}");
    assert!(home.contains("<@U0JANE> — 2 touches"), "{home}");
    assert!(home.contains("<@U0JANE> — touches 2/10"), "{home}");
    assert!(
        home.contains("*Ann Lee* said no — who replaces them?"),
        "{home}"
    );
    assert!(home.contains("set_goals"), "{home}");
    // A rep's Home has no team section.
    let jane = open_home(&app, "U0JANE").await.to_string();
    assert!(!jane.contains("Your team this week"), "{jane}");
}
