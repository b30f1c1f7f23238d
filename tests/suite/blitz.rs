//! `/blitz`: a timed team session with a live, throttled scoreboard and a results post.
use crate::common::*;
use momentum::clock::Clock;
use momentum::jobs::Job;

/// Jane, Bob and their manager Boss; names come from Slack.
pub async fn blitz_team() -> TestApp {
    let app = TestApp::spawn_bare(Clock::fixed(monday_afternoon())).await;
    let mount = || async {
        for user in ["U0JANE", "U0BOB", "U0BOSS"] {
            mount_user(&app.slack, Some(user), "America/New_York", false).await;
        }
        mount_post_ok(&app.slack).await;
        mount_update_ok(&app.slack).await;
    };
    mount().await;
    app.join_team("U0BOSS", &["U0JANE", "U0BOB"]).await;
    for user in ["U0JANE", "U0BOB", "U0BOSS"] {
        app.reply(user, "/momentum", "help").await;
        app.wait_for_tz(user).await;
    }
    app.drain_all().await;
    // The answered invitations' updates are not the scoreboard's.
    app.slack.reset().await;
    mount().await;
    app.clock().set(monday_afternoon());
    app
}

#[tokio::test]
async fn a_blitz_posts_a_scoreboard_and_a_second_start_is_refused() {
    let app = blitz_team().await;
    let text = app.reply("U0BOSS", "/blitz", "start 60m goal 50").await;
    assert!(
        text.contains("Blitz on: 60 minutes, goal 50 attempts"),
        "{text}"
    );
    app.drain_all().await;
    let board = app.posts_to("C0GENERAL").await;
    assert_eq!(board.len(), 1);
    assert!(
        board[0].contains("Prospecting blitz — 60 min left") && board[0].contains("0% of 50"),
        "{}",
        board[0]
    );
    let again = app.reply("U0JANE", "/blitz", "start 30m").await;
    assert!(again.contains("already running in this channel"), "{again}");
    assert_eq!(app.count("SELECT COUNT(*) FROM blitzes").await, 1);
}

#[tokio::test]
async fn the_scoreboard_counts_everyones_touches_and_blocks_and_is_throttled() {
    let app = blitz_team().await;
    app.reply("U0BOSS", "/blitz", "start 60m goal 50").await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await; // posts the board; nothing to update yet
    app.clock().set("2026-11-23T14:05:00Z".parse().unwrap());
    for note in ["a", "b", "c", "d"] {
        app.reply("U0JANE", "/touch", &format!("Lead {note} phone no_answer"))
            .await;
    }
    app.reply("U0JANE", "/touch", "Lead e phone meeting").await;
    app.reply("U0BOB", "/touch", "Lead f email replied").await;
    app.reply("U0BOB", "/block", "done 10 dials 2 convos").await;
    app.run_job(Job::Blitz, "2026-11-23T14:05:10Z").await;
    let ups = updates(&app.slack).await;
    assert_eq!(ups.len(), 1);
    let board = &ups[0];
    assert!(board.contains("55 min left"), "{board}");
    // Team: 5 + 1 + 10 attempts; responses 1 meeting + 1 reply + 2 block conversations.
    assert!(
        board.contains(
            "*Team:* 16 attempts · 2 conversations · 4 responses · 1 meeting · 25% response rate"
        ),
        "{board}"
    );
    assert!(board.contains("32% of 50"), "{board}");
    assert!(
        board.contains(
            "• *Bob* — 11 attempts · 2 conversations · 3 responses · 0 meetings · 27% response rate"
        ),
        "{board}"
    );
    assert!(
        board.contains(
            "• *Jane* — 5 attempts · 0 conversations · 1 response · 1 meeting · 20% response rate"
        ),
        "{board}"
    );
    assert!(!board.contains("<@"), "names, not mentions: {board}");
    // Another touch right away: the board waits out the gap between updates.
    app.reply("U0JANE", "/touch", "Lead g phone talked").await;
    app.run_job(Job::Blitz, "2026-11-23T14:05:15Z").await;
    assert_eq!(updates(&app.slack).await.len(), 1);
    app.run_job(Job::Blitz, "2026-11-23T14:05:25Z").await;
    let ups = updates(&app.slack).await;
    assert_eq!(ups.len(), 2);
    assert!(ups[1].contains("*Team:* 17 attempts"), "{}", ups[1]);
}

#[tokio::test]
async fn ending_by_command_posts_the_results_and_thanks_everyone() {
    let app = blitz_team().await;
    app.reply("U0BOSS", "/blitz", "start 60m").await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;
    app.clock().set("2026-11-23T14:10:00Z".parse().unwrap());
    app.reply("U0JANE", "/touch", "Carl Cho phone meeting")
        .await;
    app.reply("U0BOB", "/touch", "Ned Ortiz phone no_answer")
        .await;
    let refused = app.reply("U0BOB", "/blitz", "end").await;
    assert!(
        refused.contains("Only <@U0BOSS> (who started it) or a workspace admin"),
        "{refused}"
    );
    let ended = app.reply("U0BOSS", "/blitz", "end").await;
    assert!(ended.contains("results are in the channel"), "{ended}");
    app.drain_all().await;
    let posts = app.posts_to("C0GENERAL").await;
    let results = posts.last().unwrap();
    assert!(results.contains("Blitz results — 10 minutes"), "{results}");
    assert!(results.contains("*Together:* 2 attempts · 0 conversations · 1 response · 1 meeting · *50%* response rate"), "{results}");
    assert!(
        results.contains("<@U0JANE>: booked a meeting with Carl Cho"),
        "{results}"
    );
    // The manager logged nothing: no "leading from the front" line, and no zero in public.
    assert!(!results.contains("Leading from the front"), "{results}");
    assert!(!results.contains("0 attempts"), "{results}");
    assert!(
        results.contains("Thank you <@U0JANE>, <@U0BOB>")
            || results.contains("Thank you <@U0BOB>, <@U0JANE>"),
        "{results}"
    );
    let final_board = updates(&app.slack).await.last().unwrap().clone();
    assert!(final_board.contains("done!"), "{final_board}");
    assert!(final_board.contains("Started by Boss."), "{final_board}");
    // A new blitz may start now, and its results compare with this one.
    let again = app.reply("U0BOSS", "/blitz", "start 30m").await;
    assert!(again.contains("Blitz on"), "{again}");
    app.run_job(Job::Blitz, "2026-11-23T14:41:00Z").await;
    let last = app.posts_to("C0GENERAL").await.last().unwrap().clone();
    assert!(
        last.contains("*Your team's last blitz:* 2 attempts · 1 meeting · 50% response rate"),
        "{last}"
    );
}

#[tokio::test]
async fn the_clock_ends_a_blitz_even_across_a_restart() {
    let app = blitz_team().await;
    app.reply("U0JANE", "/blitz", "start 30m").await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;
    app.clock().set("2026-11-23T14:10:00Z".parse().unwrap());
    app.reply("U0BOB", "/touch", "Ned Ortiz phone talked").await;
    let app = app.restart().await;
    assert_eq!(
        app.run_job(Job::Blitz, "2026-11-23T14:20:00Z").await.queued,
        1,
        "a refresh, still running"
    );
    let report = app.run_job(Job::Blitz, "2026-11-23T14:30:02Z").await;
    assert_eq!(report.queued, 2, "the final board and the results");
    let results = app.posts_to("C0GENERAL").await.last().unwrap().clone();
    assert!(
        results.contains("Blitz results — 30 minutes")
            && results.contains("*Together:* 1 attempt ·"),
        "{results}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blitzes WHERE ended_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.run_job(Job::Blitz, "2026-11-23T14:31:00Z").await.queued,
        0
    );
}

#[tokio::test]
async fn a_blitz_needs_a_channel_and_sensible_text() {
    let app = blitz_team().await;
    let body = slash_body("U0JANE", "/blitz", "start 60m").replace("C0GENERAL", "D0DIRECT");
    let (_, text) = app.send(signed(&body, now_ts())).await;
    assert!(text.contains("runs in a team channel"), "{text}");
    let nonsense = app.reply("U0JANE", "/blitz", "start forever").await;
    assert!(nonsense.contains("For example"), "{nonsense}");
    assert_eq!(app.count("SELECT COUNT(*) FROM blitzes").await, 0);
}

#[tokio::test]
async fn two_teams_blitz_at_once_each_counting_its_own_and_ranked_by_response_rate() {
    let app = blitz_team().await;
    // A second team: U0LEAD manages U0ANN and U0CY.
    for user in ["U0LEAD", "U0ANN", "U0CY"] {
        mount_user(&app.slack, Some(user), "America/New_York", false).await;
    }
    app.join_team("U0LEAD", &["U0ANN", "U0CY"]).await;
    app.drain_all().await;
    app.clock().set(monday_afternoon());
    // Jane starts her team's blitz (her manager's team); Ann starts hers.
    let first = app
        .reply_in("C0SALES", "U0JANE", "/blitz", "start 30m")
        .await;
    assert!(first.contains("It counts <@U0BOSS>'s team"), "{first}");
    let second = app.reply_in("C0EAST", "U0ANN", "/blitz", "start 30m").await;
    assert!(second.contains("Blitz on"), "{second}");
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;

    app.clock().set("2026-11-23T14:05:00Z".parse().unwrap());
    // Bob: 10 attempts, 1 response (10%); Jane: 6 attempts, 3 responses (50%).
    for i in 0..9 {
        app.reply("U0BOB", "/touch", &format!("Lead {i} phone no_answer"))
            .await;
    }
    app.reply("U0BOB", "/touch", "Lead 9 phone talked").await;
    for (i, outcome) in [
        "replied",
        "talked",
        "meeting",
        "no_answer",
        "voicemail",
        "no_answer",
    ]
    .iter()
    .enumerate()
    {
        app.reply("U0JANE", "/touch", &format!("Pro {i} email {outcome}"))
            .await;
    }
    // Ann's team: Cy with 2 attempts.
    app.reply("U0CY", "/touch", "Zed Zu phone no_answer").await;
    app.reply("U0CY", "/touch", "Zed Zu email no_answer").await;

    app.run_job(Job::Blitz, "2026-11-23T14:06:00Z").await;
    let boards = updates(&app.slack).await;
    let sales = boards.iter().rev().find(|b| b.contains("C0SALES")).unwrap();
    let east = boards.iter().rev().find(|b| b.contains("C0EAST")).unwrap();
    // Jane leads on rate with fewer attempts; the other team's people are not on the board.
    let (jane, bob) = (sales.find("*Jane*").unwrap(), sales.find("*Bob*").unwrap());
    assert!(jane < bob, "{sales}");
    assert!(sales.contains("*Team:* 16 attempts"), "{sales}");
    assert!(!sales.contains("*Cy*"), "{sales}");
    assert!(east.contains("*Team:* 2 attempts"), "{east}");
    assert!(
        !east.contains("*Jane*") && !east.contains("*Bob*"),
        "{east}"
    );
}

#[tokio::test]
async fn the_results_compare_the_teams_response_rate_with_its_previous_blitz() {
    let app = blitz_team().await;
    app.reply("U0BOSS", "/blitz", "start 30m").await;
    app.clock().set("2026-11-23T14:05:00Z".parse().unwrap());
    for i in 0..4 {
        app.reply("U0BOB", "/touch", &format!("Lead {i} phone no_answer"))
            .await;
    }
    app.reply("U0BOB", "/touch", "Lead 4 phone talked").await; // 1 in 5: 20%
    app.run_job(Job::Blitz, "2026-11-23T14:31:00Z").await;

    app.clock().set("2026-11-24T14:00:00Z".parse().unwrap());
    app.reply("U0BOSS", "/blitz", "start 30m").await;
    app.clock().set("2026-11-24T14:05:00Z".parse().unwrap());
    for (i, outcome) in ["talked", "replied", "no_answer", "no_answer", "no_answer"]
        .iter()
        .enumerate()
    {
        app.reply("U0JANE", "/touch", &format!("Pro {i} phone {outcome}"))
            .await; // 40%
    }
    app.run_job(Job::Blitz, "2026-11-24T14:31:00Z").await;
    let results = app.posts_to("C0GENERAL").await.last().unwrap().clone();
    assert!(results.contains("*40%* response rate"), "{results}");
    assert!(
        results.contains("*Your team's last blitz:* 5 attempts · 0 meetings · 20% response rate — response rate up 20 points"),
        "{results}"
    );
}

#[tokio::test]
async fn a_manager_who_joined_in_is_shown_leading_from_the_front() {
    let app = blitz_team().await;
    app.reply("U0BOSS", "/blitz", "start 60m").await;
    app.run_job(Job::Blitz, "2026-11-23T14:00:01Z").await;
    app.clock().set("2026-11-23T14:10:00Z".parse().unwrap());
    app.reply("U0BOSS", "/touch", "Dee Ho phone talked").await;
    app.reply("U0JANE", "/touch", "Carl Cho phone no_answer")
        .await;
    app.reply("U0BOSS", "/blitz", "end").await;
    app.drain_all().await;
    let results = app.posts_to("C0GENERAL").await.last().unwrap().clone();
    assert!(
        results.contains("*Leading from the front:* <@U0BOSS> — 1 attempt · 1 conversation"),
        "{results}"
    );
}
