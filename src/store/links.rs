//! Private links (`feed_links`): which feed a token opens. Only the token's hash is stored.
use super::sql::{self, Conn, Ex};
pub use crate::domain::calendar::LinkKind;
use chrono::{DateTime, Utc};

/// Whose feed a link opens.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Link {
    pub team_id: String,
    pub owner: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps a new link for `owner` (its token's hash), replacing theirs of the same kind.
pub async fn replace(
    conn: &mut Conn,
    kind: LinkKind,
    team_id: &str,
    owner: &str,
    token_hash: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query("DELETE FROM feed_links WHERE kind = ? AND team_id = ? AND owner = ?")
        .bind(kind)
        .bind(team_id)
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "INSERT INTO feed_links (token_hash, kind, team_id, owner, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(kind)
    .bind(team_id)
    .bind(owner)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The link `owner` has of this kind, if any.
pub async fn of(
    db: impl Into<Ex<'_>>,
    kind: LinkKind,
    team_id: &str,
    owner: &str,
) -> sqlx::Result<Option<Link>> {
    sql::query_as(
        "SELECT team_id, owner, created_at FROM feed_links WHERE kind = ? AND team_id = ? AND owner = ?",
    )
    .bind(kind)
    .bind(team_id)
    .bind(owner)
    .fetch_optional(db)
    .await
}

/// The link whose token hashes to `token_hash`, if it still stands.
pub async fn opened_by(
    db: impl Into<Ex<'_>>,
    kind: LinkKind,
    token_hash: &str,
) -> sqlx::Result<Option<Link>> {
    sql::query_as(
        "SELECT team_id, owner, created_at FROM feed_links WHERE token_hash = ? AND kind = ?",
    )
    .bind(token_hash)
    .bind(kind)
    .fetch_optional(db)
    .await
}
