//! Wins: small steps worth celebrating.
use sqlx::SqliteConnection;

pub struct NewWin<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub kind: &'a str,
    pub text: &'a str,
    pub day: &'a str,
    pub at: &'a str,
}

pub async fn insert(conn: &mut SqliteConnection, win: &NewWin<'_>) -> sqlx::Result<i64> {
    let id = sqlx::query("INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(win.team_id)
        .bind(win.user_id)
        .bind(win.kind)
        .bind(win.text)
        .bind(win.day)
        .bind(win.at)
        .execute(conn)
        .await?
        .last_insert_rowid();
    Ok(id)
}
