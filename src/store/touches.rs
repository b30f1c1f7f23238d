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
    .execute(&mut *conn)
    .await?;
    let (c, o) = (channel_column(t.channel), outcome_column(t.outcome));
    sql::query(&format!(
        "INSERT INTO touch_days (team_id, day, user_id, {c}, {o}) VALUES (?1, ?2, ?3, 1, 1)
         ON CONFLICT (team_id, day, user_id) DO UPDATE SET {c} = touch_days.{c} + 1, {o} = touch_days.{o} + 1"
    ))
    .bind(t.team_id)
    .bind(t.day)
    .bind(t.user_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Takes a touch about to be deleted off its rep's day in `touch_days`.
pub async fn uncount(
    conn: &mut Conn,
    touch_id: i64,
    channel: Channel,
    outcome: Outcome,
) -> sqlx::Result<()> {
    let (c, o) = (channel_column(channel), outcome_column(outcome));
    sql::query(&format!(
        "UPDATE touch_days SET {c} = {c} - 1, {o} = {o} - 1
         WHERE (team_id, day, user_id) = (SELECT team_id, day, user_id FROM touches WHERE id = ?)"
    ))
    .bind(touch_id)
    .execute(&mut *conn)
    .await?;
    // A day left without touches goes, as if none had been logged.
    sql::query(&format!(
        "DELETE FROM touch_days WHERE {} = 0
           AND (team_id, day, user_id) = (SELECT team_id, day, user_id FROM touches WHERE id = ?)",
        all_channels()
    ))
    .bind(touch_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The sum of a `touch_days` row's channel columns: its touches.
pub fn all_channels() -> String {
    Channel::ALL
        .iter()
        .map(|c| channel_column(*c))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The `touch_days` column counting a channel's touches (a fixed identifier, never user text).
pub fn channel_column(channel: Channel) -> String {
    format!("c_{}", channel.as_str())
}

/// The `touch_days` column counting an outcome's touches.
pub fn outcome_column(outcome: Outcome) -> String {
    format!("o_{}", outcome.as_str())
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
