//! The scheduler's jobs, driven through the real job code with a set clock and a fake Slack:
//! what the channel, a rep and a manager receive.
use crate::common::*;
use momentum::clock::Clock;
use momentum::jobs::Job;

async fn team() -> TestApp {
    TestApp::spawn_team().await
}

#[tokio::test]
async fn the_shout_out_celebrates_the_days_wins_by_person_once() {
    let app = team().await;
    app.reply("U0JANE", "/win", "Jane Doe at Acme accepted my invite")
        .await;
    app.reply("U0JANE", "/win", "booked a demo with Globex")
        .await;
    app.reply("U0BOB", "/win", "Ann replied to my second email")
        .await;

    let report = app.run_job(Job::Shoutouts, "2026-11-23T16:00:30Z").await;
    assert_eq!((report.claimed, report.queued), (1, 1));
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert!(post.contains("Today's 3 wins"), "{post}");
    assert!(
        post.contains(
            "*<@U0JANE>* — 🤝 Jane Doe at Acme accepted my invite · 📅 booked a demo with Globex"
        ),
        "{post}"
    );
    assert!(
        post.contains("*<@U0BOB>* — 📬 Ann replied to my second email"),
        "{post}"
    );

    // The same tick again, and the next day with nothing new: no second post.
    assert_eq!(
        app.run_job(Job::Shoutouts, "2026-11-23T16:00:50Z")
            .await
            .claimed,
        0
    );
    assert_eq!(
        app.run_job(Job::Shoutouts, "2026-11-24T16:00:10Z")
            .await
            .queued,
        0
    );
    // A new win the day after is celebrated alone.
    app.clock().set("2026-11-25T15:00:00Z".parse().unwrap());
    app.reply("U0BOB", "/win", "met at the Acme booth: their CFO")
        .await;
    app.run_job(Job::Shoutouts, "2026-11-25T16:00:10Z").await;
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 2);
    assert!(
        posts[1].contains("Today's win") && posts[1].contains("their CFO"),
        "{}",
        posts[1]
    );
    assert!(!posts[1].contains("Jane Doe at Acme"), "{}", posts[1]);
}

#[tokio::test]
async fn a_private_rep_is_counted_but_not_named_and_nobody_is_shamed() {
    let app = team().await;
    app.reply("U0JANE", "/momentum", "private").await;
    app.reply("U0JANE", "/win", "a quiet win").await;
    app.reply("U0BOB", "/win", "Ann replied").await;
    app.run_job(Job::Shoutouts, "2026-11-23T16:00:00Z").await;
    let post = &app.posts_to("C0WINS").await[0];
    assert!(
        !post.contains("U0JANE") && !post.contains("a quiet win"),
        "{post}"
    );
    assert!(post.contains("and 1 more win from the team"), "{post}");
    assert!(
        !post.contains("U0BOSS"),
        "a manager with no wins is not mentioned: {post}"
    );
}

#[tokio::test]
async fn milestones_are_computed_from_the_data() {
    let app = team().await;
    app.clock().set("2026-11-23T10:00:00Z".parse().unwrap());
    for i in 0..9 {
        app.reply(
            "U0JANE",
            "/touch",
            &format!("Pat Persistent @ Initech email no_answer try {i}"),
        )
        .await;
    }
    for _ in 0..5 {
        app.reply("U0BOB", "/touch", "Mo Meeting phone voicemail")
            .await;
    }
    app.run_job(Job::Shoutouts, "2026-11-23T16:00:00Z").await;
    app.clock().set("2026-11-24T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Pat Persistent email talked")
        .await;
    app.reply("U0BOB", "/touch", "Mo Meeting phone meeting")
        .await;
    app.reply("U0BOB", "/block", "done 20 dials 2 convos").await;
    app.run_job(Job::Shoutouts, "2026-11-24T16:00:00Z").await;
    let posts = app.posts_to("C0WINS").await;
    let post = posts.last().unwrap();
    assert!(
        post.contains("<@U0JANE> made a 10th touch on *Pat Persistent*"),
        "{post}"
    );
    assert!(
        post.contains("<@U0BOB> booked a meeting with *Mo Meeting* after 5 touches"),
        "{post}"
    );
    assert!(
        post.contains("1 prospecting block completed — thanks <@U0BOB>"),
        "{post}"
    );
}

#[tokio::test]
async fn a_quiet_rep_is_nudged_privately_at_ten_their_time_and_an_active_one_is_not() {
    let app = team().await;
    // Both log on Wednesday; only Bob logs again on Thursday and Friday.
    for (day, who) in [
        ("2026-11-18", "U0JANE"),
        ("2026-11-18", "U0BOB"),
        ("2026-11-19", "U0BOB"),
        ("2026-11-20", "U0BOB"),
    ] {
        app.clock().set(format!("{day}T15:00:00Z").parse().unwrap());
        app.reply(who, "/win", "a connection accepted").await;
    }
    // Monday 09:00 in New York is too early; 10:00 (15:00 UTC) is the time.
    assert_eq!(
        app.run_job(Job::Nudges, "2026-11-23T14:00:00Z")
            .await
            .claimed,
        0
    );
    app.run_job(Job::Nudges, "2026-11-23T15:00:20Z").await;
    let to_jane = app.posts_to("U0JANE").await;
    assert_eq!(to_jane.len(), 1);
    assert!(
        to_jane[0].contains("2 working days since your last logged step"),
        "{}",
        to_jane[0]
    );
    assert!(
        app.posts_to("U0BOB").await.is_empty(),
        "Bob logged a step on Friday"
    );
    assert!(
        app.posts_to("C0WINS").await.is_empty(),
        "quiet reps are never mentioned in a channel"
    );
    // At most one a day.
    app.run_job(Job::Nudges, "2026-11-23T15:00:40Z").await;
    assert_eq!(app.posts_to("U0JANE").await.len(), 1);
}

#[tokio::test]
async fn an_away_rep_is_not_nudged() {
    let app = team().await;
    // Jane and Bob both go quiet after Monday 16; only Jane is away.
    app.clock().set("2026-11-16T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/momentum", "away until 2026-11-24")
        .await;
    app.reply("U0BOB", "/win", "a connection accepted").await;
    app.reply("U0JANE", "/win", "a reply from Globex").await;
    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    // The same run nudges Bob, who is just as quiet: only being away spared Jane.
    assert!(
        app.posts_to("U0BOB")
            .await
            .iter()
            .any(|p| p.contains("since your last logged step")),
        "the control: a quiet rep who is not away is nudged"
    );
    assert!(app.posts_to("U0JANE").await.is_empty());
}

#[tokio::test]
async fn the_nudge_lists_prospects_going_cold() {
    let app = team().await;
    app.clock().set("2026-11-11T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Cold Carl @ Umbrella email no_answer")
        .await;
    app.clock().set("2026-11-12T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Cold Carl phone voicemail")
        .await;
    app.clock().set("2026-11-20T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Warm Wendy phone talked")
        .await;
    app.reply("U0JANE", "/win", "Wendy picked up").await;
    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;
    let dm = &app.posts_to("U0JANE").await[0];
    assert!(
        dm.contains("*Cold Carl* (Umbrella) — 2/10 · last touch 11 days ago · tried phone, email"),
        "{dm}"
    );
    // Wendy talked: she is engaged, no longer chased.
    assert!(!dm.contains("Warm Wendy"), "{dm}");
    // Ten different touches, not the same call ten times: a channel not tried yet.
    assert!(
        dm.contains("try social this time: `/touch Cold Carl social no_answer`"),
        "{dm}"
    );
}

#[tokio::test]
async fn nudges_follow_the_reps_ten_oclock_across_a_dst_change() {
    let app = TestApp::spawn_bare(Clock::fixed("2026-03-18T09:00:00Z".parse().unwrap())).await;
    mount_user(&app.slack, None, "Europe/Paris", false).await;
    mount_post_ok(&app.slack).await;
    app.reply("U0JANE", "/win", "a connection accepted").await;
    app.wait_for_tz("U0JANE").await;
    // Friday 27 March (CET, UTC+1): 10:00 in Paris is 09:00 UTC.
    assert_eq!(
        app.run_job(Job::Nudges, "2026-03-27T08:30:00Z")
            .await
            .claimed,
        0
    );
    assert_eq!(
        app.run_job(Job::Nudges, "2026-03-27T09:00:05Z")
            .await
            .claimed,
        1
    );
    // Monday 30 March (CEST, UTC+2): 10:00 in Paris is 08:00 UTC.
    assert_eq!(
        app.run_job(Job::Nudges, "2026-03-30T07:30:00Z")
            .await
            .claimed,
        0
    );
    assert_eq!(
        app.run_job(Job::Nudges, "2026-03-30T08:00:05Z")
            .await
            .claimed,
        1
    );
    assert_eq!(app.posts_to("U0JANE").await.len(), 2);
}

#[tokio::test]
async fn a_block_gets_a_reminder_before_and_a_follow_up_after() {
    let app = team().await;
    app.reply("U0JANE", "/block", "14:00 60m").await; // 19:00 UTC
    assert_eq!(
        app.run_job(Job::Reminders, "2026-11-23T18:45:00Z")
            .await
            .queued,
        0
    );
    app.run_job(Job::Reminders, "2026-11-23T18:52:00Z").await;
    app.run_job(Job::Reminders, "2026-11-23T18:53:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert_eq!(dms.len(), 1);
    assert!(dms[0].contains("starts at 14:00 (in 8 min)"), "{}", dms[0]);
    app.run_job(Job::Reminders, "2026-11-23T20:01:00Z").await;
    let dms = app.posts_to("U0JANE").await;
    assert_eq!(dms.len(), 2);
    assert!(
        dms[1].contains("How did your 60-minute block at 14:00 go?"),
        "{}",
        dms[1]
    );
    app.run_job(Job::Reminders, "2026-11-23T20:02:00Z").await;
    assert_eq!(app.posts_to("U0JANE").await.len(), 2);
}

#[tokio::test]
async fn no_follow_up_when_the_results_were_already_logged() {
    let app = team().await;
    app.reply("U0JANE", "/block", "now 30m").await;
    // Bob's block of the same half hour, not reported: the control.
    app.reply("U0BOB", "/block", "now 30m").await;
    app.clock().set("2026-11-23T14:25:00Z".parse().unwrap());
    app.reply("U0JANE", "/block", "done 12 dials 2 convos")
        .await;
    app.run_job(Job::Reminders, "2026-11-23T14:31:00Z").await;
    let bob = app.posts_to("U0BOB").await;
    assert!(bob.iter().any(|p| p.contains("How did")), "{bob:?}");
    let jane = app.posts_to("U0JANE").await;
    assert!(jane.iter().all(|p| !p.contains("How did")), "{jane:?}");
}

/// Last week (16–22 Nov): Jane 3 touches (1 reply), 2 wins, a planned block done, drops a
/// prospect after 1 touch; Bob 1 touch, a no; the manager a win of his own. The week before:
/// Jane 1 touch.
async fn a_logged_week(app: &TestApp) {
    let at = |s: &str| app.clock().set(s.parse().unwrap());
    at("2026-11-10T15:00:00Z");
    app.reply("U0JANE", "/touch", "Old Olga email no_answer")
        .await;
    at("2026-11-16T14:00:00Z");
    app.reply("U0JANE", "/touch", "Ann Lee @ Initech phone no_answer")
        .await;
    app.reply("U0JANE", "/block", "10:00 30m").await;
    at("2026-11-17T15:00:00Z");
    app.reply("U0JANE", "/touch", "Ann Lee phone voicemail")
        .await;
    app.reply("U0JANE", "/touch", "Bo Diddly email replied")
        .await;
    app.reply("U0JANE", "/win", "Bo replied, wants a call")
        .await;
    app.reply("U0JANE", "/win", "booked a meeting with Initech")
        .await;
    app.reply("U0JANE", "/targets", "drop Bo Diddly").await;
    at("2026-11-16T15:35:00Z");
    app.reply("U0JANE", "/block", "done 20 dials 3 convos 1 meeting")
        .await;
    at("2026-11-18T15:00:00Z");
    app.reply("U0BOB", "/touch", "Ned No @ Hooli phone no")
        .await;
    app.reply("U0BOSS", "/win", "CFO of Umbrella accepted my invite")
        .await;
}

#[tokio::test]
async fn the_weekly_digest_numbers_match_the_logged_steps_exactly() {
    let app = team().await;
    a_logged_week(&app).await;
    // Monday 08:00 in New York is 13:00 UTC.
    assert_eq!(
        app.run_job(Job::Digests, "2026-11-23T12:30:00Z")
            .await
            .claimed,
        0
    );
    let report = app.run_job(Job::Digests, "2026-11-23T13:00:30Z").await;
    let dms = app.posts_to("U0BOSS").await;
    assert_eq!(dms.len(), 1, "{dms:?} {report:?} {:?}", app.posted().await);
    let d: serde_json::Value = serde_json::from_str(&dms[0]).unwrap();
    let text: Vec<String> = d["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.to_string())
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains("Team digest — Mon 16 Nov – Sun 22 Nov"),
        "{all}"
    );
    assert!(
        // 3 touches of Jane's and 1 of Bob's, and the 20 dials of Jane's block.
        all.contains("*Touches* 24 (↑23) — 23 phone · 1 email"),
        "{all}"
    );
    assert!(all.contains("*Wins* 2 (↑2) — 1 meeting · 1 reply"), "{all}");
    assert!(
        all.contains("*Blocks* 1 block done · 1 planned (before: no blocks)"),
        "{all}"
    );
    assert!(
        all.contains(
            "*Conversations* 3 (↑3) · *Meetings* 1 (↑1) · *Call-backs* 0 (=) · *No's* 1 (↑1)"
        ),
        "{all}"
    );
    // A reply, and the block's 3 conversations and 1 meeting: 5 responses of 24 touches.
    assert!(all.contains("*Response rate* 21% (before: 0%)"), "{all}");
    assert!(
        all.contains(
            "• <@U0JANE> — 23 touches · 2 wins · 1 block done · 1 planned · 1 meeting · 22% response"
        ),
        "{all}"
    );
    assert!(
        all.contains("• <@U0BOB> — 1 touch · 0 wins · no blocks · 0 meetings · 0% response"),
        "{all}"
    );
    assert!(
        all.contains("<@U0JANE> dropped *Bo Diddly* after 1 touch"),
        "{all}"
    );
    assert!(
        all.contains("<@U0BOB>: *Ned No* said no — who replaces them?"),
        "{all}"
    );
    assert!(all.contains("*Median days between touches:* 1"), "{all}");
    assert!(
        all.contains("*Your own prospecting:* 0 touches · 1 win"),
        "{all}"
    );
    assert!(
        all.contains("Worth recognising") && all.contains("booked a meeting with Initech"),
        "{all}"
    );
    assert!(
        all.contains("• <@U0BOB> (2 working days)\\n• <@U0JANE> (3 working days)"),
        "{all}"
    );
    // Once only.
    app.run_job(Job::Digests, "2026-11-23T13:01:00Z").await;
    assert_eq!(app.posts_to("U0BOSS").await.len(), 1);
    assert!(
        app.posts_to("U0JANE")
            .await
            .iter()
            .all(|p| !p.contains("Team digest")),
        "reps get no digest"
    );
}

#[tokio::test]
async fn a_digest_on_demand_arrives_by_dm() {
    let app = team().await;
    app.reply("U0JANE", "/win", "Jane accepted").await;
    let reply = app.reply("U0BOSS", "/momentum", "digest").await;
    assert!(reply.contains("on its way to your DMs"), "{reply}");
    app.drain_all().await;
    let dm = &app.posts_to("U0BOSS").await[0];
    assert!(
        dm.contains("Team digest") && dm.contains("*Wins* 1"),
        "{dm}"
    );
}

#[tokio::test]
async fn a_crash_after_the_claim_loses_nothing_and_repeats_nothing() {
    let app = team().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    // The run is claimed and its post queued in one transaction; then the process dies
    // before the sender delivers it.
    let at = "2026-11-23T16:00:00Z".parse().unwrap();
    app.clock().set(at);
    let report = momentum::jobs::run(&app.state, Job::Shoutouts, at)
        .await
        .unwrap();
    assert_eq!(report.queued, 1);
    let app = app.restart().await;
    // After the restart the scheduler ticks again: nothing is claimed twice...
    assert_eq!(
        momentum::jobs::run(&app.state, Job::Shoutouts, at)
            .await
            .unwrap()
            .claimed,
        0
    );
    // ...and the queued post goes out exactly once.
    app.drain_all().await;
    assert_eq!(app.posts_to("C0WINS").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_between_the_claim_and_the_queued_post_leaves_neither_and_the_next_run_does_both()
 {
    let app = team().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    let run = |fail_point: Option<&'static str>| {
        let (url, slack) = (app.db_url.clone(), app.slack.uri());
        tokio::task::spawn_blocking(move || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_momentum"));
            cmd.args(["run-job", "shoutouts", "--now", "2026-11-23T16:00:00Z"])
                .env("DATABASE_URL", url)
                .env("SLACK_SIGNING_SECRET", SECRET)
                .env("SLACK_BOT_TOKEN", "xoxb-test")
                .env("SLACK_API_URL", slack)
                .env_remove("MOMENTUM_FAIL_POINT");
            if let Some(point) = fail_point {
                cmd.env("MOMENTUM_FAIL_POINT", point);
            }
            cmd.output().unwrap()
        })
    };
    // The process dies inside the transaction, after claiming the run, before queueing.
    let crashed = run(Some("shoutout-claimed")).await.unwrap();
    assert!(!crashed.status.success(), "the fail point aborted the run");
    assert!(String::from_utf8_lossy(&crashed.stderr).contains("fail point shoutout-claimed"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE job = 'shoutouts'")
            .await,
        0,
        "the claim died with the transaction"
    );
    let posts =
        "SELECT COUNT(*) FROM outbox WHERE channel = 'C0WINS' AND method = 'chat.postMessage'";
    assert_eq!(app.count(posts).await, 0);
    // The next run claims it and posts it, once.
    let again = run(None).await.unwrap();
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains("1 run(s) claimed, 1 message(s) queued"),
        "{out}"
    );
    assert_eq!(app.posts_to("C0WINS").await.len(), 1);
}

#[tokio::test]
async fn run_job_from_the_command_line_does_the_work_once_for_the_same_instant() {
    let app = team().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_momentum"))
            .args(["run-job", "shoutouts", "--now", "2026-11-23T16:00:00Z"])
            .env("DATABASE_URL", &app.db_url)
            .env("SLACK_SIGNING_SECRET", SECRET)
            .env("SLACK_BOT_TOKEN", "xoxb-test")
            .env("SLACK_API_URL", app.slack.uri())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("1 run(s) claimed, 1 message(s) queued") && out.contains("outbox delivered"),
        "{out}"
    );
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 run(s) claimed"));
    assert_eq!(app.posts_to("C0WINS").await.len(), 1);
}

#[tokio::test]
async fn nobody_is_nudged_on_a_team_holiday() {
    let app = team().await;
    app.clock().set("2026-11-18T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "a connection accepted").await;
    let saved = app
        .reply("U0ADMIN", "/momentum", "settings holiday 2026-11-23")
        .await;
    assert!(
        saved.contains("Holidays (no nudges): 2026-11-23"),
        "{saved}"
    );
    app.run_job(Job::Nudges, "2026-11-23T15:00:10Z").await;
    assert!(app.posts_to("U0JANE").await.is_empty(), "a holiday");
    app.run_job(Job::Nudges, "2026-11-24T15:00:10Z").await;
    assert_eq!(
        app.posts_to("U0JANE").await.len(),
        1,
        "back to work on Tuesday"
    );
}

#[tokio::test]
async fn a_long_shout_out_puts_the_details_in_its_thread() {
    let app = team().await;
    for i in 0..10 {
        app.reply(&format!("U0REP{i}"), "/win", &format!("win number {i}"))
            .await;
    }
    let report = app.run_job(Job::Shoutouts, "2026-11-23T16:00:00Z").await;
    assert_eq!(report.queued, 2);
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 2);
    let (post, thread) = (&posts[0], &posts[1]);
    assert!(
        post.contains("Today's 10 wins") && post.contains("2 more people celebrated in the thread"),
        "{post}"
    );
    assert_eq!(
        post.matches("\"action_id\":\"celebrate\"").count(),
        8,
        "{post}"
    );
    assert!(!post.contains("thread_ts"), "{post}");
    let thread: serde_json::Value = serde_json::from_str(thread).unwrap();
    assert_eq!(
        thread["thread_ts"], "1764000000.000100",
        "a reply to the delivered post"
    );
    assert!(
        thread.to_string().contains("win number 8") && thread.to_string().contains("win number 9"),
        "{thread}"
    );
}

#[tokio::test]
async fn a_seven_day_week_gets_its_sunday_shout_out() {
    let app = team().await;
    let reply = app
        .reply("U0ADMIN", "/momentum", "settings workdays mon-sun")
        .await;
    assert!(reply.contains("Shout-out: every day 16:00"), "{reply}");
    app.clock().set("2026-11-29T11:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Sunday coffee with the Acme VP")
        .await;

    let report = app.run_job(Job::Shoutouts, "2026-11-29T16:00:30Z").await;

    assert_eq!((report.claimed, report.queued), (1, 1));
    let posts = app.posts_to("C0WINS").await;
    assert!(
        posts[0].contains("Sunday coffee with the Acme VP"),
        "{}",
        posts[0]
    );
}

#[tokio::test]
async fn a_teams_first_shout_out_three_days_after_its_first_wins_celebrates_them_all_once() {
    let app = team().await;
    app.clock().set("2026-11-11T15:00:00Z".parse().unwrap());
    app.reply("U0BOB", "/win", "too old to celebrate now").await;
    for (at, win) in [
        (
            "2026-11-20T17:30:00Z",
            "Friday: Ann at Acme accepted my invite",
        ),
        (
            "2026-11-21T10:00:00Z",
            "Saturday: met the Globex CFO at the meetup",
        ),
        ("2026-11-22T12:00:00Z", "Sunday: Carl replied to my email"),
    ] {
        app.clock().set(at.parse().unwrap());
        app.reply("U0JANE", "/win", win).await;
    }

    let report = app.run_job(Job::Shoutouts, "2026-11-23T16:00:30Z").await;

    assert_eq!(report.queued, 1);
    let post = &app.posts_to("C0WINS").await[0];
    assert!(post.contains("Today's 3 wins"), "{post}");
    for day in ["Friday", "Saturday", "Sunday"] {
        assert!(post.contains(day), "{day} missing: {post}");
    }
    assert!(!post.contains("too old"), "{post}");
    // The next shout-out (after a day off the service was down for) has nothing twice.
    app.clock().set("2026-11-25T09:00:00Z".parse().unwrap());
    app.reply("U0BOB", "/win", "Wednesday morning: Dee booked a demo")
        .await;
    app.run_job(Job::Shoutouts, "2026-11-25T16:00:30Z").await;
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 2);
    assert!(
        posts[1].contains("Today's win") && posts[1].contains("Wednesday morning"),
        "{}",
        posts[1]
    );
    assert!(!posts[1].contains("Friday"), "{}", posts[1]);
}

#[tokio::test]
async fn wins_logged_while_the_service_was_down_past_the_grace_window_are_celebrated_next_time() {
    let app = team().await;
    app.reply("U0JANE", "/win", "Monday: Ann replied").await;
    app.run_job(Job::Shoutouts, "2026-11-23T16:00:30Z").await;
    app.clock().set("2026-11-24T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Tuesday: Bo accepted my invite")
        .await;
    // Down from Tuesday 15:00 to Wednesday 09:00: Tuesday's 16:00 run is never made.
    assert_eq!(
        app.run_job(Job::Shoutouts, "2026-11-25T09:00:00Z")
            .await
            .claimed,
        0
    );
    app.run_job(Job::Shoutouts, "2026-11-25T16:00:30Z").await;
    let posts = app.posts_to("C0WINS").await;
    assert_eq!(posts.len(), 2);
    assert!(posts[1].contains("Tuesday: Bo accepted"), "{}", posts[1]);
    assert!(!posts[1].contains("Monday"), "{}", posts[1]);
}

/// Everything the fake Slack refused as `invalid_blocks`.
async fn refused(app: &TestApp) -> usize {
    app.count("SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%invalid_blocks%'")
        .await as usize
}

#[tokio::test]
async fn the_longest_win_and_a_day_of_300_wins_still_make_a_shout_out_slack_accepts() {
    let app = team().await;
    let longest = format!("<!channel> {}", "closed & booked <@U0BOB> ".repeat(40));
    let longest: String = longest.chars().take(momentum::commands::MAX_TEXT).collect();
    app.reply("U0JANE", "/win", &longest).await;
    for i in 0..300 {
        let user = format!("U0REP{i:03}");
        app.reply(&user, "/win", &format!("win {i}: {}", "x".repeat(200)))
            .await;
    }

    let report = app.run_job(Job::Shoutouts, "2026-11-23T16:00:30Z").await;

    assert_eq!(refused(&app).await, 0);
    assert_eq!(report.queued, 2, "the post and its thread");
    let posts = app.posted().await;
    assert_eq!(posts.len(), 2);
    for post in &posts {
        assert_eq!(block_kit_violation(post), None, "{post}");
    }
    let text = posts[0].to_string();
    assert!(text.contains("Today's 301 wins"), "{text}");
    assert!(text.contains("&lt;!channel&gt;"), "{text}");
    assert!(
        !text.contains("<!channel>") && !text.contains("<@U0BOB>"),
        "{text}"
    );
}

#[tokio::test]
async fn what_a_rep_types_never_pings_mentions_or_links_in_shout_outs_nudges_and_digests() {
    let app = team().await;
    let typed = "<!here> <!subteam^S0SALES> <@U0BOSS> <https://evil.example|click> & more";
    app.clock().set("2026-11-12T15:00:00Z".parse().unwrap());
    app.reply(
        "U0JANE",
        "/touch",
        &format!("Eve {typed} @ <!everyone> Corp email no_answer"),
    )
    .await;
    app.reply("U0BOB", "/touch", &format!("Ned {typed} phone no"))
        .await;
    app.clock().set("2026-11-20T15:00:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", &format!("meeting booked {typed}"))
        .await;
    // A reply celebrated from a touch, and a call-back with a note, both carrying the text.
    app.reply("U0JANE", "/touch", &format!("Rae {typed} email replied"))
        .await;
    app.reply(
        "U0BOB",
        "/touch",
        &format!("Cal {typed} phone callback 2026-11-23 {typed}"),
    )
    .await;

    app.run_job(Job::Shoutouts, "2026-11-20T16:00:30Z").await;
    app.run_job(Job::Digests, "2026-11-23T13:00:30Z").await;
    app.run_job(Job::Reminders, "2026-11-23T14:00:30Z").await;
    app.run_job(Job::Nudges, "2026-11-23T15:00:00Z").await;

    let posts = app.posted().await;
    assert!(
        posts.len() >= 4,
        "a shout-out, a digest, a call-back and a nudge: {posts:?}"
    );
    assert!(
        posts
            .iter()
            .any(|p| p.to_string().contains("Call-back due today")),
        "{posts:?}"
    );
    for post in &posts {
        let text = post.to_string();
        for live in [
            "<!here>",
            "<!everyone>",
            "<!subteam^",
            "<https://",
            "<@U0BOSS>",
        ] {
            // The digest goes to U0BOSS, who may be the bot's own intended mention only as the
            // channel of the DM, never inside what Jane or Bob typed.
            let inside = text.matches(live).count();
            assert_eq!(inside, 0, "{live} is live in {text}");
        }
        assert_eq!(block_kit_violation(post), None, "{text}");
    }
    let all: String = posts.iter().map(|p| p.to_string()).collect();
    assert!(all.contains("&lt;!here&gt;"), "{all}");
}

#[tokio::test]
async fn housekeeping_is_claimed_once_an_hour_whichever_process_gets_there_first() {
    let app = TestApp::spawn().await;
    let runs = "SELECT COUNT(*) FROM job_runs WHERE job = 'housekeeping'";
    let now = app.clock().now();
    momentum::jobs::housekeeping(&app.state, now).await;
    momentum::jobs::housekeeping(&app.state, now + chrono::Duration::minutes(20)).await;
    assert_eq!(app.count(runs).await, 1);
    momentum::jobs::housekeeping(&app.state, now + chrono::Duration::minutes(70)).await;
    assert_eq!(app.count(runs).await, 2);
}
