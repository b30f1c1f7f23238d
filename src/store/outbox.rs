//! The outbox: Slack Web API calls waiting to be delivered, written in the same transaction
//! as the change that caused them.
use super::sql::{self, Conn, Ex};
use crate::domain::OutboxStatus as Status;
use crate::domain::vocabulary;
use chrono::{DateTime, Utc};
use std::fmt;

vocabulary! {
    /// The Web API call an outbox row makes.
    Method {
        PostMessage => "chat.postMessage",
        Update => "chat.update",
        PublishView => "views.publish",
        // Files made by the delivery (`domain::files::Upload`), uploaded in Slack's three
        // steps and shared by this last one.
        Upload => "files.completeUploadExternal",
    }
}

pub struct NewMessage<'a> {
    pub team_id: &'a str,
    pub method: Method,
    /// A channel id, or a user id for a DM or a Home tab.
    pub channel: &'a str,
    /// The call's JSON body.
    pub payload: &'a str,
    /// A message with a key already queued is not queued again.
    pub dedupe_key: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Queues a message; `false` when its dedupe key was already used.
pub async fn enqueue(conn: &mut Conn, m: &NewMessage<'_>) -> sqlx::Result<bool> {
    Ok(enqueue_returning_id(conn, m).await?.is_some())
}

/// Queues a message and returns its row id (`None` when its dedupe key was already used).
pub async fn enqueue_returning_id(
    conn: &mut Conn,
    m: &NewMessage<'_>,
) -> sqlx::Result<Option<i64>> {
    sql::query_scalar(
        "INSERT INTO outbox (team_id, method, channel, payload, dedupe_key, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(m.team_id)
    .bind(m.method)
    .bind(m.channel)
    .bind(m.payload)
    .bind(m.dedupe_key)
    .bind(m.at)
    .bind(m.at)
    .scalar_optional(conn)
    .await
}

/// Queues a call of `method` (no dedupe key) and returns its row id.
pub async fn queue(
    conn: &mut Conn,
    team_id: &str,
    method: Method,
    channel: &str,
    payload: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let m = NewMessage {
        team_id,
        method,
        channel,
        payload,
        dedupe_key: None,
        at,
    };
    enqueue_returning_id(conn, &m)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Queues a thread reply to the queued message `parent_id`, sent once the parent is.
pub async fn post_in_thread(
    conn: &mut Conn,
    team_id: &str,
    channel: &str,
    payload: &str,
    parent_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    queue_after(
        conn,
        team_id,
        Method::PostMessage,
        channel,
        payload,
        parent_id,
        at,
    )
    .await?;
    Ok(())
}

/// Queues a call made once the queued message `parent_id` is delivered (or given up); it
/// learns the parent's ts and conversation (`Pending::parent_ts`, `parent_channel`).
pub async fn queue_after(
    conn: &mut Conn,
    team_id: &str,
    method: Method,
    channel: &str,
    payload: &str,
    parent_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sql::query_scalar(
        "INSERT INTO outbox (team_id, method, channel, payload, parent_id, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(team_id)
    .bind(method)
    .bind(channel)
    .bind(payload)
    .bind(parent_id)
    .bind(at)
    .bind(at)
    .scalar_one(conn)
    .await
}

/// Queues many `chat.postMessage` calls, each (team, channel, payload), a few thousand per
/// statement.
pub async fn post_all(
    conn: &mut Conn,
    messages: &[(&str, &str, String)],
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    for chunk in messages.chunks(2_000) {
        let statement = format!(
            "INSERT INTO outbox (team_id, channel, payload, next_attempt_at, created_at) VALUES {}",
            vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sql::query(&statement);
        for (team_id, channel, payload) in chunk {
            query = query
                .bind(*team_id)
                .bind(*channel)
                .bind(payload.as_str())
                .bind(at)
                .bind(at);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Queues a `chat.postMessage` to `channel` (a channel id, or a user id for a DM).
pub async fn post(
    conn: &mut Conn,
    team_id: &str,
    channel: &str,
    payload: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    enqueue(
        conn,
        &NewMessage {
            team_id,
            method: Method::PostMessage,
            channel,
            payload,
            dedupe_key: None,
            at,
        },
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub team_id: String,
    pub method: Method,
    pub channel: String,
    pub payload: String,
    pub attempts: i64,
    /// For a thread reply: the delivered parent's ts (`None` if the parent was given up).
    pub parent_ts: Option<String>,
    /// The conversation the parent went to (a DM's id where the parent named a user).
    pub parent_channel: Option<String>,
}

/// Messages due for a delivery attempt at `now`, oldest first.
pub async fn due(
    db: impl Into<Ex<'_>>,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Pending>> {
    // The status is written into the statement, not bound: the `outbox_due` index covers
    // pending rows only, and a planner can use it only for a status it can see.
    let statement = format!(
        "SELECT o.id, o.team_id, o.method, o.channel, o.payload, o.attempts, p.slack_ts AS parent_ts, p.slack_channel AS parent_channel
         FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id
         WHERE o.status = '{pending}' AND o.next_attempt_at <= ? AND (o.parent_id IS NULL OR p.status <> '{pending}')
           AND NOT EXISTS (SELECT 1 FROM installations i WHERE i.team_id = o.team_id AND i.left_at IS NOT NULL)
         ORDER BY o.next_attempt_at, o.id LIMIT ?",
        pending = Status::Pending.as_str()
    );
    sql::query_as(&statement)
        .bind(now)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// The longest a rate-limit pause holds a workspace: a longer `Retry-After` is shortened to
/// it, and a stored pause further ahead counts as stale.
pub const MAX_PAUSE: chrono::Duration = chrono::Duration::minutes(15);

/// How far past the longest legitimate wait a pacing turn or a pause must lie to count as
/// stale (written by another clock).
pub const STALE_MARGIN: chrono::Duration = chrono::Duration::minutes(10);

/// Pacing on Slack's real time: the wall clock's reading and the least gap between two
/// messages to one channel.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    pub wall: DateTime<Utc>,
    pub gap: chrono::Duration,
}

/// What one claim took, and how many due messages it held back for pacing or a pause.
#[derive(Debug, Default)]
pub struct Claimed {
    pub messages: Vec<Pending>,
    pub held: usize,
}

/// Claims due messages for one delivery pass, in the writer's transaction (which every
/// process on the database takes in turn, so two replicas never claim the same row): at most
/// one per channel whose turn has come (then its next turn is `gap` later), none of a team
/// paused after a 429. Each claimed row is leased until `until`: its next attempt moves
/// there, so if this process dies mid-delivery another takes the row over after the lease.
pub async fn claim(
    conn: &mut Conn,
    now: DateTime<Utc>,
    pacing: Pacing,
    until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Claimed> {
    let due = due(&mut *conn, now, limit).await?;
    if due.is_empty() {
        return Ok(Claimed::default());
    }
    let Pacing { wall, gap } = pacing;
    // A pause or a turn dated further ahead than Slack could have asked for was written by a
    // clock that was not the wall's (`run-job --now` before pacing used the wall clock, or a
    // badly skewed host): it holds nothing. The margin is wide on purpose: `wall` was read
    // before this transaction waited for the write lock, so another process's turn, set a
    // moment later, can lie a little more than one gap ahead of it.
    let paused: Vec<String> =
        sql::query_scalar("SELECT team_id FROM team_pauses WHERE until > ? AND until <= ?")
            .bind(wall)
            .bind(wall + MAX_PAUSE + STALE_MARGIN)
            .scalar_all(&mut *conn)
            .await?;
    let busy: Vec<(String, String)> = sql::query_as(
        "SELECT team_id, channel FROM channel_pacing WHERE free_at > ? AND free_at <= ?",
    )
    .bind(wall)
    .bind(wall + gap + STALE_MARGIN)
    .fetch_all(&mut *conn)
    .await?;
    let mut taken: std::collections::HashSet<(String, String)> = busy.into_iter().collect();
    let mut claimed = Claimed::default();
    for msg in due {
        let key = (msg.team_id.clone(), msg.channel.clone());
        if paused.contains(&msg.team_id) || taken.contains(&key) {
            claimed.held += 1;
            continue;
        }
        sql::query("UPDATE outbox SET next_attempt_at = ?, claimed_at = ? WHERE id = ?")
            .bind(until)
            .bind(wall)
            .bind(msg.id)
            .execute(&mut *conn)
            .await?;
        sql::query(
            "INSERT INTO channel_pacing (team_id, channel, free_at) VALUES (?, ?, ?)
             ON CONFLICT (team_id, channel) DO UPDATE SET free_at = excluded.free_at",
        )
        .bind(&msg.team_id)
        .bind(&msg.channel)
        .bind(wall + gap)
        .execute(&mut *conn)
        .await?;
        taken.insert(key);
        claimed.messages.push(msg);
    }
    Ok(claimed)
}

/// Holds every message of the team until `until` (Slack answered 429), in every process.
pub async fn pause_team(conn: &mut Conn, team_id: &str, until: DateTime<Utc>) -> sqlx::Result<()> {
    sql::query(
        "INSERT INTO team_pauses (team_id, until) VALUES (?, ?)
         ON CONFLICT (team_id) DO UPDATE SET until = excluded.until",
    )
    .bind(team_id)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every queued call as (channel, created_at, payload, method), oldest first (for the demo).
pub async fn all_queued(
    db: impl Into<Ex<'_>>,
) -> sqlx::Result<Vec<(String, DateTime<Utc>, String, Method)>> {
    sql::query_as("SELECT channel, created_at, payload, method FROM outbox ORDER BY id")
        .fetch_all(db)
        .await
}

/// How many messages are still waiting.
pub async fn pending(db: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    let statement = format!(
        "SELECT COUNT(*) FROM outbox WHERE status = '{}'",
        Status::Pending.as_str()
    );
    sql::query_scalar(&statement).scalar_one(db).await
}

/// Records a delivered row: the message's ts and the conversation Slack put it in.
pub async fn mark_sent(
    conn: &mut Conn,
    id: i64,
    slack_ts: Option<&str>,
    slack_channel: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, slack_ts = ?, slack_channel = ?, sent_at = ?, last_error = NULL
         WHERE id = ? AND status = ?",
    )
    .bind(Status::Sent)
    .bind(slack_ts)
    .bind(slack_channel)
    .bind(now)
    .bind(id)
    .bind(Status::Pending)
    .execute(conn)
    .await?;
    Ok(())
}

/// What became of a delivery attempt that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Slack asked us to wait (HTTP 429): try again at `at`; not counted as an attempt.
    RateLimited { at: DateTime<Utc>, error: String },
    /// A failure that may pass: try again at `at`.
    Retry { at: DateTime<Utc>, error: String },
    /// Refused for good, or out of attempts: never sent.
    GiveUp { error: String },
}

/// Records a failed attempt on a pending message.
pub async fn mark_failed(conn: &mut Conn, id: i64, failure: &Failure) -> sqlx::Result<()> {
    let (error, next, counts_as_attempt) = match failure {
        Failure::RateLimited { at, error } => (error, Some(*at), false),
        Failure::Retry { at, error } => (error, Some(*at), true),
        Failure::GiveUp { error } => (error, None, true),
    };
    let next_attempt_at = next;
    sql::query(
        "UPDATE outbox SET attempts = attempts + ?, last_error = ?,
            status = CASE WHEN ? IS NULL THEN ? ELSE ? END,
            next_attempt_at = coalesce(?, next_attempt_at)
         WHERE id = ? AND status = ?",
    )
    .bind(counts_as_attempt as i64)
    .bind(error)
    .bind(next_attempt_at)
    .bind(Status::Failed)
    .bind(Status::Pending)
    .bind(next_attempt_at)
    .bind(id)
    .bind(Status::Pending)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message and, right after it in the same conversation, a file upload (`Method::Upload`)
/// — the business write behind `/momentum export` — queued in one transaction.
pub async fn post_then_upload(
    db: &super::Db,
    team_id: &str,
    channel: &str,
    message: String,
    upload: String,
    at: DateTime<Utc>,
) -> super::Result<()> {
    let key = (team_id.to_owned(), channel.to_owned(), message, upload, at);
    db.write(key, |c, (team, channel, message, upload, at)| {
        Box::pin(async move {
            let id = queue(c, team, Method::PostMessage, channel, message, *at).await?;
            queue_after(c, team, Method::Upload, channel, upload, id, *at).await?;
            Ok(())
        })
    })
    .await
}
