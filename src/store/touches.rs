//! Touches: attempts on prospects, and `/touch`'s business write ([`record`]).
use super::members::{self, MemberRow};
use super::prospects::{self, NewProspect};
use super::sql::{self, Conn, Tx};
use super::wins::{self, StepWin};
use crate::domain::cadence::Cadence;
use crate::domain::text::UserText;
use crate::domain::time::CallbackDay;
use crate::domain::{Channel, Outcome, Stage, WinSource};
use chrono::{DateTime, NaiveDate, Utc};

/// A touch as the rep gave it.
#[derive(Debug, Clone)]
pub struct TouchInput {
    pub team_id: String,
    pub user_id: String,
    pub prospect: String,
    /// The prospect's name as it is matched (`commands::name_key`).
    pub name_key: String,
    pub company: Option<String>,
    pub channel: Channel,
    pub outcome: Outcome,
    /// For a call-back: the day to call back, when given.
    pub callback: Option<CallbackDay>,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// What recording a touch did, as the reply tells it.
pub struct Touched {
    pub prospect_id: i64,
    pub name: UserText,
    pub company: Option<UserText>,
    pub before: Cadence,
    pub after: Cadence,
    pub stage_before: Stage,
    pub stage: Stage,
    /// Touches on the prospect so far by channel, this one included.
    pub channels: Vec<(Channel, i64)>,
    pub callback_on: Option<NaiveDate>,
    pub today_total: i64,
}

/// A call-back day that has passed or is too far away: nothing is logged.
pub struct BadCallbackDay;

/// The member as the write saw them, their local day, and the touch (or why it was refused).
pub struct TouchRecorded {
    pub member: MemberRow,
    pub today: NaiveDate,
    pub touched: Result<Touched, BadCallbackDay>,
}

/// Records a touch — the one business write behind `/touch` — in one transaction: the member
/// and their day, the prospect (created on first touch, brought back if dropped), the touch and
/// its day counts, the win a response makes, the prospect dropped on a no, the streak.
/// Written once against [`Tx`]: on SQLite the writer runs it in-thread on its handle.
pub async fn record(db: &super::Db, input: TouchInput) -> super::Result<TouchRecorded> {
    db.write_in_thread(input, |tx, r| Box::pin(record_in(tx, r)))
        .await
}

async fn record_in(tx: &mut Tx<'_>, r: &TouchInput) -> sqlx::Result<TouchRecorded> {
    let ctx = members::step_context(&mut *tx, &r.team_id, &r.user_id, r.at).await?;
    let callback_on = match r.callback.map(|d| d.resolve(ctx.today)) {
        Some(None) => {
            return Ok(TouchRecorded {
                member: ctx.member,
                today: ctx.today,
                touched: Err(BadCallbackDay),
            });
        }
        Some(day) => day,
        None => None,
    };
    let new = NewProspect {
        team_id: &r.team_id,
        user_id: &r.user_id,
        name: &r.prospect,
        name_key: &r.name_key,
        company: r.company.as_deref(),
        replaces_id: None,
        at: r.at,
    };
    let (prospect, _) = prospects::add(&mut *tx, &new).await?;
    if let Some(company) = r
        .company
        .as_deref()
        .filter(|c| prospect.company.as_ref().map(|p| p.raw()) != Some(*c))
    {
        prospects::set_company(&mut *tx, prospect.id, company).await?;
    }
    let day = ctx.today;
    let stage = prospect.stage.after(r.outcome);
    let touch = NewTouch {
        team_id: &r.team_id,
        user_id: &r.user_id,
        prospect_id: prospect.id,
        channel: r.channel,
        outcome: r.outcome,
        note: &r.note,
        callback_on,
        stage,
        day,
        at: r.at,
    };
    let touch_id = insert(&mut *tx, &touch).await?;
    let company = r.company.clone().map(UserText::from).or(prospect.company);
    if let Some(kind) = r.outcome.win_kind() {
        let with = match &company {
            Some(co) => format!("{} ({})", prospect.name.raw(), co.raw()),
            None => prospect.name.raw().to_owned(),
        };
        let win = StepWin {
            team_id: &r.team_id,
            user_id: &r.user_id,
            kind,
            text: &with,
            source: WinSource::Touch,
            touch_id: Some(touch_id),
            block_id: None,
            steps: 1,
            day,
            at: r.at,
        };
        wins::insert_step(&mut *tx, &win).await?;
    }
    let channels = channels_used(&mut *tx, prospect.id).await?;
    if r.outcome == Outcome::No {
        prospects::drop(&mut *tx, prospect.id, r.at).await?;
    }
    let counted = members::count_step(&mut *tx, &ctx, 0, 1).await?;
    let touched = Touched {
        prospect_id: prospect.id,
        name: prospect.name,
        company,
        before: Cadence {
            touches: prospect.touches,
            last_touch: prospect.last_touch_day,
        },
        after: Cadence {
            touches: prospect.touches + 1,
            last_touch: Some(ctx.today),
        },
        stage_before: prospect.stage,
        stage,
        channels,
        callback_on,
        today_total: counted.touches_today,
    };
    Ok(TouchRecorded {
        member: ctx.member,
        today: ctx.today,
        touched: Ok(touched),
    })
}

pub struct NewTouch<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub prospect_id: i64,
    pub channel: Channel,
    pub outcome: Outcome,
    pub note: &'a str,
    /// For a call-back: the local day to call back.
    pub callback_on: Option<NaiveDate>,
    /// The prospect's stage after this touch (`Stage::after`).
    pub stage: Stage,
    /// The member's local day.
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

pub async fn insert(tx: impl Into<Tx<'_>>, t: &NewTouch<'_>) -> sqlx::Result<i64> {
    let mut tx = tx.into();
    let id = sql::query(
        "INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at, gap_days, callback_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT CAST(julianday(?7) - julianday(last_touch_day) AS INTEGER) FROM prospects WHERE id = ?3), ?9)
         RETURNING id",
    )
    .postgres(
        "INSERT INTO touches (team_id, user_id, prospect_id, channel, outcome, note, day, created_at, gap_days, callback_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT ?7 - last_touch_day FROM prospects WHERE id = ?3), ?9)
         RETURNING id",
    )
    .bind(t.team_id)
    .bind(t.user_id)
    .bind(t.prospect_id)
    .bind(t.channel)
    .bind(t.outcome)
    .bind(t.note)
    .bind(t.day)
    .bind(t.at)
    .bind(t.callback_on)
    .scalar_one_on(&mut tx)
    .await?;
    sql::query(
        "UPDATE prospects SET touch_count = touch_count + 1,
            last_touch_day = CASE WHEN last_touch_day > ?1 THEN last_touch_day ELSE ?1 END, stage = ?2
         WHERE id = ?3",
    )
    .bind(t.day)
    .bind(t.stage)
    .bind(t.prospect_id)
    .execute_on(&mut tx)
    .await?;
    let (c, o) = (channel_column(t.channel), outcome_column(t.outcome));
    sql::query(&format!(
        "INSERT INTO touch_days (team_id, day, user_id, {c}, {o}) VALUES (?1, ?2, ?3, 1, 1)
         ON CONFLICT (team_id, day, user_id) DO UPDATE SET {c} = touch_days.{c} + 1, {o} = touch_days.{o} + 1"
    ))
    .bind(t.team_id)
    .bind(t.day)
    .bind(t.user_id)
    .execute_on(tx)
    .await?;
    Ok(id)
}

/// Takes a touch about to be deleted off its rep's day in `touch_days`.
pub async fn uncount(
    conn: &mut Conn,
    touch_id: i64,
    channel: Channel,
    outcome: Outcome,
) -> sqlx::Result<()> {
    let (c, o) = (channel_column(channel), outcome_column(outcome));
    sql::query(&format!(
        "UPDATE touch_days SET {c} = {c} - 1, {o} = {o} - 1
         WHERE (team_id, day, user_id) = (SELECT team_id, day, user_id FROM touches WHERE id = ?)"
    ))
    .bind(touch_id)
    .execute(&mut *conn)
    .await?;
    // A day left without touches goes, as if none had been logged.
    sql::query(&format!(
        "DELETE FROM touch_days WHERE {} = 0
           AND (team_id, day, user_id) = (SELECT team_id, day, user_id FROM touches WHERE id = ?)",
        all_channels()
    ))
    .bind(touch_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The sum of a `touch_days` row's channel columns: its touches.
pub fn all_channels() -> String {
    Channel::ALL
        .iter()
        .map(|c| channel_column(*c))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The `touch_days` column counting a channel's touches (a fixed identifier, never user text).
pub fn channel_column(channel: Channel) -> String {
    format!("c_{}", channel.as_str())
}

/// The `touch_days` column counting an outcome's touches.
pub fn outcome_column(outcome: Outcome) -> String {
    format!("o_{}", outcome.as_str())
}

/// How many touches on a prospect went through each channel, most used first.
pub async fn channels_used(
    tx: impl Into<Tx<'_>>,
    prospect_id: i64,
) -> sqlx::Result<Vec<(Channel, i64)>> {
    sql::query_as(
        "SELECT channel, COUNT(*) FROM touches WHERE prospect_id = ?
         GROUP BY channel ORDER BY COUNT(*) DESC, MIN(id)",
    )
    .bind(prospect_id)
    .fetch_all_on(tx)
    .await
}
