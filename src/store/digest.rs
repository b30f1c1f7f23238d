//! Reads for manager digests: for one team, a set of people (the managers' reps and the
//! managers themselves) over two periods of local days — each metric is one grouped query.
use super::members::ZONE;
use super::sql::{self, Reader};
use super::teams::WORK_DAYS;
use super::touches::{channel_column, outcome_column};
use super::vocab::{
    CANCELLED, DONE, OUTCOME_NO, PLANNED, RECOGNITION_RANK, SOURCE_TYPED, STATUS_DROPPED,
};
use crate::domain::digest::{DayTouches, DigestData, Periods, PlannedSlot, TouchCount};
use crate::domain::schedule::Schedule;
use crate::domain::time::Local;
use crate::domain::{Channel, Outcome};
use chrono::{DateTime, Utc};

/// A manager, where they are and when their team's digest is due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ManagerRow {
    pub team_id: String,
    pub manager_id: String,
    #[sqlx(flatten)]
    pub local: Local,
    pub digests: Schedule,
}

pub async fn managers(pool: &Reader) -> sqlx::Result<Vec<ManagerRow>> {
    sql::query_as(&format!(
        "SELECT r.team_id, r.manager_id, {ZONE}, {WORK_DAYS}, COALESCE(t.digest_cron, ?) AS digests
         FROM (SELECT DISTINCT team_id, manager_id FROM members WHERE manager_id IS NOT NULL) r
         LEFT JOIN members m ON m.team_id = r.team_id AND m.user_id = r.manager_id
         LEFT JOIN teams t ON t.team_id = r.team_id
         WHERE {}
         ORDER BY r.team_id, r.manager_id",
        super::workspaces::staying("r.team_id")
    ))
    .bind(Schedule::DIGESTS)
    .fetch_all(pool)
    .await
}

/// (rep, manager) pairs for the given managers of a team.
pub async fn reps(
    pool: &Reader,
    team_id: &str,
    managers: &[&str],
) -> sqlx::Result<Vec<(String, String)>> {
    let managers = serde_json::to_string(managers).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sql::query_as(
        "SELECT user_id, manager_id FROM members
         WHERE team_id = ? AND manager_id IN (SELECT value FROM json_each(?)) ORDER BY user_id",
    )
    .postgres(
        "SELECT user_id, manager_id FROM members
         WHERE team_id = ? AND manager_id IN (SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb)))
         ORDER BY user_id",
    )
    .bind(team_id)
    .bind(managers)
    .fetch_all(pool)
    .await
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for DayTouches
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    chrono::NaiveDate: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        let mut by_channel = [0; Channel::ALL.len()];
        for (i, n) in by_channel.iter_mut().enumerate() {
            *n = row.try_get(2 + i)?;
        }
        Ok(Self {
            user_id: row.try_get(0)?,
            day: row.try_get(1)?,
            by_channel,
        })
    }
}

/// Each person's touches per local day over `[from, to]`, by channel: the rollup of `/touch`
/// logs plus blocks' dials (phone), emails (email) and social touches (social). A row per
/// person, day and source; the caller sums.
pub async fn touches_by_day(
    pool: &Reader,
    team_id: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> sqlx::Result<Vec<DayTouches>> {
    let rollup: Vec<String> = Channel::ALL.iter().map(|c| channel_column(*c)).collect();
    let from_blocks: Vec<&str> = Channel::ALL
        .iter()
        .map(|c| match c {
            Channel::Phone => "dials",
            Channel::Email => "emails",
            Channel::Social => "social",
            _ => "0",
        })
        .collect();
    let statement = format!(
        "SELECT user_id, day, {} FROM touch_days WHERE team_id = ? AND day >= ? AND day <= ?
         UNION ALL
         SELECT user_id, day, {} FROM blocks
         WHERE team_id = ? AND status <> '{CANCELLED}' AND day >= ? AND day <= ?",
        rollup.join(", "),
        from_blocks
            .iter()
            .map(|c| format!("CAST({c} AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    sql::query_as(&statement)
        .bind(team_id)
        .bind(from)
        .bind(to)
        .bind(team_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for TouchCount
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        let mut by_channel = [0; Channel::ALL.len()];
        let mut by_outcome = [0; Outcome::ALL.len()];
        for (i, n) in by_channel.iter_mut().enumerate() {
            *n = row.try_get(2 + i)?;
        }
        for (i, n) in by_outcome.iter_mut().enumerate() {
            *n = row.try_get(2 + Channel::ALL.len() + i)?;
        }
        Ok(Self {
            user_id: row.try_get(0)?,
            current: row.try_get(1)?,
            by_channel,
            by_outcome,
        })
    }
}

/// Everything the digests of a team need over two periods: each read is one grouped query
/// over the team's rows in the period (by the day indexes); the caller picks out its people.
/// `dropped_from`/`dropped_to` bound the current period as instants.
pub async fn data(
    pool: &Reader,
    team_id: &str,
    p: &Periods,
    dropped_from: DateTime<Utc>,
    dropped_to: DateTime<Utc>,
) -> sqlx::Result<DigestData> {
    let wins_sql = format!(
        "SELECT user_id, day >= ?2 AS current, kind, COUNT(*) AS n FROM wins
         WHERE team_id = ?1 AND source = '{SOURCE_TYPED}' AND day >= ?3 AND day <= ?4 GROUP BY user_id, current, kind"
    );
    let wins = sql::query_as(&wins_sql)
        .bind(team_id)
        .bind(p.from)
        .bind(p.prev_from)
        .bind(p.to)
        .fetch_all(pool);
    // One sum per channel and outcome, in the order of `Channel::ALL` and `Outcome::ALL`, over
    // the rollup of each rep's days (its columns are fixed identifiers, never user text).
    let columns: Vec<String> = Channel::ALL
        .iter()
        .map(|c| channel_column(*c))
        .chain(Outcome::ALL.iter().map(|o| outcome_column(*o)))
        .map(|column| format!("CAST(SUM({column}) AS BIGINT)"))
        .collect();
    let touches_sql = format!(
        "SELECT user_id, day >= ?2 AS current, {} FROM touch_days
         WHERE team_id = ?1 AND day >= ?3 AND day <= ?4 GROUP BY user_id, current",
        columns.join(", ")
    );
    let touches = sql::query_as(&touches_sql)
        .bind(team_id)
        .bind(p.from)
        .bind(p.prev_from)
        .bind(p.to)
        .fetch_all(pool);
    let blocks_sql = format!("SELECT user_id, day >= ?2 AS current,
                COUNT(*) FILTER (WHERE planned) AS planned,
                COUNT(*) FILTER (WHERE status = '{DONE}') AS done,
                coalesce(CAST(SUM(dials) AS BIGINT), 0) AS dials, coalesce(CAST(SUM(emails) AS BIGINT), 0) AS emails,
                coalesce(CAST(SUM(social) AS BIGINT), 0) AS social,
                coalesce(CAST(SUM(conversations) AS BIGINT), 0) AS conversations, coalesce(CAST(SUM(meetings) AS BIGINT), 0) AS meetings,
                coalesce(CAST(SUM(callbacks) AS BIGINT), 0) AS callbacks, coalesce(CAST(SUM(nos) AS BIGINT), 0) AS nos
         FROM blocks WHERE team_id = ?1 AND status <> '{CANCELLED}' AND day >= ?3 AND day <= ?4
         GROUP BY user_id, current");
    let blocks = sql::query_as(&blocks_sql)
        .bind(team_id)
        .bind(p.from)
        .bind(p.prev_from)
        .bind(p.to)
        .fetch_all(pool);
    let dropped_sql = format!(
        "SELECT user_id, name AS prospect, touch_count AS touches FROM prospects p
         WHERE team_id = ?1 AND status = '{STATUS_DROPPED}' AND touch_count <= 3 AND dropped_at >= ?2 AND dropped_at < ?3
           AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.prospect_id = p.id AND t.outcome = '{OUTCOME_NO}')
         ORDER BY user_id, name"
    );
    let dropped_early = sql::query_as(&dropped_sql)
        .bind(team_id)
        .bind(dropped_from)
        .bind(dropped_to)
        .fetch_all(pool);
    let nos_sql = format!(
        "SELECT DISTINCT t.user_id, p.name AS prospect FROM touches t JOIN prospects p ON p.id = t.prospect_id
         WHERE t.outcome = '{OUTCOME_NO}' AND t.team_id = ?1 AND t.day >= ?2 AND t.day <= ?3
           AND NOT EXISTS (SELECT 1 FROM prospects r WHERE r.replaces_id = p.id)
         ORDER BY t.user_id, p.name"
    );
    let nos_unreplaced = sql::query_as(&nos_sql)
        .bind(team_id)
        .bind(p.from)
        .bind(p.to)
        .fetch_all(pool);
    let gaps = sql::query_as(
        "SELECT user_id, gap_days AS days, COUNT(*) AS n FROM touches
         WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND gap_days IS NOT NULL GROUP BY user_id, gap_days",
    )
    .bind(team_id)
    .bind(p.from)
    .bind(p.to)
    .fetch_all(pool);
    let best_sql = format!(
        "SELECT user_id, kind, text FROM (
             SELECT user_id, kind, text,
                 ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY {rank}, id DESC) AS rank,
                 {rank} AS priority, id
             FROM wins WHERE team_id = ?1 AND source = '{SOURCE_TYPED}' AND day >= ?2 AND day <= ?3) ranked
         WHERE rank <= 3 ORDER BY priority, id DESC",
        rank = *RECOGNITION_RANK
    );
    let best_wins = sql::query_as(&best_sql)
        .bind(team_id)
        .bind(p.from)
        .bind(p.to)
        .fetch_all(pool);
    let last_steps =
        sql::query_as("SELECT user_id, last_step_day AS day, away_until, COALESCE(welcomed_at, created_at) AS joined_at FROM members WHERE team_id = ?1")
            .bind(team_id)
            .fetch_all(pool);
    // The reads are independent: they run at once, each on a reader connection.
    let (wins, touches, blocks, dropped_early, nos_unreplaced, gaps, best_wins, last_steps) = tokio::try_join!(
        wins,
        touches,
        blocks,
        dropped_early,
        nos_unreplaced,
        gaps,
        best_wins,
        last_steps
    )?;
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

/// Blocks still planned to start in `[from, to)`, for the whole team, in start order.
pub async fn planned_between(
    pool: &Reader,
    team_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<PlannedSlot>> {
    sql::query_as(&format!(
        "SELECT user_id, starts_at, minutes FROM blocks
         WHERE team_id = ? AND status = '{PLANNED}' AND starts_at >= ? AND starts_at < ?
         ORDER BY starts_at, id"
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}
