//! Events API deduplication and kudos.
use super::sql::{self, Conn, Ex};
use chrono::{DateTime, NaiveDate, Utc};

/// Forgets delivered messages and seen event ids older than `before` (Slack retries an event
/// for at most a few minutes; sent messages are kept a while for support). Returns rows removed.
pub async fn prune(
    conn: &mut Conn,
    sent_before: DateTime<Utc>,
    events_before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let sent = sql::query(
        "DELETE FROM outbox WHERE status = ? AND sent_at < ?
           AND NOT EXISTS (SELECT 1 FROM blitzes b WHERE b.scoreboard_outbox_id = outbox.id)
           AND NOT EXISTS (SELECT 1 FROM outbox c WHERE c.parent_id = outbox.id)",
    )
    .bind(crate::domain::OutboxStatus::Sent)
    .bind(sent_before)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sql::query("DELETE FROM shoutout_kudos WHERE outbox_id NOT IN (SELECT id FROM outbox)")
        .execute(&mut *conn)
        .await?;
    let events = sql::query("DELETE FROM slack_events WHERE received_at < ?")
        .bind(events_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sql::query("DELETE FROM socket_envelopes WHERE received_at < ?")
        .bind(events_before)
        .execute(&mut *conn)
        .await?;
    sql::query("DELETE FROM oauth_states WHERE used_at < ?")
        .bind(events_before)
        .execute(&mut *conn)
        .await?;
    // Claims of runs long past every catch-up window, and pacing long past.
    let runs = sql::query("DELETE FROM job_runs WHERE scheduled_at < ?")
        .bind(sent_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sql::query("DELETE FROM channel_pacing WHERE free_at < ?")
        .bind(events_before)
        .execute(&mut *conn)
        .await?;
    sql::query("DELETE FROM team_pauses WHERE until < ?")
        .bind(events_before)
        .execute(&mut *conn)
        .await?;
    Ok(sent + events + runs)
}

/// Records an event id; `false` when it was already seen (a retry).
pub async fn first_delivery(
    conn: &mut Conn,
    event_id: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sql::query(
        "INSERT INTO slack_events (event_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(event_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What became of a Socket Mode envelope's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Envelope {
    /// First delivery: handle it.
    New,
    /// Handled before; this was the acknowledgement payload (`None`: a bare one, or still
    /// being handled elsewhere).
    Seen(Option<String>),
}

/// Claims a Socket Mode envelope by the id Slack redelivers it with, or reports the
/// acknowledgement already sent for it.
pub async fn claim_envelope(
    conn: &mut Conn,
    key: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<Envelope> {
    let done = sql::query(
        "INSERT INTO socket_envelopes (key, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Envelope::New);
    }
    let response: Option<String> =
        sql::query_scalar("SELECT response FROM socket_envelopes WHERE key = ?")
            .bind(key)
            .scalar_one(conn)
            .await?;
    Ok(Envelope::Seen(response))
}

/// Keeps the acknowledgement payload sent for an envelope, for its redeliveries.
pub async fn envelope_answered(conn: &mut Conn, key: &str, response: &str) -> sqlx::Result<()> {
    sql::query("UPDATE socket_envelopes SET response = ? WHERE key = ?")
        .bind(response)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Releases an envelope whose handling failed, so Slack's redelivery is handled.
pub async fn forget_envelope(conn: &mut Conn, key: &str) -> sqlx::Result<()> {
    sql::query("DELETE FROM socket_envelopes WHERE key = ?")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Kudos from `user_id` on each of the team's `win_ids`; returns how many were new.
pub async fn give_kudos(
    conn: &mut Conn,
    team_id: &str,
    win_ids: &[i64],
    user_id: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let mut added = 0;
    for id in win_ids {
        added += sql::query(
            "INSERT INTO kudos (win_id, user_id, created_at)
             SELECT id, ?, ? FROM wins WHERE id = ? AND team_id = ? AND user_id <> ?
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(at)
        .bind(id)
        .bind(team_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(added)
}

/// Kudos from `user_id` for the wins `first..=last` by the author of win `first` (one
/// shout-out line: a short button value refers to them by their first and last ids).
pub async fn give_kudos_range(
    conn: &mut Conn,
    team_id: &str,
    first: i64,
    last: i64,
    user_id: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sql::query(
        "INSERT INTO kudos (win_id, user_id, created_at)
         SELECT w.id, ?1, ?2 FROM wins w
         WHERE w.team_id = ?3 AND w.id BETWEEN ?4 AND ?5 AND w.user_id <> ?1
           AND w.user_id = (SELECT user_id FROM wins WHERE id = ?4 AND team_id = ?3)
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(at)
    .bind(team_id)
    .bind(first)
    .bind(last.min(first.saturating_add(100_000)))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Kudos a member's wins on days `from..=to` received.
pub async fn kudos_received(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<i64> {
    sql::query_scalar(
        "SELECT COUNT(*) FROM kudos k JOIN wins w ON w.id = k.win_id
         WHERE w.team_id = ? AND w.user_id = ? AND w.day BETWEEN ? AND ?",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(from)
    .bind(to)
    .scalar_one(db)
    .await
}

/// The shout-out posted as `ts` in `channel`: its outbox row id and body.
pub async fn shoutout_at(
    conn: &mut Conn,
    team_id: &str,
    channel: &str,
    ts: &str,
) -> sqlx::Result<Option<(i64, String)>> {
    sql::query_as(
        "SELECT id, payload FROM outbox
         WHERE channel = ? AND slack_ts = ? AND team_id = ? AND method = 'chat.postMessage'
           AND parent_id IS NULL
         ORDER BY id DESC LIMIT 1",
    )
    .bind(channel)
    .bind(ts)
    .bind(team_id)
    .fetch_optional(conn)
    .await
}

/// How many people celebrated one shout-out line: the wins `first..=last` of the author of
/// `first`, or a list of win ids.
pub async fn celebrated_by(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    wins: WinsRef<'_>,
) -> sqlx::Result<i64> {
    match wins {
        WinsRef::Range(first, last) => {
            sql::query_scalar(
                "SELECT COUNT(DISTINCT k.user_id) FROM kudos k JOIN wins w ON w.id = k.win_id
                 WHERE w.team_id = ?1 AND w.id BETWEEN ?2 AND ?3
                   AND w.user_id = (SELECT user_id FROM wins WHERE id = ?2 AND team_id = ?1)",
            )
            .bind(team_id)
            .bind(first)
            .bind(last.min(first.saturating_add(100_000)))
            .scalar_one(db)
            .await
        }
        WinsRef::Ids(ids) => {
            let ids = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
            sql::query_scalar(
                "SELECT COUNT(DISTINCT k.user_id) FROM kudos k JOIN wins w ON w.id = k.win_id
                 WHERE w.team_id = ? AND w.id IN (SELECT value FROM json_each(?))",
            )
            .postgres(
                "SELECT COUNT(DISTINCT k.user_id) FROM kudos k JOIN wins w ON w.id = k.win_id
                 WHERE w.team_id = ?
                   AND w.id IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb)))",
            )
            .bind(team_id)
            .bind(ids)
            .scalar_one(db)
            .await
        }
    }
}

/// The wins a shout-out line refers to.
#[derive(Debug, Clone, Copy)]
pub enum WinsRef<'a> {
    Range(i64, i64),
    Ids(&'a [i64]),
}

/// Queues the shout-out's `chat.update` carrying `payload`: a pending update takes the new
/// body; otherwise a new one is queued no sooner than `gap` after the last.
pub async fn queue_kudos_update(
    conn: &mut Conn,
    team_id: &str,
    channel: &str,
    shoutout_id: i64,
    payload: &str,
    now: DateTime<Utc>,
    gap: chrono::Duration,
) -> sqlx::Result<()> {
    let last: Option<(i64, DateTime<Utc>)> =
        sql::query_as("SELECT update_id, update_at FROM shoutout_kudos WHERE outbox_id = ?")
            .bind(shoutout_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((update_id, _)) = last {
        let replaced = sql::query(
            "UPDATE outbox SET payload = ? WHERE id = ? AND status = ? AND attempts = 0",
        )
        .bind(payload)
        .bind(update_id)
        .bind(crate::domain::OutboxStatus::Pending)
        .execute(&mut *conn)
        .await?;
        if replaced.rows_affected() == 1 {
            return Ok(());
        }
    }
    let at = match last {
        Some((_, previous)) if previous + gap > now => previous + gap,
        _ => now,
    };
    let id: i64 = sql::query_scalar(
        "INSERT INTO outbox (team_id, method, channel, payload, next_attempt_at, created_at)
         VALUES (?, 'chat.update', ?, ?, ?, ?) RETURNING id",
    )
    .bind(team_id)
    .bind(channel)
    .bind(payload)
    .bind(at)
    .bind(now)
    .scalar_one(&mut *conn)
    .await?;
    sql::query(
        "INSERT INTO shoutout_kudos (outbox_id, update_id, update_at) VALUES (?, ?, ?)
         ON CONFLICT (outbox_id) DO UPDATE SET update_id = excluded.update_id, update_at = excluded.update_at",
    )
    .bind(shoutout_id)
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The wins a shout-out line refers to, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wins {
    Range(i64, i64),
    Ids(Vec<i64>),
}

impl Wins {
    pub fn as_ref(&self) -> WinsRef<'_> {
        match self {
            Wins::Range(a, b) => WinsRef::Range(*a, *b),
            Wins::Ids(ids) => WinsRef::Ids(ids),
        }
    }
}

/// 🎉 from `user` on a shout-out line's wins — the first half of the business write behind
/// the button. When it added kudos and the post (`channel`, `ts`) is known, the post's outbox
/// id and payload, for the service to render its counts ([`queue_counts`]).
pub async fn celebrate(
    db: &super::Db,
    team_id: &str,
    user_id: &str,
    wins: Wins,
    post: Option<(String, String)>,
    at: DateTime<Utc>,
) -> super::Result<Option<(i64, String)>> {
    let key = (team_id.to_owned(), user_id.to_owned(), wins, post, at);
    db.write(key, |c, (team, user, wins, post, at)| {
        Box::pin(async move {
            let added = match wins {
                Wins::Range(first, last) => {
                    give_kudos_range(c, team, *first, *last, user, *at).await?
                }
                Wins::Ids(ids) => give_kudos(c, team, ids, user, *at).await?,
            };
            match post.as_ref().filter(|_| added > 0) {
                Some((channel, ts)) => shoutout_at(c, team, channel, ts).await,
                None => Ok(None),
            }
        })
    })
    .await
}

/// A shout-out's refreshed counts, rendered by the service from what it read.
#[derive(Debug, Clone)]
pub struct Counts {
    pub shoutout_id: i64,
    pub channel: String,
    pub lines: Vec<Wins>,
    /// How many people celebrated each of `lines`, as read.
    pub counts: Vec<i64>,
    /// The post's `chat.update` payload rendered for `counts`.
    pub update: String,
}

/// Queues the shout-out's update, unless the counts moved since the service read them (then
/// [`super::Stale`]: nothing queued; read and render again). A pending update takes the new
/// body; otherwise one is queued no sooner than `gap` after the last.
pub async fn queue_counts(
    db: &super::Db,
    team_id: &str,
    new: Counts,
    at: DateTime<Utc>,
    gap: chrono::Duration,
) -> super::Result<Result<(), super::Stale>> {
    db.write((team_id.to_owned(), new), move |c, (team, n)| {
        Box::pin(async move {
            for (line, planned) in n.lines.iter().zip(&n.counts) {
                if celebrated_by(&mut *c, team, line.as_ref()).await? != *planned {
                    return Ok(Err(super::Stale));
                }
            }
            let (channel, id) = (&n.channel, n.shoutout_id);
            queue_kudos_update(c, team, channel, id, &n.update, at, gap).await?;
            Ok(Ok(()))
        })
    })
    .await
}

/// The Home tab `view` (rendered) queued for the member — the business write behind one
/// `app_home_opened` delivery — only the first time `event_id` is seen. Whether it was queued.
pub async fn publish_home_once(
    db: &super::Db,
    event_id: &str,
    team_id: &str,
    user_id: &str,
    view: String,
    at: DateTime<Utc>,
) -> super::Result<bool> {
    use super::outbox::{self, Method};
    let key = (
        event_id.to_owned(),
        team_id.to_owned(),
        user_id.to_owned(),
        view,
        at,
    );
    db.write(key, |c, (event_id, team, user, view, at)| {
        Box::pin(async move {
            if !first_delivery(c, event_id, *at).await? {
                return Ok(false);
            }
            super::members::upsert(&mut *c, team, user, *at).await?;
            outbox::queue(c, team, Method::PublishView, user, view, *at).await?;
            Ok(true)
        })
    })
    .await
}
