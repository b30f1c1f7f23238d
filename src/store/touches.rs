//! Touches: attempts on prospects.
use sqlx::SqliteConnection;

pub struct NewTouch<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub prospect_id: i64,
    pub channel: &'a str,
    pub outcome: &'a str,
    pub note: &'a str,
    pub day: &'a str,
    pub at: &'a str,
}

pub async fn insert(conn: &mut SqliteConnection, t: &NewTouch<'_>) -> sqlx::Result<i64> {
    let id = sqlx::query(
        "INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at, gap_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT CAST(julianday(?7) - julianday(last_touch_day) AS INTEGER) FROM prospects WHERE id = ?3))",
    )
    .bind(t.team_id)
    .bind(t.user_id)
    .bind(t.prospect_id)
    .bind(t.channel)
    .bind(t.outcome)
    .bind(t.note)
    .bind(t.day)
    .bind(t.at)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    sqlx::query("UPDATE prospects SET touch_count = touch_count + 1, last_touch_day = max(coalesce(last_touch_day, ''), ?) WHERE id = ?")
        .bind(t.day)
        .bind(t.prospect_id)
        .execute(conn)
        .await?;
    Ok(id)
}
