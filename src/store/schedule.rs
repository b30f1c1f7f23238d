//! Reads for the scheduled jobs. Each is one set-based query over every team, member or
//! manager concerned — never a query per rep.
use super::members::LOCAL;
use super::sql::{self, Conn, Ex};
use super::teams::WORK_SETTINGS;
use super::vocab::{
    DONE, OUTCOME_MEETING, PLANNED, STAGE_CLOSED, STAGE_PROSPECTING, STATUS_ACTIVE,
};
use super::workspaces::staying;
use crate::domain::Outcome;
use crate::domain::PlannedBlock;
use crate::domain::cadence::{CallbackDue, ColdProspect, LetGo};
use crate::domain::schedule::Schedule;
use crate::domain::shoutout::{Celebration, KudosReceived, ProspectMilestone, once_each};
use crate::domain::text::UserText;
use crate::domain::time::{Local, ZoneName};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// A team whose wins are celebrated in a channel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShoutoutTeam {
    pub team_id: String,
    #[sqlx(try_from = "ZoneName")]
    pub tz: Tz,
    pub channel: String,
    pub schedule: Schedule,
}

pub async fn shoutout_teams(db: impl Into<Ex<'_>>) -> sqlx::Result<Vec<ShoutoutTeam>> {
    sql::query_as(&format!(
        "SELECT team_id, COALESCE(tz, (SELECT tz FROM app_defaults)) AS tz,
                celebration_channel AS channel, shoutout_cron AS schedule
         FROM teams WHERE celebration_channel IS NOT NULL AND {} ORDER BY team_id",
        staying("teams.team_id")
    ))
    .fetch_all(db)
    .await
}

/// What a team did in `(from, to]`, for its shout-out; streaks count from the local day
/// `from_day`.
pub async fn celebration(
    db: &super::sql::Reader,
    team_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    from_day: NaiveDate,
) -> sqlx::Result<Celebration> {
    let wins = sql::query_as(
        "SELECT w.id, w.user_id, coalesce(m.private, FALSE) AS private, w.kind, w.text, w.source,
                w.day, w.steps
         FROM wins w LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
         WHERE w.team_id = ? AND w.created_at > ? AND w.created_at <= ? ORDER BY w.id",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let wins = once_each(wins);
    // Each touch in the window with its rank among its prospect's touches.
    let ranked: Vec<(String, bool, UserText, Outcome, i64)> = sql::query_as(&format!(
        "SELECT t.user_id, coalesce(m.private, FALSE), p.name, t.outcome,
                (SELECT COUNT(*) FROM touches e WHERE e.prospect_id = t.prospect_id AND e.id <= t.id) AS n
         FROM touches t JOIN prospects p ON p.id = t.prospect_id
         LEFT JOIN members m ON m.team_id = t.team_id AND m.user_id = t.user_id
         WHERE t.team_id = ? AND t.created_at > ? AND t.created_at <= ?
           AND (t.outcome = '{OUTCOME_MEETING}' OR p.touch_count >= 10)
         ORDER BY t.id"
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let milestone = |r: &(String, bool, UserText, Outcome, i64)| ProspectMilestone {
        user_id: r.0.clone(),
        private: r.1,
        prospect: r.2.clone(),
        touches: r.4 - 1,
    };
    let tenth_touches = ranked.iter().filter(|r| r.4 == 10).map(milestone).collect();
    let persistent_meetings = ranked
        .iter()
        .filter(|r| r.3 == Outcome::Meeting && r.4 > 5)
        .map(milestone)
        .collect();
    let streaks = sql::query_as(
        "SELECT user_id, private, streak AS n FROM members
         WHERE team_id = ? AND streak >= 5 AND streak % 5 = 0 AND last_step_day >= ? ORDER BY user_id",
    )
    .bind(team_id)
    .bind(from_day)
    .fetch_all(db)
    .await?;
    let blocks = sql::query_as(&format!(
        "SELECT b.user_id, coalesce(m.private, FALSE) AS private, COUNT(*) AS n
         FROM blocks b LEFT JOIN members m ON m.team_id = b.team_id AND m.user_id = b.user_id
         WHERE b.team_id = ? AND b.status = '{DONE}' AND b.reported_at > ? AND b.reported_at <= ?
         GROUP BY b.user_id, m.private ORDER BY b.user_id"
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    Ok(Celebration {
        wins,
        tenth_touches,
        persistent_meetings,
        streaks,
        blocks,
        goals_reached: Vec::new(),
    })
}

pub async fn set_shoutout_through(
    conn: &mut Conn,
    team_id: &str,
    through: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query("UPDATE teams SET shoutout_through = ? WHERE team_id = ?")
        .bind(through)
        .bind(team_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn shoutout_through(
    db: impl Into<super::sql::Ex<'_>>,
    team_id: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sql::query_scalar("SELECT shoutout_through FROM teams WHERE team_id = ?")
        .bind(team_id)
        .scalar_one(db)
        .await
}

/// Every member with what a nudge needs to know about them and their team.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NudgeCandidate {
    pub team_id: String,
    pub user_id: String,
    #[sqlx(flatten)]
    pub local: Local,
    /// The team's working hours, in minutes after local midnight.
    pub work_start_min: i64,
    pub work_end_min: i64,
    pub quiet_after: i64,
    pub away_until: Option<NaiveDate>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub last_step_day: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

pub async fn nudge_candidates(db: impl Into<Ex<'_>>) -> sqlx::Result<Vec<NudgeCandidate>> {
    sql::query_as(&format!(
        "SELECT members.team_id, members.user_id, {LOCAL}, {WORK_SETTINGS}, members.away_until,
                members.snoozed_until, members.last_step_day, members.created_at
         FROM members LEFT JOIN teams t ON t.team_id = members.team_id
         WHERE {}",
        staying("members.team_id")
    ))
    .fetch_all(db)
    .await
}

/// (team, day) holidays between two local days, for every team.
pub async fn holidays_between(
    db: impl Into<Ex<'_>>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<(String, NaiveDate)>> {
    sql::query_as("SELECT team_id, day FROM team_holidays WHERE day BETWEEN ? AND ?")
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await
}

/// `FROM` members `m` and the prospects `p` that `ids` (a query of `prospect.id`s correlated
/// with `m`, ordered and limited) picks for each: SQLite seeks them through `IN`, PostgreSQL
/// through a `LATERAL` join (which SQLite lacks; PostgreSQL would test `IN` against every
/// pair of member and prospect). `(SQLite, PostgreSQL)`.
fn each_reps(ids: &str) -> (String, String) {
    (
        format!("FROM members m JOIN prospects p ON p.id IN ({ids})"),
        format!("FROM members m CROSS JOIN LATERAL ({ids}) s JOIN prospects p ON p.id = s.id"),
    )
}

/// Active prospects short of ten touches last touched before `before_day`: the `per_rep`
/// coldest of each rep, with each rep's total.
pub async fn cold_prospects(
    db: impl Into<Ex<'_>>,
    before_day: NaiveDate,
    per_rep: i64,
) -> sqlx::Result<Vec<ColdProspect>> {
    // A seek per rep on `prospects_cold` finds their coldest and counts them (the terms are
    // the partial index's, word for word, so SQLite uses it). Only the aggregate that lists
    // a prospect's channels differs between the dialects.
    let cold = |t: &str| {
        format!(
            "{t}.status = '{STATUS_ACTIVE}' AND {t}.stage = '{STAGE_PROSPECTING}' AND {t}.touch_count < 10 AND {t}.last_touch_day < ?1"
        )
    };
    let (cold_k, cold_c) = (cold("k"), cold("c"));
    let select = |channels: &str, from: &str| {
        format!(
            "SELECT p.id, p.team_id, p.user_id, p.name, p.company, p.touch_count, p.last_touch_day,
                    (SELECT COUNT(*) FROM prospects k
                     WHERE k.team_id = p.team_id AND k.user_id = p.user_id AND {cold_k}) AS cold_total,
                    coalesce((SELECT {channels} FROM touches t WHERE t.prospect_id = p.id), '') AS used
             {from}
             ORDER BY p.team_id, p.user_id, p.last_touch_day, p.id"
        )
    };
    let from = each_reps(&format!(
        "SELECT c.id FROM prospects c
         WHERE c.team_id = m.team_id AND c.user_id = m.user_id AND {cold_c}
         ORDER BY c.last_touch_day, c.id LIMIT ?2"
    ));
    let (sqlite, postgres) = (
        select("group_concat(DISTINCT channel)", &from.0),
        select("string_agg(DISTINCT channel, ',')", &from.1),
    );
    sql::query_as(&sqlite)
        .postgres(&postgres)
        .bind(before_day)
        .bind(per_rep)
        .fetch_all(db)
        .await
}

/// Call-backs on local days `from..=to` not yet reminded, whose prospect is still worked on
/// and has had no touch since (a rep who already called back is not reminded).
pub async fn callbacks_due(
    db: impl Into<Ex<'_>>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<CallbackDue>> {
    sql::query_as(&format!(
        "SELECT cb.id AS touch_id, cb.team_id, cb.user_id, cb.prospect_id, p.name, p.company,
                cb.note, cb.channel, cb.callback_on, cb.day, {WORK_SETTINGS}, {LOCAL}
         FROM touches cb JOIN prospects p ON p.id = cb.prospect_id
         LEFT JOIN members ON members.team_id = cb.team_id AND members.user_id = cb.user_id
         LEFT JOIN teams t ON t.team_id = cb.team_id
         WHERE cb.callback_on BETWEEN ? AND ? AND cb.callback_sent_at IS NULL
           AND p.status = '{STATUS_ACTIVE}' AND p.stage <> '{STAGE_CLOSED}'
           AND NOT EXISTS (SELECT 1 FROM touches later
                           WHERE later.prospect_id = cb.prospect_id AND later.id > cb.id)
           AND {}",
        staying("cb.team_id")
    ))
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

pub async fn mark_callback_sent(
    conn: &mut Conn,
    touch_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "UPDATE touches SET callback_sent_at = ? WHERE id = ? AND callback_sent_at IS NULL",
    )
    .bind(at)
    .bind(touch_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Kudos received since `since` and since each rep was last told, with what the rep's DM
/// needs (their zone, working hours, the day of their last kudos DM); oldest first.
pub async fn kudos_to_tell(
    db: impl Into<Ex<'_>>,
    since: DateTime<Utc>,
) -> sqlx::Result<Vec<KudosReceived>> {
    sql::query_as(&format!(
        "SELECT w.team_id, w.user_id, w.id AS win_id, k.user_id AS giver, w.kind, w.text, w.source,
                w.steps, k.created_at, {WORK_SETTINGS}, members.kudos_dm_day, {LOCAL}
         FROM kudos k JOIN wins w ON w.id = k.win_id
         LEFT JOIN members ON members.team_id = w.team_id AND members.user_id = w.user_id
         LEFT JOIN teams t ON t.team_id = w.team_id
         WHERE k.created_at > ?
           AND (members.kudos_dm_through IS NULL OR k.created_at > members.kudos_dm_through)
           AND {}
         ORDER BY w.team_id, w.user_id, k.created_at, k.win_id",
        staying("w.team_id")
    ))
    .bind(since)
    .fetch_all(db)
    .await
}

/// Records that the rep was told of their kudos through `through`, on their local `day`.
pub async fn mark_kudos_told(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    through: DateTime<Utc>,
    day: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "UPDATE members SET kudos_dm_through = ?, kudos_dm_day = ?
         WHERE team_id = ? AND user_id = ? AND (kudos_dm_day IS NULL OR kudos_dm_day < ?)",
    )
    .bind(through)
    .bind(day)
    .bind(team_id)
    .bind(user_id)
    .bind(day)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Prospects still being prospected that reached ten or more touches lately (last touched on
/// or after `since`) and were not yet suggested for letting go: at most `per_rep` of each rep.
/// An old backlog is not dug up: the `/touch` reply already said it at the tenth touch.
pub async fn let_go(
    db: impl Into<Ex<'_>>,
    since: NaiveDate,
    per_rep: i64,
) -> sqlx::Result<Vec<LetGo>> {
    // A seek per rep on `prospects_let_go`, in its order.
    let from = each_reps(&format!(
        "SELECT c.id FROM prospects c
         WHERE c.team_id = m.team_id AND c.user_id = m.user_id
           AND c.status = '{STATUS_ACTIVE}' AND c.stage = '{STAGE_PROSPECTING}' AND c.touch_count >= 10
           AND c.let_go_suggested_at IS NULL AND c.last_touch_day >= ?1
         ORDER BY c.touch_count DESC, c.id LIMIT ?2"
    ));
    let select = |from: &str| {
        format!(
            "SELECT p.id, p.team_id, p.user_id, p.name, p.touch_count {from}
             ORDER BY p.team_id, p.user_id, p.touch_count DESC, p.id"
        )
    };
    sql::query_as(&select(&from.0))
        .postgres(&select(&from.1))
        .bind(since)
        .bind(per_rep)
        .fetch_all(db)
        .await
}

/// Records that these prospects were suggested for letting go (one statement for the run).
pub async fn mark_let_go_suggested(
    conn: &mut Conn,
    ids: &[i64],
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sql::query(
        "UPDATE prospects SET let_go_suggested_at = ? WHERE id IN (SELECT value FROM json_each(?))",
    )
    .postgres(
        "UPDATE prospects SET let_go_suggested_at = ?
         WHERE id IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb)))",
    )
    .bind(at)
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}

fn block_columns() -> String {
    format!(
        "SELECT b.id, b.team_id, b.user_id, b.starts_at, b.minutes, {LOCAL}
         FROM blocks b LEFT JOIN members ON members.team_id = b.team_id AND members.user_id = b.user_id"
    )
}

/// Planned blocks starting in `(from, to]` not yet reminded.
pub async fn blocks_starting(
    conn: &mut Conn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<PlannedBlock>> {
    sql::query_as(&format!(
        "{} WHERE b.status = '{PLANNED}' AND b.reminded_at IS NULL AND b.starts_at > ? AND b.starts_at <= ?
           AND {}",
        block_columns(),
        staying("b.team_id")
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Planned blocks that ended in `(from, to]` with no results logged and no follow-up yet.
pub async fn blocks_ended(
    conn: &mut Conn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<PlannedBlock>> {
    let postgres = format!(
        "{} WHERE b.status = '{PLANNED}' AND b.followed_up_at IS NULL AND b.starts_at > ?
           AND b.starts_at + b.minutes * interval '1 minute' > ?
           AND b.starts_at + b.minutes * interval '1 minute' <= ? AND {}",
        block_columns(),
        staying("b.team_id")
    );
    sql::query_as(&format!(
        "{} WHERE b.status = '{PLANNED}' AND b.followed_up_at IS NULL AND b.starts_at > ?
           AND strftime('%Y-%m-%dT%H:%M:%fZ', b.starts_at, '+' || b.minutes || ' minutes') > ?
           AND strftime('%Y-%m-%dT%H:%M:%fZ', b.starts_at, '+' || b.minutes || ' minutes') <= ?
           AND {}",
        block_columns(),
        staying("b.team_id")
    ))
    .postgres(&postgres)
    .bind(from - chrono::Duration::hours(12))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

pub async fn mark_reminded(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sql::query("UPDATE blocks SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_followed_up(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sql::query(&format!("UPDATE blocks SET followed_up_at = ? WHERE id = ? AND followed_up_at IS NULL AND status = '{PLANNED}'"))
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
