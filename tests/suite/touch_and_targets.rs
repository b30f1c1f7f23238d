//! `/touch` and `/targets`: prospects are created on first touch, counted toward ten touches,
//! flagged when a week passes, replaced after a no.
use crate::common::*;
use chrono::Duration;

#[tokio::test]
async fn the_first_touch_creates_the_prospect() {
    let app = TestApp::spawn().await;
    let text = app
        .reply("U0JANE", "/touch", "Jane Doe @ Acme phone no_answer")
        .await;
    assert!(
        text.contains("Touch 1 of 10 on *Jane Doe* (Acme)"),
        "{text}"
    );
    assert!(text.contains("first touch"), "{text}");
    assert!(text.contains("next due by Mon 30 Nov"), "{text}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE name = 'Jane Doe' AND company = 'Acme'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM touches WHERE channel = 'phone' AND outcome = 'no_answer'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_later_touch_shows_the_count_the_gap_and_the_next_due_day() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/touch", "Jane Doe @ Acme phone no_answer")
        .await;
    app.clock().advance(Duration::days(6));
    // The name matches whatever the case and spacing.
    let text = app
        .reply(
            "U0JANE",
            "/touch",
            "jane  doe email voicemail wants pricing",
        )
        .await;
    assert!(
        text.contains("Touch 2 of 10 on *Jane Doe* (Acme)"),
        "{text}"
    );
    assert!(text.contains("last touch 6 days ago"), "{text}");
    assert!(text.contains("next due by Sun 6 Dec"), "{text}");
    let note: String =
        momentum::store::sql::query_scalar("SELECT note FROM touches ORDER BY id DESC LIMIT 1")
            .scalar_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(note, "wants pricing");
}

#[tokio::test]
async fn the_tenth_touch_is_celebrated_as_persistence() {
    let app = TestApp::spawn().await;
    let mut text = String::new();
    for _ in 0..10 {
        text = app
            .reply("U0JANE", "/touch", "Bob Lee email no_answer")
            .await;
        app.clock().advance(Duration::days(2));
    }
    assert!(text.contains("Touch 10 of 10"), "{text}");
    assert!(text.contains("Ten touches"), "{text}");
}

#[tokio::test]
async fn a_no_takes_the_prospect_off_the_list_and_suggests_a_replacement() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/touch", "Jane Doe @ Acme phone talked")
        .await;
    let text = app
        .reply("U0JANE", "/touch", "Jane Doe phone no budget frozen")
        .await;
    assert!(text.contains("/targets replace Jane Doe with"), "{text}");
    let list = app.reply("U0JANE", "/targets", "").await;
    assert!(!list.contains("*Jane Doe*"), "{list}");
    let replaced = app
        .reply(
            "U0JANE",
            "/targets",
            "replace Jane Doe with Bob Lee @ Globex",
        )
        .await;
    assert!(
        replaced.contains("*Bob Lee* replaces *Jane Doe*"),
        "{replaced}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects n JOIN prospects o ON n.replaces_id = o.id WHERE n.name = 'Bob Lee' AND o.name = 'Jane Doe'").await,
        1
    );
}

#[tokio::test]
async fn targets_list_shows_overdue_prospects_first() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/touch", "Old Lead @ Initech email no_answer")
        .await;
    app.clock().advance(Duration::days(9));
    app.reply("U0JANE", "/touch", "Fresh Lead phone voicemail")
        .await;
    app.reply("U0JANE", "/targets", "add New Person @ Hooli")
        .await;
    let list = app.reply("U0JANE", "/targets", "").await;
    let old = list.find("Old Lead").unwrap();
    let fresh = list.find("Fresh Lead").unwrap();
    assert!(list.contains("overdue 2 days"), "{list}");
    assert!(list.contains("New Person* (Hooli) — 0/10"), "{list}");
    assert!(old < fresh, "{list}");
    assert!(list.contains("3 prospects"), "{list}");
}

#[tokio::test]
async fn targets_are_private_to_each_rep() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/targets", "add Jane's Lead").await;
    let own = app.reply("U0JANE", "/targets", "").await;
    assert!(own.contains("Jane's Lead"), "{own}");
    let other = app.reply("U0BOB", "/targets", "").await;
    assert!(other.contains("no active targets"), "{other}");
}

#[tokio::test]
async fn dropping_an_unknown_target_suggests_close_names_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/targets", "add Jane Doe").await;
    let text = app.reply("U0JANE", "/targets", "drop Jane Smith").await;
    assert!(text.contains("Did you mean *Jane Doe*"), "{text}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE status = 'active'")
            .await,
        1
    );
    let dropped = app.reply("U0JANE", "/targets", "drop jane doe").await;
    assert!(
        dropped.contains("Dropped *Jane Doe* after 0 touches"),
        "{dropped}"
    );
    assert!(dropped.contains("about 10 touches"), "{dropped}");
}

#[tokio::test]
async fn a_touch_without_channel_or_outcome_is_explained_and_stores_nothing() {
    let app = TestApp::spawn().await;
    for text in [
        "Jane Doe",
        "Jane Doe @ Acme carrier pigeon",
        "",
        "phone talked",
    ] {
        let reply = app.reply("U0JANE", "/touch", text).await;
        assert!(reply.contains("For example"), "{text}: {reply}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM touches").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM prospects").await, 0);
}

#[tokio::test]
async fn dropping_a_prospect_who_answered_never_says_they_need_more_touches() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/touch", "Jane Doe @ Acme phone talked")
        .await;
    let dropped = app.reply("U0JANE", "/targets", "drop Jane Doe").await;
    assert!(dropped.contains("Dropped *Jane Doe*"), "{dropped}");
    assert!(dropped.contains("They had answered you"), "{dropped}");
    assert!(!dropped.contains("about 10 touches"), "{dropped}");
}
