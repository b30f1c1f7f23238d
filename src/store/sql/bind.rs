//! What can be bound to a statement, and how each backend receives it.
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;

/// A bound value. A NULL keeps its type: PostgreSQL will not store a text NULL in a bigint.
#[derive(Debug, Clone)]
pub enum Arg<'q> {
    Null(Kind),
    Int(i64),
    Bool(bool),
    Real(f64),
    Text(Cow<'q, str>),
    Time(DateTime<Utc>),
    Day(NaiveDate),
    /// A file's bytes: a BLOB in SQLite, a `bytea` in PostgreSQL.
    Bytes(Cow<'q, [u8]>),
}

/// The type of a NULL.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Int,
    Bool,
    Real,
    Text,
    Time,
    Day,
    Bytes,
}

/// What can be bound to a placeholder.
pub trait Bind<'q> {
    fn arg(self) -> Arg<'q>;
    /// The NULL of this type (for `None`).
    fn null() -> Arg<'q>
    where
        Self: Sized,
    {
        Arg::Null(Kind::Text)
    }
}

impl<'q> Bind<'q> for Arg<'q> {
    fn arg(self) -> Arg<'q> {
        self
    }
}
impl<'q> Bind<'q> for &'q str {
    fn arg(self) -> Arg<'q> {
        Arg::Text(Cow::Borrowed(self))
    }
}
impl<'q> Bind<'q> for &'q String {
    fn arg(self) -> Arg<'q> {
        Arg::Text(Cow::Borrowed(self))
    }
}
impl<'q> Bind<'q> for String {
    fn arg(self) -> Arg<'q> {
        Arg::Text(Cow::Owned(self))
    }
}
impl<'q> Bind<'q> for &'q [u8] {
    fn arg(self) -> Arg<'q> {
        Arg::Bytes(Cow::Borrowed(self))
    }
}
impl<'q> Bind<'q> for i64 {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Int)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Int(self)
    }
}
impl<'q> Bind<'q> for &i64 {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Int)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Int(*self)
    }
}
impl<'q> Bind<'q> for u32 {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Int)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Int(self.into())
    }
}
impl<'q> Bind<'q> for bool {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Bool)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Bool(self)
    }
}
impl<'q> Bind<'q> for DateTime<Utc> {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Time)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Time(self)
    }
}
impl<'q> Bind<'q> for NaiveDate {
    fn null() -> Arg<'q> {
        Arg::Null(Kind::Day)
    }
    fn arg(self) -> Arg<'q> {
        Arg::Day(self)
    }
}
impl<'q> Bind<'q> for &'q crate::domain::text::UserText {
    fn arg(self) -> Arg<'q> {
        Arg::Text(Cow::Borrowed(self.raw()))
    }
}
impl<'q, T: Bind<'q>> Bind<'q> for Option<T> {
    fn arg(self) -> Arg<'q> {
        self.map_or_else(T::null, Bind::arg)
    }
}
impl<'q, T> Bind<'q> for &'q Option<T>
where
    &'q T: Bind<'q>,
{
    fn arg(self) -> Arg<'q> {
        self.as_ref().map_or_else(<&'q T>::null, Bind::arg)
    }
}

/// A value stored as text (the vocabularies) binds as its text.
impl<'q, T: crate::domain::TextValue> Bind<'q> for T {
    fn arg(self) -> Arg<'q> {
        Arg::Text(Cow::Owned(self.to_text()))
    }
}

/// Fills a backend's argument buffer; `$time` turns an instant into what the backend stores.
macro_rules! arguments {
    ($args:ident, $buffer:ty, $time:expr, $null_time:ty) => {{
        use sqlx::Arguments;
        let mut out = <$buffer>::default();
        for arg in $args {
            match arg {
                Arg::Null(Kind::Int) => out.add(None::<i64>),
                Arg::Null(Kind::Bool) => out.add(None::<bool>),
                Arg::Null(Kind::Real) => out.add(None::<f64>),
                Arg::Null(Kind::Text) => out.add(None::<String>),
                Arg::Null(Kind::Time) => out.add(None::<$null_time>),
                Arg::Null(Kind::Day) => out.add(None::<NaiveDate>),
                Arg::Null(Kind::Bytes) => out.add(None::<Vec<u8>>),
                Arg::Int(i) => out.add(i),
                Arg::Bool(b) => out.add(b),
                Arg::Real(f) => out.add(f),
                Arg::Text(Cow::Borrowed(t)) => out.add(t),
                Arg::Text(Cow::Owned(t)) => out.add(t),
                Arg::Time(t) => out.add($time(t)),
                Arg::Day(d) => out.add(d),
                Arg::Bytes(Cow::Borrowed(b)) => out.add(b),
                Arg::Bytes(Cow::Owned(b)) => out.add(b),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(out)
    }};
}

/// SQLite keeps instants as RFC 3339 text (`store::ts`), as it always has.
pub(super) fn lite_arguments(
    args: Vec<Arg<'_>>,
) -> sqlx::Result<sqlx::sqlite::SqliteArguments<'_>> {
    arguments!(
        args,
        sqlx::sqlite::SqliteArguments<'_>,
        super::super::ts,
        String
    )
}

/// PostgreSQL keeps instants as `timestamptz`.
pub(super) fn pg_arguments(args: Vec<Arg<'_>>) -> sqlx::Result<sqlx::postgres::PgArguments> {
    arguments!(args, sqlx::postgres::PgArguments, |t| t, DateTime<Utc>)
}
