//! `/momentum`: help, stats only for the rep and their manager, a guarded team, settings for
//! workspace admins.
use crate::common::*;
use momentum::clock::Clock;

#[tokio::test]
async fn help_lists_the_commands() {
    let app = TestApp::spawn().await;
    let text = app.reply("U0JANE", "/momentum", "").await;
    for command in [
        "/win",
        "/touch",
        "/targets",
        "/block",
        "/momentum stats",
        "team add",
    ] {
        assert!(text.contains(command), "{command} missing from {text}");
    }
}

#[tokio::test]
async fn stats_add_up_what_the_rep_logged_this_week() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    app.reply("U0JANE", "/win", "booked a demo with Globex")
        .await;
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Bob Ray email replied").await;
    app.reply("U0JANE", "/touch", "Cy Dee phone talked").await;
    app.reply("U0JANE", "/touch", "Di Eve social no").await;
    app.reply("U0JANE", "/block", "done 20 dials 3 convos")
        .await;
    app.reply("U0BOB", "/win", "someone else's win").await;
    let text = app.reply("U0JANE", "/momentum", "stats").await;
    assert!(text.contains("Your prospecting this week"), "{text}");
    assert!(text.contains("*Wins:* 2 — 1 connect · 1 meeting"), "{text}");
    // The block's 20 dials are touches by phone; its 3 conversations are responses.
    assert!(
        text.contains("*Touches:* 24 — 22 phone · 1 email · 1 social"),
        "{text}"
    );
    assert!(text.contains("*Response rate:* 21%"), "{text}");
    assert!(
        text.contains("*Blocks:* 1 block done (none planned) — 20 dials"),
        "{text}"
    );
}

#[tokio::test]
async fn a_reps_stats_are_refused_to_anyone_but_their_manager() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    let peek = app
        .reply("U0BOB", "/momentum", "stats <@U0JANE|jane>")
        .await;
    assert!(peek.contains("Only <@U0JANE> and their manager"), "{peek}");
    assert!(!peek.contains("Wins"), "{peek}");
    app.join_team("U0BOSS", &["U0JANE"]).await;
    let boss = app.reply("U0BOSS", "/momentum", "stats <@U0JANE>").await;
    assert!(boss.contains("<@U0JANE>'s prospecting this week"), "{boss}");
    assert!(boss.contains("*Wins:* 1"), "{boss}");
}

#[tokio::test]
async fn an_admins_team_add_welcomes_each_rep_by_dm_once() {
    let app = TestApp::spawn().await;
    mount_admin(&app.slack, "U0ADMIN").await;
    let text = app
        .reply("U0ADMIN", "/momentum", "team add <@U0JANE|jane> <@U0BOB>")
        .await;
    assert!(
        text.contains("Added <@U0JANE>, <@U0BOB> to your team"),
        "{text}"
    );
    assert_eq!(app.drain().await.sent, 2);
    let posted = app.posted().await;
    assert_eq!(posted.len(), 2);
    let to_jane = posted
        .iter()
        .find(|p| p["channel"] == "U0JANE")
        .expect("a DM to Jane");
    let dm = to_jane.to_string();
    assert!(dm.contains("Welcome to Momentum"), "{dm}");
    assert!(dm.contains("<@U0ADMIN> only"), "{dm}");
    assert!(dm.contains("/momentum team leave"), "{dm}");
    // Adding her again neither re-welcomes nor re-sends.
    let again = app
        .reply("U0ADMIN", "/momentum", "team add <@U0JANE>")
        .await;
    assert!(again.contains("already on your team"), "{again}");
    app.drain().await;
    assert_eq!(app.posted().await.len(), 2);
}

#[tokio::test]
async fn a_managed_rep_can_only_be_moved_by_their_manager_or_an_admin() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    mount_user(&app.slack, Some("U0ADMIN"), "Europe/London", true).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    mount_post_ok(&app.slack).await;
    app.join_team("U0BOSS", &["U0JANE"]).await;
    app.drain_all().await;
    app.slack.reset().await;
    mount_user(&app.slack, Some("U0ADMIN"), "Europe/London", true).await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    mount_post_ok(&app.slack).await;
    let grab = app.reply("U0PEER", "/momentum", "team add <@U0JANE>").await;
    assert!(
        grab.contains("only <@U0BOSS> or a workspace admin can move them"),
        "{grab}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM team_invites").await,
        0,
        "no invitation to move her either"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM members WHERE user_id = 'U0JANE' AND manager_id = 'U0BOSS'"
        )
        .await,
        1
    );
    let moved = app
        .reply("U0ADMIN", "/momentum", "team add <@U0JANE>")
        .await;
    assert!(moved.contains("Added <@U0JANE>"), "{moved}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM members WHERE user_id = 'U0JANE' AND manager_id = 'U0ADMIN'"
        )
        .await,
        1
    );
    app.drain_all().await;
    let posted = app.posted().await;
    let to_jane: Vec<String> = posted
        .iter()
        .filter(|p| p["channel"] == "U0JANE")
        .map(|p| p["text"].to_string())
        .collect();
    assert_eq!(to_jane.len(), 1, "a change notice: {to_jane:?}");
    assert!(
        to_jane[0].contains("<@U0ADMIN> now sees your Momentum numbers (instead of <@U0BOSS>)"),
        "{to_jane:?}"
    );
    assert!(posted.iter().any(|p| p["channel"] == "U0BOSS"
        && p["text"].to_string().contains("moved to <@U0ADMIN>'s team")));
    assert!(!posted.iter().any(|p| p["channel"] == "U0PEER"));
}

#[tokio::test]
async fn a_rep_can_leave_their_managers_team() {
    let app = TestApp::spawn().await;
    app.join_team("U0BOSS", &["U0JANE"]).await;
    app.drain_all().await;
    let text = app.reply("U0JANE", "/momentum", "team leave").await;
    assert!(
        text.contains("<@U0BOSS> no longer sees your numbers"),
        "{text}"
    );
    let peek = app.reply("U0BOSS", "/momentum", "stats <@U0JANE>").await;
    assert!(peek.contains("Only <@U0JANE>"), "{peek}");
    app.drain().await;
    assert!(
        app.posted()
            .await
            .iter()
            .any(|p| p["channel"] == "U0BOSS" && p["text"].to_string().contains("left your team"))
    );
}

/// Every workspace setting, as typed.
const WORKSPACE_SETTINGS: [&str; 9] = [
    "channel <#C0WINS|wins>",
    "settings tz Europe/Paris",
    "settings quiet 3",
    "settings shoutout 15:30",
    "settings digest daily 8:00",
    "settings workdays mon-sat",
    "settings hours 08:00-16:00",
    "settings holiday 2026-12-25",
    "settings digest mon 07:30",
];

/// The team's settings row and holidays, as stored.
async fn stored_settings(app: &TestApp) -> String {
    // Every setting column as text, so one row reads as one string.
    let teams: Vec<String> = momentum::store::sql::query_scalar(
        "SELECT COALESCE(celebration_channel, '-') || ' ' || COALESCE(tz, '-') || ' ' || \
             CAST(quiet_after AS TEXT) || ' ' || shoutout_cron || ' ' || digest_cron || ' ' || \
             CAST(work_days AS TEXT) || ' ' || CAST(work_start_min AS TEXT) || ' ' || \
             CAST(work_end_min AS TEXT) FROM teams",
    )
    .scalar_all(app.state.db.reader())
    .await
    .unwrap();
    let holidays = app.count("SELECT COUNT(*) FROM team_holidays").await;
    format!("{teams:?} holidays {holidays}")
}

#[tokio::test]
async fn a_manager_who_is_no_admin_changes_no_workspace_setting() {
    let app = TestApp::spawn().await;
    app.join_team("U0BOSS", &["U0JANE"]).await;
    let before = stored_settings(&app).await;
    for setting in WORKSPACE_SETTINGS {
        for who in ["U0BOSS", "U0JANE"] {
            let refused = app.reply(who, "/momentum", setting).await;
            assert!(
                refused.contains("🔒 Workspace settings")
                    && refused.contains("changed by Slack's workspace admins and owners"),
                "{who} {setting}: {refused}"
            );
        }
    }
    assert_eq!(stored_settings(&app).await, before);
    // Looking at them is for everyone.
    let shown = app.reply("U0JANE", "/momentum", "settings").await;
    assert!(shown.contains("Team settings"), "{shown}");
}

/// Each setting changes something for `admin`.
async fn every_setting_is_saved_for(app: &TestApp, admin: &str) {
    for setting in WORKSPACE_SETTINGS {
        let before = stored_settings(app).await;
        let saved = app.reply(admin, "/momentum", setting).await;
        assert!(!saved.contains("🔒"), "{admin} {setting}: {saved}");
        assert_ne!(stored_settings(app).await, before, "{admin} {setting}");
    }
    let shown = app.reply(admin, "/momentum", "settings").await;
    for part in [
        "<#C0WINS>",
        "Europe/Paris",
        "Quiet after: 3 working days",
        "08:00–16:00",
        "2026-12-25",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
}

#[tokio::test]
async fn a_slack_workspace_admin_changes_every_workspace_setting() {
    let app = TestApp::spawn().await;
    mount_admin(&app.slack, "U0ADMIN").await;
    every_setting_is_saved_for(&app, "U0ADMIN").await;
}

#[tokio::test]
async fn a_member_of_momentum_admins_changes_every_workspace_setting_and_is_named_to_others() {
    let app = TestApp::spawn_configured(
        |url| momentum::config::Settings {
            admins: vec!["U0LEAD".into()],
            ..settings(url)
        },
        true,
    )
    .await;
    let refused = app.reply("U0BOSS", "/momentum", "settings quiet 4").await;
    assert!(refused.contains("and <@U0LEAD>"), "{refused}");
    every_setting_is_saved_for(&app, "U0LEAD").await;
}

#[tokio::test]
async fn away_must_be_a_future_day() {
    let app = TestApp::spawn().await;
    let past = app
        .reply("U0JANE", "/momentum", "away until 2026-11-01")
        .await;
    assert!(past.contains("has passed"), "{past}");
    let away = app
        .reply("U0JANE", "/momentum", "away until 2026-12-04")
        .await;
    assert!(away.contains("Away through Fri 4 Dec"), "{away}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE away_until = '2026-12-04'")
            .await,
        1
    );
    let back = app.reply("U0JANE", "/momentum", "away off").await;
    assert!(back.contains("Welcome back"), "{back}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE away_until IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn private_mode_is_stored() {
    let app = TestApp::spawn().await;
    let text = app.reply("U0JANE", "/momentum", "private").await;
    assert!(text.contains("won't name you"), "{text}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE user_id = 'U0JANE' AND private")
            .await,
        1
    );
}
