//! Wins: small steps worth celebrating.
use super::sql::{self, Tx};
use crate::domain::{WinKind, WinSource};
use chrono::{DateTime, NaiveDate, Utc};

pub struct NewWin<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub kind: WinKind,
    pub text: &'a str,
    /// The member's local day.
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

/// A win and what it does to the member's day and streak.
pub struct LoggedWin<'a> {
    pub win: NewWin<'a>,
    /// The streak if this is the member's first step of `win.day`.
    pub streak_if_first_today: i64,
}

/// A typed win to record: who, what, when.
#[derive(Debug, Clone)]
pub struct WinInput {
    pub team_id: String,
    pub user_id: String,
    pub kind: WinKind,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// What recording a win did: the day's wins so far, the streak, and how old the member's
/// profile is (for a background refresh).
#[derive(Debug, Clone, Copy)]
pub struct WinRecorded {
    pub wins_today: i64,
    pub streak: i64,
    pub profile_at: Option<DateTime<Utc>>,
}

/// The win on the member's local day, with the streak it makes if it is their first step
/// today — as the member was read in the same transaction.
fn logged<'a>(w: &'a WinInput, known: &super::members::StepState) -> LoggedWin<'a> {
    let day = known.local.today(w.at);
    LoggedWin {
        win: NewWin {
            team_id: &w.team_id,
            user_id: &w.user_id,
            kind: w.kind,
            text: &w.text,
            day,
            at: w.at,
        },
        streak_if_first_today: crate::domain::streak::after_step(
            known.last_step_day,
            known.streak.unwrap_or(0),
            day,
            known.local.work_days,
        ),
    }
}

/// Records a typed win — the one business write behind `/win` — in one trip to the writer:
/// the member's zone and streak are read inside the write itself. Written once against
/// [`Tx`]: on SQLite the writer runs it in-thread on its handle, on PostgreSQL through sqlx.
pub async fn record(db: &super::Db, input: WinInput) -> super::Result<WinRecorded> {
    use super::members;
    db.write_in_thread(input, |tx, w| {
        Box::pin(async move {
            let known = members::step_state(&mut *tx, &w.team_id, &w.user_id).await?;
            let logged = logged(w, &known);
            let (wins_today, streak) = log(tx, &logged, known.last_step_day, known.streak).await?;
            Ok(WinRecorded {
                wins_today,
                streak,
                profile_at: known.profile_at,
            })
        })
    })
    .await
}

/// Logs a win: creates the member if new and moves their streak on for a new day
/// (`last_step_day` and `streak` as read in the same transaction), stores the win and counts
/// the day. Returns the day's wins so far and the streak.
///
/// Three statements, or on PostgreSQL one: its data-modifying `WITH` (which SQLite does not
/// have) saves two round trips to the server. All parts of that one statement see the
/// snapshot before it, hence its upsert decides the new day itself.
async fn log(
    tx: &mut Tx<'_>,
    w: &LoggedWin<'_>,
    last_step_day: Option<NaiveDate>,
    streak: Option<i64>,
) -> sqlx::Result<(i64, i64)> {
    let win = &w.win;
    if tx.is_postgres() {
        return sql::query(
            "WITH m AS (
                INSERT INTO members (team_id, user_id, created_at, streak, last_step_day)
                VALUES (?1, ?2, ?3, ?7, ?6)
                ON CONFLICT (team_id, user_id) DO UPDATE SET streak = ?7, last_step_day = ?6
                WHERE members.last_step_day IS NULL OR members.last_step_day < ?6
                RETURNING streak),
             w AS (INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?1, ?2, ?4, ?5, ?6, ?3)),
             d AS (INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?1, ?2, ?6, 1, 1, 0)
                ON CONFLICT (team_id, user_id, day)
                DO UPDATE SET steps = member_days.steps + 1, wins = member_days.wins + 1 RETURNING wins)
             SELECT d.wins, COALESCE((SELECT streak FROM m),
                (SELECT streak FROM members WHERE team_id = ?1 AND user_id = ?2)) AS streak FROM d",
        )
        .bind(win.team_id)
        .bind(win.user_id)
        .bind(win.at)
        .bind(win.kind)
        .bind(win.text)
        .bind(win.day)
        .bind(w.streak_if_first_today)
        .fetch_one_on(tx)
        .await;
    }
    let first_today = last_step_day.is_none_or(|last| last < win.day);
    let streak = if first_today {
        w.streak_if_first_today
    } else {
        streak.unwrap_or(0)
    };
    sql::query(
        "INSERT INTO members (team_id, user_id, created_at, streak, last_step_day) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (team_id, user_id) DO UPDATE SET streak = ?4, last_step_day = ?5
         WHERE ?6",
    )
    .bind(win.team_id)
    .bind(win.user_id)
    .bind(win.at)
    .bind(streak)
    .bind(win.day)
    .bind(first_today)
    .execute_on(&mut *tx)
    .await?;
    sql::query(
        "INSERT INTO wins (team_id, user_id, kind, text, day, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(win.team_id)
    .bind(win.user_id)
    .bind(win.kind)
    .bind(win.text)
    .bind(win.day)
    .bind(win.at)
    .execute_on(&mut *tx)
    .await?;
    let today = sql::query_scalar(
        "INSERT INTO member_days (team_id, user_id, day, steps, wins, touches) VALUES (?1, ?2, ?3, 1, 1, 0)
         ON CONFLICT (team_id, user_id, day) DO UPDATE SET steps = member_days.steps + 1, wins = member_days.wins + 1
         RETURNING wins",
    )
    .bind(win.team_id)
    .bind(win.user_id)
    .bind(win.day)
    .scalar_one_on(tx)
    .await?;
    Ok((today, streak))
}

/// A touch outcome or block result celebrated as a win without being typed.
pub struct StepWin<'a> {
    pub team_id: &'a str,
    pub user_id: &'a str,
    pub kind: WinKind,
    /// Who it was with ("Jane Doe (Acme)"), empty for a block.
    pub text: &'a str,
    pub source: WinSource,
    pub touch_id: Option<i64>,
    pub block_id: Option<i64>,
    /// How many steps it stands for (a block's meetings or conversations).
    pub steps: i64,
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Stores a step win. It is not counted on the member's day: the touch or block was.
pub async fn insert_step(tx: impl Into<Tx<'_>>, w: &StepWin<'_>) -> sqlx::Result<i64> {
    let id = sql::query(
        "INSERT INTO wins (team_id, user_id, kind, text, day, created_at, source, touch_id, block_id, steps)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(w.team_id)
    .bind(w.user_id)
    .bind(w.kind)
    .bind(w.text)
    .bind(w.day)
    .bind(w.at)
    .bind(w.source)
    .bind(w.touch_id)
    .bind(w.block_id)
    .bind(w.steps)
    .scalar_one_on(tx)
    .await?;
    Ok(id)
}
