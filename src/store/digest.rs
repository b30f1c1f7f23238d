//! Reads for manager digests: for one team, a set of people (the managers' reps and the
//! managers themselves) over two periods of local days — each metric is one grouped query.
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

/// (rep, manager) pairs for the given managers of a team.
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

#[derive(Debug, Clone, Default)]
pub struct DigestData {
    pub wins: Vec<Count>,
    pub touch_channels: Vec<Count>,
    pub touch_outcomes: Vec<Count>,
    pub blocks: Vec<BlockTotals>,
    /// (rep, prospect, touches) dropped in the period after 3 or fewer touches, not after a no.
    pub dropped_early: Vec<(String, String, i64)>,
    /// (rep, prospect) who said no in the period and have no replacement target yet.
    pub nos_unreplaced: Vec<(String, String)>,
    /// (rep, days) between consecutive touches on the same prospect, for touches in the period.
    pub gaps: Vec<(String, f64)>,
    /// (rep, kind, text) wins of the period, most worth recognising first.
    pub best_wins: Vec<(String, String, String)>,
    /// (person, last step day).
    pub last_steps: Vec<(String, Option<String>)>,
}

/// Everything the digests of these people need; `people_json` is a JSON array of user ids,
/// `dropped_from`/`dropped_to` the period as UTC timestamps.
pub async fn data(
    pool: &SqlitePool,
    team_id: &str,
    people_json: &str,
    p: &Periods,
    dropped_from: &str,
    dropped_to: &str,
) -> sqlx::Result<DigestData> {
    const PEOPLE: &str = "user_id IN (SELECT value FROM json_each(?2))";
    let wins = sqlx::query_as(&format!(
        "SELECT user_id, day >= ?4 AS current, kind AS key, COUNT(*) AS n FROM wins
         WHERE team_id = ?1 AND {PEOPLE} AND day >= ?3 AND day <= ?5 GROUP BY user_id, current, kind"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.prev_from)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let touch_channels = sqlx::query_as(&format!(
        "SELECT user_id, day >= ?4 AS current, channel AS key, COUNT(*) AS n FROM touches
         WHERE team_id = ?1 AND {PEOPLE} AND day >= ?3 AND day <= ?5 GROUP BY user_id, current, channel"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.prev_from)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let touch_outcomes = sqlx::query_as(&format!(
        "SELECT user_id, day >= ?4 AS current, outcome AS key, COUNT(*) AS n FROM touches
         WHERE team_id = ?1 AND {PEOPLE} AND day >= ?3 AND day <= ?5 GROUP BY user_id, current, outcome"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.prev_from)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let blocks = sqlx::query_as(&format!(
        "SELECT user_id, day >= ?4 AS current,
                COUNT(*) FILTER (WHERE planned = 1) AS planned,
                COUNT(*) FILTER (WHERE status = 'done') AS done,
                coalesce(SUM(dials + emails + social), 0) AS attempts,
                coalesce(SUM(conversations), 0) AS conversations, coalesce(SUM(meetings), 0) AS meetings,
                coalesce(SUM(callbacks), 0) AS callbacks, coalesce(SUM(nos), 0) AS nos
         FROM blocks WHERE team_id = ?1 AND {PEOPLE} AND status <> 'cancelled' AND day >= ?3 AND day <= ?5
         GROUP BY user_id, current"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.prev_from)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let dropped_early = sqlx::query_as(&format!(
        "SELECT user_id, name, touch_count FROM prospects p
         WHERE team_id = ?1 AND {PEOPLE} AND status = 'dropped' AND touch_count <= 3
           AND dropped_at >= ?3 AND dropped_at < ?4
           AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.prospect_id = p.id AND t.outcome = 'no')
         ORDER BY user_id, name"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(dropped_from)
    .bind(dropped_to)
    .fetch_all(pool)
    .await?;
    let nos_unreplaced = sqlx::query_as(&format!(
        "SELECT DISTINCT t.user_id, p.name FROM touches t JOIN prospects p ON p.id = t.prospect_id
         WHERE t.team_id = ?1 AND t.{PEOPLE} AND t.outcome = 'no' AND t.day >= ?3 AND t.day <= ?4
           AND NOT EXISTS (SELECT 1 FROM prospects r WHERE r.replaces_id = p.id)
         ORDER BY t.user_id, p.name"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let gaps = sqlx::query_as(&format!(
        "SELECT user_id, gap FROM (
             SELECT user_id, day, julianday(day) - julianday(LAG(day) OVER (PARTITION BY prospect_id ORDER BY id)) AS gap
             FROM touches WHERE team_id = ?1 AND {PEOPLE} AND day >= date(?3, '-90 days') AND day <= ?4)
         WHERE gap IS NOT NULL AND day >= ?3"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let best_wins = sqlx::query_as(&format!(
        "SELECT user_id, kind, text FROM wins WHERE team_id = ?1 AND {PEOPLE} AND day >= ?3 AND day <= ?4
         ORDER BY CASE kind WHEN 'meeting' THEN 0 WHEN 'referral' THEN 1 WHEN 'reply' THEN 2 WHEN 'encounter' THEN 3
                  WHEN 'conversation' THEN 4 WHEN 'connect' THEN 5 ELSE 6 END, id DESC LIMIT 5000"
    ))
    .bind(team_id)
    .bind(people_json)
    .bind(&p.from)
    .bind(&p.to)
    .fetch_all(pool)
    .await?;
    let last_steps = sqlx::query_as(&format!(
        "SELECT user_id, last_step_day FROM members WHERE team_id = ?1 AND {PEOPLE}"
    ))
    .bind(team_id)
    .bind(people_json)
    .fetch_all(pool)
    .await?;
    Ok(DigestData {
        wins,
        touch_channels,
        touch_outcomes,
        blocks,
        dropped_early,
        nos_unreplaced,
        gaps,
        best_wins,
        last_steps,
    })
}
