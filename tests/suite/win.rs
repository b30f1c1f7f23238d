//! `/win`: a small win is stored before the reply says so, counted per day, and kept.
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_win_is_logged_with_its_inferred_kind_and_todays_count() {
    let app = TestApp::spawn().await;
    let first = app
        .reply(
            "U0JANE",
            "/win",
            "Jane Doe at Acme accepted my LinkedIn invite",
        )
        .await;
    assert!(first.contains("Logged your connection:"), "{first}");
    assert!(first.contains("1 win today"), "{first}");
    let second = app
        .reply("U0JANE", "/win", "meeting booked with Globex for Tuesday")
        .await;
    assert!(second.contains("Logged your meeting:"), "{second}");
    assert!(second.contains("2 wins today"), "{second}");
    let kinds: Vec<String> =
        momentum::store::sql::query_scalar("SELECT kind FROM wins ORDER BY id")
            .scalar_all(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(kinds, ["connect", "meeting"]);
}

#[tokio::test]
async fn a_win_of_no_particular_kind_reads_as_a_win_and_a_chance_meeting_as_an_encounter() {
    let app = TestApp::spawn().await;
    let other = app
        .reply("U0JANE", "/win", "sent 30 personalised emails")
        .await;
    assert!(other.starts_with("⭐ Logged your win: “sent 30"), "{other}");
    let met = app
        .reply("U0JANE", "/win", "met the VP at the meetup")
        .await;
    assert!(met.starts_with("☕ Logged your encounter:"), "{met}");
    assert!(met.contains("2 wins today"), "{met}");
}

#[tokio::test]
async fn a_win_counts_on_the_reps_local_day() {
    let app = TestApp::spawn().await;
    // Learn Jane's zone (New York) first: her profile is fetched in the background.
    app.reply("U0JANE", "/win", "warm-up").await;
    app.wait_for_tz("U0JANE").await;
    // 03:00 UTC on Tuesday is still Monday evening in New York.
    app.clock().set("2026-11-24T03:00:00Z".parse().unwrap());
    let text = app.reply("U0JANE", "/win", "Bob replied to my email").await;
    assert!(text.contains("2 wins today"), "{text}");
    let days: Vec<String> =
        momentum::store::sql::query_scalar("SELECT CAST(day AS TEXT) FROM wins ORDER BY id")
            .scalar_all(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(days, ["2026-11-23", "2026-11-23"]);
}

#[tokio::test]
async fn a_streak_grows_over_working_days_and_survives_the_weekend() {
    let app = TestApp::spawn().await;
    let mut last = String::new();
    // Wed, Thu, Fri, then Mon: a four-day streak across the weekend.
    for day in ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"] {
        app.clock().set(format!("{day}T15:00:00Z").parse().unwrap());
        last = app
            .reply("U0JANE", "/win", "another connection accepted")
            .await;
    }
    assert!(last.contains("🔥 4-day streak"), "{last}");
}

#[tokio::test]
async fn empty_or_overlong_text_is_explained_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let empty = app.reply("U0JANE", "/win", "   ").await;
    assert!(empty.contains("For example"), "{empty}");
    assert!(empty.contains("/win"), "{empty}");
    let long = app.reply("U0JANE", "/win", &"🎉".repeat(1001)).await;
    assert!(long.contains("1000 characters"), "{long}");
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 0);
}

/// An app whose writes may wait a minute: every write of a deliberate pile-up commits,
/// however busy the machine.
async fn with_a_write_budget_no_pile_up_reaches() -> TestApp {
    TestApp::spawn_configured(
        |url| momentum::config::Settings {
            write_budget: std::time::Duration::from_secs(60),
            ..settings(url)
        },
        true,
    )
    .await
}

#[tokio::test]
async fn five_hundred_concurrent_wins_are_all_stored_and_counted_once_each() {
    // Every write must commit, however busy the machine: a budget no pile-up reaches (the
    // budget's own behaviour is a_stuck_database_gets_a_clear_answer…).
    let app = with_a_write_budget_no_pile_up_reaches().await;
    let mut tasks = Vec::new();
    for i in 0..500 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let body = slash_body("U0JANE", "/win", &format!("connection {i} accepted"));
            let response = router.oneshot(signed(&body, now_ts())).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            (status, json["text"].as_str().unwrap_or_default().to_owned())
        }));
    }
    let mut counts = Vec::new();
    for task in tasks {
        let (status, text) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        let n: i64 = text
            .split(" win")
            .next()
            .unwrap()
            .rsplit('\n')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("no count in the reply: {text}"));
        counts.push(n);
    }
    counts.sort();
    // Every request saw a distinct running count: no lost or doubled write.
    assert_eq!(counts, (1..=500).collect::<Vec<_>>());
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 500);
}

#[tokio::test]
async fn a_restart_keeps_everything_logged() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/win", "Jane accepted my invite").await;
    app.reply("U0JANE", "/touch", "Bob Lee @ Globex email replied")
        .await;
    let app = app.restart().await;
    // The typed win, and the reply celebrated from the touch.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM wins WHERE source = 'win'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM wins WHERE source = 'touch'")
            .await,
        1
    );
    let text = app.reply("U0JANE", "/win", "Ann replied").await;
    assert!(text.contains("2 wins today"), "{text}");
    let targets = app.reply("U0JANE", "/targets", "").await;
    assert!(targets.contains("Bob Lee"), "{targets}");
}

#[tokio::test]
async fn without_a_known_zone_a_win_counts_on_the_teams_day() {
    use wiremock::matchers::{method, path};
    // Slack never says who is an admin: U0BOSS is one through MOMENTUM_ADMINS.
    let app = TestApp::spawn_configured(
        |url| momentum::config::Settings {
            admins: vec!["U0BOSS".into()],
            ..settings(url)
        },
        false,
    )
    .await;
    wiremock::Mock::given(method("GET"))
        .and(path("/users.info"))
        .respond_with(wiremock::ResponseTemplate::new(500))
        .mount(&app.slack)
        .await;
    app.reply("U0BOSS", "/momentum", "team add <@U0JANE>").await;
    app.reply("U0BOSS", "/momentum", "settings tz Pacific/Auckland")
        .await;
    // 14:00 UTC on Monday is already Tuesday 03:00 in Auckland.
    app.reply("U0JANE", "/win", "Bob replied to my email").await;
    let day: String = momentum::store::sql::query_scalar("SELECT CAST(day AS TEXT) FROM wins")
        .scalar_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(day, "2026-11-24");
}

#[tokio::test]
async fn a_stuck_database_gets_a_clear_answer_and_no_late_commit() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/win", "warm-up").await;
    let release = hold_the_write_lock(&app).await;

    // The lock is held for 10 s: the answer can only come while it is held if the write
    // gave up within its budget.
    let text = app
        .reply("U0JANE", "/win", "Ann at Acme accepted my invite")
        .await;
    assert!(
        text.contains("couldn't save that") && text.contains("try again"),
        "{text}"
    );
    release.send(()).unwrap();
    // Once the lock is gone the abandoned write must still not appear.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM wins WHERE text LIKE 'Ann at Acme%'")
            .await,
        0
    );

    let again = app
        .reply("U0JANE", "/win", "Ann at Acme accepted my invite")
        .await;
    assert!(
        again.contains("Logged your connection") && again.contains("2 wins today"),
        "{again}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 2);
}

#[tokio::test]
async fn replies_repeat_what_was_typed_without_pinging_anyone() {
    let app = TestApp::spawn().await;
    let win = app
        .reply(
            "U0JANE",
            "/win",
            "<!channel> closed <@U0BOSS>'s <https://x.io|deal> & more",
        )
        .await;
    assert!(
        win.contains(
            "&lt;!channel&gt; closed &lt;@U0BOSS&gt;'s &lt;https://x.io|deal&gt; &amp; more"
        ),
        "{win}"
    );
    let touch = app
        .reply("U0JANE", "/touch", "Eve <!here> @ <!everyone> Inc email no")
        .await;
    assert!(
        !touch.contains("<!here>") && !touch.contains("<!everyone>"),
        "{touch}"
    );
    assert!(touch.contains("&lt;!here&gt;"), "{touch}");
    let targets = app.reply("U0JANE", "/targets", "add <!channel> Lee").await;
    assert!(!targets.contains("<!channel>"), "{targets}");
    let nonsense = app.reply("U0JANE", "/momentum", "<!channel>").await;
    assert!(!nonsense.contains("<!channel>"), "{nonsense}");
}

#[tokio::test]
async fn a_member_whose_zone_slack_has_not_told_counts_days_in_the_deployments_default_zone() {
    // Monday 14:00 UTC is already Tuesday 03:00 in Auckland.
    let app = TestApp::spawn_in_default_zone(chrono_tz::Pacific::Auckland).await;
    let (status, _) = app.command("U0JANE", "/win", "met Jane at the expo").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM wins WHERE day = '2026-11-24'")
            .await,
        1
    );
    let settings = app.reply("U0JANE", "/momentum", "settings").await;
    assert!(
        settings.contains("Time zone: Pacific/Auckland"),
        "{settings}"
    );
}

#[tokio::test]
async fn wins_committed_together_with_other_writes_survive_a_failing_one_among_them() {
    use momentum::store::sql;
    let app = with_a_write_budget_no_pile_up_reaches().await;
    app.reply("U0JANE", "/win", "warm-up").await;
    let mut wins = Vec::new();
    for i in 0..60 {
        let app_router = app.router.clone();
        wins.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let body = slash_body(&format!("U0REP{i}"), "/win", "Ann replied to my email");
            let response = app_router.oneshot(signed(&body, now_ts())).await.unwrap();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        }));
    }
    // Other writes queued meanwhile share the writer's transactions: some fail, some do not.
    let mut others = Vec::new();
    for i in 0..10 {
        let db = app.state.db.clone();
        others.push(tokio::spawn(async move {
            db.write(i, |c, i| {
                Box::pin(async move {
                    let table = if i % 2 == 0 { "nowhere" } else { "members" };
                    sql::query(&format!(
                        "INSERT INTO {table} (team_id, user_id, created_at) VALUES ('T0TEAM', ?, '2026-11-23T14:00:00.000Z')"
                    ))
                    .bind(format!("U0OTHER{i}"))
                    .execute(c)
                    .await
                    .map(|_| ())
                })
            })
            .await
        }));
    }
    for win in wins {
        let reply = win.await.unwrap();
        assert!(reply.contains("1 win today"), "{reply}");
    }
    let mut failed = 0;
    for other in others {
        failed += usize::from(other.await.unwrap().is_err());
    }
    assert_eq!(failed, 5, "only the writes to a missing table fail");
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 61);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE user_id LIKE 'U0OTHER%'")
            .await,
        5
    );
}

/// SQLite only (PostgreSQL has no WAL file of ours to copy back): the PostgreSQL half skips
/// every test whose name starts `sqlite_only`.
#[tokio::test]
async fn sqlite_only_logged_wins_reach_the_database_file_itself_once_writes_pause() {
    let app = TestApp::spawn().await;
    let file = app
        .db_url
        .strip_prefix("sqlite://")
        .map(str::to_owned)
        .expect("SQLite only");
    for i in 0..40 {
        app.reply(&format!("U0REP{i}"), "/win", "Ann replied").await;
    }
    // A copy of the database file without its WAL holds what was checkpointed, and the
    // background checkpointer copies every committed win there within moments.
    let copy = app.dir.path().join("copy.db");
    let mut seen = 0;
    for _ in 0..100 {
        std::fs::copy(&file, &copy).unwrap();
        // (A copy taken in the middle of a checkpoint may not open: look again.)
        seen = rusqlite::Connection::open(&copy)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM wins", [], |row| row.get(0)))
            .unwrap_or(-1);
        let _ = std::fs::remove_file(app.dir.path().join("copy.db-wal"));
        if seen == 40 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 40);
}
