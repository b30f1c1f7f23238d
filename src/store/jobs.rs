//! Scheduled runs: a unique (job, scope, scheduled time) row claims a run exactly once.
use super::sql::{self, Conn, Ex};
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

/// Whether the run was claimed already (a cheap look before preparing its work; the claim
/// itself still decides).
pub async fn claimed(
    db: impl Into<Ex<'_>>,
    job: &str,
    scope: &str,
    scheduled_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n: i64 = sql::query_scalar(
        "SELECT COUNT(*) FROM job_runs WHERE job = ? AND scope = ? AND scheduled_at = ?",
    )
    .bind(job)
    .bind(scope)
    .bind(scheduled_at)
    .scalar_one(db)
    .await?;
    Ok(n > 0)
}

/// Claims many runs of `job` at once (one statement per few thousand): the scopes claimed now,
/// leaving out those already claimed (by this or another process).
pub async fn claim_all(
    conn: &mut Conn,
    job: &str,
    runs: &[(String, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> sqlx::Result<std::collections::HashSet<String>> {
    let mut claimed = std::collections::HashSet::new();
    for chunk in runs.chunks(2_000) {
        let statement = format!(
            "INSERT INTO job_runs (job, scope, scheduled_at, claimed_at) VALUES {}
             ON CONFLICT DO NOTHING RETURNING scope",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sql::query(&statement);
        for (scope, at) in chunk {
            query = query.bind(job).bind(scope.as_str()).bind(*at).bind(now);
        }
        let scopes: Vec<String> = query.scalar_all(&mut *conn).await?;
        claimed.extend(scopes);
    }
    Ok(claimed)
}
