//! `momentum migrate-data`: a deployment moves from SQLite to PostgreSQL with its data. Needs
//! PostgreSQL, so it runs in this binary's PostgreSQL half (see `crate::common::pg`).
use crate::common::*;
use momentum::demo;
use momentum::jobs::{self, Job};
use momentum::store::outbox::Method;
use std::process::Command;

fn migrate_data(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_momentum"))
        .args(["migrate-data", "--from", from, "--to", to])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// The digest the manager of the demo team gets on Monday, from the database at `url`.
async fn mondays_digest(url: &str) -> String {
    let state = demo::open(url).await.unwrap();
    let now = "2026-11-23T13:00:30Z".parse().unwrap();
    state.clock.set(now);
    jobs::run(&state, Job::Digests, now).await.unwrap();
    let queued = momentum::store::outbox::all_queued(state.db.reader())
        .await
        .unwrap();
    state.db.close().await;
    queued
        .into_iter()
        .rfind(|(channel, _, _, method)| channel == "U0MAYA" && *method == Method::PostMessage)
        .map(|(_, _, payload, _)| payload)
        .expect("the manager gets a digest")
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test]
async fn the_demo_week_moved_to_postgresql_gives_the_same_digest() {
    assert!(pg::on_postgres(), "PostgreSQL only");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("momentum.db").display());
    // The week, up to Monday's digest.
    let state = demo::open(&sqlite).await.unwrap();
    let week = &demo::SCRIPT[..demo::SCRIPT.len() - 1];
    demo::play(&state, week).await.unwrap();
    state.db.close().await;

    let postgres = pg::fresh_database().await;
    let out = migrate_data(&sqlite, &postgres);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("every table's count matches the source"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("touches") && !l.ends_with(" 0")),
        "{stdout}"
    );

    let from_sqlite = mondays_digest(&sqlite).await;
    let from_postgres = mondays_digest(&postgres).await;
    assert!(
        from_sqlite.contains("Team digest") && from_sqlite.contains("<@U0JANE>"),
        "{from_sqlite}"
    );
    assert_eq!(from_postgres, from_sqlite);
}

#[ignore = "PostgreSQL only: the PostgreSQL half of this binary runs it"]
#[tokio::test]
async fn migrate_data_refuses_a_target_that_already_holds_data() {
    assert!(pg::on_postgres(), "PostgreSQL only");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("momentum.db").display());
    let state = demo::open(&sqlite).await.unwrap();
    demo::play(&state, &demo::SCRIPT[..3]).await.unwrap();
    state.db.close().await;
    let postgres = pg::fresh_database().await;
    assert!(migrate_data(&sqlite, &postgres).status.success());
    let again = migrate_data(&sqlite, &postgres);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already holds data"), "{err}");
}
