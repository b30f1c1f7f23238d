//! Whether a member is around and whether channel posts may name them: `/momentum away`,
//! `/momentum private` and the nudge's snooze button.
use super::members;
use super::sql::{self, Conn};
use chrono::{DateTime, NaiveDate, Utc};

/// One of the member's presence columns (a fixed identifier, never user text) set to `value`.
async fn set(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    column: &'static str,
    value: impl for<'q> sql::Bind<'q>,
) -> sqlx::Result<()> {
    let statement = format!("UPDATE members SET {column} = ? WHERE team_id = ? AND user_id = ?");
    sql::query(&statement)
        .bind(value)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// No nudges for this member until `until` (the 😴 button).
pub async fn set_snoozed(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    until: DateTime<Utc>,
) -> sqlx::Result<()> {
    set(conn, team_id, user_id, "snoozed_until", until).await
}

/// Marks the member away through `until` (`None`: back) — the business write behind
/// `/momentum away` — unless that day has already passed for them: then their local today.
pub async fn go_away(
    db: &super::Db,
    team_id: &str,
    user_id: &str,
    until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> super::Result<Result<(), NaiveDate>> {
    let key = (team_id.to_owned(), user_id.to_owned(), until, now);
    db.write(key, |c, (team, user, until, now)| {
        Box::pin(async move {
            let ctx = members::step_context(&mut *c, team, user, *now).await?;
            if until.is_some_and(|d| d < ctx.today) {
                return Ok(Err(ctx.today));
            }
            set(c, team, user, "away_until", *until).await?;
            Ok(Ok(()))
        })
    })
    .await
}

/// Makes the member private (counted, never named in channel posts) or not — the business
/// write behind `/momentum private on|off`.
pub async fn make_private(
    db: &super::Db,
    team_id: &str,
    user_id: &str,
    private: bool,
    now: DateTime<Utc>,
) -> super::Result<()> {
    let key = (team_id.to_owned(), user_id.to_owned(), private, now);
    db.write(key, |c, (team, user, private, now)| {
        Box::pin(async move {
            members::upsert(&mut *c, team, user, *now).await?;
            set(c, team, user, "private", *private).await
        })
    })
    .await
}
