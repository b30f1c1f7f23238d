//! Members: the Slack users the bot knows, their time zone, manager, away and privacy.
use crate::domain::text::UserText;
use sqlx::{SqliteConnection, SqliteExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub team_id: String,
    pub user_id: String,
    pub tz: Option<String>,
    pub is_admin: bool,
    pub profile_at: Option<String>,
    pub manager_id: Option<String>,
    pub away_until: Option<String>,
    pub private: bool,
    pub welcomed_at: Option<String>,
    pub streak: i64,
    pub last_step_day: Option<String>,
    pub name: Option<UserText>,
}

const COLUMNS: &str = "team_id, user_id, tz, is_admin, profile_at, manager_id, away_until, private, \
                       welcomed_at, streak, last_step_day, name";

/// A member with their team's time zone and working days (when the team has settings).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberInTeam {
    #[sqlx(flatten)]
    pub member: MemberRow,
    pub team_tz: Option<String>,
    pub team_work_days: Option<i64>,
}

/// The member, created on first sight, with the team settings a step needs — one statement,
/// since every logged step starts here.
pub async fn upsert_in_team(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    now: &str,
) -> sqlx::Result<MemberInTeam> {
    sqlx::query_as(&format!(
        "INSERT INTO members (team_id, user_id, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (team_id, user_id) DO UPDATE SET user_id = excluded.user_id
         RETURNING {COLUMNS},
             (SELECT tz FROM teams WHERE team_id = ?1) AS team_tz,
             (SELECT work_days FROM teams WHERE team_id = ?1) AS team_work_days"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// What a step needs to know before it is written, read on a reader (off the writer's path).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct StepState {
    pub tz: Option<String>,
    pub last_step_day: Option<String>,
    pub streak: Option<i64>,
    pub profile_at: Option<String>,
    pub team_tz: Option<String>,
    pub work_days: Option<i64>,
}

/// The member's zone, streak and profile age with their team's zone and working days, in one
/// read; all `None` for a member not seen yet.
pub async fn step_state(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<StepState> {
    sqlx::query_as(
        "SELECT m.tz, m.last_step_day, m.streak, m.profile_at, t.tz AS team_tz, t.work_days
         FROM (SELECT ?1 AS team_id, ?2 AS user_id) k
         LEFT JOIN members m ON m.team_id = k.team_id AND m.user_id = k.user_id
         LEFT JOIN teams t ON t.team_id = k.team_id",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// The member, created on first sight.
pub async fn upsert(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    now: &str,
) -> sqlx::Result<MemberRow> {
    sqlx::query_as(&format!(
        "INSERT INTO members (team_id, user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT (team_id, user_id) DO UPDATE SET user_id = excluded.user_id
         RETURNING {COLUMNS}"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn get(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<MemberRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM members WHERE team_id = ? AND user_id = ?"
    ))
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// The reps a manager manages, in a stable order.
pub async fn reps_of(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    manager_id: &str,
) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM members WHERE team_id = ? AND manager_id = ? ORDER BY user_id"
    ))
    .bind(team_id)
    .bind(manager_id)
    .fetch_all(db)
    .await
}

pub async fn is_manager(
    db: impl SqliteExecutor<'_>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE team_id = ? AND manager_id = ? LIMIT 1",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// What users.info told us.
pub async fn set_profile(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    tz: Option<&str>,
    is_admin: bool,
    name: Option<&str>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO members (team_id, user_id, tz, is_admin, name, profile_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, user_id) DO UPDATE
         SET tz = coalesce(excluded.tz, tz), is_admin = excluded.is_admin, name = coalesce(excluded.name, name),
             profile_at = excluded.profile_at",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(tz)
    .bind(is_admin)
    .bind(name)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_manager(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    manager_id: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET manager_id = ? WHERE team_id = ? AND user_id = ?")
        .bind(manager_id)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_welcomed(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET welcomed_at = ? WHERE team_id = ? AND user_id = ?")
        .bind(now)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_away(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    until: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET away_until = ? WHERE team_id = ? AND user_id = ?")
        .bind(until)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// No nudges for this member until `until` (a UTC timestamp).
pub async fn set_snoozed(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    until: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET snoozed_until = ? WHERE team_id = ? AND user_id = ?")
        .bind(until)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_private(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    private: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET private = ? WHERE team_id = ? AND user_id = ?")
        .bind(private)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts one step on a member's local day; returns the day's wins and touches so far.
pub async fn record_step(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    day: &str,
    wins: i64,
    touches: i64,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (team_id, user_id, day) DO UPDATE
         SET steps = steps + 1, wins = wins + excluded.wins, touches = touches + excluded.touches
         RETURNING wins, touches",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(day)
    .bind(wins)
    .bind(touches)
    .fetch_one(conn)
    .await
}

pub async fn set_streak(
    conn: &mut SqliteConnection,
    team_id: &str,
    user_id: &str,
    streak: i64,
    day: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE members SET streak = ?, last_step_day = ? WHERE team_id = ? AND user_id = ?",
    )
    .bind(streak)
    .bind(day)
    .bind(team_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}
