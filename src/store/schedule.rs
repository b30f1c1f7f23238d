//! Reads for the scheduled jobs. Each is one set-based query over every team, member or
//! manager concerned — never a query per rep.
use crate::domain::text::UserText;
use sqlx::{SqliteConnection, SqliteExecutor};

/// A team whose wins are celebrated in a channel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShoutoutTeam {
    pub team_id: String,
    pub tz: Option<String>,
    pub channel: String,
    pub cron: String,
}

pub async fn shoutout_teams(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<ShoutoutTeam>> {
    sqlx::query_as(
        "SELECT team_id, tz, celebration_channel AS channel, shoutout_cron AS cron
         FROM teams WHERE celebration_channel IS NOT NULL ORDER BY team_id",
    )
    .fetch_all(db)
    .await
}

/// One win to celebrate.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WinToCelebrate {
    pub id: i64,
    pub user_id: String,
    pub private: bool,
    pub kind: String,
    pub text: UserText,
}

/// What a team did in `(from, to]` (UTC timestamps), for its shout-out.
#[derive(Debug, Clone, Default)]
pub struct Celebration {
    pub wins: Vec<WinToCelebrate>,
    /// (rep, private, prospect) for each 10th touch.
    pub tenth_touches: Vec<(String, bool, UserText)>,
    /// (rep, private, prospect, touches before) for each meeting after 5+ touches.
    pub persistent_meetings: Vec<(String, bool, UserText, i64)>,
    /// (rep, private, streak) for streaks reaching a multiple of five.
    pub streaks: Vec<(String, bool, i64)>,
    /// (rep, private, blocks completed).
    pub blocks: Vec<(String, bool, i64)>,
}

pub async fn celebration(
    conn: &mut SqliteConnection,
    team_id: &str,
    from: &str,
    to: &str,
    from_day: &str,
) -> sqlx::Result<Celebration> {
    let wins = sqlx::query_as(
        "SELECT w.id, w.user_id, coalesce(m.private, 0) AS private, w.kind, w.text
         FROM wins w LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
         WHERE w.team_id = ? AND w.created_at > ? AND w.created_at <= ? ORDER BY w.id",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    // Each touch in the window with its rank among its prospect's touches.
    let ranked: Vec<(String, bool, UserText, String, i64)> = sqlx::query_as(
        "SELECT t.user_id, coalesce(m.private, 0), p.name, t.outcome,
                (SELECT COUNT(*) FROM touches e WHERE e.prospect_id = t.prospect_id AND e.id <= t.id) AS n
         FROM touches t JOIN prospects p ON p.id = t.prospect_id
         LEFT JOIN members m ON m.team_id = t.team_id AND m.user_id = t.user_id
         WHERE t.team_id = ? AND t.created_at > ? AND t.created_at <= ?
           AND (t.outcome = 'meeting' OR p.touch_count >= 10)
         ORDER BY t.id",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let tenth_touches = ranked
        .iter()
        .filter(|r| r.4 == 10)
        .map(|r| (r.0.clone(), r.1, r.2.clone()))
        .collect();
    let persistent_meetings = ranked
        .iter()
        .filter(|r| r.3 == "meeting" && r.4 > 5)
        .map(|r| (r.0.clone(), r.1, r.2.clone(), r.4 - 1))
        .collect();
    let streaks = sqlx::query_as(
        "SELECT user_id, private, streak FROM members
         WHERE team_id = ? AND streak >= 5 AND streak % 5 = 0 AND last_step_day >= ? ORDER BY user_id",
    )
    .bind(team_id)
    .bind(from_day)
    .fetch_all(&mut *conn)
    .await?;
    let blocks = sqlx::query_as(
        "SELECT b.user_id, coalesce(m.private, 0), COUNT(*)
         FROM blocks b LEFT JOIN members m ON m.team_id = b.team_id AND m.user_id = b.user_id
         WHERE b.team_id = ? AND b.status = 'done' AND b.reported_at > ? AND b.reported_at <= ?
         GROUP BY b.user_id ORDER BY b.user_id",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Celebration {
        wins,
        tenth_touches,
        persistent_meetings,
        streaks,
        blocks,
    })
}

pub async fn set_shoutout_through(
    conn: &mut SqliteConnection,
    team_id: &str,
    through: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE teams SET shoutout_through = ? WHERE team_id = ?")
        .bind(through)
        .bind(team_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn shoutout_through(
    conn: &mut SqliteConnection,
    team_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT shoutout_through FROM teams WHERE team_id = ?")
        .bind(team_id)
        .fetch_one(conn)
        .await
}

/// Every member with what a nudge needs to know about them and their team.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NudgeCandidate {
    pub team_id: String,
    pub user_id: String,
    pub tz: Option<String>,
    pub team_tz: Option<String>,
    pub work_days: Option<i64>,
    pub work_start_min: Option<i64>,
    pub work_end_min: Option<i64>,
    pub quiet_after: Option<i64>,
    pub away_until: Option<String>,
    pub snoozed_until: Option<String>,
    pub last_step_day: Option<String>,
    pub created_at: String,
}

pub async fn nudge_candidates(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<NudgeCandidate>> {
    sqlx::query_as(
        "SELECT m.team_id, m.user_id, m.tz, t.tz AS team_tz, t.work_days, t.work_start_min, t.work_end_min,
                t.quiet_after, m.away_until,
                m.snoozed_until, m.last_step_day, m.created_at
         FROM members m LEFT JOIN teams t ON t.team_id = m.team_id",
    )
    .fetch_all(db)
    .await
}

/// (team, day) holidays between two local days, for every team.
pub async fn holidays_between(
    db: impl SqliteExecutor<'_>,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT team_id, day FROM team_holidays WHERE day BETWEEN ? AND ?")
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await
}

/// An active prospect short of ten touches whose last touch is before `before_day`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ColdProspect {
    pub id: i64,
    pub team_id: String,
    pub user_id: String,
    pub name: UserText,
    pub company: Option<UserText>,
    pub touch_count: i64,
    pub last_touch_day: String,
    /// How many of the rep's prospects are cold in all (only the coldest few are returned).
    pub cold_total: i64,
}

/// The `per_rep` coldest such prospects of each rep, with each rep's total.
pub async fn cold_prospects(
    db: impl SqliteExecutor<'_>,
    before_day: &str,
    per_rep: i64,
) -> sqlx::Result<Vec<ColdProspect>> {
    sqlx::query_as(
        "SELECT id, team_id, user_id, name, company, touch_count, last_touch_day, cold_total FROM (
             SELECT id, team_id, user_id, name, company, touch_count, last_touch_day,
                    ROW_NUMBER() OVER (PARTITION BY team_id, user_id ORDER BY last_touch_day, id) AS rank,
                    COUNT(*) OVER (PARTITION BY team_id, user_id) AS cold_total
             FROM prospects WHERE status = 'active' AND touch_count < 10 AND last_touch_day < ?)
         WHERE rank <= ? ORDER BY team_id, user_id, rank",
    )
    .bind(before_day)
    .bind(per_rep)
    .fetch_all(db)
    .await
}

/// A planned block with its member's zone, for reminders.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockToRemind {
    pub id: i64,
    pub team_id: String,
    pub user_id: String,
    pub starts_at: String,
    pub minutes: i64,
    pub tz: Option<String>,
    pub team_tz: Option<String>,
}

const BLOCK_COLUMNS: &str =
    "SELECT b.id, b.team_id, b.user_id, b.starts_at, b.minutes, m.tz, t.tz AS team_tz
    FROM blocks b LEFT JOIN members m ON m.team_id = b.team_id AND m.user_id = b.user_id
    LEFT JOIN teams t ON t.team_id = b.team_id";

/// Planned blocks starting in `(from, to]` not yet reminded.
pub async fn blocks_starting(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<BlockToRemind>> {
    sqlx::query_as(&format!(
        "{BLOCK_COLUMNS} WHERE b.status = 'planned' AND b.reminded_at IS NULL AND b.starts_at > ? AND b.starts_at <= ?"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Planned blocks that ended in `(from, to]` with no results logged and no follow-up yet.
pub async fn blocks_ended(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<BlockToRemind>> {
    sqlx::query_as(&format!(
        "{BLOCK_COLUMNS} WHERE b.status = 'planned' AND b.followed_up_at IS NULL
           AND b.starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-12 hours')
           AND strftime('%Y-%m-%dT%H:%M:%fZ', b.starts_at, '+' || b.minutes || ' minutes') > ?
           AND strftime('%Y-%m-%dT%H:%M:%fZ', b.starts_at, '+' || b.minutes || ' minutes') <= ?"
    ))
    .bind(from)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

pub async fn mark_reminded(conn: &mut SqliteConnection, id: i64, at: &str) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE blocks SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_followed_up(
    conn: &mut SqliteConnection,
    id: i64,
    at: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE blocks SET followed_up_at = ? WHERE id = ? AND followed_up_at IS NULL AND status = 'planned'")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
