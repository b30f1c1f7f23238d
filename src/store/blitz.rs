//! Blitzes and their tallies.
use crate::domain::text::UserText;
use sqlx::{SqliteConnection, SqliteExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlitzRow {
    pub id: i64,
    pub team_id: String,
    pub channel_id: String,
    pub started_by: String,
    pub goal: Option<i64>,
    pub starts_at: String,
    pub ends_at: String,
    pub ended_at: Option<String>,
    pub scoreboard_outbox_id: Option<i64>,
    pub last_update_at: Option<String>,
    pub last_scoreboard: Option<String>,
}

const COLUMNS: &str = "id, team_id, channel_id, started_by, goal, starts_at, ends_at, ended_at, scoreboard_outbox_id, \
                       last_update_at, last_scoreboard";

/// Starts a blitz; `None` when one is already running in the channel (the unique index says so).
pub async fn start(
    conn: &mut SqliteConnection,
    team_id: &str,
    channel_id: &str,
    started_by: &str,
    goal: Option<i64>,
    starts_at: &str,
    ends_at: &str,
) -> sqlx::Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO blitzes (team_id, channel_id, started_by, goal, starts_at, ends_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(channel_id)
    .bind(started_by)
    .bind(goal)
    .bind(starts_at)
    .bind(ends_at)
    .bind(starts_at)
    .fetch_optional(conn)
    .await?;
    Ok(id)
}

pub async fn set_scoreboard(
    conn: &mut SqliteConnection,
    id: i64,
    outbox_id: i64,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE blitzes SET scoreboard_outbox_id = ?, last_scoreboard = ? WHERE id = ?")
        .bind(outbox_id)
        .bind(body)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn running_in(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    channel_id: &str,
) -> sqlx::Result<Option<BlitzRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE team_id = ? AND channel_id = ? AND ended_at IS NULL"
    ))
    .bind(team_id)
    .bind(channel_id)
    .fetch_optional(db)
    .await
}

pub async fn running(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<BlitzRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE ended_at IS NULL ORDER BY id"
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<BlitzRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM blitzes WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The team's most recent finished blitz before this one.
pub async fn previous(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    before_id: i64,
) -> sqlx::Result<Option<BlitzRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE team_id = ? AND id < ? AND ended_at IS NOT NULL ORDER BY id DESC LIMIT 1"
    ))
    .bind(team_id)
    .bind(before_id)
    .fetch_optional(db)
    .await
}

/// Ends a running blitz; `false` when it had already ended.
pub async fn end(conn: &mut SqliteConnection, id: i64, at: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE blitzes SET ended_at = ? WHERE id = ? AND ended_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a scoreboard refresh; `false` when another refresh got there first.
pub async fn mark_updated(
    conn: &mut SqliteConnection,
    id: i64,
    at: &str,
    body: &str,
    previous_at: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE blitzes SET last_update_at = ?, last_scoreboard = ? WHERE id = ? AND last_update_at IS ?",
    )
    .bind(at)
    .bind(body)
    .bind(id)
    .bind(previous_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The Slack timestamp of the scoreboard message, once the outbox delivered it.
pub async fn scoreboard_ts(
    db: impl SqliteExecutor<'_>,
    outbox_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT slack_ts FROM outbox WHERE id = ? AND status = 'sent'")
        .bind(outbox_id)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}

/// One person's numbers in a blitz.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub user_id: String,
    pub name: Option<UserText>,
    pub private: bool,
    pub attempts: i64,
    pub conversations: i64,
    pub responses: i64,
    pub meetings: i64,
}

/// Everyone's numbers from touches and block results logged in `[from, to]` in the team.
pub async fn tallies(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<Tally>> {
    sqlx::query_as(
        "SELECT s.user_id, m.name, coalesce(m.private, 0) AS private, SUM(s.attempts) AS attempts,
                SUM(s.conversations) AS conversations, SUM(s.responses) AS responses, SUM(s.meetings) AS meetings
         FROM (
             SELECT user_id, COUNT(*) AS attempts, SUM(outcome = 'talked') AS conversations,
                    SUM(outcome IN ('replied', 'talked', 'meeting', 'callback')) AS responses,
                    SUM(outcome = 'meeting') AS meetings
             FROM touches WHERE team_id = ?1 AND created_at >= ?2 AND created_at <= ?3 GROUP BY user_id
             UNION ALL
             SELECT user_id, SUM(dials + emails + social), SUM(conversations),
                    SUM(conversations + meetings + callbacks), SUM(meetings)
             FROM blocks WHERE team_id = ?1 AND status = 'done' AND reported_at >= ?2 AND reported_at <= ?3
             GROUP BY user_id
         ) s LEFT JOIN members m ON m.team_id = ?1 AND m.user_id = s.user_id
         GROUP BY s.user_id ORDER BY attempts DESC, s.user_id",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// One of a blitz's best moments: a meeting booked with a prospect (`text` is the prospect's
/// name), or a win logged (`text` is the win).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Moment {
    pub user_id: String,
    pub private: bool,
    pub meeting: bool,
    pub text: UserText,
}

/// The blitz's best moments: meetings booked on touches first, then wins logged.
pub async fn moments(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<Moment>> {
    sqlx::query_as(
        "SELECT user_id, private, rank = 0 AS meeting, text FROM (
             SELECT t.user_id, coalesce(m.private, 0) AS private, p.name AS text, 0 AS rank, t.id
             FROM touches t JOIN prospects p ON p.id = t.prospect_id
             LEFT JOIN members m ON m.team_id = t.team_id AND m.user_id = t.user_id
             WHERE t.team_id = ?1 AND t.created_at >= ?2 AND t.created_at <= ?3 AND t.outcome = 'meeting'
             UNION ALL
             SELECT w.user_id, coalesce(m.private, 0), w.text, 1, w.id FROM wins w
             LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
             WHERE w.team_id = ?1 AND w.created_at >= ?2 AND w.created_at <= ?3)
         ORDER BY rank, id LIMIT 5",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}
