//! Prospects: the people a rep is trying to reach, with their touch counts.
use super::sql::{self, Conn, Ex, Tx, lite_row};
use super::vocab::{STAGE_CLOSED, STAGE_PROSPECTING, STATUS_ACTIVE, STATUS_DROPPED};
use crate::domain::text::UserText;
use crate::domain::{ProspectStatus, Stage};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProspectRow {
    pub id: i64,
    pub name: UserText,
    pub company: Option<UserText>,
    pub status: ProspectStatus,
    pub stage: Stage,
    pub touches: i64,
    pub last_touch_day: Option<NaiveDate>,
}

lite_row!(ProspectRow {
    id,
    name,
    company,
    status,
    stage,
    touches,
    last_touch_day,
});

const SELECT: &str =
    "SELECT p.id, p.name, p.company, p.status, p.stage, p.touch_count AS touches, p.last_touch_day
    FROM prospects p";

pub async fn find(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    name_key: &str,
) -> sqlx::Result<Option<ProspectRow>> {
    sql::query_as(&format!(
        "{SELECT} WHERE p.team_id = ? AND p.user_id = ? AND p.name_key = ?"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(name_key)
    .fetch_optional_on(tx)
    .await
}

/// One of the rep's prospects by id (as a button refers to it).
pub async fn by_id(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
    id: i64,
) -> sqlx::Result<Option<ProspectRow>> {
    sql::query_as(&format!(
        "{SELECT} WHERE p.team_id = ? AND p.user_id = ? AND p.id = ?"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Active prospects whose name starts like `prefix` (for "did you mean").
pub async fn similar(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
    name_key: &str,
) -> sqlx::Result<Vec<UserText>> {
    let first = name_key.split(' ').next().unwrap_or(name_key);
    let pattern = format!("{}%", first.replace(['%', '_'], ""));
    sql::query_scalar(&format!(
        "SELECT name FROM prospects WHERE team_id = ? AND user_id = ? AND status = '{STATUS_ACTIVE}'
         AND (name_key LIKE ? OR name_key LIKE ?) ORDER BY name LIMIT 3"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(&pattern)
    .bind(format!("% {pattern}"))
    .scalar_all(db)
    .await
}

pub async fn active(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<Vec<ProspectRow>> {
    sql::query_as(&format!(
        "{SELECT} WHERE p.team_id = ? AND p.user_id = ? AND p.status = '{STATUS_ACTIVE}' AND p.stage <> '{STAGE_CLOSED}'
         ORDER BY p.created_at, p.id"
    ))
    .bind(team_id)
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// The rep's prospects still being prospected whose touch is due by `due_by` (never touched,
/// or last touched on or before `last_touch_by`), as the Home tab lists them: at most `limit`
/// never touched (oldest first) and `limit` touched (least recently first) — enough for the
/// `limit` most overdue whatever their mix — and how many are due in all. Bounded however long
/// the rep's list is.
pub async fn due_soonest(
    db: &super::sql::Reader,
    team_id: &str,
    user_id: &str,
    last_touch_by: NaiveDate,
    limit: i64,
) -> sqlx::Result<(Vec<ProspectRow>, i64)> {
    let prospecting = format!(
        "p.team_id = ? AND p.user_id = ? AND p.status = '{STATUS_ACTIVE}' AND p.stage = '{STAGE_PROSPECTING}'"
    );
    let goal = crate::domain::cadence::TOUCH_GOAL;
    let never_sql = format!(
        "{SELECT} WHERE {prospecting} AND p.last_touch_day IS NULL ORDER BY p.created_at, p.id LIMIT ?"
    );
    let late_sql = format!(
        "{SELECT} WHERE {prospecting} AND p.touch_count < ? AND p.last_touch_day <= ?
         ORDER BY p.last_touch_day, p.id LIMIT ?"
    );
    let total_sql = format!(
        "SELECT COUNT(*) FROM prospects p WHERE {prospecting}
           AND (p.last_touch_day IS NULL OR (p.touch_count < ? AND p.last_touch_day <= ?))"
    );
    let never = sql::query_as(&never_sql)
        .bind(team_id)
        .bind(user_id)
        .bind(limit)
        .fetch_all(db);
    let late = sql::query_as(&late_sql)
        .bind(team_id)
        .bind(user_id)
        .bind(goal)
        .bind(last_touch_by)
        .bind(limit)
        .fetch_all(db);
    let total = sql::query_scalar(&total_sql)
        .bind(team_id)
        .bind(user_id)
        .bind(goal)
        .bind(last_touch_by)
        .scalar_one(db);
    let (never, late, total): (Vec<ProspectRow>, Vec<ProspectRow>, i64) =
        tokio::try_join!(never, late, total)?;
    Ok((never.into_iter().chain(late).collect(), total))
}

pub struct NewProspect<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub name_key: &'a str,
    pub company: Option<&'a str>,
    pub replaces_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Creates the prospect, or brings a dropped one with the same name back to active.
/// Returns the row and whether it was already active.
pub async fn add(tx: impl Into<Tx<'_>>, p: &NewProspect<'_>) -> sqlx::Result<(ProspectRow, bool)> {
    let mut tx = tx.into();
    if let Some(existing) = find(&mut tx, p.team_id, p.user_id, p.name_key).await? {
        if existing.status == ProspectStatus::Active {
            return Ok((existing, true));
        }
        sql::query(&format!(
            "UPDATE prospects SET status = '{STATUS_ACTIVE}', dropped_at = NULL,
             company = coalesce(?, company), replaces_id = coalesce(?, replaces_id) WHERE id = ?"
        ))
        .bind(p.company)
        .bind(p.replaces_id)
        .bind(existing.id)
        .execute_on(&mut tx)
        .await?;
    } else {
        sql::query(
            "INSERT INTO prospects (team_id, user_id, name, name_key, company, replaces_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(p.team_id)
        .bind(p.user_id)
        .bind(p.name)
        .bind(p.name_key)
        .bind(p.company)
        .bind(p.replaces_id)
        .bind(p.at)
        .execute_on(&mut tx)
        .await?;
    }
    let row = find(&mut tx, p.team_id, p.user_id, p.name_key)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok((row, false))
}

pub async fn set_company(tx: impl Into<Tx<'_>>, id: i64, company: &str) -> sqlx::Result<()> {
    sql::query("UPDATE prospects SET company = ? WHERE id = ?")
        .bind(company)
        .bind(id)
        .execute_on(tx)
        .await?;
    Ok(())
}

pub async fn drop(tx: impl Into<Tx<'_>>, id: i64, at: DateTime<Utc>) -> sqlx::Result<()> {
    sql::query(&format!(
        "UPDATE prospects SET status = '{STATUS_DROPPED}', dropped_at = ? WHERE id = ?"
    ))
    .bind(at)
    .bind(id)
    .execute_on(tx)
    .await?;
    Ok(())
}

/// Marks the prospect closed: done, off the active list, never chased again.
pub async fn close(conn: &mut Conn, id: i64) -> sqlx::Result<()> {
    sql::query(&format!(
        "UPDATE prospects SET stage = '{STAGE_CLOSED}' WHERE id = ?"
    ))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
