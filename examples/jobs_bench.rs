//! Times the `digests` and `nudges` jobs on a large database: 5,000 reps under 500 managers,
//! 200,000 prospects and 2,000,000 touches over 120 days, plus wins and blocks.
//!
//! ```sh
//! cargo run --release --example jobs_bench            # builds /tmp/momentum-jobs-bench.db once
//! cargo run --release --example jobs_bench -- --fresh # rebuilds it
//! cargo run --release --example jobs_bench -- digests # one job only (digests or nudges)
//! cargo run --release --example jobs_bench -- --rounds 9 # each job 9 times (default 5), and
//!                                                       # the median
//! cargo run --release --example jobs_bench -- --postgres postgres://…/empty_db
//!                                                       # the same fixture, copied to PostgreSQL
//!                                                       # with migrate-data (once), then timed there
//! ```
//! The fixture is generated with set-based SQL here (bench tooling, not app code); the jobs
//! run exactly as `momentum run-job` runs them. Nothing is delivered: Slack is unreachable and
//! the queued messages are only counted.
use momentum::clock::Clock;
use momentum::config::{Secret, Settings};
use momentum::jobs::{self, Job};
use momentum::store::sql;
use std::time::Instant;

const DB: &str = "/tmp/momentum-jobs-bench.db";
const MANAGERS: i64 = 500;
const REPS_PER_MANAGER: i64 = 10;
const PROSPECTS_PER_REP: i64 = 40;
const TOUCHES: i64 = 2_000_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `RUST_LOG=sqlx::query=debug` shows each statement with its time.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let fresh = std::env::args().any(|a| a == "--fresh");
    if fresh || !std::path::Path::new(DB).exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{DB}{suffix}"));
        }
        let started = Instant::now();
        generate().await?;
        println!("fixture built in {:.1} s", started.elapsed().as_secs_f64());
    }
    let settings = Settings::single_workspace(
        Secret::new("bench"),
        Secret::new("xoxb-bench"),
        "http://127.0.0.1:9/",
    );
    let args: Vec<String> = std::env::args().collect();
    let postgres = args
        .iter()
        .position(|a| a == "--postgres")
        .and_then(|i| args.get(i + 1).cloned());
    let url = match postgres {
        Some(pg) => {
            let db = momentum::store::Db::open(&pg).await?;
            let empty: i64 = sql::query_scalar("SELECT COUNT(*) FROM touches")
                .scalar_one(db.reader())
                .await?;
            db.close().await;
            if empty == 0 {
                let started = Instant::now();
                momentum::store::copy::copy(&format!("sqlite://{DB}"), &pg).await?;
                sql::query("ANALYZE")
                    .execute(momentum::store::Db::open(&pg).await?.reader())
                    .await?;
                println!(
                    "fixture copied to PostgreSQL in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
            pg
        }
        None => format!("sqlite://{DB}"),
    };
    let state = momentum::startup::build_state(settings, &url, Clock::system()).await?;
    let counts: (i64, i64, i64, i64) = sql::query_as(
        "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM prospects), (SELECT COUNT(*) FROM touches), (SELECT COUNT(*) FROM wins)",
    )
    .fetch_one(state.db.reader())
    .await?;
    println!(
        "members {} · prospects {} · touches {} · wins {}",
        counts.0, counts.1, counts.2, counts.3
    );
    // `-- digests` or `-- nudges` times one of them only; `--rounds N` (default 5) runs each N
    // times on the same warm process and reports every round and the median.
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a == "digests" || *a == "nudges")
        .collect();
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(5);
    for (job, at) in [
        (Job::Digests, "2026-11-23T08:00:05Z"),
        (Job::Nudges, "2026-11-23T10:00:05Z"),
    ] {
        if !only.is_empty() && !only.contains(&job.name()) {
            continue;
        }
        let mut times = Vec::new();
        for _ in 0..rounds {
            forget_runs(&state).await?;
            let now = at.parse()?;
            state.clock.set(now);
            let started = Instant::now();
            let report = jobs::run(&state, job, now).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            println!(
                "{:<8} {:>7.0} ms   runs claimed {:>5}   messages queued {:>5}",
                job.name(),
                ms,
                report.claimed,
                report.queued
            );
            times.push(ms);
        }
        times.sort_by(f64::total_cmp);
        if let Some(median) = times.get(times.len() / 2) {
            println!("{:<8} {:>7.0} ms   median of {rounds}", job.name(), median);
        }
    }
    Ok(())
}

/// Lets a run count again: forgets earlier claims, queued messages and let-go suggestions
/// (each round suggests the same prospects as the first), then waits for the
/// checkpointer to copy the deleted pages back so that its work is not timed as the job's.
async fn forget_runs(state: &momentum::state::AppState) -> anyhow::Result<()> {
    state
        .db
        .write((), |c, _| {
            Box::pin(async move {
                sql::query("DELETE FROM job_runs").execute(&mut *c).await?;
                sql::query(
                    "UPDATE prospects SET let_go_suggested_at = NULL WHERE let_go_suggested_at IS NOT NULL",
                )
                .execute(&mut *c)
                .await?;
                sql::query("DELETE FROM outbox")
                    .execute(c)
                    .await
                    .map(|_| ())
            })
        })
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    Ok(())
}

/// Writes the fixture straight into SQLite with recursive CTEs.
async fn generate() -> anyhow::Result<()> {
    use sqlx::ConnectOptions;
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(DB)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
        .connect()
        .await?;
    sqlx::migrate!("./migrations").run(&mut c).await?;
    let reps = MANAGERS * REPS_PER_MANAGER;
    let prospects = reps * PROSPECTS_PER_REP;
    let script = format!(
        "BEGIN;
         INSERT INTO teams (team_id, celebration_channel, created_at, updated_at) VALUES ('T1', 'C1', '2026-07-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MANAGERS})
         INSERT INTO members (team_id, user_id, created_at, last_step_day)
         SELECT 'T1', printf('M%05d', i), '2026-07-01T00:00:00.000Z', date('2026-11-20', '-' || (i % 4) || ' days') FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {reps} - 1)
         INSERT INTO members (team_id, user_id, manager_id, created_at, last_step_day)
         SELECT 'T1', printf('R%05d', i), printf('M%05d', 1 + i / {REPS_PER_MANAGER}), '2026-07-01T00:00:00.000Z',
                date('2026-11-20', '-' || (i % 7) || ' days') FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {prospects} - 1)
         INSERT INTO prospects (id, team_id, user_id, name, name_key, company, status, dropped_at, created_at)
         SELECT i + 1, 'T1', printf('R%05d', i / {PROSPECTS_PER_REP}), printf('Prospect %d', i), printf('prospect %d', i),
                printf('Company %d', i % 997),
                CASE WHEN i % 23 = 0 THEN 'dropped' ELSE 'active' END,
                CASE WHEN i % 23 = 0 THEN '2026-11-18T12:00:00.000Z' END,
                '2026-07-01T00:00:00.000Z' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {TOUCHES} - 1)
         INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at)
         SELECT 'T1', printf('R%05d', (i % {prospects}) / {PROSPECTS_PER_REP}), 1 + i % {prospects},
                CASE i % 6 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'social' WHEN 3 THEN 'phone' WHEN 4 THEN 'text' ELSE 'video' END,
                CASE i % 11 WHEN 0 THEN 'replied' WHEN 1 THEN 'talked' WHEN 2 THEN 'meeting' WHEN 3 THEN 'callback' WHEN 4 THEN 'no'
                            WHEN 5 THEN 'voicemail' ELSE 'no_answer' END,
                '', date('2026-11-22', '-' || (120 - (i * 120 / {TOUCHES})) || ' days'),
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-22', '-' || (120 - (i * 120 / {TOUCHES})) || ' days', '+9 hours')
         FROM n;
         UPDATE touches SET gap_days = (
             SELECT CAST(julianday(touches.day) - julianday(e.day) AS INTEGER) FROM touches e
             WHERE e.prospect_id = touches.prospect_id AND e.id < touches.id ORDER BY e.id DESC LIMIT 1);
         UPDATE prospects SET touch_count = (SELECT COUNT(*) FROM touches t WHERE t.prospect_id = prospects.id),
                              last_touch_day = (SELECT MAX(day) FROM touches t WHERE t.prospect_id = prospects.id);
         INSERT INTO touch_days (team_id, day, user_id, c_phone, c_email, c_social, c_text, c_in_person, c_video,
                                 o_no_answer, o_voicemail, o_replied, o_talked, o_meeting, o_callback, o_no)
         SELECT team_id, day, user_id, SUM(channel = 'phone'), SUM(channel = 'email'), SUM(channel = 'social'),
                SUM(channel = 'text'), SUM(channel = 'in_person'), SUM(channel = 'video'), SUM(outcome = 'no_answer'),
                SUM(outcome = 'voicemail'), SUM(outcome = 'replied'), SUM(outcome = 'talked'), SUM(outcome = 'meeting'),
                SUM(outcome = 'callback'), SUM(outcome = 'no')
         FROM touches GROUP BY team_id, day, user_id;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 150000 - 1)
         INSERT INTO wins (team_id, user_id, kind, text, day, created_at)
         SELECT 'T1', printf('R%05d', i % {reps}),
                CASE i % 7 WHEN 0 THEN 'connect' WHEN 1 THEN 'reply' WHEN 2 THEN 'meeting' WHEN 3 THEN 'encounter'
                           WHEN 4 THEN 'conversation' WHEN 5 THEN 'referral' ELSE 'other' END,
                printf('small win number %d', i), date('2026-11-22', '-' || (i % 120) || ' days'),
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-22', '-' || (i % 120) || ' days', '+10 hours') FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 100000 - 1)
         INSERT INTO blocks (team_id, user_id, starts_at, day, minutes, status, dials, emails, conversations, meetings, created_at)
         SELECT 'T1', printf('R%05d', i % {reps}),
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-22', '-' || (i % 120) || ' days', '+14 hours'),
                date('2026-11-22', '-' || (i % 120) || ' days'), 60,
                CASE WHEN i % 4 = 0 THEN 'planned' ELSE 'done' END, 20, 5, 3, 1, '2026-07-01T00:00:00.000Z' FROM n;
         COMMIT;
         ANALYZE;"
    );
    sqlx::raw_sql(&script).execute(&mut c).await?;
    Ok(())
}
