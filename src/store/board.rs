//! What the blitz board reads: the team's week in totals, today's celebrated steps, and a
//! cheap marker that changes whenever any of it (or a blitz) does — so a board served by one
//! replica sees a touch taken by another, from the database.
use super::sql::{self, Reader};
use super::vocab::{CANCELLED, DONE, SOURCE_TYPED};
use crate::domain::text::UserText;
use crate::domain::{WinKind, WinSource};
use chrono::NaiveDate;

/// A marker of the team's steps from `from` on and its blitzes: equal markers, same board.
pub async fn marker(db: &Reader, team_id: &str, from: NaiveDate) -> sqlx::Result<String> {
    let (touches, last_touch, wins, last_win, blocks, block_sum, blitzes, ended): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sql::query_as(
        &format!("SELECT (SELECT COUNT(*) FROM touches WHERE team_id = ?1 AND day >= ?2),
                (SELECT coalesce(MAX(id), 0) FROM touches WHERE team_id = ?1 AND day >= ?2),
                (SELECT COUNT(*) FROM wins WHERE team_id = ?1 AND day >= ?2),
                (SELECT coalesce(MAX(id), 0) FROM wins WHERE team_id = ?1 AND day >= ?2),
                (SELECT COUNT(*) FROM blocks WHERE team_id = ?1 AND day >= ?2 AND status = '{DONE}'),
                (SELECT coalesce(CAST(SUM(dials + emails + social + conversations + meetings + callbacks + nos) AS BIGINT), 0)
                   FROM blocks WHERE team_id = ?1 AND day >= ?2 AND status = '{DONE}'),
                (SELECT coalesce(MAX(id), 0) FROM blitzes WHERE team_id = ?1),
                (SELECT COUNT(*) FROM blitzes WHERE team_id = ?1 AND ended_at IS NOT NULL)"),
    )
    .bind(team_id)
    .bind(from)
    .fetch_one(db)
    .await?;
    Ok(format!(
        "{touches}.{last_touch}.{wins}.{last_win}.{blocks}.{block_sum}.{blitzes}.{ended}"
    ))
}

/// The team's week in totals: (touches, conversations, meetings, typed wins), with blocks'
/// dials, emails and social touches as touches and their conversations and meetings counted.
pub async fn week_totals(
    db: &Reader,
    team_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<(i64, i64, i64, i64)> {
    sql::query_as(
        &format!("SELECT
           coalesce((SELECT CAST(SUM(c_phone + c_email + c_social + c_text + c_in_person + c_video) AS BIGINT)
                     FROM touch_days WHERE team_id = ?1 AND day >= ?2 AND day <= ?3), 0)
         + coalesce((SELECT CAST(SUM(dials + emails + social) AS BIGINT) FROM blocks
                     WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND status <> '{CANCELLED}'), 0),
           coalesce((SELECT CAST(SUM(o_talked) AS BIGINT) FROM touch_days WHERE team_id = ?1 AND day >= ?2 AND day <= ?3), 0)
         + coalesce((SELECT CAST(SUM(conversations) AS BIGINT) FROM blocks
                     WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND status <> '{CANCELLED}'), 0),
           coalesce((SELECT CAST(SUM(o_meeting) AS BIGINT) FROM touch_days WHERE team_id = ?1 AND day >= ?2 AND day <= ?3), 0)
         + coalesce((SELECT CAST(SUM(meetings) AS BIGINT) FROM blocks
                     WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND status <> '{CANCELLED}'), 0),
           (SELECT COUNT(*) FROM wins WHERE team_id = ?1 AND day >= ?2 AND day <= ?3 AND source = '{SOURCE_TYPED}')"),
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await
}

/// A step celebrated today.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Celebrated {
    pub name: Option<UserText>,
    pub private: bool,
    pub kind: WinKind,
    pub text: UserText,
    pub source: WinSource,
}

/// Today's celebrated steps (wins, typed or from a step), newest first, at most `limit`.
pub async fn celebrated(
    db: &Reader,
    team_id: &str,
    day: NaiveDate,
    limit: i64,
) -> sqlx::Result<Vec<Celebrated>> {
    sql::query_as(
        "SELECT m.name, coalesce(m.private, FALSE) AS private, w.kind, w.text, w.source
         FROM wins w LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
         WHERE w.team_id = ? AND w.day = ? ORDER BY w.created_at DESC, w.id DESC LIMIT ?",
    )
    .bind(team_id)
    .bind(day)
    .bind(limit)
    .fetch_all(db)
    .await
}
