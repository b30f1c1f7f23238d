//! Kudos people see: 🎉 on a shout-out line updates the post's count (throttled), and the
//! celebrated rep gets at most one DM a day naming who celebrated which step.
use crate::common::*;
use chrono::Duration;
use momentum::jobs::Job;
use serde_json::Value;

/// The value of the 🎉 button on `user`'s line of the latest shout-out.
async fn celebrate_value(app: &TestApp, user: &str) -> String {
    let post: Value = serde_json::from_str(app.posts_to("C0WINS").await.last().unwrap()).unwrap();
    post["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| {
            b["text"]["text"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("<@{user}>"))
        })
        .map(|b| b["accessory"]["value"].as_str().unwrap().to_owned())
        .expect("a line with a celebrate button")
}

async fn a_day_celebrated(app: &TestApp) -> String {
    app.reply("U0JANE", "/win", "booked a demo with Globex")
        .await;
    app.reply("U0JANE", "/touch", "Dana Diaz @ Acme email replied")
        .await;
    app.reply("U0BOB", "/win", "Bob's first reply").await;
    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    mount_update_ok(&app.slack).await;
    celebrate_value(app, "U0JANE").await
}

#[tokio::test]
async fn celebrating_updates_the_shout_outs_count_at_most_every_ten_seconds() {
    let app = TestApp::spawn_team().await;
    let jane = a_day_celebrated(&app).await;
    let first_press = app.clock().now();
    press_button(&app, "U0BOB", "celebrate", &jane).await;
    press_button(&app, "U0BOSS", "celebrate", &jane).await;
    // A second press by the same person counts once.
    press_button(&app, "U0BOB", "celebrate", &jane).await;
    app.drain_all().await;
    let sent = updates(&app.slack).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("🎉 2"), "{}", sent[0]);
    assert!(
        sent[0].contains("\"ts\":\"1764000000.000100\""),
        "{}",
        sent[0]
    );
    // Bob's line has no kudos: its button still invites.
    assert!(sent[0].contains("🎉 Celebrate"), "{}", sent[0]);

    // A third person three seconds after the first: the update waits for its turn…
    app.clock().set(first_press + Duration::seconds(3));
    press_button(&app, "U0ANN", "celebrate", &jane).await;
    app.drain().await;
    assert_eq!(updates(&app.slack).await.len(), 1);
    // …ten seconds after the last, with the latest count.
    app.clock().set(first_press + Duration::seconds(10));
    app.drain_all().await;
    let sent = updates(&app.slack).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].contains("🎉 3"), "{}", sent[1]);
}

#[tokio::test]
async fn the_celebrated_rep_gets_one_dm_a_day_naming_who_celebrated_which_step() {
    let app = TestApp::spawn_team().await;
    let jane = a_day_celebrated(&app).await;
    press_button(&app, "U0BOB", "celebrate", &jane).await;
    press_button(&app, "U0BOSS", "celebrate", &jane).await;
    app.drain_all().await;
    // 16:01 in New York: within working hours.
    app.run_job(Job::Kudos, "2026-11-23T21:01:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(
        dms[0].contains("2 teammates celebrated your steps"),
        "{}",
        dms[0]
    );
    assert!(
        dms[0].contains("• “booked a demo with Globex” — <@U0BOB>, <@U0BOSS>"),
        "{}",
        dms[0]
    );
    assert!(
        dms[0].contains("• your reply from Dana Diaz (Acme) — <@U0BOB>, <@U0BOSS>"),
        "{}",
        dms[0]
    );
    // Bob received nothing: no DM for him.
    assert!(app.posts_to("U0BOB").await.is_empty());

    // More kudos the same day wait for tomorrow's working hours.
    press_button(&app, "U0ANN", "celebrate", &jane).await;
    app.run_job(Job::Kudos, "2026-11-23T21:30:00Z").await;
    app.run_job(Job::Kudos, "2026-11-24T13:00:00Z").await; // 08:00 in New York
    assert_eq!(app.posts_to("U0JANE").await.len(), 1);
    app.run_job(Job::Kudos, "2026-11-24T14:30:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert_eq!(dms.len(), 2, "{dms:?}");
    assert!(
        dms[1].contains("1 teammate celebrated your steps"),
        "{}",
        dms[1]
    );
    assert!(
        dms[1].contains("<@U0ANN>") && !dms[1].contains("<@U0BOB>"),
        "{}",
        dms[1]
    );
}
