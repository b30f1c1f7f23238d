//! Who may see whom: a rep consents before a manager sees anything of theirs, bots are never
//! reps, and a manager's reach ends at their own team (another team's blitz included).
use crate::common::*;
use axum::http::StatusCode;
use momentum::clock::Clock;

/// Jane has logged a touch, a win and a planned block; U0BOSS asks to add her to his team.
async fn boss_has_asked_for_jane() -> TestApp {
    let app = TestApp::spawn().await;
    mount_update_ok(&app.slack).await;
    app.reply("U0JANE", "/touch", "Ann Lee @ Acme phone no_answer")
        .await;
    app.reply("U0JANE", "/win", "Carl at Umbrella replied")
        .await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    let asked = app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    assert!(
        asked.contains("Asked <@U0JANE> to join your team — waiting for them to accept"),
        "{asked}"
    );
    app.drain_all().await;
    app
}

/// What U0BOSS sees of Jane through every way a manager looks: stats, targets, goals, the
/// digest and his Home tab, in one string.
async fn what_boss_sees_of_jane(app: &TestApp) -> String {
    let stats = app.reply("U0BOSS", "/momentum", "stats <@U0JANE>").await;
    let targets = app.reply("U0BOSS", "/targets", "<@U0JANE>").await;
    let goals = app
        .reply("U0BOSS", "/momentum", "goals touches 30 <@U0JANE>")
        .await;
    let before = app.posts_to("U0BOSS").await.len();
    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let digest = app.posts_to("U0BOSS").await[before..].join("\n");
    let home = open_home(app, "U0BOSS").await.to_string();
    format!("{stats}\n{targets}\n{goals}\n{digest}\n{home}")
}

/// Jane presses Accept on an invitation that is no longer open: she is told so, and nobody
/// manages her.
async fn a_late_accept_changes_nothing(app: &TestApp) {
    press_button(app, "U0JANE", "team_accept", "U0BOSS").await;
    app.drain_all().await;
    assert!(
        updates(&app.slack)
            .await
            .join("\n")
            .contains("has lapsed or was already answered")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE manager_id IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_manager_sees_nothing_of_a_rep_until_the_rep_accepts() {
    let app = boss_has_asked_for_jane().await;
    let invitation = app.posts_to("U0JANE").await.join("\n");
    assert!(
        invitation.contains("<@U0BOSS> asks to add you to their team"),
        "{invitation}"
    );
    assert!(
        invitation.contains("team_accept") && invitation.contains("team_decline"),
        "{invitation}"
    );

    let before = what_boss_sees_of_jane(&app).await;
    assert!(
        before.contains("🔒 Only <@U0JANE> and their manager"),
        "{before}"
    );
    assert!(
        before.contains("Only <@U0JANE>'s manager sets their goals"),
        "{before}"
    );
    for private in ["Ann Lee", "09:30", "<@U0JANE> —", "Carl at Umbrella"] {
        assert!(
            !before.contains(private),
            "{private} shown before consent: {before}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM goals").await, 0);
    let waiting = app.reply("U0BOSS", "/momentum", "team").await;
    assert!(
        waiting.contains("Waiting for <@U0JANE> to accept"),
        "{waiting}"
    );

    assert_eq!(
        press_button(&app, "U0JANE", "team_accept", "U0BOSS").await,
        StatusCode::OK
    );
    app.drain_all().await;
    let to_boss = app.posts_to("U0BOSS").await.join("\n");
    assert!(
        to_boss.contains("<@U0JANE> accepted your invitation"),
        "{to_boss}"
    );
    let to_jane = app.posts_to("U0JANE").await.join("\n");
    assert!(to_jane.contains("Welcome to Momentum"), "{to_jane}");
    let answered = updates(&app.slack).await.join("\n");
    assert!(
        answered.contains("You joined <@U0BOSS>'s team"),
        "the invitation's buttons give way to the outcome: {answered}"
    );

    let after = what_boss_sees_of_jane(&app).await;
    for shown in [
        "Ann Lee",
        "09:30",
        "<@U0JANE>'s prospecting this week",
        "Weekly goals for <@U0JANE>",
    ] {
        assert!(
            after.contains(shown),
            "{shown} missing after consent: {after}"
        );
    }
}

#[tokio::test]
async fn a_declined_invitation_tells_the_asker_and_cannot_be_accepted_later() {
    let app = boss_has_asked_for_jane().await;
    press_button(&app, "U0JANE", "team_decline", "U0BOSS").await;
    app.drain_all().await;
    let to_boss = app.posts_to("U0BOSS").await.join("\n");
    assert!(
        to_boss.contains("<@U0JANE> declined your invitation to your Momentum team."),
        "{to_boss}"
    );
    assert!(
        updates(&app.slack)
            .await
            .join("\n")
            .contains("You declined")
    );

    a_late_accept_changes_nothing(&app).await;
    let peek = app.reply("U0BOSS", "/momentum", "stats <@U0JANE>").await;
    assert!(peek.contains("🔒 Only <@U0JANE>"), "{peek}");
}

#[tokio::test]
async fn an_invitation_lapses_after_seven_days_and_asking_again_while_it_waits_sends_nothing() {
    let app = boss_has_asked_for_jane().await;
    let again = app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    assert!(
        again.contains("Still waiting for <@U0JANE> to accept your invitation (sent Mon 23 Nov)"),
        "{again}"
    );
    app.drain_all().await;
    assert_eq!(app.posts_to("U0JANE").await.len(), 1, "one invitation");

    app.clock().set("2026-12-01T14:00:01Z".parse().unwrap());
    a_late_accept_changes_nothing(&app).await;
    // A new invitation can be sent once the old one lapsed.
    let renewed = app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    assert!(renewed.contains("Asked <@U0JANE>"), "{renewed}");
}

#[tokio::test]
async fn only_the_invited_rep_can_accept_an_invitation() {
    let app = boss_has_asked_for_jane().await;
    // Bob presses Accept with Boss's id: he was never invited, so nothing happens to anyone.
    press_button(&app, "U0BOB", "team_accept", "U0BOSS").await;
    app.drain_all().await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE manager_id IS NOT NULL")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM team_invites").await, 1);
}

#[tokio::test]
async fn bots_deactivated_accounts_and_slackbot_are_never_reps() {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    mount_bot(&app.slack, "U0ROBOT").await;
    mount_deleted(&app.slack, "U0GONE").await;
    mount_admin(&app.slack, "U0ADMIN").await;
    mount_user(&app.slack, None, "America/New_York", false).await;
    mount_post_ok(&app.slack).await;
    for asker in ["U0BOSS", "U0ADMIN"] {
        let refused = app
            .reply(
                asker,
                "/momentum",
                "team add <@USLACKBOT> <@U0ROBOT> <@U0GONE>",
            )
            .await;
        for user in ["USLACKBOT", "U0ROBOT", "U0GONE"] {
            assert!(
                refused.contains(&format!(
                    "<@{user}> is a bot or a deactivated account, so they can't be on a team."
                )),
                "{asker}: {refused}"
            );
        }
    }
    app.drain_all().await;
    assert!(app.posted().await.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM team_invites").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE manager_id IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_manager_cannot_end_another_teams_blitz_but_its_own_manager_and_an_admin_can() {
    let app = TestApp::spawn_team().await;
    mount_update_ok(&app.slack).await;
    app.join_team("U0LEAD", &["U0ANN"]).await;
    app.clock().set(monday_afternoon());
    for (channel, starter) in [("C0ONE", "U0JANE"), ("C0TWO", "U0ANN"), ("C0SIX", "U0ANN")] {
        let started = app.reply_in(channel, starter, "/blitz", "start 30m").await;
        assert!(started.contains("Blitz on"), "{started}");
    }
    let refused = app.reply_in("C0TWO", "U0BOSS", "/blitz", "end").await;
    assert!(
        refused.contains(
            "🔒 Only <@U0ANN> (who started it), their manager <@U0LEAD>, or a workspace admin"
        ),
        "{refused}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blitzes WHERE ended_at IS NULL")
            .await,
        3
    );
    for (channel, who) in [
        ("C0ONE", "U0BOSS"),
        ("C0TWO", "U0LEAD"),
        ("C0SIX", "U0ADMIN"),
    ] {
        let ended = app.reply_in(channel, who, "/blitz", "end").await;
        assert!(ended.contains("Blitz ended"), "{who} in {channel}: {ended}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blitzes WHERE ended_at IS NULL")
            .await,
        0
    );
}
