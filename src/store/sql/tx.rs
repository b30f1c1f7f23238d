//! Where a business write's statements run: [`Tx`]. Through sqlx (PostgreSQL, a reader, or
//! SQLite's writer connection), or — inside SQLite's writer — on the connection's own handle,
//! in-thread ([`super::super::direct`]), with no hand-off to sqlx's worker per statement.
//!
//! A store function written against `Tx` is written once and runs on either: its statements
//! use the `*_on` methods of [`Query`], which take a `Tx`, and its rows decode both ways (sqlx's
//! `FromRow` and [`LiteRow`]). Which way a write runs is the writer's choice, never the
//! caller's. On the in-thread way every `await` is ready at once (nothing waits), which is
//! what lets the writer run the same `async` code synchronously under one lock of the handle.
use super::super::direct::{self, Direct};
use super::{Arg, Conn, Done, Ex, Query, Reader, Row, Scalar};
use crate::domain::TextValue;
use crate::domain::text::UserText;
use crate::domain::time::{Local, WorkDays, parse_tz};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{FromSqlError, FromSqlResult, ToSqlOutput, Value, ValueRef};

/// The transaction (or reader) a store function's statements run on.
pub enum Tx<'e> {
    Sqlx(Ex<'e>),
    /// SQLite's writer connection, in-thread.
    InThread(&'e Direct),
}

impl Tx<'_> {
    /// Whether the statements go to PostgreSQL (for the few that differ by more than their
    /// text: SQLite has no data-modifying `WITH`).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Sqlx(Ex::Pg(_) | Ex::PgPool(_)))
    }

    /// Whether the statements run in-thread on SQLite's writer handle.
    pub fn in_thread(&self) -> bool {
        matches!(self, Tx::InThread(_))
    }
}

impl<'a, 'b: 'a> From<&'a mut Tx<'b>> for Tx<'a> {
    fn from(tx: &'a mut Tx<'b>) -> Self {
        match tx {
            Tx::Sqlx(ex) => Tx::Sqlx(ex.reborrow()),
            Tx::InThread(d) => Tx::InThread(d),
        }
    }
}

impl<'e> From<&'e mut Conn> for Tx<'e> {
    fn from(c: &'e mut Conn) -> Self {
        Tx::Sqlx(c.into())
    }
}

impl<'e> From<&'e Reader> for Tx<'e> {
    fn from(r: &'e Reader) -> Self {
        Tx::Sqlx(r.into())
    }
}

impl<'q> Query<'q> {
    pub async fn execute_on<'e>(self, tx: impl Into<Tx<'e>>) -> sqlx::Result<Done> {
        match tx.into() {
            Tx::Sqlx(ex) => self.execute(ex).await,
            Tx::InThread(d) => {
                self.in_thread(d, |s, p| s.execute(p).map(|n| Done { rows: n as u64 }))
            }
        }
    }

    pub async fn fetch_one_on<'e, T: Row + LiteRow>(
        self,
        tx: impl Into<Tx<'e>>,
    ) -> sqlx::Result<T> {
        match tx.into() {
            Tx::Sqlx(ex) => self.fetch_one(ex).await,
            Tx::InThread(d) => self.in_thread(d, |s, p| s.query_row(p, T::from_lite)),
        }
    }

    pub async fn fetch_optional_on<'e, T: Row + LiteRow>(
        self,
        tx: impl Into<Tx<'e>>,
    ) -> sqlx::Result<Option<T>> {
        match tx.into() {
            Tx::Sqlx(ex) => self.fetch_optional(ex).await,
            Tx::InThread(d) => self.in_thread(d, |s, p| {
                let mut rows = s.query(p)?;
                rows.next()?.map(T::from_lite).transpose()
            }),
        }
    }

    pub async fn fetch_all_on<'e, T: Row + LiteRow>(
        self,
        tx: impl Into<Tx<'e>>,
    ) -> sqlx::Result<Vec<T>> {
        match tx.into() {
            Tx::Sqlx(ex) => self.fetch_all(ex).await,
            Tx::InThread(d) => self.in_thread(d, |s, p| s.query_map(p, T::from_lite)?.collect()),
        }
    }

    pub async fn scalar_one_on<'e, T: Scalar + LiteValue>(
        self,
        tx: impl Into<Tx<'e>>,
    ) -> sqlx::Result<T> {
        match tx.into() {
            Tx::Sqlx(ex) => self.scalar_one(ex).await,
            Tx::InThread(d) => self.in_thread(d, |s, p| s.query_row(p, |row| col(row, 0))),
        }
    }

    pub async fn scalar_optional_on<'e, T: Scalar + LiteValue>(
        self,
        tx: impl Into<Tx<'e>>,
    ) -> sqlx::Result<Option<T>> {
        match tx.into() {
            Tx::Sqlx(ex) => self.scalar_optional(ex).await,
            Tx::InThread(d) => self.in_thread(d, |s, p| {
                let mut rows = s.query(p)?;
                rows.next()?.map(|row| col(row, 0)).transpose()
            }),
        }
    }

    /// Prepares the statement (SQLite's form, cached on the connection), binds the arguments
    /// and hands both to `run`.
    fn in_thread<T>(
        self,
        d: &Direct,
        run: impl FnOnce(
            &mut rusqlite::CachedStatement<'_>,
            rusqlite::ParamsFromIter<std::slice::Iter<'_, Arg<'q>>>,
        ) -> rusqlite::Result<T>,
    ) -> sqlx::Result<T> {
        d.with(|c| {
            let mut statement = c.prepare_cached(self.sqlite)?;
            run(&mut statement, rusqlite::params_from_iter(self.args.iter()))
        })
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => sqlx::Error::RowNotFound,
            e => direct::error(e),
        })
    }
}

/// A value bound in-thread is stored exactly as sqlx stores it in SQLite: an instant as
/// RFC 3339 text ([`super::super::ts`]), a day as `YYYY-MM-DD`, a bool as 0 or 1.
impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Null(_) => ToSqlOutput::Owned(Value::Null),
            Arg::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Arg::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            Arg::Real(f) => ToSqlOutput::Owned(Value::Real(*f)),
            Arg::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Arg::Time(t) => ToSqlOutput::Owned(Value::Text(super::super::ts(*t))),
            Arg::Day(d) => ToSqlOutput::Owned(Value::Text(d.to_string())),
            Arg::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

/// A column decoded from a row read in-thread, as sqlx would decode it from SQLite.
pub trait LiteValue: Sized {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self>;
}

/// A row decoded in-thread, as its `sqlx::FromRow` decodes it from SQLite.
pub trait LiteRow: Sized {
    fn from_lite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// Implements [`LiteRow`] for a struct whose fields are its columns, by name, as
/// `#[derive(sqlx::FromRow)]` decodes it; `local` names a flattened [`Local`] (`tz`,
/// `work_days`). Every field must be listed: a missing or unknown one does not compile.
macro_rules! lite_row {
    ($ty:ident { $($field:ident),* $(,)? } $(, $local:ident: Local)?) => {
        impl $crate::store::sql::LiteRow for $ty {
            fn from_lite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok($ty {
                    $($field: $crate::store::sql::col(row, stringify!($field))?,)*
                    $($local: <$crate::domain::time::Local as $crate::store::sql::LiteRow>::from_lite(row)?,)?
                })
            }
        }
    };
}
pub(in crate::store) use lite_row;

/// The column `index` (a position or a name) of a row read in-thread.
pub fn col<T: LiteValue>(
    row: &rusqlite::Row<'_>,
    index: impl rusqlite::RowIndex,
) -> rusqlite::Result<T> {
    let i = index.idx(row.as_ref())?;
    let value = row.get_ref(i)?;
    T::from_lite(value).map_err(|e| match e {
        FromSqlError::InvalidType => rusqlite::Error::InvalidColumnType(
            i,
            row.as_ref().column_name(i).unwrap_or("?").into(),
            value.data_type(),
        ),
        e => rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e)),
    })
}

fn other(message: String) -> FromSqlError {
    FromSqlError::Other(message.into())
}

impl LiteValue for i64 {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64()
    }
}

impl LiteValue for bool {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64().map(|i| i != 0)
    }
}

impl LiteValue for f64 {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Integer(i) => Ok(i as f64),
            value => value.as_f64(),
        }
    }
}

impl LiteValue for String {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl LiteValue for UserText {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(UserText::from)
    }
}

/// An instant as SQLite stores it ([`super::super::ts`]; sqlx's own form read too).
impl LiteValue for DateTime<Utc> {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.to_utc())
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
                    .map(|t| t.and_utc())
            })
            .map_err(|e| other(format!("time {text:?}: {e}")))
    }
}

/// A day as SQLite stores it: `YYYY-MM-DD`.
impl LiteValue for NaiveDate {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        text.parse()
            .map_err(|e| other(format!("day {text:?}: {e}")))
    }
}

/// A vocabulary stored as its text.
impl<T: TextValue> LiteValue for T {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        T::from_text(value.as_str()?).map_err(other)
    }
}

impl<T: LiteValue> LiteValue for Option<T> {
    fn from_lite(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(None),
            value => T::from_lite(value).map(Some),
        }
    }
}

/// A member's zone and working week, from the `tz` and `work_days` columns (as
/// `members::LOCAL` selects them).
impl LiteRow for Local {
    fn from_lite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let zone: String = col(row, "tz")?;
        Ok(Local {
            tz: parse_tz(&zone).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown time zone {zone:?}").into(),
                )
            })?,
            work_days: WorkDays::from(col::<i64>(row, "work_days")?),
        })
    }
}

impl<A: LiteValue, B: LiteValue> LiteRow for (A, B) {
    fn from_lite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((col(row, 0)?, col(row, 1)?))
    }
}

impl<A: LiteValue, B: LiteValue, C: LiteValue> LiteRow for (A, B, C) {
    fn from_lite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((col(row, 0)?, col(row, 1)?, col(row, 2)?))
    }
}
