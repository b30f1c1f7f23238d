//! Touches: attempts on prospects.
use super::sql::{self, Conn, Ex};
use crate::domain::{Channel, Outcome, Stage};
use chrono::{DateTime, NaiveDate, Utc};

pub struct NewTouch<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub prospect_id: i64,
    pub channel: Channel,
    pub outcome: Outcome,
    pub note: &'a str,
    /// For a call-back: the local day to call back.
    pub callback_on: Option<NaiveDate>,
    /// The prospect's stage after this touch (`Stage::after`).
    pub stage: Stage,
    /// The member's local day.
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, t: &NewTouch<'_>) -> sqlx::Result<i64> {
    let id = sql::query(
        "INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at, gap_days, callback_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT CAST(julianday(?7) - julianday(last_touch_day) AS INTEGER) FROM prospects WHERE id = ?3), ?9)
         RETURNING id",
    )
    .postgres(
        "INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at, gap_days, callback_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT ?7 - last_touch_day FROM prospects WHERE id = ?3), ?9)
         RETURNING id",
    )
    .bind(t.team_id)
    .bind(t.user_id)
    .bind(t.prospect_id)
    .bind(t.channel)
    .bind(t.outcome)
    .bind(t.note)
    .bind(t.day)
    .bind(t.at)
    .bind(t.callback_on)
    .scalar_one(&mut *conn)
    .await?;
    sql::query(
        "UPDATE prospects SET touch_count = touch_count + 1,
            last_touch_day = CASE WHEN last_touch_day > ?1 THEN last_touch_day ELSE ?1 END, stage = ?2
         WHERE id = ?3",
    )
    .bind(t.day)
    .bind(t.stage)
    .bind(t.prospect_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// How many touches on a prospect went through each channel, most used first.
pub async fn channels_used(
    db: impl Into<Ex<'_>>,
    prospect_id: i64,
) -> sqlx::Result<Vec<(Channel, i64)>> {
    sql::query_as(
        "SELECT channel, COUNT(*) FROM touches WHERE prospect_id = ?
         GROUP BY channel ORDER BY COUNT(*) DESC, MIN(id)",
    )
    .bind(prospect_id)
    .fetch_all(db)
    .await
}
