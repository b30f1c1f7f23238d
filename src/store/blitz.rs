//! Blitzes and their tallies.
use super::sql::{self, Conn, Ex};
use super::vocab::{DONE, OUTCOME_MEETING, OUTCOME_TALKED, RESPONSES, SOURCE_TYPED};
use crate::domain::blitz::{Moment, Tally, ranked};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlitzRow {
    pub id: i64,
    pub team_id: String,
    pub channel_id: String,
    pub started_by: String,
    pub goal: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub scoreboard_outbox_id: Option<i64>,
    pub last_update_at: Option<DateTime<Utc>>,
    /// The last scoreboard body sent (a `chat.update` JSON), to skip unchanged refreshes.
    pub last_scoreboard: Option<String>,
    /// Whose team it counts (their reps and them); `None`: the whole workspace.
    pub team_manager: Option<String>,
}

impl BlitzRow {
    /// Whole minutes left at `now`, rounded up.
    pub fn minutes_left(&self, now: DateTime<Utc>) -> i64 {
        ((self.ends_at - now).num_seconds() + 59).max(0) / 60
    }
}

const COLUMNS: &str = "id, team_id, channel_id, started_by, goal, starts_at, ends_at, ended_at, scoreboard_outbox_id, \
                       last_update_at, last_scoreboard, team_manager";

/// A blitz to start, with its first scoreboard post (a Block Kit payload).
#[derive(Debug, Clone)]
pub struct NewBlitz {
    pub team_id: String,
    pub channel_id: String,
    pub started_by: String,
    pub goal: Option<i64>,
    pub at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub scoreboard: String,
}

/// Starts a blitz and queues its scoreboard to the channel — the business write behind
/// `/blitz start` — in one transaction; `None` (and nothing queued) when one is already
/// running in the channel.
pub async fn start_with_scoreboard(db: &super::Db, new: NewBlitz) -> super::Result<Option<i64>> {
    use super::members;
    use super::outbox::{self, Method};
    db.write(new, |c, b| {
        Box::pin(async move {
            members::upsert(&mut *c, &b.team_id, &b.started_by, b.at).await?;
            let Some(id) = start(
                c,
                &b.team_id,
                &b.channel_id,
                &b.started_by,
                b.goal,
                b.at,
                b.ends_at,
            )
            .await?
            else {
                return Ok(None);
            };
            let post = Method::PostMessage;
            let queued =
                outbox::queue(c, &b.team_id, post, &b.channel_id, &b.scoreboard, b.at).await?;
            set_scoreboard(c, id, queued, &b.scoreboard).await?;
            Ok(Some(id))
        })
    })
    .await
}

/// Starts a blitz; `None` when one is already running in the channel (the unique index says so).
async fn start(
    conn: &mut Conn,
    team_id: &str,
    channel_id: &str,
    started_by: &str,
    goal: Option<i64>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    // The starter's team: their manager's, else their own when they manage anyone.
    let id = sql::query_scalar(
        "INSERT INTO blitzes (team_id, channel_id, started_by, goal, starts_at, ends_at, created_at, team_manager)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 coalesce((SELECT manager_id FROM members WHERE team_id = ?1 AND user_id = ?3),
                          (SELECT ?3 WHERE EXISTS (SELECT 1 FROM members WHERE team_id = ?1 AND manager_id = ?3))))
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(channel_id)
    .bind(started_by)
    .bind(goal)
    .bind(starts_at)
    .bind(ends_at)
    .bind(starts_at)
    .scalar_optional(conn)
    .await?;
    Ok(id)
}

pub async fn set_scoreboard(
    conn: &mut Conn,
    id: i64,
    outbox_id: i64,
    body: &str,
) -> sqlx::Result<()> {
    sql::query("UPDATE blitzes SET scoreboard_outbox_id = ?, last_scoreboard = ? WHERE id = ?")
        .bind(outbox_id)
        .bind(body)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn running_in(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    channel_id: &str,
) -> sqlx::Result<Option<BlitzRow>> {
    sql::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE team_id = ? AND channel_id = ? AND ended_at IS NULL"
    ))
    .bind(team_id)
    .bind(channel_id)
    .fetch_optional(db)
    .await
}

pub async fn running(db: impl Into<Ex<'_>>) -> sqlx::Result<Vec<BlitzRow>> {
    sql::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE ended_at IS NULL AND {} ORDER BY id",
        super::workspaces::staying("blitzes.team_id")
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<BlitzRow>> {
    sql::query_as(&format!("SELECT {COLUMNS} FROM blitzes WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The same team's most recent finished blitz before this one.
pub async fn previous(db: impl Into<Ex<'_>>, b: &BlitzRow) -> sqlx::Result<Option<BlitzRow>> {
    sql::query_as(&format!(
        "SELECT {COLUMNS} FROM blitzes WHERE team_id = ? AND team_manager IS NOT DISTINCT FROM ? AND id < ?
           AND ended_at IS NOT NULL ORDER BY id DESC LIMIT 1"
    ))
    .bind(&b.team_id)
    .bind(&b.team_manager)
    .bind(b.id)
    .fetch_optional(db)
    .await
}

/// Ends a running blitz; `false` when it had already ended.
pub async fn end(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sql::query("UPDATE blitzes SET ended_at = ? WHERE id = ? AND ended_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a scoreboard refresh; `false` when another refresh got there first.
pub async fn mark_updated(
    conn: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    body: &str,
    previous_at: Option<DateTime<Utc>>,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "UPDATE blitzes SET last_update_at = ?, last_scoreboard = ? WHERE id = ? AND last_update_at IS NOT DISTINCT FROM ?",
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
pub async fn scoreboard_ts(db: impl Into<Ex<'_>>, outbox_id: i64) -> sqlx::Result<Option<String>> {
    sql::query_scalar("SELECT slack_ts FROM outbox WHERE id = ? AND status = ?")
        .bind(outbox_id)
        .bind(crate::domain::OutboxStatus::Sent)
        .scalar_optional(db)
        .await
        .map(Option::flatten)
}

/// Who a blitz counts: a manager's reps and the manager, or (no manager) everyone.
const IN_TEAM: &str = "(?4 IS NULL OR user_id IN
    (SELECT user_id FROM members WHERE team_id = ?1 AND (manager_id = ?4 OR user_id = ?4)))";

/// Each person's numbers from touches and block results logged in `[from, to]`, among the
/// reps of `team_manager` and the manager (everyone in the workspace when `None`).
pub async fn tallies(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    team_manager: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<Tally>> {
    sql::query_as(&format!(
        "SELECT s.user_id, m.name, coalesce(m.private, FALSE) AS private, CAST(SUM(s.attempts) AS BIGINT) AS attempts,
                CAST(SUM(s.conversations) AS BIGINT) AS conversations, CAST(SUM(s.responses) AS BIGINT) AS responses, CAST(SUM(s.meetings) AS BIGINT) AS meetings
         FROM (
             SELECT user_id, COUNT(*) AS attempts, COUNT(*) FILTER (WHERE outcome = '{OUTCOME_TALKED}') AS conversations,
                    COUNT(*) FILTER (WHERE outcome IN ({responses})) AS responses,
                    COUNT(*) FILTER (WHERE outcome = '{OUTCOME_MEETING}') AS meetings
             FROM touches WHERE team_id = ?1 AND created_at >= ?2 AND created_at <= ?3 AND {IN_TEAM}
             GROUP BY user_id
             UNION ALL
             SELECT user_id, CAST(SUM(dials + emails + social) AS BIGINT), CAST(SUM(conversations) AS BIGINT),
                    CAST(SUM(conversations + meetings + callbacks) AS BIGINT), CAST(SUM(meetings) AS BIGINT)
             FROM blocks WHERE team_id = ?1 AND status = '{DONE}' AND reported_at >= ?2 AND reported_at <= ?3
               AND {IN_TEAM}
             GROUP BY user_id
         ) s LEFT JOIN members m ON m.team_id = ?1 AND m.user_id = s.user_id
         GROUP BY s.user_id, m.name, m.private ORDER BY attempts DESC, s.user_id",
        responses = *RESPONSES
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .bind(team_manager)
    .fetch_all(db)
    .await
    .map(ranked)
}

/// The blitz's best moments: meetings booked on touches first, then wins logged.
pub async fn moments(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    team_manager: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<Moment>> {
    sql::query_as(&format!(
        "SELECT user_id, private, rank = 0 AS meeting, text FROM (
             SELECT t.user_id, coalesce(m.private, FALSE) AS private, p.name AS text, 0 AS rank, t.id
             FROM touches t JOIN prospects p ON p.id = t.prospect_id
             LEFT JOIN members m ON m.team_id = t.team_id AND m.user_id = t.user_id
             WHERE t.team_id = ?1 AND t.created_at >= ?2 AND t.created_at <= ?3 AND t.outcome = '{OUTCOME_MEETING}'
             UNION ALL
             SELECT w.user_id, coalesce(m.private, FALSE), w.text, 1, w.id FROM wins w
             LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
             WHERE w.team_id = ?1 AND w.source = '{SOURCE_TYPED}' AND w.created_at >= ?2 AND w.created_at <= ?3) moments
         WHERE {IN_TEAM}
         ORDER BY rank, id LIMIT 5",
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .bind(team_manager)
    .fetch_all(db)
    .await
}
