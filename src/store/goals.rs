//! Weekly goals and progress toward them: one grouped query for a whole team.
use super::sql::{self, Conn, Ex};
use super::vocab::DONE;
use crate::domain::goals::{Goals, Metric, Progress};
use chrono::{DateTime, NaiveDate, Utc};

/// Whose goals: a manager's whole team, or one rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Team { manager: &'a str },
    Rep(&'a str),
}

/// How the `scope` column stores a [`Scope`] (one spelling, used by the statements too).
const TEAM: &str = "team";
const REP: &str = "rep";

impl Scope<'_> {
    fn key(&self) -> (&'static str, &str) {
        match self {
            Scope::Team { manager } => (TEAM, manager),
            Scope::Rep(rep) => (REP, rep),
        }
    }
}

/// New weekly goals (empty: cleared) for one rep or, with `rep` `None`, the team of the
/// manager who sets them, and the DMs that tell each rep (already rendered).
#[derive(Debug, Clone)]
pub struct NewGoals {
    pub team_id: String,
    pub set_by: String,
    pub rep: Option<String>,
    pub goals: Goals,
    /// (rep, DM payload): posted in the same transaction.
    pub tell: Vec<(String, String)>,
    pub at: DateTime<Utc>,
}

/// Sets the goals and queues the reps' DMs — the business write behind `/momentum goals` —
/// in one transaction.
pub async fn set_and_tell(db: &super::Db, new: NewGoals) -> super::Result<()> {
    db.write(new, |c, g| {
        Box::pin(async move {
            let scope = match &g.rep {
                Some(rep) => Scope::Rep(rep),
                None => Scope::Team { manager: &g.set_by },
            };
            set(c, &g.team_id, scope, &g.goals, &g.set_by, g.at).await?;
            for (rep, dm) in &g.tell {
                super::outbox::post(c, &g.team_id, rep, dm, g.at).await?;
            }
            Ok(())
        })
    })
    .await
}

/// Sets (or, with empty goals, clears) the goals of a scope.
async fn set(
    conn: &mut Conn,
    team_id: &str,
    scope: Scope<'_>,
    goals: &Goals,
    set_by: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (scope, user) = scope.key();
    if goals.is_empty() {
        sql::query("DELETE FROM goals WHERE team_id = ? AND scope = ? AND user_id = ?")
            .bind(team_id)
            .bind(scope)
            .bind(user)
            .execute(conn)
            .await?;
        return Ok(());
    }
    sql::query(
        "INSERT INTO goals (team_id, scope, user_id, touches, conversations, meetings, blocks, set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, scope, user_id) DO UPDATE SET touches = excluded.touches,
           conversations = excluded.conversations, meetings = excluded.meetings,
           blocks = excluded.blocks, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(team_id)
    .bind(scope)
    .bind(user)
    .bind(goals.touches)
    .bind(goals.conversations)
    .bind(goals.meetings)
    .bind(goals.blocks)
    .bind(set_by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The goals set on a scope itself (not inherited).
pub async fn get(db: impl Into<Ex<'_>>, team_id: &str, scope: Scope<'_>) -> sqlx::Result<Goals> {
    let (scope, user) = scope.key();
    Ok(sql::query_as(
        "SELECT touches, conversations, meetings, blocks FROM goals
         WHERE team_id = ? AND scope = ? AND user_id = ?",
    )
    .bind(team_id)
    .bind(scope)
    .bind(user)
    .fetch_optional(db)
    .await?
    .unwrap_or_default())
}

/// Each member of the team with a goal (their own, else their manager's team goal, number by
/// number) and what they did toward it on local days `from..=to`; `only` narrows to one.
pub async fn progress(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    only: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<Progress>> {
    sql::query_as(&format!(
        "WITH g AS (
             SELECT m.user_id, m.private,
                    coalesce(r.touches, t.touches) AS touches_goal,
                    coalesce(r.conversations, t.conversations) AS conversations_goal,
                    coalesce(r.meetings, t.meetings) AS meetings_goal,
                    coalesce(r.blocks, t.blocks) AS blocks_goal
             FROM members m
             LEFT JOIN goals r ON r.team_id = m.team_id AND r.scope = '{REP}' AND r.user_id = m.user_id
             LEFT JOIN goals t ON t.team_id = m.team_id AND t.scope = '{TEAM}' AND t.user_id = m.manager_id
             WHERE m.team_id = ?1 AND (?4 IS NULL OR m.user_id = ?4)
               AND (r.user_id IS NOT NULL OR t.user_id IS NOT NULL)),
         tc AS (
             SELECT user_id, CAST(SUM({all}) AS BIGINT) AS touches,
                    CAST(SUM({talked}) AS BIGINT) AS conversations,
                    CAST(SUM({meeting}) AS BIGINT) AS meetings
             FROM touch_days WHERE team_id = ?1 AND day BETWEEN ?2 AND ?3
               AND user_id IN (SELECT user_id FROM g) GROUP BY user_id),
         bc AS (
             SELECT user_id, CAST(SUM(dials + emails + social) AS BIGINT) AS touches, CAST(SUM(conversations) AS BIGINT) AS conversations,
                    CAST(SUM(meetings) AS BIGINT) AS meetings, COUNT(*) AS blocks
             FROM blocks WHERE team_id = ?1 AND status = '{DONE}' AND day BETWEEN ?2 AND ?3
               AND user_id IN (SELECT user_id FROM g) GROUP BY user_id)
         SELECT g.user_id, g.private,
                g.touches_goal AS touches, g.conversations_goal AS conversations,
                g.meetings_goal AS meetings, g.blocks_goal AS blocks,
                coalesce(tc.touches, 0) + coalesce(bc.touches, 0) AS done_touches,
                coalesce(tc.conversations, 0) + coalesce(bc.conversations, 0) AS done_conversations,
                coalesce(tc.meetings, 0) + coalesce(bc.meetings, 0) AS done_meetings,
                coalesce(bc.blocks, 0) AS done_blocks
         FROM g LEFT JOIN tc ON tc.user_id = g.user_id LEFT JOIN bc ON bc.user_id = g.user_id
         ORDER BY g.user_id",
        all = super::touches::all_channels(),
        talked = super::touches::outcome_column(crate::domain::Outcome::Talked),
        meeting = super::touches::outcome_column(crate::domain::Outcome::Meeting),
    ))
    .bind(team_id)
    .bind(from)
    .bind(to)
    .bind(only)
    .fetch_all(db)
    .await
}

/// Records the goals reached in `week` (its Monday); returns those not recorded before.
/// The goals already recorded as reached in the week starting `week`: (member, number).
pub async fn hits(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    week: NaiveDate,
) -> sqlx::Result<Vec<(String, Metric)>> {
    sql::query_as("SELECT user_id, metric FROM goal_hits WHERE team_id = ? AND week = ?")
        .bind(team_id)
        .bind(week)
        .fetch_all(db)
        .await
}

pub async fn record_hits(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    week: NaiveDate,
    reached: &[Metric],
    at: DateTime<Utc>,
) -> sqlx::Result<Vec<Metric>> {
    let mut new = Vec::new();
    for metric in reached {
        let done = sql::query(
            "INSERT INTO goal_hits (team_id, user_id, week, metric, hit_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(week)
        .bind(*metric)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            new.push(*metric);
        }
    }
    Ok(new)
}
