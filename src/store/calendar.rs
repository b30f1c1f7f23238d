//! What a rep's calendar feed reads: their blocks (not cancelled) and call-backs.
use super::sql::{self, Reader};
use super::vocab::CANCELLED;
use crate::domain::calendar::{FeedBlock, FeedCallback};
use chrono::{DateTime, NaiveDate, Utc};

/// The rep's blocks starting from `since` on, in start order.
pub async fn blocks(
    db: &Reader,
    team_id: &str,
    user_id: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Vec<FeedBlock>> {
    sql::query_as(
        &format!("SELECT id, starts_at, minutes, status, dials, emails, social, conversations, meetings, created_at, reported_at
         FROM blocks WHERE team_id = ? AND user_id = ? AND status <> '{CANCELLED}' AND starts_at >= ?
         ORDER BY starts_at, id"),
    )
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// The rep's call-backs due from `since` on, in day order.
pub async fn callbacks(
    db: &Reader,
    team_id: &str,
    user_id: &str,
    since: NaiveDate,
) -> sqlx::Result<Vec<FeedCallback>> {
    sql::query_as(
        "SELECT t.id AS touch_id, t.callback_on, p.name AS prospect, p.company, t.note, t.created_at
         FROM touches t JOIN prospects p ON p.id = t.prospect_id
         WHERE t.team_id = ? AND t.user_id = ? AND t.callback_on IS NOT NULL AND t.callback_on >= ?
         ORDER BY t.callback_on, t.id",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(since)
    .fetch_all(db)
    .await
}
