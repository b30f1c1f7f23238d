//! Workspaces: installations through "Add to Slack" (their bot token sealed by the caller —
//! this module never sees a plaintext token), the single use of OAuth states, leaving
//! (uninstall or revoked token: queued messages cancelled, jobs skip the workspace), and
//! forgetting a workspace's data once its retention period is over.
use super::sql::{self, Conn, Ex};
use chrono::{DateTime, Utc};

/// A SQL condition true when the workspace in column `team_col` has not left: every job's
/// query carries it, so a workspace that uninstalled gets nothing more.
pub(crate) fn staying(team_col: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM installations gone \
         WHERE gone.team_id = {team_col} AND gone.left_at IS NOT NULL)"
    )
}

/// One workspace's installation, as "Add to Slack" reports it.
#[derive(Debug, Clone)]
pub struct NewInstallation<'a> {
    pub team_id: &'a str,
    pub enterprise_id: Option<&'a str>,
    pub team_name: Option<&'a str>,
    pub bot_user_id: Option<&'a str>,
    /// The bot token, sealed.
    pub sealed_token: &'a str,
    pub scopes: &'a str,
    pub installed_by: Option<&'a str>,
}

/// Stores an installation; installing again replaces the token and scopes and undoes a leave.
pub async fn install(
    conn: &mut Conn,
    i: &NewInstallation<'_>,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query(
        "INSERT INTO installations
             (team_id, enterprise_id, team_name, bot_user_id, bot_token, scopes, installed_by, installed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id) DO UPDATE SET
             enterprise_id = excluded.enterprise_id, team_name = excluded.team_name,
             bot_user_id = excluded.bot_user_id, bot_token = excluded.bot_token,
             scopes = excluded.scopes, installed_by = excluded.installed_by,
             installed_at = excluded.installed_at, left_at = NULL",
    )
    .bind(i.team_id)
    .bind(i.enterprise_id)
    .bind(i.team_name)
    .bind(i.bot_user_id)
    .bind(i.sealed_token)
    .bind(i.scopes)
    .bind(i.installed_by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// What the store knows about a workspace's access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Installed through "Add to Slack"; the sealed bot token.
    Installed(String),
    /// Uninstalled, or its token revoked: nothing may be sent to it.
    Left,
    /// No row: never installed here (in single-workspace mode, the usual case).
    Unknown,
}

/// The workspace's access, in one primary-key read.
pub async fn access(db: impl Into<Ex<'_>>, team_id: &str) -> sqlx::Result<Access> {
    let row: Option<(Option<String>, Option<DateTime<Utc>>)> =
        sql::query_as("SELECT bot_token, left_at FROM installations WHERE team_id = ?")
            .bind(team_id)
            .fetch_optional(db)
            .await?;
    Ok(match row {
        None => Access::Unknown,
        Some((_, Some(_))) | Some((None, None)) => Access::Left,
        Some((Some(token), None)) => Access::Installed(token),
    })
}

/// The Slack user who installed Momentum in the workspace through "Add to Slack", if any.
pub async fn installer(db: impl Into<Ex<'_>>, team_id: &str) -> sqlx::Result<Option<String>> {
    Ok(
        sql::query_scalar("SELECT installed_by FROM installations WHERE team_id = ?")
            .bind(team_id)
            .scalar_optional::<Option<String>>(db)
            .await?
            .flatten(),
    )
}

/// Every stored sealed token with its workspace, to check (and rotate) the key at start-up.
pub async fn sealed_tokens(db: impl Into<Ex<'_>>) -> sqlx::Result<Vec<(String, String)>> {
    sql::query_as(
        "SELECT team_id, bot_token FROM installations WHERE bot_token IS NOT NULL
         ORDER BY installed_at DESC, team_id",
    )
    .fetch_all(db)
    .await
}

/// Replaces a workspace's sealed token `old` with `new` (the same token under another key);
/// `false` if the row changed meanwhile (a reinstall, or another replica got there first).
pub async fn reseal(conn: &mut Conn, team_id: &str, old: &str, new: &str) -> sqlx::Result<bool> {
    let done =
        sql::query("UPDATE installations SET bot_token = ? WHERE team_id = ? AND bot_token = ?")
            .bind(new)
            .bind(team_id)
            .bind(old)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses an OAuth state's nonce; `false` when it was used before (a replay).
pub async fn use_state(conn: &mut Conn, nonce: &str, at: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sql::query(
        "INSERT INTO oauth_states (nonce, used_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(nonce)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The text a cancelled message keeps as its last error.
pub const CANCELLED: &str = "cancelled: the workspace uninstalled Momentum or revoked its token";

/// What becomes of a leaving workspace's queued messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// Cancelled ("Add to Slack": the workspace's token is gone for good).
    Cancel,
    /// Kept, undelivered until the workspace resumes (one-token deployments).
    Hold,
}

/// The workspace leaves: its token is deleted, its queued messages are cancelled or held, and
/// every job skips it from now on. Returns how many queued messages were cancelled. Leaving
/// twice keeps the first time (the retention period counts from it).
/// The workspace left (uninstalled, or its token revoked) — the business write behind that
/// event — once per `event_id`: `None` when the event was seen before, else how many queued
/// messages were cancelled.
pub async fn leave_once(
    db: &super::Db,
    event_id: &str,
    team_id: &str,
    at: DateTime<Utc>,
    queued: Queued,
) -> super::Result<Option<u64>> {
    let key = (event_id.to_owned(), team_id.to_owned(), at, queued);
    db.write(key, |c, (event_id, team, at, queued)| {
        Box::pin(async move {
            if !super::interactions::first_delivery(c, event_id, *at).await? {
                return Ok(None);
            }
            leave(c, team, *at, *queued).await.map(Some)
        })
    })
    .await
}

async fn leave(
    conn: &mut Conn,
    team_id: &str,
    at: DateTime<Utc>,
    queued: Queued,
) -> sqlx::Result<u64> {
    sql::query(
        "INSERT INTO installations (team_id, installed_at, left_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (team_id) DO UPDATE SET bot_token = NULL,
             left_at = COALESCE(installations.left_at, excluded.left_at)",
    )
    .bind(team_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    if queued == Queued::Hold {
        return Ok(0);
    }
    let cancelled =
        sql::query("UPDATE outbox SET status = ?, last_error = ? WHERE team_id = ? AND status = ?")
            .bind(crate::domain::OutboxStatus::Failed)
            .bind(CANCELLED)
            .bind(team_id)
            .bind(crate::domain::OutboxStatus::Pending)
            .execute(conn)
            .await?;
    Ok(cancelled.rows_affected())
}

/// The workspaces marked as left, oldest first.
pub async fn departed(db: impl Into<Ex<'_>>) -> sqlx::Result<Vec<String>> {
    sql::query_scalar(
        "SELECT team_id FROM installations WHERE left_at IS NOT NULL ORDER BY left_at, team_id",
    )
    .scalar_all(db)
    .await
}

/// A workspace that left comes back with its token (a one-token deployment whose token Slack
/// accepts again): its mark is removed, so its jobs run and its held messages go out.
pub async fn resume(conn: &mut Conn, team_id: &str) -> sqlx::Result<bool> {
    let done = sql::query(
        "DELETE FROM installations WHERE team_id = ? AND left_at IS NOT NULL AND bot_token IS NULL",
    )
    .bind(team_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Workspaces that left before `before`, whose data is due to be deleted.
pub async fn left_before(
    db: impl Into<Ex<'_>>,
    before: DateTime<Utc>,
) -> sqlx::Result<Vec<String>> {
    sql::query_scalar("SELECT team_id FROM installations WHERE left_at < ? ORDER BY team_id")
        .bind(before)
        .scalar_all(db)
        .await
}

/// Deletes everything stored about a workspace, its installation last. Returns the rows
/// deleted.
pub async fn forget(conn: &mut Conn, team_id: &str) -> sqlx::Result<u64> {
    // Children before parents: kudos → wins → touches → prospects; blitzes and thread
    // replies before the outbox rows they point at.
    const STATEMENTS: &[&str] = &[
        "DELETE FROM kudos WHERE win_id IN (SELECT id FROM wins WHERE team_id = ?1)",
        "DELETE FROM wins WHERE team_id = ?1",
        "DELETE FROM touches WHERE team_id = ?1",
        "DELETE FROM touch_days WHERE team_id = ?1",
        "DELETE FROM prospects WHERE team_id = ?1",
        "DELETE FROM blocks WHERE team_id = ?1",
        "DELETE FROM shoutout_kudos WHERE outbox_id IN (SELECT id FROM outbox WHERE team_id = ?1)",
        "DELETE FROM blitzes WHERE team_id = ?1",
        "DELETE FROM outbox_files WHERE outbox_id IN (SELECT id FROM outbox WHERE team_id = ?1)",
        "DELETE FROM outbox WHERE team_id = ?1 AND parent_id IS NOT NULL",
        "DELETE FROM outbox WHERE team_id = ?1",
        "DELETE FROM goal_hits WHERE team_id = ?1",
        "DELETE FROM goals WHERE team_id = ?1",
        "DELETE FROM member_days WHERE team_id = ?1",
        "DELETE FROM team_invites WHERE team_id = ?1",
        "DELETE FROM feed_links WHERE team_id = ?1",
        "DELETE FROM members WHERE team_id = ?1",
        "DELETE FROM team_holidays WHERE team_id = ?1",
        "DELETE FROM teams WHERE team_id = ?1",
        "DELETE FROM channel_pacing WHERE team_id = ?1",
        "DELETE FROM team_pauses WHERE team_id = ?1",
        "DELETE FROM job_runs WHERE scope = ?1 OR scope LIKE ?1 || '/%'",
        "DELETE FROM installations WHERE team_id = ?1",
    ];
    let mut deleted = 0;
    for statement in STATEMENTS {
        deleted += sql::query(statement)
            .bind(team_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(deleted)
}
