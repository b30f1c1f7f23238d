//! Scheduled runs: a unique (job, scope, scheduled time) row claims a run exactly once.
use super::ts;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

/// Claims the run; `false` when it was already claimed (by this or another process).
pub async fn claim(
    conn: &mut SqliteConnection,
    job: &str,
    scope: &str,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO job_runs (job, scope, scheduled_at, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(job)
    .bind(scope)
    .bind(ts(scheduled_at))
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
