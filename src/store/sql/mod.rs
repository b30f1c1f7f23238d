//! One query, either backend. The store writes each statement once, in SQL that SQLite and
//! PostgreSQL both accept, with `?` placeholders; where the dialects differ a statement carries
//! its PostgreSQL form too ([`Query::postgres`]). At run time the builder binds its arguments to
//! whichever backend the executor holds: `?` becomes `$1, $2, …` for PostgreSQL, a time is
//! RFC 3339 text in SQLite (as it always was) and a `timestamptz` in PostgreSQL, a day is
//! `YYYY-MM-DD` text in SQLite and a `date` in PostgreSQL.
//!
//! Why not sqlx's `Any` driver: it carries no chrono types and unifies no dialect. Why not a
//! trait with two implementations: the ~140 statements are the same SQL in both dialects but
//! for a dozen; writing each twice would double the store and let the two drift.
//!
//! A store function that must also run in-thread inside SQLite's writer (the hot business
//! writes) takes a [`Tx`] instead and runs its statements with the `*_on` methods ([`tx`]):
//! still one body, one SQL text per statement.
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{
    Decode, FromRow, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Type,
};

mod bind;
mod tx;

pub use bind::{Arg, Bind, Kind};
use bind::{lite_arguments, pg_arguments};
pub(super) use tx::lite_row;
pub use tx::{LiteRow, LiteValue, Tx, col};

/// Where a statement runs: a pool of readers or the writer's connection, of either backend.
pub enum Ex<'e> {
    LitePool(&'e SqlitePool),
    Lite(&'e mut SqliteConnection),
    PgPool(&'e PgPool),
    Pg(&'e mut PgConnection),
}

impl Ex<'_> {
    /// The same executor for a shorter while (to run several statements on one connection).
    pub fn reborrow(&mut self) -> Ex<'_> {
        match self {
            Ex::LitePool(p) => Ex::LitePool(p),
            Ex::Lite(c) => Ex::Lite(c),
            Ex::PgPool(p) => Ex::PgPool(p),
            Ex::Pg(c) => Ex::Pg(c),
        }
    }
}

/// The readers' pool.
#[derive(Clone, Debug)]
pub enum Reader {
    Lite(SqlitePool),
    Pg(PgPool),
}

/// The writer's connection (the transaction a piece of work runs in).
#[derive(Debug)]
pub enum Conn {
    Lite(SqliteConnection),
    Pg(PgConnection),
}

impl<'e> From<&'e Reader> for Ex<'e> {
    fn from(r: &'e Reader) -> Self {
        match r {
            Reader::Lite(p) => Ex::LitePool(p),
            Reader::Pg(p) => Ex::PgPool(p),
        }
    }
}

impl<'e> From<&'e mut Conn> for Ex<'e> {
    fn from(c: &'e mut Conn) -> Self {
        match c {
            Conn::Lite(c) => Ex::Lite(c),
            Conn::Pg(c) => Ex::Pg(c),
        }
    }
}

impl<'e> From<&'e mut SqliteConnection> for Ex<'e> {
    fn from(c: &'e mut SqliteConnection) -> Self {
        Ex::Lite(c)
    }
}

impl<'e> From<&'e mut PgConnection> for Ex<'e> {
    fn from(c: &'e mut PgConnection) -> Self {
        Ex::Pg(c)
    }
}

impl<'e> From<&'e SqlitePool> for Ex<'e> {
    fn from(p: &'e SqlitePool) -> Self {
        Ex::LitePool(p)
    }
}

impl<'e> From<&'e PgPool> for Ex<'e> {
    fn from(p: &'e PgPool) -> Self {
        Ex::PgPool(p)
    }
}

/// A statement with its arguments; run it with one of the `fetch_*` or `execute`.
#[must_use]
pub struct Query<'q> {
    sqlite: &'q str,
    postgres: Option<&'q str>,
    args: Vec<Arg<'q>>,
}

pub fn query(sql: &str) -> Query<'_> {
    Query {
        sqlite: sql,
        postgres: None,
        args: Vec::new(),
    }
}

/// A statement whose rows decode into `T` (kept for the call sites' readability: the row type
/// is given where the rows are fetched).
pub fn query_as(sql: &str) -> Query<'_> {
    query(sql)
}

/// A statement whose first column decodes into `T`.
pub fn query_scalar(sql: &str) -> Query<'_> {
    query(sql)
}

/// What a statement changed.
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

/// A type both backends decode a whole row into.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A type both backends decode one column into.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Runs the statement on whichever backend `ex` holds: `$with` is sqlx's `query_with`,
/// `query_as_with` or `query_scalar_with`, `$how` the fetch, `$then` applied to its result.
macro_rules! run {
    ($self:ident, $ex:ident, $with:path, $how:ident, $then:expr) => {{
        let Query {
            sqlite,
            postgres,
            args,
        } = $self;
        match $ex.into() {
            Ex::LitePool(p) => $with(sqlite, lite_arguments(args)?)
                .$how(p)
                .await
                .map($then),
            Ex::Lite(c) => $with(sqlite, lite_arguments(args)?)
                .$how(c)
                .await
                .map($then),
            Ex::PgPool(p) => {
                let sql = pg_placeholders(postgres.unwrap_or(sqlite));
                $with(&sql, pg_arguments(args)?).$how(p).await.map($then)
            }
            Ex::Pg(c) => {
                let sql = pg_placeholders(postgres.unwrap_or(sqlite));
                $with(&sql, pg_arguments(args)?).$how(c).await.map($then)
            }
        }
    }};
}

impl<'q> Query<'q> {
    pub fn bind(mut self, value: impl Bind<'q>) -> Self {
        self.args.push(value.arg());
        self
    }

    /// The statement's PostgreSQL form, where the dialects differ (same arguments, same order).
    pub fn postgres(mut self, sql: &'q str) -> Self {
        self.postgres = Some(sql);
        self
    }

    pub async fn execute<'e>(self, ex: impl Into<Ex<'e>>) -> sqlx::Result<Done> {
        run!(self, ex, sqlx::query_with, execute, |r| Done {
            rows: r.rows_affected()
        })
    }

    pub async fn fetch_all<'e, T: Row>(self, ex: impl Into<Ex<'e>>) -> sqlx::Result<Vec<T>> {
        run!(self, ex, sqlx::query_as_with, fetch_all, |rows| rows)
    }

    pub async fn fetch_one<'e, T: Row>(self, ex: impl Into<Ex<'e>>) -> sqlx::Result<T> {
        run!(self, ex, sqlx::query_as_with, fetch_one, |row| row)
    }

    pub async fn fetch_optional<'e, T: Row>(
        self,
        ex: impl Into<Ex<'e>>,
    ) -> sqlx::Result<Option<T>> {
        run!(self, ex, sqlx::query_as_with, fetch_optional, |row| row)
    }

    /// Streams the rows into `each`, one at a time, never holding them all: for exports of
    /// millions of rows. An error from `each` stops the stream and is returned as
    /// `sqlx::Error::Io`. Returns how many rows were seen.
    pub async fn for_each<'e, T: Row>(
        self,
        ex: impl Into<Ex<'e>>,
        mut each: impl FnMut(T) -> std::io::Result<()>,
    ) -> sqlx::Result<u64> {
        use futures::TryStreamExt;
        let Query {
            sqlite,
            postgres,
            args,
        } = self;
        let mut n = 0u64;
        macro_rules! drain {
            ($stream:expr) => {{
                let mut stream = $stream;
                while let Some(row) = stream.try_next().await? {
                    each(row).map_err(sqlx::Error::Io)?;
                    n += 1;
                }
            }};
        }
        match ex.into() {
            Ex::LitePool(p) => {
                drain!(sqlx::query_as_with::<_, T, _>(sqlite, lite_arguments(args)?).fetch(p))
            }
            Ex::Lite(c) => {
                drain!(sqlx::query_as_with::<_, T, _>(sqlite, lite_arguments(args)?).fetch(c))
            }
            Ex::PgPool(p) => {
                let sql = pg_placeholders(postgres.unwrap_or(sqlite));
                drain!(sqlx::query_as_with::<_, T, _>(&sql, pg_arguments(args)?).fetch(p))
            }
            Ex::Pg(c) => {
                let sql = pg_placeholders(postgres.unwrap_or(sqlite));
                drain!(sqlx::query_as_with::<_, T, _>(&sql, pg_arguments(args)?).fetch(c))
            }
        }
        Ok(n)
    }

    pub async fn scalar_all<'e, T: Scalar>(self, ex: impl Into<Ex<'e>>) -> sqlx::Result<Vec<T>> {
        run!(self, ex, sqlx::query_scalar_with, fetch_all, |values| {
            values
        })
    }

    pub async fn scalar_one<'e, T: Scalar>(self, ex: impl Into<Ex<'e>>) -> sqlx::Result<T> {
        run!(self, ex, sqlx::query_scalar_with, fetch_one, |value| value)
    }

    pub async fn scalar_optional<'e, T: Scalar>(
        self,
        ex: impl Into<Ex<'e>>,
    ) -> sqlx::Result<Option<T>> {
        run!(self, ex, sqlx::query_scalar_with, fetch_optional, |value| {
            value
        })
    }
}

/// `?` → `$1, $2, …`, outside quoted text.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            // `?7` is SQLite's numbered placeholder: `$7` as is.
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_outside_quoted_text() {
        assert_eq!(
            pg_placeholders("SELECT '?' , a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT '?' , a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
        assert_eq!(
            pg_placeholders("a = ?2 OR b = ?1 OR c = ?2"),
            "a = $2 OR b = $1 OR c = $2"
        );
    }
}
