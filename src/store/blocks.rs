//! Blocks: time set aside for prospecting, and what came of it; `/block done`'s business
//! write ([`record_done`]).
use super::members;
use super::sql::{self, Conn, Ex, Tx, lite_row};
use super::vocab::{CANCELLED, DONE, PLANNED};
use super::wins::{self, StepWin};
use crate::domain::{BlockResults, BlockStatus, WinKind, WinSource};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Block statuses as the store writes them into SQL: the domain's one mapping
/// (`BlockStatus`), in the statement's text so partial indexes on a status stay usable.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub minutes: i64,
    pub status: BlockStatus,
    pub planned: bool,
}

lite_row!(BlockRow {
    id,
    starts_at,
    minutes,
    status,
    planned,
});

/// A block's results as the rep reported them.
#[derive(Debug, Clone)]
pub struct DoneInput {
    pub team_id: String,
    pub user_id: String,
    pub results: BlockResults,
    pub at: DateTime<Utc>,
}

/// What reporting a block did.
#[derive(Debug, Clone, Copy)]
pub struct BlockDone {
    pub block_id: i64,
    /// Whether the results went on a planned block (else a new, unplanned one).
    pub planned: bool,
    pub streak: i64,
}

/// Records a block's results — the one business write behind `/block done` — in one
/// transaction: on the planned block it is most likely about (else a new unplanned one), with
/// its meetings and conversations celebrated as wins and the step counted on the member's day.
/// Written once against [`Tx`]: on SQLite the writer runs it in-thread on its handle.
pub async fn record_done(db: &super::Db, input: DoneInput) -> super::Result<BlockDone> {
    db.write_in_thread(input, |tx, d| Box::pin(record_done_in(tx, d)))
        .await
}

async fn record_done_in(tx: &mut Tx<'_>, d: &DoneInput) -> sqlx::Result<BlockDone> {
    let (team, user, r, now) = (&d.team_id, &d.user_id, &d.results, d.at);
    let ctx = members::step_context(&mut *tx, team, user, now).await?;
    let since = now - Duration::hours(18);
    let until = now + Duration::minutes(30);
    let block = to_report(&mut *tx, team, user, since, until).await?;
    let id = report(
        &mut *tx,
        team,
        user,
        block.as_ref().map(|b| b.id),
        ctx.today,
        r,
        now,
    )
    .await?;
    // Meetings and conversations are celebrated as wins.
    for (kind, n) in [
        (WinKind::Meeting, r.meetings),
        (WinKind::Conversation, r.conversations),
    ] {
        if n == 0 {
            continue;
        }
        let win = StepWin {
            team_id: team,
            user_id: user,
            kind,
            text: "",
            source: WinSource::Block,
            touch_id: None,
            block_id: Some(id),
            steps: n.into(),
            day: ctx.today,
            at: now,
        };
        wins::insert_step(&mut *tx, &win).await?;
    }
    let counted = members::count_step(&mut *tx, &ctx, 0, 0).await?;
    Ok(BlockDone {
        block_id: id,
        planned: block.is_some(),
        streak: counted.streak,
    })
}

impl BlockRow {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + chrono::Duration::minutes(self.minutes)
    }
}

/// A block to plan: when it starts, on which local day of the member, how long.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub team_id: String,
    pub user_id: String,
    pub starts_at: DateTime<Utc>,
    /// The member's local day the block starts on.
    pub day: NaiveDate,
    pub minutes: i64,
    pub at: DateTime<Utc>,
}

/// Plans a block — the business write behind `/block TIME LENGTH` — unless it overlaps one
/// the member already planned, which is returned instead (nothing is written then but the
/// member, on first sight).
pub async fn plan_unless_overlapping(
    db: &super::Db,
    input: PlanInput,
) -> super::Result<Result<i64, BlockRow>> {
    db.write(input, |c, p| {
        Box::pin(async move {
            let (team, user) = (&p.team_id, &p.user_id);
            members::upsert(&mut *c, team, user, p.at).await?;
            let ends_at = p.starts_at + Duration::minutes(p.minutes);
            let clash = overlapping(&mut *c, team, user, p.starts_at, ends_at).await?;
            if let Some(other) = clash.into_iter().next() {
                return Ok(Err(other));
            }
            Ok(Ok(
                plan(c, team, user, p.starts_at, p.day, p.minutes, p.at).await?
            ))
        })
    })
    .await
}

/// Cancels the member's planned block `id`, or with `None` their next one — the business
/// write behind `/block cancel`. Returns the block cancelled, if there was one.
pub async fn cancel_planned(
    db: &super::Db,
    team_id: &str,
    user_id: &str,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> super::Result<Option<i64>> {
    let key = (team_id.to_owned(), user_id.to_owned(), id, now);
    db.write(key, |c, (team, user, id, now)| {
        Box::pin(async move {
            let target = match id {
                Some(id) => Some(*id),
                None => upcoming(&mut *c, team, user, *now)
                    .await?
                    .first()
                    .map(|b| b.id),
            };
            match target {
                Some(id) => Ok(cancel(c, team, user, id).await?.then_some(id)),
                None => Ok(None),
            }
        })
    })
    .await
}

/// Plans a block starting at `starts_at`, on the member's local day `day`.
async fn plan(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    starts_at: DateTime<Utc>,
    day: NaiveDate,
    minutes: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let id = sql::query("INSERT INTO blocks (team_id, user_id, starts_at, day, minutes, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(team_id)
        .bind(user_id)
        .bind(starts_at)
        .bind(day)
        .bind(minutes)
        .bind(now)
        .scalar_one(conn)
        .await?;
    Ok(id)
}

/// Planned blocks that overlap `[from, to)`.
pub async fn overlapping(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<BlockRow>> {
    sql::query_as(&format!(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = '{PLANNED}' AND starts_at < ?
           AND strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, '+' || minutes || ' minutes') > ?"
    ))
    .postgres(&format!(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = '{PLANNED}' AND starts_at < ?
           AND starts_at + minutes * interval '1 minute' > ?"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(to)
    .bind(from)
    .fetch_all(db)
    .await
}

/// Planned blocks that have not ended yet, soonest first.
pub async fn upcoming(
    db: impl Into<Ex<'_>>,
    team_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<BlockRow>> {
    sql::query_as(&format!(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = '{PLANNED}'
           AND strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, '+' || minutes || ' minutes') > ?
         ORDER BY starts_at LIMIT 20"
    ))
    .postgres(&format!(
        "SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = '{PLANNED}'
           AND starts_at + minutes * interval '1 minute' > ?
         ORDER BY starts_at LIMIT 20"
    ))
    .bind(team_id)
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await
}

/// The planned block a report is most likely about: the latest one that started since
/// `since` and no later than `until`.
pub async fn to_report(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Option<BlockRow>> {
    sql::query_as(
        &format!("SELECT id, starts_at, minutes, status, planned FROM blocks
         WHERE team_id = ? AND user_id = ? AND status = '{PLANNED}' AND starts_at >= ? AND starts_at <= ?
         ORDER BY starts_at DESC LIMIT 1"),
    )
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .bind(until)
    .fetch_optional_on(tx)
    .await
}

/// Records results on a planned block, or on a new unplanned one when `block_id` is `None`.
pub async fn report(
    tx: impl Into<Tx<'_>>,
    team_id: &str,
    user_id: &str,
    block_id: Option<i64>,
    day: NaiveDate,
    r: &BlockResults,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let mut tx = tx.into();
    let id = match block_id {
        Some(id) => id,
        None => sql::query(
            "INSERT INTO blocks (team_id, user_id, starts_at, day, minutes, planned, created_at)
             VALUES (?, ?, ?, ?, 60, FALSE, ?) RETURNING id",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(now)
        .bind(day)
        .bind(now)
        .scalar_one_on(&mut tx)
        .await?,
    };
    sql::query(
        &format!("UPDATE blocks SET status = '{DONE}', dials = ?, emails = ?, social = ?, conversations = ?, meetings = ?,
         callbacks = ?, nos = ?, reported_at = ? WHERE id = ?"),
    )
    .bind(r.dials)
    .bind(r.emails)
    .bind(r.social)
    .bind(r.conversations)
    .bind(r.meetings)
    .bind(r.callbacks)
    .bind(r.nos)
    .bind(now)
    .bind(id)
    .execute_on(tx)
    .await?;
    Ok(id)
}

/// Cancels a planned block of this member; false when there is no such block.
async fn cancel(conn: &mut Conn, team_id: &str, user_id: &str, id: i64) -> sqlx::Result<bool> {
    let done = sql::query(
        &format!("UPDATE blocks SET status = '{CANCELLED}' WHERE id = ? AND team_id = ? AND user_id = ? AND status = '{PLANNED}'"),
    )
    .bind(id)
    .bind(team_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
