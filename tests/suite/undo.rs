//! `/win undo`, `/touch undo` and `/block undo`: your own last log of the last 24 hours goes,
//! and stats, streaks, stages and the next shout-out follow.
use crate::common::*;
use chrono::Duration;
use momentum::jobs::Job;

#[tokio::test]
async fn win_undo_removes_your_last_win_and_the_shout_out_and_streak_follow() {
    let app = TestApp::spawn_team().await;
    // Friday, then Monday: a two-day streak.
    app.clock().set("2026-11-20T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Friday's referral from Acme")
        .await;
    app.clock().set("2026-11-23T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Ann accepted my invite").await;
    let second = app.reply("U0JANE", "/win", "typo'd wni").await;
    assert!(second.contains("2-day streak"), "{second}");
    // Bob's win is not Jane's to undo.
    app.reply("U0BOB", "/win", "Bob's booked demo").await;

    let undone = app.reply("U0JANE", "/win", "undo").await;
    assert!(undone.contains("Removed your win “typo'd wni”"), "{undone}");
    let again = app.reply("U0JANE", "/win", "undo").await;
    assert!(
        again.contains("Removed your win “Ann accepted my invite”"),
        "{again}"
    );
    // Monday has no step left: the streak is Friday's again.
    assert_eq!(
        app.count(
            "SELECT streak FROM members WHERE user_id = 'U0JANE' AND last_step_day = '2026-11-20'"
        )
        .await,
        1
    );
    let stats = app.reply("U0JANE", "/momentum", "stats").await;
    assert!(!stats.contains("Ann accepted"), "{stats}");

    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    assert!(post.contains("Bob's booked demo"), "{post}");
    assert!(!post.contains("typo"), "{post}");
    assert!(!post.contains("Ann accepted"), "{post}");
    // Friday's win is older than a day: not undoable.
    let none = app.reply("U0JANE", "/win", "undo").await;
    assert!(none.contains("Nothing to undo"), "{none}");
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 2);
}

/// Jane's phone call to Carl Cole, then five minutes later an email that booked a meeting.
async fn jane_touched_carl_twice() -> TestApp {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Carl Cole @ Umbrella phone no_answer")
        .await;
    app.clock().advance(Duration::minutes(5));
    app.reply("U0JANE", "/touch", "Carl Cole email meeting")
        .await;
    app
}

#[tokio::test]
async fn touch_undo_puts_the_prospect_back_where_it_was() {
    let app = jane_touched_carl_twice().await;
    let undone = app.reply("U0JANE", "/touch", "undo").await;
    assert!(
        undone.contains("Removed your touch on *Carl Cole* (email, meeting)"),
        "{undone}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM prospects
             WHERE name = 'Carl Cole' AND stage = 'prospecting' AND touch_count = 1"
        )
        .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 0);
    let next = app
        .reply("U0JANE", "/touch", "Carl Cole email voicemail")
        .await;
    assert!(next.contains("Touch 2 of 10 on *Carl Cole*"), "{next}");

    // Undoing the touch that created a prospect takes them off the list.
    app.reply("U0JANE", "/touch", "Typo Name phone no").await;
    let undone = app.reply("U0JANE", "/touch", "undo").await;
    assert!(undone.contains("off the list again"), "{undone}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE name = 'Typo Name'")
            .await,
        0
    );
    // Touches are counted as the rep's day says: two left (Carl's first and third).
    assert_eq!(
        app.count("SELECT touches FROM member_days WHERE user_id = 'U0JANE'")
            .await,
        2
    );
}

#[tokio::test]
async fn undoing_a_no_makes_the_prospect_active_again() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Dee Fox phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Dee Fox phone no").await;
    let targets = app.reply("U0JANE", "/targets", "").await;
    assert!(!targets.contains("Dee Fox"), "{targets}");
    app.reply("U0JANE", "/touch", "undo").await;
    let targets = app.reply("U0JANE", "/targets", "").await;
    assert!(targets.contains("Dee Fox"), "{targets}");
}

#[tokio::test]
async fn block_undo_removes_results_or_a_plan() {
    let app = TestApp::spawn_team().await;
    // Monday 09:00 in New York: a block at 10:00, done at 11:05.
    app.reply("U0JANE", "/block", "10:00 60m").await;
    app.clock().set("2026-11-23T16:05:00Z".parse().unwrap());
    app.reply("U0JANE", "/block", "done 20 dials 2 meetings")
        .await;
    let undone = app.reply("U0JANE", "/block", "undo").await;
    assert!(undone.contains("it's planned again"), "{undone}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blocks WHERE status = 'planned' AND dials = 0")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM member_days").await, 0);
    // Next: the plan itself.
    let plan = app.reply("U0JANE", "/block", "undo").await;
    assert!(
        plan.contains("Removed block #1, planned for Mon 23 Nov 10:00"),
        "{plan}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM blocks").await, 0);

    // Results logged without a plan go with their block.
    app.reply("U0JANE", "/block", "done 10 dials 1 convo").await;
    app.reply("U0JANE", "/block", "undo").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM blocks").await, 0);
    let nothing = app.reply("U0JANE", "/block", "undo").await;
    assert!(nothing.contains("Nothing to undo"), "{nothing}");
}

#[tokio::test]
async fn an_undone_touch_no_longer_counts_in_the_managers_digest() {
    let app = jane_touched_carl_twice().await;
    app.reply("U0JANE", "/touch", "undo").await;
    // Bob's only touch of the day, undone: his day is as if nothing had been logged.
    app.reply("U0BOB", "/touch", "Ned No @ Hooli phone no")
        .await;
    app.reply("U0BOB", "/touch", "undo").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM touch_days WHERE user_id = 'U0BOB'")
            .await,
        0
    );

    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let dm = &app.posts_to("U0BOSS").await[0];
    assert!(dm.contains("*Touches* 1 (↑1) — 1 phone"), "{dm}");
    assert!(!dm.contains("email"), "{dm}");
    assert!(dm.contains("*Meetings* 0 (=)"), "{dm}");
    assert!(dm.contains("• <@U0JANE> — 1 touch · 0 wins"), "{dm}");
    assert!(dm.contains("• <@U0BOB> — 0 touches · 0 wins"), "{dm}");
}
