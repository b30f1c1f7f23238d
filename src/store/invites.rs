//! Invitations to a manager's team, waiting for the rep's Accept or Decline. The link itself
//! (`members.manager_id`) is set only when the rep accepts, so nothing here opens a rep's
//! numbers to anyone.
use super::sql::{self, Conn, Ex};
use chrono::{DateTime, Duration, Utc};

/// How long an invitation can be accepted.
pub const LIFETIME_DAYS: i64 = 7;

fn lapses_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(LIFETIME_DAYS)
}

/// What asking a rep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// A new invitation (or one renewed after the last lapsed).
    New,
    /// The same invitation is still waiting; asked at this time.
    Waiting(DateTime<Utc>),
}

/// Invites `rep_id` to `manager_id`'s team, unless the same invitation is still waiting.
pub async fn ask(
    conn: &mut Conn,
    team_id: &str,
    rep_id: &str,
    manager_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Asked> {
    let waiting: Option<DateTime<Utc>> = sql::query_scalar(
        "SELECT asked_at FROM team_invites WHERE team_id = ? AND rep_id = ? AND manager_id = ? AND asked_at > ?",
    )
    .bind(team_id)
    .bind(rep_id)
    .bind(manager_id)
    .bind(lapses_before(now))
    .scalar_optional(&mut *conn)
    .await?;
    if let Some(at) = waiting {
        return Ok(Asked::Waiting(at));
    }
    sql::query(
        "INSERT INTO team_invites (team_id, rep_id, manager_id, asked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (team_id, rep_id, manager_id) DO UPDATE SET asked_at = excluded.asked_at",
    )
    .bind(team_id)
    .bind(rep_id)
    .bind(manager_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(Asked::New)
}

/// How an answered invitation stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// It was waiting: the answer counts.
    Open,
    /// It lapsed (or was never sent, or was answered already): the answer changes nothing.
    Gone,
}

/// Takes the rep's invitation from `manager_id` off the list, whatever the answer. Accepting
/// also withdraws every other invitation the rep had ([`withdraw_all`]).
pub async fn answer(
    conn: &mut Conn,
    team_id: &str,
    rep_id: &str,
    manager_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Answered> {
    let asked: Option<DateTime<Utc>> = sql::query_scalar(
        "DELETE FROM team_invites WHERE team_id = ? AND rep_id = ? AND manager_id = ? RETURNING asked_at",
    )
    .bind(team_id)
    .bind(rep_id)
    .bind(manager_id)
    .scalar_optional(conn)
    .await?;
    Ok(match asked {
        Some(at) if at > lapses_before(now) => Answered::Open,
        _ => Answered::Gone,
    })
}

/// Withdraws every invitation the rep has (they joined a team).
pub async fn withdraw_all(conn: &mut Conn, team_id: &str, rep_id: &str) -> sqlx::Result<()> {
    sql::query("DELETE FROM team_invites WHERE team_id = ? AND rep_id = ?")
        .bind(team_id)
        .bind(rep_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The reps a manager is still waiting for, with when each was asked, oldest first.
pub async fn waiting_for(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    manager_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, DateTime<Utc>)>> {
    sql::query_as(
        "SELECT rep_id, asked_at FROM team_invites WHERE team_id = ? AND manager_id = ? AND asked_at > ?
         ORDER BY asked_at, rep_id",
    )
    .bind(team_id)
    .bind(manager_id)
    .bind(lapses_before(now))
    .fetch_all(db)
    .await
}
