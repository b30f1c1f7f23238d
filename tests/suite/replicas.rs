//! Replicas: several real `momentum serve` processes on one PostgreSQL database, with a fake
//! Slack that records which replica made each call and when. These tests need PostgreSQL, so
//! they run in this binary's PostgreSQL half (see `crate::common::pg`); the SQLite half of the
//! binary has no replicas to run (SQLite is one process's file) and says so.
use crate::common::*;
use momentum::clock::Clock;
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One call the fake Slack received.
#[derive(Clone, Debug)]
struct Call {
    replica: String,
    method: String,
    channel: String,
    body: String,
}

/// The fake Slack: answers like Slack, records every call, and holds the first post to
/// `slow` for a few seconds (a replica killed meanwhile dies mid-delivery).
#[derive(Clone)]
struct Recorder {
    calls: Arc<Mutex<Vec<Call>>>,
    slow: &'static str,
}

impl Respond for Recorder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut parts = request.url.path().trim_start_matches('/').splitn(2, '/');
        let replica = parts.next().unwrap_or_default().to_owned();
        let method = parts.next().unwrap_or_default().to_owned();
        if method == "users.info" {
            let user = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "user")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "ok": true,
                "user": { "id": user, "team_id": TEAM, "name": "someone", "tz": "UTC",
                          "tz_offset": 0, "is_admin": false, "is_bot": false, "deleted": false,
                          "profile": { "display_name": user, "real_name": user } }
            }));
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let channel = body["channel"].as_str().unwrap_or_default().to_owned();
        let mut calls = self.calls.lock().unwrap();
        let first_slow = channel == self.slow && !calls.iter().any(|c| c.channel == self.slow);
        calls.push(Call {
            replica,
            method,
            channel,
            body: String::from_utf8_lossy(&request.body).into_owned(),
        });
        if first_slow {
            post_ok().set_delay(Duration::from_secs(4))
        } else {
            post_ok()
        }
    }
}

impl Recorder {
    fn posts(&self) -> Vec<Call> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .cloned()
            .collect()
    }
}

async fn fake_slack(slow: &'static str) -> (MockServer, Recorder) {
    let slack = MockServer::start().await;
    let recorder = Recorder {
        calls: Arc::default(),
        slow,
    };
    Mock::given(wiremock::matchers::any())
        .respond_with(recorder.clone())
        .mount(&slack)
        .await;
    (slack, recorder)
}

struct Replica {
    name: String,
    port: u16,
    child: Child,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `momentum serve` as replica `name`: its Web API calls go to `{slack}/{name}/…`.
fn replica(name: &str, db_url: &str, slack: &str, now: Option<&str>) -> Replica {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_momentum"));
    cmd.args(["serve", "--port", &port.to_string()])
        .env("DATABASE_URL", db_url)
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-test")
        .env("SLACK_API_URL", format!("{slack}/{name}/"))
        // Longer than the fake Slack holds the slow post (4 s): a live holder marks its row
        // sent before its lease runs out, so only a dead holder's row is taken over.
        .env("MOMENTUM_OUTBOX_LEASE_SECS", "8")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(now) = now {
        cmd.args(["--now", now]);
    }
    Replica {
        name: name.to_owned(),
        port,
        child: cmd.spawn().unwrap(),
    }
}

fn healthy(port: u16) -> bool {
    http(
        port,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
}

/// The rounds of jobs a replica's scheduler has finished (its `/healthz` says).
fn job_rounds(port: u16) -> Option<u64> {
    let response = http(
        port,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )?;
    response
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-momentum-job-rounds:")
                .map(|v| v.trim().to_owned())
        })?
        .parse()
        .ok()
}

/// Waits until every replica has run all its jobs again (one more round than now).
async fn every_replica_runs_its_jobs_again(replicas: &[Replica]) {
    let before: Vec<u64> = replicas
        .iter()
        .map(|r| job_rounds(r.port).unwrap_or(0))
        .collect();
    eventually(90, "every replica running its jobs again", || {
        replicas
            .iter()
            .zip(&before)
            .all(|(r, b)| job_rounds(r.port).is_some_and(|n| n > *b))
    })
    .await;
}

fn wait_healthy(replicas: &[Replica]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !replicas.iter().all(|r| healthy(r.port)) {
        assert!(
            Instant::now() < deadline,
            "the replicas never became healthy"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A signed slash command to one replica; the raw HTTP response.
fn command(port: u16, user: &str, command: &str, text: &str) -> String {
    http(port, &raw_command(user, command, text)).unwrap_or_default()
}

/// Waits (up to `secs`) until `done` holds.
async fn eventually(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The only place these tests look at the database directly: counts, over a plain
/// connection (opening a `Db` would run the migrations itself).
async fn count(db_url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(db_url).await.unwrap();
    let n = momentum::store::sql::query_scalar(sql)
        .scalar_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    n
}

/// A team with history, written ten days earlier through the real app in-process: Jane has a
/// prospect not touched for a week, Bob has logged nothing, Jane's win this morning waits for
/// the 10:15 shout-out, and the manager's digest is due at 10:05.
async fn team_with_a_week_behind_it() -> TestApp {
    let app = TestApp::spawn_bare(Clock::fixed("2026-11-13T10:00:00Z".parse().unwrap())).await;
    mount_user(&app.slack, None, "UTC", false).await;
    mount_post_ok(&app.slack).await;
    mount_admin(&app.slack, "U0ADMIN").await;
    app.join_team("U0BOSS", &["U0JANE", "U0BOB"]).await;
    app.reply("U0ADMIN", "/momentum", "channel <#C0WINS|wins>")
        .await;
    app.reply("U0ADMIN", "/momentum", "settings shoutout 10:15")
        .await;
    app.reply("U0ADMIN", "/momentum", "settings digest mon 10:05")
        .await;
    app.reply("U0JANE", "/touch", "Dana Diaz @ Acme phone no_answer")
        .await;
    for user in ["U0BOSS", "U0JANE", "U0BOB"] {
        app.wait_for_tz(user).await;
    }
    app.clock().set("2026-11-23T09:30:00Z".parse().unwrap());
    app.reply("U0JANE", "/win", "Landed a demo with Acme").await;
    app.drain_all().await;
    app.state.db.close().await;
    app
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_deliver_each_message_once_pace_each_channel_and_take_over_a_dead_ones_rows()
{
    assert!(pg::on_postgres(), "PostgreSQL only");
    let app = team_with_a_week_behind_it().await;
    // Five posts to one channel wait in the outbox when the replicas start.
    let db = momentum::store::Db::open(&app.db_url).await.unwrap();
    let at: chrono::DateTime<chrono::Utc> = "2026-11-23T10:29:00Z".parse().unwrap();
    for i in 0..5 {
        db.write(i, move |c, i| {
            let body = format!(r#"{{"channel":"C0PACE","text":"pace {i}"}}"#);
            Box::pin(async move {
                momentum::store::outbox::post(c, TEAM, "C0PACE", &body, at)
                    .await
                    .map(|_| ())
            })
        })
        .await
        .unwrap();
    }
    let (slack, recorder) = fake_slack("C0SLOW").await;
    let now = Some("2026-11-23T10:30:00Z");
    let replicas: Vec<Replica> = ["r1", "r2", "r3"]
        .iter()
        .map(|name| replica(name, &app.db_url, &slack.uri(), now))
        .collect();
    wait_healthy(&replicas);

    // Thirty signed wins spread over the three replicas: every one answered and stored once.
    for i in 0..30 {
        let r = &replicas[i % 3];
        let user = format!("U0W{:02}", i % 10);
        let response = command(r.port, &user, "/win", &format!("win number {i}"));
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    assert_eq!(
        count(
            &app.db_url,
            "SELECT COUNT(*) FROM wins WHERE user_id LIKE 'U0W%'"
        )
        .await,
        30
    );

    // The jobs were due when the three started: the shout-out, the digest and both nudges
    // arrive, and after every replica has run all its jobs again (each replica's /healthz
    // counts its rounds) nothing came twice.
    let expected = ["C0WINS", "U0BOSS", "U0JANE", "U0BOB"];
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let posts = recorder.posts();
        if expected
            .iter()
            .all(|ch| posts.iter().any(|p| p.channel == *ch))
        {
            break;
        }
        let channels: Vec<_> = posts.iter().map(|p| p.channel.as_str()).collect();
        assert!(
            Instant::now() < deadline,
            "expected posts to {expected:?}, got {channels:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    every_replica_runs_its_jobs_again(&replicas).await;
    let posts = recorder.posts();
    let mut seen = std::collections::HashMap::new();
    for p in &posts {
        *seen.entry((p.channel.clone(), p.body.clone())).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let shoutouts: Vec<_> = posts.iter().filter(|p| p.channel == "C0WINS").collect();
    assert_eq!(shoutouts.len(), 1);
    assert!(shoutouts[0].body.contains("Landed a demo with Acme"));
    let jane: Vec<_> = posts.iter().filter(|p| p.channel == "U0JANE").collect();
    assert!(
        jane.iter().any(|p| p.body.contains("Dana Diaz")),
        "Jane is nudged about her cold prospect: {jane:?}"
    );

    // The five posts to one channel were claimed for delivery at least 1.1 s apart on the
    // wall clock, whichever replica claimed them (the claim times are stored; when each
    // reached the fake Slack also depends on how busy the machine was).
    let pace: Vec<_> = posts.iter().filter(|p| p.channel == "C0PACE").collect();
    assert_eq!(pace.len(), 5);
    let claims: Vec<chrono::DateTime<chrono::Utc>> = momentum::store::sql::query_scalar(
        "SELECT claimed_at FROM outbox WHERE channel = 'C0PACE' ORDER BY claimed_at",
    )
    .scalar_all(db.reader())
    .await
    .unwrap();
    assert_eq!(claims.len(), 5);
    for pair in claims.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= chrono::Duration::milliseconds(1100),
            "{gap:?} between claims of posts to one channel"
        );
    }

    // A replica dies (SIGKILL) while Slack is still answering its post: once the lease runs
    // out (8 s, longer than Slack's 4 s answer, so a live holder would have marked it sent
    // first) another replica delivers the row.
    db.write((), move |c, _| {
        Box::pin(async move {
            momentum::store::outbox::post(
                c,
                TEAM,
                "C0SLOW",
                r#"{"channel":"C0SLOW","text":"slow"}"#,
                "2026-11-23T10:29:00Z".parse().unwrap(),
            )
            .await
            .map(|_| ())
        })
    })
    .await
    .unwrap();
    eventually(20, "a replica posting to C0SLOW", || {
        recorder.posts().iter().any(|p| p.channel == "C0SLOW")
    })
    .await;
    let holder = recorder
        .posts()
        .into_iter()
        .find(|p| p.channel == "C0SLOW")
        .unwrap()
        .replica;
    let mut replicas = replicas;
    let dead = replicas.iter().position(|r| r.name == holder).unwrap();
    Command::new("kill")
        .args(["-KILL", &replicas[dead].child.id().to_string()])
        .status()
        .unwrap();
    let _ = replicas[dead].child.wait();
    replicas.remove(dead);
    eventually(30, "another replica delivering the dead one's row", || {
        recorder
            .posts()
            .iter()
            .any(|p| p.channel == "C0SLOW" && p.replica != holder)
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(
        &app.db_url,
        "SELECT COUNT(*) FROM outbox WHERE channel = 'C0SLOW' AND status = 'sent'",
    )
    .await
        != 1
    {
        assert!(Instant::now() < deadline, "the row was never marked sent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    db.close().await;
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_started_at_the_same_moment_migrate_once() {
    assert!(pg::on_postgres(), "PostgreSQL only");
    let db_url = pg::fresh_database().await;
    let (slack, _recorder) = fake_slack("none").await;
    let replicas: Vec<Replica> = ["r1", "r2", "r3"]
        .iter()
        .map(|name| replica(name, &db_url, &slack.uri(), None))
        .collect();
    wait_healthy(&replicas);
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count() as i64;
    assert_eq!(
        count(
            &db_url,
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success"
        )
        .await,
        files
    );
    assert_eq!(count(&db_url, "SELECT COUNT(*) FROM app_defaults").await, 1);
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test]
async fn a_dropped_database_connection_is_reopened_before_the_next_write_and_nothing_is_lost() {
    assert!(pg::on_postgres(), "PostgreSQL only");
    let app = TestApp::spawn().await;
    assert!(
        app.reply("U0JANE", "/win", "first")
            .await
            .contains("Logged")
    );
    // The database drops every connection of the app (a failover, a restart, an idle kill).
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&app.db_url)
        .await
        .unwrap();
    sqlx::Executor::execute(
        &mut admin,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .unwrap();
    let mut logged = 1;
    let mut answers = Vec::new();
    for i in 0..3 {
        let text = app.reply("U0JANE", "/win", &format!("after {i}")).await;
        if text.contains("Logged") {
            logged += 1;
        }
        answers.push(text);
    }
    assert_eq!(logged, 4, "every win after the drop is logged: {answers:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, logged);
}

/// Reads a Server-Sent Events stream from `port` into a shared buffer, on a thread of its own.
fn follow_events(port: u16, path: &str) -> Arc<Mutex<String>> {
    use std::io::{Read, Write};
    let seen = Arc::new(Mutex::new(String::new()));
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let into = seen.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    seen
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_served_by_one_replica_shows_a_touch_taken_by_another() {
    assert!(pg::on_postgres(), "PostgreSQL only");
    let app = TestApp::spawn().await;
    let reply = app.reply("U0JANE", "/blitz", "board").await;
    let start = reply.find("/board/").unwrap() + "/board/".len();
    let token = reply[start..start + 64].to_owned();
    app.state.db.close().await;
    let (slack, _calls) = fake_slack("nobody").await;
    let now = Some("2026-11-23T14:00:00Z");
    let replicas = [
        replica("a", &app.db_url, &slack.uri(), now),
        replica("b", &app.db_url, &slack.uri(), now),
    ];
    wait_healthy(&replicas);

    let seen = follow_events(replicas[0].port, &format!("/board/{token}/events"));
    eventually(20, "the board's first state, from replica a", || {
        seen.lock().unwrap().contains("\"touches\":0")
    })
    .await;
    let answer = command(
        replicas[1].port,
        "U0JANE",
        "/touch",
        "Ann Lee phone no_answer",
    );
    assert!(answer.contains("Touch 1"), "{answer}");
    // Within two seconds as a rule; the margin is for a loaded CI machine.
    eventually(15, "replica a's board showing replica b's touch", || {
        seen.lock().unwrap().contains("\"touches\":1")
    })
    .await;
}
