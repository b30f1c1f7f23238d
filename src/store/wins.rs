//! Wins: small steps worth celebrating.
use super::sql::{self, Conn};
use crate::domain::{WinKind, WinSource};
use chrono::{DateTime, NaiveDate, Utc};

pub struct NewWin<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub kind: WinKind,
    pub text: &'a str,
    /// The member's local day.
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

/// A win and what it does to the member's day and streak.
pub struct LoggedWin<'a> {
    pub win: NewWin<'a>,
    /// The streak if this is the member's first step of `win.day`.
    pub streak_if_first_today: i64,
}

/// Logs a win in one round trip to the database: creates the member if new, stores the win,
/// moves the streak on for a new day (a concurrent step the same day leaves it as is), and
/// counts the day. Returns the day's wins so far and the streak.
pub async fn log(conn: &mut Conn, w: &LoggedWin<'_>) -> sqlx::Result<(i64, i64)> {
    // SQLite takes the five statements in one round trip; PostgreSQL, as one statement whose
    // data-modifying parts all see the snapshot before it (hence the upsert's streak).
    let query = sql::query(
        "INSERT INTO members (team_id, user_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING;
         INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?1, ?2, ?4, ?5, ?6, ?3);
         UPDATE members SET streak = ?7, last_step_day = ?6
          WHERE team_id = ?1 AND user_id = ?2 AND (last_step_day IS NULL OR last_step_day < ?6);
         INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?1, ?2, ?6, 1, 1, 0)
          ON CONFLICT (team_id, user_id, day) DO UPDATE SET steps = member_days.steps + 1, wins = member_days.wins + 1 RETURNING wins;
         SELECT streak FROM members WHERE team_id = ?1 AND user_id = ?2;",
    )
    .postgres(
        "WITH m AS (
            INSERT INTO members (team_id, user_id, created_at, streak, last_step_day)
            VALUES (?1, ?2, ?3, ?7, ?6)
            ON CONFLICT (team_id, user_id) DO UPDATE SET streak = ?7, last_step_day = ?6
            WHERE members.last_step_day IS NULL OR members.last_step_day < ?6
            RETURNING streak),
         w AS (INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?1, ?2, ?4, ?5, ?6, ?3)),
         d AS (INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?1, ?2, ?6, 1, 1, 0)
            ON CONFLICT (team_id, user_id, day)
            DO UPDATE SET steps = member_days.steps + 1, wins = member_days.wins + 1 RETURNING wins)
         SELECT d.wins, COALESCE((SELECT streak FROM m),
            (SELECT streak FROM members WHERE team_id = ?1 AND user_id = ?2)) AS streak FROM d",
    )
    .bind(w.win.team_id)
    .bind(w.win.user_id)
    .bind(w.win.at)
    .bind(w.win.kind)
    .bind(w.win.text)
    .bind(w.win.day)
    .bind(w.streak_if_first_today);
    let conn = match conn {
        Conn::Pg(_) => return query.fetch_one(conn).await,
        Conn::Lite(conn) => conn,
    };
    use sqlx::Row;
    let rows = query.lite_rows(conn).await?;
    match rows.as_slice() {
        [today, streak] => Ok((today.try_get(0)?, streak.try_get(0)?)),
        _ => Err(sqlx::Error::RowNotFound),
    }
}

pub async fn insert(conn: &mut Conn, win: &NewWin<'_>) -> sqlx::Result<i64> {
    let id = sql::query("INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(win.team_id)
        .bind(win.user_id)
        .bind(win.kind)
        .bind(win.text)
        .bind(win.day)
        .bind(win.at)
        .scalar_one(conn)
        .await?;
    Ok(id)
}

/// A touch outcome or block result celebrated as a win without being typed.
pub struct StepWin<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub kind: WinKind,
    /// Who it was with ("Jane Doe (Acme)"), empty for a block.
    pub text: &'a str,
    pub source: WinSource,
    pub touch_id: Option<i64>,
    pub block_id: Option<i64>,
    /// How many steps it stands for (a block's meetings or conversations).
    pub steps: i64,
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Stores a step win. It is not counted on the member's day: the touch or block was.
pub async fn insert_step(conn: &mut Conn, w: &StepWin<'_>) -> sqlx::Result<i64> {
    let id = sql::query(
        "INSERT INTO wins (team_id, user_id, kind, text, day, created_at, source, touch_id, block_id, steps)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(w.team_id)
    .bind(w.user_id)
    .bind(w.kind)
    .bind(w.text)
    .bind(w.day)
    .bind(w.at)
    .bind(w.source)
    .bind(w.touch_id)
    .bind(w.block_id)
    .bind(w.steps)
    .scalar_one(conn)
    .await?;
    Ok(id)
}
