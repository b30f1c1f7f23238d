//! `momentum migrate-data`: copies a deployment's data from one database to another (SQLite to
//! PostgreSQL when a team scales out). Both are migrated to the same schema first; the target
//! must be empty. Every table is copied in one transaction on the target, in an order that
//! keeps foreign keys satisfied, each value read as the type the target column holds; identity
//! sequences are moved past the copied ids; then every table's row count is compared.
use super::sql::{self, Arg, Conn, Ex, Kind};
use super::{Db, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sqlx::Row;

/// Every table, parents before children. (`app_defaults` is seeded by the migrations: its
/// row is replaced.)
pub const TABLES: &[&str] = &[
    "teams",
    "members",
    "team_invites",
    "feed_links",
    "member_days",
    "app_defaults",
    "team_holidays",
    "prospects",
    "touches",
    "touch_days",
    "blocks",
    "wins",
    "kudos",
    "outbox",
    "outbox_files",
    "blitzes",
    "shoutout_kudos",
    "job_runs",
    "slack_events",
    "goals",
    "goal_hits",
    "channel_pacing",
    "team_pauses",
    "installations",
    "oauth_states",
    "socket_envelopes",
];

/// The tables whose `id` the database assigns.
const WITH_IDS: &[&str] = &[
    "prospects",
    "touches",
    "blocks",
    "wins",
    "outbox",
    "blitzes",
];

/// Rows copied per table.
pub type Counts = Vec<(&'static str, i64)>;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target database already holds data ({0} has rows); migrate-data only writes into an empty database"
    )]
    NotEmpty(&'static str),
    #[error("{table}: {source_rows} rows in the source but {target_rows} in the target")]
    Mismatch {
        table: &'static str,
        source_rows: i64,
        target_rows: i64,
    },
    #[error(
        "the source and the target are the same kind of database; copy from SQLite to PostgreSQL"
    )]
    SameKind,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// What a column holds on the target (PostgreSQL's `information_schema` names).
fn kind(data_type: &str) -> Kind {
    match data_type {
        "bigint" | "integer" | "smallint" => Kind::Int,
        "boolean" => Kind::Bool,
        "timestamp with time zone" => Kind::Time,
        "date" => Kind::Day,
        "bytea" => Kind::Bytes,
        "double precision" | "real" => Kind::Real,
        _ => Kind::Text,
    }
}

async fn count(ex: impl Into<Ex<'_>>, table: &str) -> Result<i64> {
    Ok(sql::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .scalar_one(ex)
        .await?)
}

/// Copies everything in `from` (SQLite) into `to` (PostgreSQL, empty) and returns the rows
/// per table, checked on both sides.
pub async fn copy(from: &str, to: &str) -> Result<Counts, CopyError> {
    if super::is_postgres(from) || !super::is_postgres(to) {
        return Err(CopyError::SameKind);
    }
    let source = Db::open(from).await?;
    let target = Db::open(to).await?;
    let result = copy_between(&source, &target).await;
    source.close().await;
    target.close().await;
    result
}

async fn copy_between(source: &Db, target: &Db) -> Result<Counts, CopyError> {
    let (sql::Reader::Lite(lite), sql::Reader::Pg(pg)) = (source.reader(), target.reader()) else {
        return Err(CopyError::SameKind);
    };
    for table in TABLES {
        if *table != "app_defaults" && count(target.reader(), table).await? > 0 {
            return Err(CopyError::NotEmpty(table));
        }
    }
    let mut tx = Conn::Pg(sqlx::Connection::connect_with(&*pg.connect_options()).await?);
    sql::query("BEGIN").execute(&mut tx).await?;
    // No replica may write meanwhile: hold the write lock that every writer takes.
    sql::query(&format!(
        "SELECT pg_advisory_xact_lock({})",
        super::WRITE_LOCK
    ))
    .execute(&mut tx)
    .await?;
    sql::query("DELETE FROM app_defaults")
        .execute(&mut tx)
        .await?;
    let mut counts = Counts::new();
    for table in TABLES {
        let columns: Vec<(String, String)> = sql::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        )
        .bind(*table)
        .fetch_all(&mut tx)
        .await?;
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        let kinds: Vec<Kind> = columns.iter().map(|(_, t)| kind(t)).collect();
        let order = if WITH_IDS.contains(table) {
            " ORDER BY id"
        } else {
            ""
        };
        let select = format!("SELECT {} FROM {table}{order}", names.join(", "));
        // PostgreSQL takes at most 65,535 parameters in one statement.
        let per_insert = (60_000 / names.len()).max(1);
        let mut rows = sqlx::query(&select).fetch(lite);
        let mut batch: Vec<Arg<'static>> = Vec::with_capacity(per_insert * names.len());
        let mut copied = 0i64;
        while let Some(row) = rows.try_next().await? {
            for (i, k) in kinds.iter().enumerate() {
                batch.push(read(&row, i, *k)?);
            }
            if batch.len() >= per_insert * names.len() {
                copied += insert(&mut tx, table, &names, &mut batch).await?;
            }
        }
        copied += insert(&mut tx, table, &names, &mut batch).await?;
        if WITH_IDS.contains(table) {
            sql::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            ))
            .execute(&mut tx)
            .await?;
        }
        let source_rows = count(lite, table).await?;
        let target_rows = count(&mut tx, table).await?;
        if source_rows != target_rows || copied != target_rows {
            sql::query("ROLLBACK").execute(&mut tx).await?;
            return Err(CopyError::Mismatch {
                table,
                source_rows,
                target_rows,
            });
        }
        counts.push((table, target_rows));
    }
    sql::query("COMMIT").execute(&mut tx).await?;
    Ok(counts)
}

/// Column `i` of a SQLite row, as the target's type.
fn read(row: &sqlx::sqlite::SqliteRow, i: usize, kind: Kind) -> Result<Arg<'static>, sqlx::Error> {
    let value = match kind {
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Arg::Int),
        Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Arg::Bool),
        Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Arg::Real),
        Kind::Time => row.try_get::<Option<DateTime<Utc>>, _>(i)?.map(Arg::Time),
        Kind::Day => row.try_get::<Option<NaiveDate>, _>(i)?.map(Arg::Day),
        Kind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map(|b| Arg::Bytes(b.into())),
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map(|s| Arg::Text(s.into())),
    };
    Ok(value.unwrap_or(Arg::Null(kind)))
}

/// Inserts the rows in `batch` (flattened) and empties it; the rows inserted.
async fn insert(
    tx: &mut Conn,
    table: &str,
    names: &[&str],
    batch: &mut Vec<Arg<'static>>,
) -> Result<i64, sqlx::Error> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows = batch.len() / names.len();
    let one = format!("({})", vec!["?"; names.len()].join(", "));
    let statement = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        vec![one; rows].join(", ")
    );
    let mut query = sql::query(&statement);
    for arg in batch.drain(..) {
        query = query.bind(arg);
    }
    query.execute(&mut *tx).await?;
    Ok(rows as i64)
}
