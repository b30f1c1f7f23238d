//! Team-wide settings (one row per workspace, created on first change).
use sqlx::{SqliteConnection, SqliteExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub tz: Option<String>,
    pub celebration_channel: Option<String>,
    pub quiet_after: i64,
    pub work_days: i64,
    pub work_start_min: i64,
    pub work_end_min: i64,
    pub shoutout_cron: String,
    pub digest_cron: String,
}

pub async fn get(db: impl SqliteExecutor<'_>, team_id: &str) -> sqlx::Result<Option<TeamRow>> {
    sqlx::query_as(
        "SELECT tz, celebration_channel, quiet_after, work_days, work_start_min, work_end_min,
                shoutout_cron, digest_cron
         FROM teams WHERE team_id = ?",
    )
    .bind(team_id)
    .fetch_optional(db)
    .await
}

/// Adds (`on`) or removes a team holiday.
pub async fn set_holiday(
    conn: &mut SqliteConnection,
    team_id: &str,
    day: &str,
    on: bool,
) -> sqlx::Result<()> {
    let sql = if on {
        "INSERT INTO team_holidays (team_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM team_holidays WHERE team_id = ? AND day = ?"
    };
    sqlx::query(sql)
        .bind(team_id)
        .bind(day)
        .execute(conn)
        .await?;
    Ok(())
}

/// The team's holidays from `from` on.
pub async fn holidays(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    from: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT day FROM team_holidays WHERE team_id = ? AND day >= ? ORDER BY day LIMIT 20",
    )
    .bind(team_id)
    .bind(from)
    .fetch_all(db)
    .await
}

/// A text setting, named by column.
#[derive(Debug, Clone, Copy)]
pub enum TextSetting {
    Tz,
    CelebrationChannel,
    ShoutoutCron,
    DigestCron,
}

/// A number setting, named by column.
#[derive(Debug, Clone, Copy)]
pub enum IntSetting {
    QuietAfter,
    WorkDays,
    WorkStartMin,
    WorkEndMin,
}

async fn ensure(conn: &mut SqliteConnection, team_id: &str, now: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO teams (team_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(team_id)
        .bind(now)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_text(
    conn: &mut SqliteConnection,
    team_id: &str,
    setting: TextSetting,
    value: &str,
    now: &str,
) -> sqlx::Result<()> {
    let column = match setting {
        TextSetting::Tz => "tz",
        TextSetting::CelebrationChannel => "celebration_channel",
        TextSetting::ShoutoutCron => "shoutout_cron",
        TextSetting::DigestCron => "digest_cron",
    };
    set_column(conn, team_id, column, Value::Text(value), now).await
}

pub async fn set_int(
    conn: &mut SqliteConnection,
    team_id: &str,
    setting: IntSetting,
    value: i64,
    now: &str,
) -> sqlx::Result<()> {
    let column = match setting {
        IntSetting::QuietAfter => "quiet_after",
        IntSetting::WorkDays => "work_days",
        IntSetting::WorkStartMin => "work_start_min",
        IntSetting::WorkEndMin => "work_end_min",
    };
    set_column(conn, team_id, column, Value::Int(value), now).await
}

enum Value<'a> {
    Text(&'a str),
    Int(i64),
}

/// Sets one column (named by the enums above, never by user text) on the team's row.
async fn set_column(
    conn: &mut SqliteConnection,
    team_id: &str,
    column: &str,
    value: Value<'_>,
    now: &str,
) -> sqlx::Result<()> {
    ensure(conn, team_id, now).await?;
    let sql = format!("UPDATE teams SET {column} = ?, updated_at = ? WHERE team_id = ?");
    let query = match value {
        Value::Text(v) => sqlx::query(&sql).bind(v),
        Value::Int(v) => sqlx::query(&sql).bind(v),
    };
    query.bind(now).bind(team_id).execute(&mut *conn).await?;
    Ok(())
}
