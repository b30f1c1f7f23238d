//! Undo: a member's own last log of the last day — a typed win, a touch, or a block planned or
//! reported — removed with everything that followed from it (its celebrated win and kudos,
//! the prospect's count and stage, the day's counts, the streak), in one transaction:
//! [`take_back`].
use super::members;
use super::sql::{self, Conn};
use super::vocab::{DONE, PLANNED, SOURCE_TYPED, STATUS_ACTIVE, STATUS_DROPPED};
use crate::domain::text::UserText;
use crate::domain::{Channel, Outcome, Stage, Undo, WinKind, streak};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What undo removed, as the reply tells it.
pub enum Removed {
    Win {
        text: UserText,
    },
    Touch {
        name: UserText,
        how: String,
        prospect_removed: bool,
    },
    BlockResults {
        id: i64,
        back_to_plan: bool,
    },
    BlockPlan {
        id: i64,
        starts_at: DateTime<Utc>,
    },
}

/// Removes the member's last log of `what` since `since` — the business write behind
/// `/win undo`, `/touch undo` and `/block undo` — and takes its step off their day and streak.
/// `None` when there was nothing to undo; and the member's zone, for the reply.
pub async fn take_back(
    db: &super::Db,
    team_id: &str,
    user_id: &str,
    what: Undo,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> super::Result<(Option<Removed>, Tz)> {
    let key = (team_id.to_owned(), user_id.to_owned(), what, since, now);
    db.write(key, |c, (team, user, what, since, now)| {
        Box::pin(async move {
            let (team, user, since) = (team.as_str(), user.as_str(), *since);
            let member = members::upsert(&mut *c, team, user, *now).await?;
            // (what was removed, the day and counts of the step it took off)
            let (removed, step): (Removed, Option<(NaiveDate, i64, i64)>) = match what {
                Undo::Win => {
                    let Some(w) = last_win(c, team, user, since).await? else {
                        return Ok((None, member.local.tz));
                    };
                    delete_win(c, w.id).await?;
                    (Removed::Win { text: w.text }, Some((w.day, 1, 0)))
                }
                Undo::Touch => {
                    let Some(t) = last_touch(c, team, user, since).await? else {
                        return Ok((None, member.local.tz));
                    };
                    let prospect_removed = delete_touch(c, &t).await?;
                    let how = format!(
                        "{}, {}",
                        t.channel.label(),
                        t.outcome.as_str().replace('_', " ")
                    );
                    let removed = Removed::Touch {
                        name: t.name,
                        how,
                        prospect_removed,
                    };
                    (removed, Some((t.day, 0, 1)))
                }
                Undo::Block => {
                    let Some(b) = last_block(c, team, user, since).await? else {
                        return Ok((None, member.local.tz));
                    };
                    undo_block(c, &b).await?;
                    match b.reported_at.filter(|_| b.reported) {
                        Some(at) => (
                            Removed::BlockResults {
                                id: b.id,
                                back_to_plan: b.planned,
                            },
                            Some((member.local.today(at), 0, 0)),
                        ),
                        None => (
                            Removed::BlockPlan {
                                id: b.id,
                                starts_at: b.starts_at,
                            },
                            None,
                        ),
                    }
                }
            };
            if let Some((day, wins, touches)) = step {
                let days = members::unrecord_step(c, team, user, day, wins, touches).await?;
                let streak = streak::from_days(&days, member.local.work_days);
                members::set_streak(&mut *c, team, user, streak, days.first().copied()).await?;
            }
            Ok((Some(removed), member.local.tz))
        })
    })
    .await
}

/// A typed win that can be undone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastWin {
    pub id: i64,
    pub kind: WinKind,
    pub text: UserText,
    pub day: NaiveDate,
}

async fn last_win(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<LastWin>> {
    sql::query_as(&format!(
        "SELECT id, kind, text, day FROM wins
         WHERE team_id = ? AND user_id = ? AND source = '{SOURCE_TYPED}' AND created_at >= ?
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .fetch_optional(conn)
    .await
}

/// Removes wins and the kudos they received.
async fn delete_wins(conn: &mut Conn, condition: &str, id: i64) -> sqlx::Result<()> {
    sql::query(&format!(
        "DELETE FROM kudos WHERE win_id IN (SELECT id FROM wins WHERE {condition})"
    ))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sql::query(&format!("DELETE FROM wins WHERE {condition}"))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn delete_win(conn: &mut Conn, id: i64) -> sqlx::Result<()> {
    delete_wins(conn, "id = ?", id).await
}

/// A touch that can be undone, with its prospect.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastTouch {
    pub id: i64,
    pub prospect_id: i64,
    pub name: UserText,
    pub channel: Channel,
    pub outcome: Outcome,
    pub day: NaiveDate,
    pub created_at: DateTime<Utc>,
}

async fn last_touch(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<LastTouch>> {
    sql::query_as(
        "SELECT t.id, t.prospect_id, p.name, t.channel, t.outcome, t.day, t.created_at
         FROM touches t JOIN prospects p ON p.id = t.prospect_id
         WHERE t.team_id = ? AND t.user_id = ? AND t.created_at >= ?
         ORDER BY t.created_at DESC, t.id DESC LIMIT 1",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .fetch_optional(conn)
    .await
}

/// Removes a touch and its celebrated win, and sets its prospect back as the remaining
/// touches say: count, last day, stage (a closed prospect stays closed), and — when this was
/// the no that dropped them — active again. A prospect this touch created goes too.
/// Returns whether the prospect was removed.
async fn delete_touch(conn: &mut Conn, t: &LastTouch) -> sqlx::Result<bool> {
    delete_wins(conn, "touch_id = ?", t.id).await?;
    super::touches::uncount(conn, t.id, t.channel, t.outcome).await?;
    sql::query("DELETE FROM touches WHERE id = ?")
        .bind(t.id)
        .execute(&mut *conn)
        .await?;
    let removed = sql::query(
        "DELETE FROM prospects WHERE id = ?
           AND NOT EXISTS (SELECT 1 FROM touches WHERE prospect_id = prospects.id)
           AND NOT EXISTS (SELECT 1 FROM prospects r WHERE r.replaces_id = prospects.id)
           AND replaces_id IS NULL
           AND created_at >= ?",
    )
    .bind(t.prospect_id)
    .bind(t.created_at)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if removed {
        return Ok(true);
    }
    // The stage the remaining outcomes give, by the same rule as logging them; closed stays.
    let stage: Stage = sql::query_scalar("SELECT stage FROM prospects WHERE id = ?")
        .bind(t.prospect_id)
        .scalar_one(&mut *conn)
        .await?;
    let outcomes: Vec<Outcome> =
        sql::query_scalar("SELECT outcome FROM touches WHERE prospect_id = ? ORDER BY id")
            .bind(t.prospect_id)
            .scalar_all(&mut *conn)
            .await?;
    let stage = match stage {
        Stage::Closed => Stage::Closed,
        _ => outcomes.iter().fold(Stage::Prospecting, |s, o| s.after(*o)),
    };
    sql::query(
        "UPDATE prospects SET stage = ?2,
            touch_count = (SELECT COUNT(*) FROM touches WHERE prospect_id = ?1),
            last_touch_day = (SELECT max(day) FROM touches WHERE prospect_id = ?1)
         WHERE id = ?1",
    )
    .bind(t.prospect_id)
    .bind(stage)
    .execute(&mut *conn)
    .await?;
    // The no that dropped them is gone, and no other: active again.
    if t.outcome == Outcome::No && !outcomes.contains(&Outcome::No) {
        sql::query(&format!(
            "UPDATE prospects SET status = '{STATUS_ACTIVE}', dropped_at = NULL WHERE id = ? AND status = '{STATUS_DROPPED}'"
        ))
        .bind(t.prospect_id)
        .execute(conn)
        .await?;
    }
    Ok(false)
}

/// A block log that can be undone: planned (`reported` false) or reported.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastBlock {
    pub id: i64,
    pub planned: bool,
    pub reported: bool,
    pub starts_at: DateTime<Utc>,
    pub minutes: i64,
    pub reported_at: Option<DateTime<Utc>>,
}

/// The latest of: a block planned and still planned, or results reported, since `since`.
async fn last_block(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<LastBlock>> {
    sql::query_as(
        &format!("SELECT id, planned, status = '{DONE}' AS reported, starts_at, minutes, reported_at FROM blocks
         WHERE team_id = ?1 AND user_id = ?2
           AND ((status = '{PLANNED}' AND created_at >= ?3) OR (status = '{DONE}' AND reported_at >= ?3))
         ORDER BY coalesce(reported_at, created_at) DESC, id DESC LIMIT 1"),
    )
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .fetch_optional(conn)
    .await
}

/// Undoes a block log: reported results are cleared (a block that was planned goes back to
/// planned, one logged without a plan goes), a plan is removed.
async fn undo_block(conn: &mut Conn, b: &LastBlock) -> sqlx::Result<()> {
    delete_wins(conn, "block_id = ?", b.id).await?;
    if b.reported && b.planned {
        sql::query(
            &format!("UPDATE blocks SET status = '{PLANNED}', dials = 0, emails = 0, social = 0, conversations = 0,
             meetings = 0, callbacks = 0, nos = 0, reported_at = NULL WHERE id = ?"),
        )
        .bind(b.id)
        .execute(conn)
        .await?;
    } else {
        sql::query("DELETE FROM blocks WHERE id = ?")
            .bind(b.id)
            .execute(conn)
            .await?;
    }
    Ok(())
}
