//! Scheduled runs: a unique (job, scope, scheduled time) row claims a run exactly once.
use super::sql::{self, Conn};
use chrono::{DateTime, Utc};

/// Claims the run; `false` when it was already claimed (by this or another process).
pub async fn claim(
    conn: &mut Conn,
    job: &str,
    scope: &str,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "INSERT INTO job_runs (job, scope, scheduled_at, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(job)
    .bind(scope)
    .bind(scheduled_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
