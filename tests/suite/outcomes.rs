//! What reps log with `/touch` and `/block done` decides what Momentum does next: responses are
//! celebrated, prospects move through stages and stop being chased once reached, call-backs
//! come back on their day, cadence nudges vary the channel, and ten touches without a response
//! suggest letting go.
use crate::common::*;
use momentum::jobs::Job;

#[tokio::test]
async fn the_shout_out_celebrates_a_days_touch_outcomes_and_block_results_by_person() {
    let app = TestApp::spawn_team().await;
    for text in [
        "Ann Lee email replied",
        "Ben Ray email replied",
        "Cal Fox social replied",
        "Dana Diaz @ Acme phone meeting",
        "Eve Poe phone no_answer",
    ] {
        app.reply("U0JANE", "/touch", text).await;
    }
    // Jane also types the meeting as a win: one step, celebrated once, in her words.
    app.reply("U0JANE", "/win", "Booked a meeting with Dana at Acme!")
        .await;
    app.reply("U0BOB", "/block", "done 20 dials 3 convos 1 meeting")
        .await;

    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    // 1 typed + 3 replies for Jane, 1 meeting + 3 conversations for Bob.
    assert!(post.contains("Today's 8 wins"), "{post}");
    assert!(
        post.contains("📅 Booked a meeting with Dana at Acme! · 📬 3 replies"),
        "{post}"
    );
    assert!(!post.contains("meeting booked with Dana Diaz"), "{post}");
    assert!(
        post.contains("*<@U0BOB>* — 📅 1 meeting · 💬 3 conversations"),
        "{post}"
    );
    // A no-answer is a step, not a win.
    assert!(!post.contains("Eve Poe"), "{post}");
}

#[tokio::test]
async fn a_single_meeting_booked_through_a_touch_names_the_prospect() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Dana Diaz @ Acme phone meeting")
        .await;
    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    assert!(post.contains("Today's win"), "{post}");
    assert!(
        post.contains("📅 meeting booked with Dana Diaz (Acme)"),
        "{post}"
    );
}

#[tokio::test]
async fn a_prospect_who_booked_a_meeting_is_no_longer_chased() {
    let app = TestApp::spawn_team().await;
    app.clock().set("2026-11-10T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Carl Cole phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Mia Moss phone no_answer")
        .await;
    app.clock().set("2026-11-11T15:00:00Z".parse().unwrap());
    let booked = app
        .reply("U0JANE", "/touch", "Carl Cole email meeting")
        .await;
    assert!(booked.contains("Touch 2 of 10 on *Carl Cole*"), "{booked}");
    assert!(booked.contains("Carl Cole is meeting now"), "{booked}");
    assert!(!booked.contains("next due"), "{booked}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE name = 'Carl Cole' AND stage = 'meeting'")
            .await,
        1
    );

    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    let dm = &app.posts_to("U0JANE").await[0];
    assert!(dm.contains("*Mia Moss*"), "{dm}");
    assert!(!dm.contains("Carl Cole"), "{dm}");

    // A later touch on Carl is counted without "of 10".
    app.clock().set("2026-11-23T16:00:00Z".parse().unwrap());
    let later = app
        .reply("U0JANE", "/touch", "Carl Cole video talked")
        .await;
    assert!(
        later.contains("📞 Touch on *Carl Cole* · video, talked · meeting"),
        "{later}"
    );
}

#[tokio::test]
async fn a_reply_moves_a_prospect_to_engaged_and_stages_only_move_forward() {
    let app = TestApp::spawn_team().await;
    let replied = app.reply("U0JANE", "/touch", "Ann Lee email replied").await;
    assert!(replied.contains("Ann Lee is engaged now"), "{replied}");
    app.reply("U0JANE", "/touch", "Ann Lee phone meeting").await;
    app.reply("U0JANE", "/touch", "Ann Lee phone replied").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE stage = 'meeting'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_call_back_dm_arrives_that_morning_in_the_reps_zone() {
    let app = TestApp::spawn_team().await;
    app.wait_for_tz("U0JANE").await;
    // Monday 09:00 in New York.
    let set = app
        .reply(
            "U0JANE",
            "/touch",
            "Ann Park @ Initech phone callback fri after the board meeting",
        )
        .await;
    assert!(set.contains("Call-back set for Fri 27 Nov"), "{set}");
    // A call-back the rep already made (touched again since) is not reminded.
    app.reply("U0JANE", "/touch", "Ben Ray phone callback fri")
        .await;
    app.reply("U0JANE", "/touch", "Ben Ray phone talked").await;

    // 08:55 in New York on Friday: not yet.
    app.run_job(Job::Reminders, "2026-11-27T13:55:00Z").await;
    assert!(app.posts_to("U0JANE").await.is_empty());
    // 09:00 in New York: the DM, once.
    app.run_job(Job::Reminders, "2026-11-27T14:00:30Z").await;
    app.run_job(Job::Reminders, "2026-11-27T14:05:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(
        dms[0].contains("Call-back due today:* *Ann Park* (Initech)"),
        "{}",
        dms[0]
    );
    assert!(dms[0].contains("after the board meeting"), "{}", dms[0]);
    assert!(!dms[0].contains("Ben Ray"), "{}", dms[0]);
}

#[tokio::test]
async fn a_call_back_in_two_weeks_or_on_a_date_and_a_past_date_is_refused() {
    let app = TestApp::spawn_team().await;
    let in_two = app
        .reply("U0JANE", "/touch", "Ann Park phone callback in 2w")
        .await;
    assert!(in_two.contains("Call-back set for Mon 7 Dec"), "{in_two}");
    let on = app
        .reply(
            "U0JANE",
            "/touch",
            "Ben Ray phone callback 2026-12-01 budget",
        )
        .await;
    assert!(on.contains("Call-back set for Tue 1 Dec"), "{on}");
    let past = app
        .reply("U0JANE", "/touch", "Cal Fox phone callback 2026-11-01")
        .await;
    assert!(past.contains("Nothing logged"), "{past}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM touches WHERE callback_on IS NOT NULL")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE name = 'Cal Fox'")
            .await,
        0
    );
}

#[tokio::test]
async fn the_touch_reply_shows_the_channels_used_and_suggests_a_new_one() {
    let app = TestApp::spawn_team().await;
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ann Lee phone voicemail")
        .await;
    let third = app
        .reply("U0JANE", "/touch", "Ann Lee email no_answer")
        .await;
    assert!(
        third.contains("Channels so far: phone ×2 · email ×1 — try social next"),
        "{third}"
    );
}

#[tokio::test]
async fn ten_touches_without_a_response_suggest_letting_go_once() {
    let app = TestApp::spawn_team().await;
    let mut reply = String::new();
    for day in 0..10 {
        app.clock().set(
            format!("2026-11-{:02}T15:00:00Z", 11 + day)
                .parse()
                .unwrap(),
        );
        reply = app
            .reply("U0JANE", "/touch", "Bob Lee phone no_answer")
            .await;
    }
    assert!(reply.contains("10 touches without a response"), "{reply}");
    assert!(
        reply.contains("/targets replace Bob Lee with NEW NAME @ Company"),
        "{reply}"
    );

    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    let dm = &app.posts_to("U0JANE").await[0];
    assert!(dm.contains("Time to let go?"), "{dm}");
    assert!(dm.contains("*Bob Lee* — 10 touches"), "{dm}");
    // Said once: the next morning's nudge does not repeat it.
    app.run_job(Job::Nudges, "2026-11-24T15:00:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert!(
        dms.iter().skip(1).all(|d| !d.contains("Bob Lee")),
        "{dms:?}"
    );
}

#[tokio::test]
async fn the_digest_tells_the_manager_only_when_a_reps_touches_were_mostly_one_channel() {
    let app = TestApp::spawn_team().await;
    for i in 0..9 {
        app.reply("U0JANE", "/touch", &format!("Prospect {i} phone no_answer"))
            .await;
    }
    app.reply("U0JANE", "/touch", "Prospect 9 email no_answer")
        .await;
    for (i, channel) in ["phone", "email", "social", "text", "video"]
        .iter()
        .enumerate()
    {
        for j in 0..2 {
            app.reply(
                "U0BOB",
                "/touch",
                &format!("Lead {i}{j} {channel} no_answer"),
            )
            .await;
        }
    }
    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let dm = &app.posts_to("U0BOSS").await[0];
    assert!(dm.contains("*Mostly one channel*"), "{dm}");
    assert!(
        dm.contains("<@U0JANE>: 90% phone (9 of 10) — suggest mixing in email and social"),
        "{dm}"
    );
    assert!(!dm.contains("<@U0BOB>: "), "{dm}");
    // Nothing of it anywhere public.
    app.run_job(Job::Shoutouts, "2026-11-23T21:00:30Z").await;
    for post in app.posts_to("C0WINS").await {
        assert!(!post.contains("one channel"), "{post}");
    }
}

#[tokio::test]
async fn the_touch_form_takes_a_call_back_day_and_refuses_one_without_a_callback() {
    use serde_json::json;
    let app = TestApp::spawn_team().await;
    let field = |v: &str| json!({ "type": "plain_text_input", "value": v });
    let pick = |v: &str| json!({ "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": v }, "value": v } });
    let day = json!({ "type": "datepicker", "selected_date": "2026-11-27" });
    let (_, wrong) = submit(
        &app,
        "U0JANE",
        "touch",
        "",
        &[
            ("prospect", field("Ann Park")),
            ("channel", pick("phone")),
            ("outcome", pick("talked")),
            ("callback_on", day.clone()),
        ],
    )
    .await;
    assert_eq!(wrong["response_action"], "errors", "{wrong}");
    assert_eq!(app.count("SELECT COUNT(*) FROM touches").await, 0);
    let (_, done) = submit(
        &app,
        "U0JANE",
        "touch",
        "",
        &[
            ("prospect", field("Ann Park")),
            ("channel", pick("phone")),
            ("outcome", pick("callback")),
            ("callback_on", day),
        ],
    )
    .await;
    assert!(
        done.to_string().contains("Call-back set for Fri 27 Nov"),
        "{done}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM touches WHERE callback_on = '2026-11-27'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_closed_prospect_leaves_the_list_and_is_never_chased() {
    let app = TestApp::spawn_team().await;
    app.clock().set("2026-11-10T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Dana Diaz @ Acme phone meeting")
        .await;
    app.reply("U0JANE", "/touch", "Eli Ray phone no_answer")
        .await;
    let closed = app.reply("U0JANE", "/targets", "close dana diaz").await;
    assert!(
        closed.contains("🏁 Closed *Dana Diaz* after 1 touch"),
        "{closed}"
    );
    let list = app.reply("U0JANE", "/targets", "").await;
    assert!(
        !list.contains("Dana Diaz") && list.contains("Eli Ray"),
        "{list}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects WHERE stage = 'closed'")
            .await,
        1
    );
    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    let dm = &app.posts_to("U0JANE").await[0];
    assert!(dm.contains("Eli Ray") && !dm.contains("Dana"), "{dm}");
}

#[tokio::test]
async fn an_old_ten_touch_backlog_is_not_dug_up_by_the_nudge() {
    let app = TestApp::spawn_team().await;
    for day in 0..10 {
        app.clock().set(
            format!("2026-10-{:02}T15:00:00Z", 10 + day)
                .parse()
                .unwrap(),
        );
        app.reply("U0JANE", "/touch", "Old Timer phone no_answer")
            .await;
    }
    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    // Jane is quiet, so she is nudged — but not about a prospect whose tenth touch was weeks ago.
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(!dms[0].contains("Time to let go?"), "{}", dms[0]);
}
