//! Counts for `/momentum stats`: one member over a period, in a handful of grouped queries.
use sqlx::SqlitePool;

#[derive(Debug, Clone, Default)]
pub struct MemberStats {
    pub wins_by_kind: Vec<(String, i64)>,
    pub touches_by_channel: Vec<(String, i64)>,
    pub touches_by_outcome: Vec<(String, i64)>,
    pub blocks_planned: i64,
    pub blocks_done: i64,
    pub dials: i64,
    pub emails: i64,
    pub social: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub callbacks: i64,
    pub nos: i64,
    pub active_days: i64,
}

/// Everything `user_id` logged on local days `from..=to` (`YYYY-MM-DD`).
pub async fn member(
    pool: &SqlitePool,
    team_id: &str,
    user_id: &str,
    from: &str,
    to: &str,
) -> sqlx::Result<MemberStats> {
    // (key, count) for one grouping column of one table over the member's days.
    let counts = |table: &'static str, column: &'static str| {
        let sql = format!(
            "SELECT {column}, COUNT(*) FROM {table} WHERE team_id = ? AND user_id = ? AND day BETWEEN ? AND ?
             GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
        );
        async move {
            sqlx::query_as(&sql)
                .bind(team_id)
                .bind(user_id)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
        }
    };
    let mut s = MemberStats {
        wins_by_kind: counts("wins", "kind").await?,
        touches_by_channel: counts("touches", "channel").await?,
        touches_by_outcome: counts("touches", "outcome").await?,
        ..Default::default()
    };
    // Blocks count on the member's local day they start.
    let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE planned = 1),
                COUNT(*) FILTER (WHERE status = 'done'),
                coalesce(SUM(dials), 0), coalesce(SUM(emails), 0), coalesce(SUM(social), 0),
                coalesce(SUM(conversations), 0), coalesce(SUM(meetings), 0),
                coalesce(SUM(callbacks), 0), coalesce(SUM(nos), 0)
         FROM blocks WHERE team_id = ? AND user_id = ? AND status <> 'cancelled'
           AND day BETWEEN ? AND ?",
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
    s.active_days = sqlx::query_scalar(
        "SELECT COUNT(*) FROM member_days WHERE team_id = ? AND user_id = ? AND day BETWEEN ? AND ?",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?;
    Ok(s)
}
