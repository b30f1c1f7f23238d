//! Blocks: time set aside for prospecting, and what came of it.
use super::ts;
use crate::domain::{BlockResults, BlockStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqliteExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub minutes: i64,
    pub status: BlockStatus,
    pub planned: bool,
}

impl BlockRow {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + chrono::Duration::minutes(self.minutes)
    }
}

/// Plans a block starting at `starts_at`, on the member's local day `day`.
pub async fn plan(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    starts_at: DateTime<Utc>,
    day: NaiveDate,
    minutes: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let id = sqlx::query("INSERT INTO blocks (team_id, user_id, starts_at, day, minutes, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(team_id)
        .bind(user_id)
        .bind(ts(starts_at))
        .bind(day)
        .bind(minutes)
        .bind(ts(now))
        .execute(conn)
        .await?
        .last_insert_rowid();
    Ok(id)
}

/// Planned blocks that overlap `[from, to)`.
pub async fn overlapping(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    user_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<BlockRow>> {
    sqlx::query_as(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = 'planned' AND starts_at < ?
           AND strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, '+' || minutes || ' minutes') > ?",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(ts(to))
    .bind(ts(from))
    .fetch_all(db)
    .await
}

/// Planned blocks that have not ended yet, soonest first.
pub async fn upcoming(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<BlockRow>> {
    sqlx::query_as(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = 'planned'
           AND strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, '+' || minutes || ' minutes') > ?
         ORDER BY starts_at LIMIT 20",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(ts(now))
    .fetch_all(db)
    .await
}

/// The planned block a report is most likely about: the latest one that started since
/// `since` and no later than `until`.
pub async fn to_report(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Option<BlockRow>> {
    sqlx::query_as(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = 'planned' AND starts_at >= ? AND starts_at <= ?
         ORDER BY starts_at DESC LIMIT 1",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(ts(since))
    .bind(ts(until))
    .fetch_optional(conn)
    .await
}

/// Records results on a planned block, or on a new unplanned one when `block_id` is `None`.
pub async fn report(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    block_id: Option<i64>,
    day: NaiveDate,
    r: &BlockResults,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let now = ts(now);
    let id = match block_id {
        Some(id) => id,
        None => sqlx::query(
            "INSERT INTO blocks (team_id, user_id, starts_at, day, minutes, planned, created_at)
             VALUES (?, ?, ?, ?, 60, 0, ?)",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(&now)
        .bind(day)
        .bind(&now)
        .execute(&mut *conn)
        .await?
        .last_insert_rowid(),
    };
    sqlx::query(
        "UPDATE blocks SET status = 'done', dials = ?, emails = ?, social = ?, conversations = ?, meetings = ?,
         callbacks = ?, nos = ?, reported_at = ? WHERE id = ?",
    )
    .bind(r.dials)
    .bind(r.emails)
    .bind(r.social)
    .bind(r.conversations)
    .bind(r.meetings)
    .bind(r.callbacks)
    .bind(r.nos)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Cancels a planned block of this member; false when there is no such block.
pub async fn cancel(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE blocks SET status = 'cancelled' WHERE id = ? AND team_id = ? AND user_id = ? AND status = 'planned'",
    )
    .bind(id)
    .bind(team_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
