//! Whether a member is around and whether channel posts may name them: `/momentum away` and
//! `/momentum private`.
use super::members;
use super::sql::{self, Conn};
use chrono::{DateTime, NaiveDate, Utc};

async fn set_away(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    until: Option<NaiveDate>,
) -> sqlx::Result<()> {
    sql::query("UPDATE members SET away_until = ? WHERE team_id = ? AND user_id = ?")
        .bind(until)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn set_private(
    conn: &mut Conn,
    team_id: &str,
    user_id: &str,
    private: bool,
) -> sqlx::Result<()> {
    sql::query("UPDATE members SET private = ? WHERE team_id = ? AND user_id = ?")
        .bind(private)
        .bind(team_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
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
            set_away(c, team, user, *until).await?;
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
            set_private(c, team, user, *private).await
        })
    })
    .await
}
