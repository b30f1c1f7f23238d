//! Counts for `/momentum stats`: one member over a period, in a handful of grouped queries.
use super::sql::{self, Reader};
use super::vocab::{CANCELLED, DONE, SOURCE_TYPED};
use crate::domain::{Channel, Outcome, WinKind};
use chrono::NaiveDate;

/// Counts by kind, channel or outcome come most first.
#[derive(Debug, Clone, Default)]
pub struct MemberStats {
    pub wins_by_kind: Vec<(WinKind, i64)>,
    pub touches_by_channel: Vec<(Channel, i64)>,
    pub touches_by_outcome: Vec<(Outcome, i64)>,
    pub blocks_planned: i64,
    pub blocks_done: i64,
    /// The blocks' results (the touches' own are in the counts above).
    pub dials: i64,
    pub emails: i64,
    pub social: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub callbacks: i64,
    pub nos: i64,
    pub active_days: i64,
}

impl MemberStats {
    /// The member's sums under the one definition of each number (`domain::digest::Totals`):
    /// a block's dials, emails and social touches are touches, its conversations
    /// conversations, and so on.
    pub fn totals(&self) -> crate::domain::digest::Totals {
        use crate::domain::digest::{Totals, block_touches};
        let mut touches = block_touches(self.dials, self.emails, self.social);
        for (channel, n) in &self.touches_by_channel {
            *touches.entry(*channel).or_default() += n;
        }
        Totals {
            wins_by_kind: self.wins_by_kind.iter().copied().collect(),
            touches_by_channel: touches,
            touches_by_outcome: self.touches_by_outcome.iter().copied().collect(),
            blocks_planned: self.blocks_planned,
            blocks_done: self.blocks_done,
            block_conversations: self.conversations,
            block_meetings: self.meetings,
            block_callbacks: self.callbacks,
            block_nos: self.nos,
        }
    }
}

/// Everything `user_id` logged on local days `from..=to`.
pub async fn member(
    pool: &Reader,
    team_id: &str,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<MemberStats> {
    // (key, count) for one grouping column of one table over the member's days.
    async fn counts<K>(
        pool: &Reader,
        (team_id, user_id, from, to): (&str, &str, NaiveDate, NaiveDate),
        table: &str,
        column: &'static str,
    ) -> sqlx::Result<Vec<(K, i64)>>
    where
        K: sql::Scalar,
    {
        let sql = format!(
            "SELECT {column}, COUNT(*) FROM {table} WHERE team_id = ? AND user_id = ? AND day BETWEEN ? AND ?
             GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
        );
        sql::query_as(&sql)
            .bind(team_id)
            .bind(user_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
    }
    let key = (team_id, user_id, from, to);
    let typed = format!("(SELECT * FROM wins WHERE source = '{SOURCE_TYPED}') typed");
    let mut s = MemberStats {
        // Typed wins: touch outcomes and block results are counted as touches and blocks.
        wins_by_kind: counts(pool, key, &typed, "kind").await?,
        touches_by_channel: counts(pool, key, "touches", "channel").await?,
        touches_by_outcome: counts(pool, key, "touches", "outcome").await?,
        ..Default::default()
    };
    // Blocks count on the member's local day they start.
    let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64) = sql::query_as(
        &format!("SELECT COUNT(*) FILTER (WHERE planned),
                COUNT(*) FILTER (WHERE status = '{DONE}'),
                coalesce(CAST(SUM(dials) AS BIGINT), 0), coalesce(CAST(SUM(emails) AS BIGINT), 0), coalesce(CAST(SUM(social) AS BIGINT), 0),
                coalesce(CAST(SUM(conversations) AS BIGINT), 0), coalesce(CAST(SUM(meetings) AS BIGINT), 0),
                coalesce(CAST(SUM(callbacks) AS BIGINT), 0), coalesce(CAST(SUM(nos) AS BIGINT), 0)
         FROM blocks WHERE team_id = ? AND user_id = ? AND status <> '{CANCELLED}'
           AND day BETWEEN ? AND ?"),
    )
    .bind(team_id)
    .bind(user_id)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?;
    (
        s.blocks_planned,
        s.blocks_done,
        s.dials,
        s.emails,
        s.social,
        s.conversations,
        s.meetings,
        s.callbacks,
        s.nos,
    ) = row;
    s.active_days = sql::query_scalar(
        "SELECT COUNT(*) FROM member_days WHERE team_id = ? AND user_id = ? AND day BETWEEN ? AND ?",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(from)
    .bind(to)
    .scalar_one(pool)
    .await?;
    Ok(s)
}
