//! Reads for manager digests: for one team, a set of people (the managers' reps and the
//! managers themselves) over two periods of local days — each metric is one grouped query.
use crate::domain::text::UserText;
use sqlx::SqlitePool;

/// A manager and the reps they manage.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ManagerRow {
    pub team_id: String,
    pub manager_id: String,
    pub tz: Option<String>,
    pub team_tz: Option<String>,
    pub digest_cron: Option<String>,
}

pub async fn managers(pool: &SqlitePool) -> sqlx::Result<Vec<ManagerRow>> {
    sqlx::query_as(
        "SELECT r.team_id, r.manager_id, m.tz, t.tz AS team_tz, t.digest_cron
         FROM (SELECT DISTINCT team_id, manager_id FROM members WHERE manager_id IS NOT NULL) r
         LEFT JOIN members m ON m.team_id = r.team_id AND m.user_id = r.manager_id
         LEFT JOIN teams t ON t.team_id = r.team_id
         ORDER BY r.team_id, r.manager_id",
    )
    .fetch_all(pool)
    .await
}

/// (rep, manager) pairs for the given managers of a team; `managers_json` is a JSON array.
pub async fn reps(
    pool: &SqlitePool,
    team_id: &str,
    managers_json: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT user_id, manager_id FROM members
         WHERE team_id = ? AND manager_id IN (SELECT value FROM json_each(?)) ORDER BY user_id",
    )
    .bind(team_id)
    .bind(managers_json)
    .fetch_all(pool)
    .await
}

/// The two periods compared: `current` is `[from, to]`, `previous` is `[prev_from, from)`.
#[derive(Debug, Clone)]
pub struct Periods {
    pub prev_from: String,
    pub from: String,
    pub to: String,
}

/// A count for one person, in the current (`true`) or previous period, under a key (a win
/// kind, a touch channel or outcome).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Count {
    pub user_id: String,
    pub current: bool,
    pub key: String,
    pub n: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockTotals {
    pub user_id: String,
    pub current: bool,
    pub planned: i64,
    pub done: i64,
    pub attempts: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub callbacks: i64,
    pub nos: i64,
}

/// Channels and outcomes as stored, in the column order of the touch totals below.
pub const CHANNELS: [&str; 6] = ["phone", "email", "social", "text", "in_person", "video"];
pub const OUTCOMES: [&str; 7] = [
    "no_answer",
    "voicemail",
    "replied",
    "talked",
    "meeting",
    "callback",
    "no",
];

/// Touch counts for one person and period: one count per channel and per outcome, in the
/// order of [`CHANNELS`] and [`OUTCOMES`].
#[derive(Debug, Clone)]
pub struct TouchCount {
    pub user_id: String,
    pub current: bool,
    pub by_channel: [i64; 6],
    pub by_outcome: [i64; 7],
}

impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for TouchCount {
    fn from_row(row: &sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
        use sqlx::Row;
        let mut by_channel = [0; 6];
        let mut by_outcome = [0; 7];
        for (i, n) in by_channel.iter_mut().enumerate() {
            *n = row.try_get(2 + i)?;
        }
        for (i, n) in by_outcome.iter_mut().enumerate() {
            *n = row.try_get(2 + CHANNELS.len() + i)?;
        }
        Ok(Self {
            user_id: row.try_get(0)?,
            current: row.try_get(1)?,
            by_channel,
            by_outcome,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct DigestData {
    pub wins: Vec<Count>,
    pub touches: Vec<TouchCount>,
    pub blocks: Vec<BlockTotals>,
    /// (rep, prospect, touches) dropped in the period after 3 or fewer touches, not after a no.
    pub dropped_early: Vec<(String, UserText, i64)>,
    /// (rep, prospect) who said no in the period and have no replacement target yet.
    pub nos_unreplaced: Vec<(String, UserText)>,
    /// (rep, days between a touch and the previous one on the same prospect, touches), for
    /// the period's touches.
    pub gaps: Vec<(String, i64, i64)>,
    /// (rep, kind, text): each person's three wins of the period most worth recognising,
    /// best first.
    pub best_wins: Vec<(String, String, UserText)>,
    /// (person, last step day).
    pub last_steps: Vec<(String, Option<String>)>,
}

/// Everything the digests of a team need over two periods: each read is one grouped query
/// over the team's rows in the period (by the day indexes); the caller picks out its people.
/// `dropped_from`/`dropped_to` bound the current period as UTC timestamps.
pub async fn data(
    pool: &SqlitePool,
    team_id: &str,
    p: &Periods,
    dropped_from: &str,
    dropped_to: &str,
) -> sqlx::Result<DigestData> {
    let wins = sqlx::query_as(
        "SELECT user_id, day >= ?2 AS current, kind AS key, COUNT(*) AS n FROM wins
         WHERE team_id = ?1 AND day >= ?3 AND day <= ?4 GROUP BY user_id, current, kind",
    )
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.prev_from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let columns: Vec<String> = CHANNELS
        .iter()
        .map(|c| format!("SUM(channel = '{c}')"))
        .chain(OUTCOMES.iter().map(|o| format!("SUM(outcome = '{o}')")))
        .collect();
    let touches = sqlx::query_as(&format!(
        "SELECT user_id, day >= ?2 AS current, {} FROM touches
         WHERE team_id = ?1 AND day >= ?3 AND day <= ?4 GROUP BY user_id, current",
        columns.join(", ")
    ))
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.prev_from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let blocks = sqlx::query_as(
        "SELECT user_id, day >= ?2 AS current,
                COUNT(*) FILTER (WHERE planned = 1) AS planned,
                COUNT(*) FILTER (WHERE status = 'done') AS done,
                coalesce(SUM(dials + emails + social), 0) AS attempts,
                coalesce(SUM(conversations), 0) AS conversations, coalesce(SUM(meetings), 0) AS meetings,
                coalesce(SUM(callbacks), 0) AS callbacks, coalesce(SUM(nos), 0) AS nos
         FROM blocks WHERE team_id = ?1 AND status <> 'cancelled' AND day >= ?3 AND day <= ?4
         GROUP BY user_id, current",
    )
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.prev_from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let dropped_early = sqlx::query_as(
        "SELECT user_id, name, touch_count FROM prospects p
         WHERE team_id = ?1 AND status = 'dropped' AND touch_count <= 3 AND dropped_at >= ?2 AND dropped_at < ?3
           AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.prospect_id = p.id AND t.outcome = 'no')
         ORDER BY user_id, name",
    )
    .bind(team_id)
    .bind(dropped_from)
    .bind(dropped_to)
    .fetch_all(pool)
    .await?;
    let nos_unreplaced = sqlx::query_as(
        "SELECT DISTINCT t.user_id, p.name FROM touches t JOIN prospects p ON p.id = t.prospect_id
         WHERE t.team_id = ?1 AND t.day >= ?2 AND t.day <= ?3 AND t.outcome = 'no'
           AND NOT EXISTS (SELECT 1 FROM prospects r WHERE r.replaces_id = p.id)
         ORDER BY t.user_id, p.name",
    )
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let gaps = sqlx::query_as(
        "SELECT user_id, gap_days, COUNT(*) FROM touches
         WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND gap_days IS NOT NULL GROUP BY user_id, gap_days",
    )
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let best_wins = sqlx::query_as(
        "SELECT user_id, kind, text FROM (
             SELECT user_id, kind, text, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY
                 CASE kind WHEN 'meeting' THEN 0 WHEN 'referral' THEN 1 WHEN 'reply' THEN 2 WHEN 'encounter' THEN 3
                 WHEN 'conversation' THEN 4 WHEN 'connect' THEN 5 ELSE 6 END, id DESC) AS rank,
                 CASE kind WHEN 'meeting' THEN 0 WHEN 'referral' THEN 1 WHEN 'reply' THEN 2 WHEN 'encounter' THEN 3
                 WHEN 'conversation' THEN 4 WHEN 'connect' THEN 5 ELSE 6 END AS priority, id
             FROM wins WHERE team_id = ?1 AND day >= ?2 AND day <= ?3)
         WHERE rank <= 3 ORDER BY priority, id DESC",
    )
    .bind(team_id)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let last_steps =
        sqlx::query_as("SELECT user_id, last_step_day FROM members WHERE team_id = ?1")
            .bind(team_id)
            .fetch_all(pool)
            .await?;
    Ok(DigestData {
        wins,
        touches,
        blocks,
        dropped_early,
        nos_unreplaced,
        gaps,
        best_wins,
        last_steps,
    })
}
