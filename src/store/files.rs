//! The parts of a file upload on its way to Slack (`outbox_files`): made once by the delivery,
//! then carried through Slack's three steps — an upload URL and file id, the bytes, the share —
//! each step recorded as it succeeds, so a restart resumes where the upload stood.
use super::sql::{self, Conn, Ex};
use chrono::{DateTime, Utc};

/// A file to keep for upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPart {
    pub filename: String,
    pub title: String,
    pub alt_txt: Option<String>,
    pub content: Vec<u8>,
}

/// A kept file and how far its upload got.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Part {
    pub part: i64,
    pub filename: String,
    pub title: String,
    pub alt_txt: Option<String>,
    pub content: Vec<u8>,
    /// Slack's id for the file, once an upload URL was granted.
    pub file_id: Option<String>,
    pub upload_url: Option<String>,
    pub uploaded: bool,
}

/// The parts of an outbox row, in order; empty until they are made.
pub async fn parts(db: impl Into<Ex<'_>>, outbox_id: i64) -> sqlx::Result<Vec<Part>> {
    sql::query_as(
        "SELECT part, filename, title, alt_txt, content, file_id, upload_url, uploaded_at IS NOT NULL AS uploaded
         FROM outbox_files WHERE outbox_id = ? ORDER BY part",
    )
    .bind(outbox_id)
    .fetch_all(db)
    .await
}

/// Keeps the made parts of an outbox row, unless another process kept them first (then
/// theirs stand: one upload, whoever made it).
pub async fn keep(conn: &mut Conn, outbox_id: i64, parts: &[NewPart]) -> sqlx::Result<()> {
    let made: i64 = sql::query_scalar("SELECT COUNT(*) FROM outbox_files WHERE outbox_id = ?")
        .bind(outbox_id)
        .scalar_one(&mut *conn)
        .await?;
    if made > 0 {
        return Ok(());
    }
    for (i, p) in parts.iter().enumerate() {
        sql::query(
            "INSERT INTO outbox_files (outbox_id, part, filename, title, alt_txt, content)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(outbox_id)
        .bind(i as i64)
        .bind(p.filename.as_str())
        .bind(p.title.as_str())
        .bind(p.alt_txt.as_deref())
        .bind(p.content.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records the upload URL and file id Slack granted a part (`None`s forget an expired one).
pub async fn granted(
    conn: &mut Conn,
    outbox_id: i64,
    part: i64,
    grant: Option<(&str, &str)>,
) -> sqlx::Result<()> {
    sql::query(
        "UPDATE outbox_files SET file_id = ?, upload_url = ?, uploaded_at = NULL
         WHERE outbox_id = ? AND part = ?",
    )
    .bind(grant.map(|(id, _)| id))
    .bind(grant.map(|(_, url)| url))
    .bind(outbox_id)
    .bind(part)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that a part's bytes reached its upload URL.
pub async fn uploaded(
    conn: &mut Conn,
    outbox_id: i64,
    part: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sql::query("UPDATE outbox_files SET uploaded_at = ? WHERE outbox_id = ? AND part = ?")
        .bind(at)
        .bind(outbox_id)
        .bind(part)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops the parts of a row that was shared or given up.
pub async fn forget(conn: &mut Conn, outbox_id: i64) -> sqlx::Result<()> {
    sql::query("DELETE FROM outbox_files WHERE outbox_id = ?")
        .bind(outbox_id)
        .execute(conn)
        .await?;
    Ok(())
}
