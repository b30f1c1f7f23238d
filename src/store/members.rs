//! Members: the Slack users the bot knows, their time zone, manager, away and privacy.
use super::sql::{self, Conn, Ex, Tx, lite_row};
use super::teams::WORK_DAYS;
use crate::domain::text::UserText;
use crate::domain::time::{Local, WorkDays};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub team_id: String,
    pub user_id: String,
    pub is_admin: bool,
    pub profile_at: Option<DateTime<Utc>>,
    pub manager_id: Option<String>,
    /// Away through this local day.
    pub away_until: Option<NaiveDate>,
    pub private: bool,
    pub welcomed_at: Option<DateTime<Utc>>,
    pub streak: i64,
    pub last_step_day: Option<NaiveDate>,
    pub name: Option<UserText>,
    /// Their zone (theirs, else the team's, else the default) and working week.
    #[sqlx(flatten)]
    pub local: Local,
}

/// A member's zone and working week, resolved in one place: their own zone, else their team's,
/// else the deployment's default (`app_defaults`, written at start-up); the team's working
/// week, else Monday to Friday. `members` is the row in scope.
pub(crate) const LOCAL: &str = "COALESCE(members.tz, (SELECT t.tz FROM teams t WHERE t.team_id = members.team_id), \
     (SELECT tz FROM app_defaults)) AS tz, \
     COALESCE((SELECT t.work_days FROM teams t WHERE t.team_id = members.team_id), 31) AS work_days";

/// The zone of `members m` in `teams t`: theirs, else the team's, else the default.
pub(crate) const ZONE: &str = "COALESCE(m.tz, t.tz, (SELECT tz FROM app_defaults)) AS tz";

fn columns() -> String {
    format!(
        "team_id, user_id, is_admin, profile_at, manager_id, away_until, private, \
         welcomed_at, streak, last_step_day, name, {LOCAL}"
    )
}

/// The member, created on first sight, with where they are. Every logged step starts here, so
/// it writes only for a member not seen before: an upsert that always updated would rewrite
/// the member's page — one more WAL frame — on every step.
pub async fn upsert(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<MemberRow> {
    static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT {} FROM members WHERE team_id = ? AND user_id = ?",
            columns()
        )
    });
    let mut tx = tx.into();
    sql::query(
        "INSERT INTO members (team_id, user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(now)
    .execute_on(&mut tx)
    .await?;
    sql::query_as(&SELECT)
        .bind(team_id)
        .bind(user_id)
        .fetch_one_on(tx)
        .await
}

lite_row!(
    MemberRow {
        team_id,
        user_id,
        is_admin,
        profile_at,
        manager_id,
        away_until,
        private,
        welcomed_at,
        streak,
        last_step_day,
        name,
    },
    local: Local
);

/// What a step needs to know before it is written, read on a reader (off the writer's path).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StepState {
    /// Whether the member's own zone is known (else `local` has the team's or the default).
    pub own_zone: bool,
    pub last_step_day: Option<NaiveDate>,
    pub streak: Option<i64>,
    pub profile_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub local: Local,
}

/// The member's zone, working week, streak and profile age in one read; `None`s for a member
/// not seen yet (whose zone is the team's or the default).
pub async fn step_state(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<StepState> {
    static STEP_STATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT m.tz IS NOT NULL AS own_zone, m.last_step_day, m.streak, m.profile_at, {ZONE}, {WORK_DAYS}
             FROM (SELECT ?1 AS team_id, ?2 AS user_id) k
             LEFT JOIN members m ON m.team_id = k.team_id AND m.user_id = k.user_id
             LEFT JOIN teams t ON t.team_id = k.team_id"
        )
    });
    sql::query_as(&STEP_STATE)
        .bind(team_id)
        .bind(user_id)
        .fetch_one_on(tx)
        .await
}

lite_row!(
    StepState {
        own_zone,
        last_step_day,
        streak,
        profile_at,
    },
    local: Local
);

pub async fn get(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<MemberRow>> {
    sql::query_as(&format!(
        "SELECT {} FROM members WHERE team_id = ? AND user_id = ?",
        columns()
    ))
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// The reps a manager manages, in a stable order.
pub async fn reps_of(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    manager_id: &str,
) -> sqlx::Result<Vec<MemberRow>> {
    sql::query_as(&format!(
        "SELECT {} FROM members WHERE team_id = ? AND manager_id = ? ORDER BY user_id",
        columns()
    ))
    .bind(team_id)
    .bind(manager_id)
    .fetch_all(db)
    .await
}

/// The display names Slack gave the team's members (for pictures, which cannot mention).
pub async fn names(
    db: impl Into<Ex<'_>>,
    team_id: &str,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> =
        sql::query_as("SELECT user_id, name FROM members WHERE team_id = ? AND name IS NOT NULL")
            .bind(team_id)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().collect())
}

pub async fn is_manager(db: impl Into<Ex<'_>>, team_id: &str, user_id: &str) -> sqlx::Result<bool> {
    let n: i64 = sql::query_scalar(
        "SELECT COUNT(*) FROM members WHERE team_id = ? AND manager_id = ? LIMIT 1",
    )
    .bind(team_id)
    .bind(user_id)
    .scalar_one(db)
    .await?;
    Ok(n > 0)
}

/// What users.info told us.
pub async fn set_profile(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    tz: Option<Tz>,
    is_admin: bool,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query(
        "INSERT INTO members (team_id, user_id, tz, is_admin, name, profile_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, user_id) DO UPDATE
         SET tz = coalesce(excluded.tz, members.tz), is_admin = excluded.is_admin, name = coalesce(excluded.name, members.name),
             profile_at = excluded.profile_at",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(tz.map(|tz| tz.name()))
    .bind(is_admin)
    .bind(name)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_manager(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    manager_id: Option<&str>,
) -> sqlx::Result<()> {
    sql::query("UPDATE members SET manager_id = ? WHERE team_id = ? AND user_id = ?")
        .bind(manager_id)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the member off `manager`'s team; false (nothing changed) when `manager` is not theirs.
pub async fn clear_manager_if(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    manager: &str,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "UPDATE members SET manager_id = NULL WHERE team_id = ? AND user_id = ? AND manager_id = ?",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(manager)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_welcomed(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query("UPDATE members SET welcomed_at = ? WHERE team_id = ? AND user_id = ?")
        .bind(now)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts one step on a member's local day; returns the day's wins and touches so far.
pub async fn record_step(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    day: NaiveDate,
    wins: i64,
    touches: i64,
) -> sqlx::Result<(i64, i64)> {
    sql::query_as(
        "INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (team_id, user_id, day) DO UPDATE
         SET steps = member_days.steps + 1, wins = member_days.wins + excluded.wins, touches = member_days.touches + excluded.touches
         RETURNING wins, touches",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(day)
    .bind(wins)
    .bind(touches)
    .fetch_one_on(tx)
    .await
}

/// Takes one step off a member's day, forgetting the day when no step is left; returns the
/// days they still have steps on, latest first (up to a year).
pub async fn unrecord_step(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    day: NaiveDate,
    wins: i64,
    touches: i64,
) -> sqlx::Result<Vec<NaiveDate>> {
    sql::query(
        "UPDATE member_days SET steps = steps - 1,
            wins = CASE WHEN wins > ?1 THEN wins - ?1 ELSE 0 END,
            touches = CASE WHEN touches > ?2 THEN touches - ?2 ELSE 0 END
         WHERE team_id = ?3 AND user_id = ?4 AND day = ?5",
    )
    .bind(wins)
    .bind(touches)
    .bind(team_id)
    .bind(user_id)
    .bind(day)
    .execute(&mut *conn)
    .await?;
    sql::query(
        "DELETE FROM member_days WHERE team_id = ? AND user_id = ? AND day = ? AND steps <= 0",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(day)
    .execute(&mut *conn)
    .await?;
    sql::query_scalar(
        "SELECT day FROM member_days WHERE team_id = ? AND user_id = ? ORDER BY day DESC LIMIT 366",
    )
    .bind(team_id)
    .bind(user_id)
    .scalar_all(conn)
    .await
}

/// Sets the member's streak and the day of their last step (`None` once no step is left).
pub async fn set_streak(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    streak: i64,
    day: Option<NaiveDate>,
) -> sqlx::Result<()> {
    sql::query(
        "UPDATE members SET streak = ?, last_step_day = ? WHERE team_id = ? AND user_id = ?",
    )
    .bind(streak)
    .bind(day)
    .bind(team_id)
    .bind(user_id)
    .execute_on(tx)
    .await?;
    Ok(())
}

/// The member (created on first sight) and their local day, read inside a step's write.
pub struct StepContext {
    pub member: MemberRow,
    pub today: NaiveDate,
    pub work_days: WorkDays,
}

pub async fn step_context(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<StepContext> {
    let member = upsert(tx, team_id, user_id, now).await?;
    Ok(StepContext {
        today: member.local.today(now),
        work_days: member.local.work_days,
        member,
    })
}

/// What a step did to the member's day and streak.
pub struct Counted {
    pub touches_today: i64,
    pub streak: i64,
}

/// Counts a step on the member's local day and moves their streak on.
pub async fn count_step(
    tx: impl Into<Tx<'_>>,
    ctx: &StepContext,
    wins: i64,
    touches: i64,
) -> sqlx::Result<Counted> {
    let mut tx = tx.into();
    let m = &ctx.member;
    let day = ctx.today;
    let (_, touches_today) =
        record_step(&mut tx, &m.team_id, &m.user_id, day, wins, touches).await?;
    let last = m.last_step_day;
    let streak = crate::domain::streak::after_step(last, m.streak, ctx.today, ctx.work_days);
    // A step dated before the last one (a zone change, a late report) leaves the streak alone.
    if last.is_none_or(|l| l < ctx.today) {
        set_streak(&mut tx, &m.team_id, &m.user_id, streak, Some(day)).await?;
    }
    Ok(Counted {
        touches_today,
        streak,
    })
}
