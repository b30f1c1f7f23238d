//! Team-wide settings (one row per workspace, created on first change).
use super::sql::{self, Conn, Ex};
use crate::domain::schedule::Schedule;
use crate::domain::time::{WorkDays, ZoneName};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// A team's settings; a team that never changed one reads as the defaults.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    /// The team's zone, else the deployment's default.
    #[sqlx(try_from = "ZoneName")]
    pub tz: Tz,
    /// Whether `tz` is the team's own (set with `/momentum settings`) or the default.
    pub tz_set: bool,
    pub celebration_channel: Option<String>,
    pub quiet_after: i64,
    #[sqlx(try_from = "i64")]
    pub work_days: WorkDays,
    pub work_start_min: i64,
    pub work_end_min: i64,
    pub shoutouts: Schedule,
    pub digests: Schedule,
}

/// A team's working settings from `teams t`, with the defaults for a team that has no row —
/// the same values as the columns' defaults in the schema.
pub(crate) const WORK_DAYS: &str = "COALESCE(t.work_days, 31) AS work_days";
pub(crate) const WORK_SETTINGS: &str = "COALESCE(t.quiet_after, 2) AS quiet_after, \
     COALESCE(t.work_start_min, 540) AS work_start_min, COALESCE(t.work_end_min, 1020) AS work_end_min";

/// The team's settings (the defaults for a team with no row yet).
pub async fn get(db: impl Into<Ex<'_>>, team_id: &str) -> sqlx::Result<TeamRow> {
    sql::query_as(&format!(
        "SELECT COALESCE(t.tz, d.tz) AS tz, t.tz IS NOT NULL AS tz_set, t.celebration_channel,
                {WORK_DAYS}, {WORK_SETTINGS},
                COALESCE(t.shoutout_cron, ?2) AS shoutouts, COALESCE(t.digest_cron, ?3) AS digests
         FROM app_defaults d LEFT JOIN teams t ON t.team_id = ?1"
    ))
    .bind(team_id)
    .bind(Schedule::SHOUTOUTS)
    .bind(Schedule::DIGESTS)
    .fetch_one(db)
    .await
}

/// The zone of teams (and members) that have not set their own: `MOMENTUM_TZ`, written at
/// start-up.
pub async fn set_default_zone(conn: &mut Conn, tz: Tz) -> sqlx::Result<()> {
    sql::query("UPDATE app_defaults SET tz = ? WHERE id = 1")
        .bind(ZoneName(tz))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds (`on`) or removes a team holiday.
pub async fn set_holiday(
    conn: &mut Conn,
    team_id: &str,
    day: NaiveDate,
    on: bool,
) -> sqlx::Result<()> {
    let sql = if on {
        "INSERT INTO team_holidays (team_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM team_holidays WHERE team_id = ? AND day = ?"
    };
    sql::query(sql)
        .bind(team_id)
        .bind(day)
        .execute(conn)
        .await?;
    Ok(())
}

/// The team's holidays from `from` on.
pub async fn holidays(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    from: NaiveDate,
) -> sqlx::Result<Vec<NaiveDate>> {
    sql::query_scalar(
        "SELECT day FROM team_holidays WHERE team_id = ? AND day >= ? ORDER BY day LIMIT 20",
    )
    .bind(team_id)
    .bind(from)
    .scalar_all(db)
    .await
}

/// The team's holidays from `from` through `to`, in order.
pub async fn holidays_between(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<NaiveDate>> {
    sql::query_scalar(
        "SELECT day FROM team_holidays WHERE team_id = ? AND day BETWEEN ? AND ? ORDER BY day",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .scalar_all(db)
    .await
}

/// One team setting and its new value.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Zone(Tz),
    CelebrationChannel(String),
    Shoutouts(Schedule),
    Digests(Schedule),
    QuietAfter(i64),
    WorkDays(WorkDays),
    WorkStartMin(i64),
    WorkEndMin(i64),
}

async fn ensure(conn: &mut Conn, team_id: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sql::query("INSERT INTO teams (team_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(team_id)
        .bind(now)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets one setting (its column named by the enum, never by user text) on the team's row.
pub async fn set(
    conn: &mut Conn,
    team_id: &str,
    setting: &Setting,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    ensure(conn, team_id, now).await?;
    let column = match setting {
        Setting::Zone(_) => "tz",
        Setting::CelebrationChannel(_) => "celebration_channel",
        Setting::Shoutouts(_) => "shoutout_cron",
        Setting::Digests(_) => "digest_cron",
        Setting::QuietAfter(_) => "quiet_after",
        Setting::WorkDays(_) => "work_days",
        Setting::WorkStartMin(_) => "work_start_min",
        Setting::WorkEndMin(_) => "work_end_min",
    };
    let sql = format!("UPDATE teams SET {column} = ?, updated_at = ? WHERE team_id = ?");
    let query = sql::query(&sql);
    let query = match setting {
        Setting::Zone(tz) => query.bind(ZoneName(*tz)),
        Setting::CelebrationChannel(c) => query.bind(c.clone()),
        Setting::Shoutouts(s) | Setting::Digests(s) => query.bind(*s),
        Setting::WorkDays(d) => query.bind(i64::from(*d)),
        Setting::QuietAfter(n) | Setting::WorkStartMin(n) | Setting::WorkEndMin(n) => {
            query.bind(*n)
        }
    };
    query.bind(now).bind(team_id).execute(&mut *conn).await?;
    Ok(())
}

/// One change to a team's settings.
#[derive(Debug, Clone)]
pub enum TeamChange {
    Set(Setting),
    /// A day off for the whole team (`true`), or no longer (`false`).
    Holiday(NaiveDate, bool),
}

/// Applies changes to the team's settings — the business write behind `/momentum settings` —
/// in one transaction.
pub async fn apply(
    db: &super::Db,
    team_id: &str,
    changes: Vec<TeamChange>,
    now: DateTime<Utc>,
) -> super::Result<()> {
    db.write(
        (team_id.to_owned(), changes, now),
        |c, (team, changes, now)| {
            Box::pin(async move {
                for change in changes {
                    match change {
                        TeamChange::Set(setting) => set(c, team, setting, *now).await?,
                        TeamChange::Holiday(day, on) => set_holiday(c, team, *day, *on).await?,
                    }
                }
                Ok(())
            })
        },
    )
    .await
}
