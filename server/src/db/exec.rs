//! A small executor that runs one portable statement on either engine.
//!
//! Each statement is written once, as text with `$n` placeholders, in a plain function: the
//! arguments are collected as [`Arg`] values and bound for the engine in use when the
//! statement runs, and rows decode through the same `FromRow` derive on both. Only telemetry
//! ingest, rollup and purge keep per-engine code, which reaches the typed transaction through
//! [`Tx`]. Why this and not `sqlx::Any`: docs/performance.md, "Portable SQL".

use std::borrow::Cow;
use std::marker::PhantomData;

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{
    Arguments, Decode, FromRow, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection,
    SqlitePool, Transaction, Type,
};

use store::StoreError;

use crate::db::Engine;

/// The pool of the engine the database URL chose.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub const fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a transaction the engine's default way.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Starts a transaction with `statement` (e.g. SQLite's `begin immediate`).
    pub async fn begin_with(&self, statement: &'static str) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with(statement).await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin_with(statement).await?),
        })
    }
}

/// An open transaction on either engine; dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.commit().await,
            Self::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Where a statement runs: the pool (a connection of its own) or an open transaction.
pub enum On<'c> {
    SqlitePool(&'c SqlitePool),
    SqliteConn(&'c mut SqliteConnection),
    PgPool(&'c PgPool),
    PgConn(&'c mut PgConnection),
}

impl<'c> From<&'c Db> for On<'c> {
    fn from(db: &'c Db) -> Self {
        match db {
            Db::Sqlite(pool) => Self::SqlitePool(pool),
            Db::Postgres(pool) => Self::PgPool(pool),
        }
    }
}

impl<'c> From<&'c mut Tx> for On<'c> {
    fn from(tx: &'c mut Tx) -> Self {
        match tx {
            Tx::Sqlite(tx) => Self::SqliteConn(&mut *tx),
            Tx::Postgres(tx) => Self::PgConn(&mut *tx),
        }
    }
}

/// One bound value. Every kind is nullable, so `Option`s bind as SQL `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    I64(Option<i64>),
    I32(Option<i32>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<Cow<'a, str>>),
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::I64(Some(value))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Self::I64(value)
    }
}

impl From<i32> for Arg<'_> {
    fn from(value: i32) -> Self {
        Self::I32(Some(value))
    }
}

impl From<Option<i32>> for Arg<'_> {
    fn from(value: Option<i32>) -> Self {
        Self::I32(value)
    }
}

impl From<f64> for Arg<'_> {
    fn from(value: f64) -> Self {
        Self::F64(Some(value))
    }
}

impl From<Option<f64>> for Arg<'_> {
    fn from(value: Option<f64>) -> Self {
        Self::F64(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(Some(value))
    }
}

impl From<Option<bool>> for Arg<'_> {
    fn from(value: Option<bool>) -> Self {
        Self::Bool(value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(Some(Cow::Borrowed(value)))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(Some(Cow::Borrowed(value)))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Self::Text(Some(Cow::Owned(value)))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Self::Text(value.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(value: &'a Option<String>) -> Self {
        Self::Text(value.as_deref().map(Cow::Borrowed))
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(value: Option<String>) -> Self {
        Self::Text(value.map(Cow::Owned))
    }
}

fn sqlite_args(args: Vec<Arg<'_>>) -> Result<SqliteArguments<'_>, sqlx::Error> {
    let mut out = SqliteArguments::default();
    for arg in args {
        match arg {
            Arg::I64(v) => out.add(v),
            Arg::I32(v) => out.add(v),
            Arg::F64(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Text(v) => out.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

fn pg_args(args: Vec<Arg<'_>>) -> Result<PgArguments, sqlx::Error> {
    let mut out = PgArguments::default();
    for arg in args {
        match arg {
            Arg::I64(v) => out.add(v),
            Arg::I32(v) => out.add(v),
            Arg::F64(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Text(v) => out.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

/// Runs `$body` with `$e` bound to the pool or connection `$on` names: the body is the same
/// text per engine but types differently, so it is spelled once here. No SQL lives in it.
macro_rules! on_engine {
    ($on:expr, |$e:ident, $build:ident| sqlite: $sqlite:expr, postgres: $pg:expr) => {
        match $on {
            On::SqlitePool($e) => {
                let $build = sqlite_args;
                $sqlite
            }
            On::SqliteConn($e) => {
                let $build = sqlite_args;
                $sqlite
            }
            On::PgPool($e) => {
                let $build = pg_args;
                $pg
            }
            On::PgConn($e) => {
                let $build = pg_args;
                $pg
            }
        }
    };
}

/// What a statement without rows reports.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub const fn rows_affected(self) -> u64 {
        self.rows_affected
    }

    /// `NotFound` when the statement touched no row: an update or delete of something that is
    /// not there (or not the caller's).
    pub const fn found(self) -> Result<(), StoreError> {
        if self.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

/// A statement and its arguments, not yet run.
#[must_use = "a query does nothing until it is executed or fetched"]
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg<'q>>,
    persistent: bool,
}

/// A statement over `sql`; prepared once per connection and cached, unless told otherwise.
pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
        persistent: true,
    }
}

/// A statement whose rows decode as `R`.
pub fn query_as<R>(sql: &str) -> QueryAs<'_, R> {
    QueryAs {
        query: query(sql),
        row: PhantomData,
    }
}

/// A statement whose rows are one column, decoded as `T`.
pub fn query_scalar<T>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar {
        query: query(sql),
        value: PhantomData,
    }
}

impl<'q> Query<'q> {
    /// Binds the next `$n`.
    pub fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// `false` for text built per call (chunked `in` lists), which would only fill the cache.
    pub const fn persistent(mut self, persistent: bool) -> Self {
        self.persistent = persistent;
        self
    }

    pub async fn execute<'c>(self, on: impl Into<On<'c>>) -> Result<Done, sqlx::Error> {
        let Self {
            sql,
            args,
            persistent,
        } = self;
        let rows_affected = on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_with(sql, build(args)?)
                .persistent(persistent)
                .execute(e)
                .await?
                .rows_affected(),
            postgres: sqlx::query_with(sql, build(args)?)
                .persistent(persistent)
                .execute(e)
                .await?
                .rows_affected()
        );
        Ok(Done { rows_affected })
    }
}

/// A row type both engines decode: every `#[derive(sqlx::FromRow)]` whose fields are portable.
pub trait PortableRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<R> PortableRow for R where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A column value both engines decode.
pub trait PortableValue:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}

impl<T> PortableValue for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

#[must_use = "a query does nothing until it is fetched"]
pub struct QueryAs<'q, R> {
    query: Query<'q>,
    row: PhantomData<fn() -> R>,
}

impl<'q, R: PortableRow> QueryAs<'q, R> {
    pub fn bind(self, value: impl Into<Arg<'q>>) -> Self {
        Self {
            query: self.query.bind(value),
            row: PhantomData,
        }
    }

    pub fn persistent(self, persistent: bool) -> Self {
        Self {
            query: self.query.persistent(persistent),
            row: PhantomData,
        }
    }

    pub async fn fetch_all<'c>(self, on: impl Into<On<'c>>) -> Result<Vec<R>, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_as_with(sql, build(args)?).persistent(persistent).fetch_all(e).await,
            postgres: sqlx::query_as_with(sql, build(args)?).persistent(persistent).fetch_all(e).await
        )
    }

    pub async fn fetch_one<'c>(self, on: impl Into<On<'c>>) -> Result<R, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_as_with(sql, build(args)?).persistent(persistent).fetch_one(e).await,
            postgres: sqlx::query_as_with(sql, build(args)?).persistent(persistent).fetch_one(e).await
        )
    }

    pub async fn fetch_optional<'c>(self, on: impl Into<On<'c>>) -> Result<Option<R>, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_as_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_optional(e)
                .await,
            postgres: sqlx::query_as_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_optional(e)
                .await
        )
    }
}

#[must_use = "a query does nothing until it is fetched"]
pub struct QueryScalar<'q, T> {
    query: Query<'q>,
    value: PhantomData<fn() -> T>,
}

impl<'q, T: PortableValue> QueryScalar<'q, T> {
    pub fn bind(self, value: impl Into<Arg<'q>>) -> Self {
        Self {
            query: self.query.bind(value),
            value: PhantomData,
        }
    }

    pub fn persistent(self, persistent: bool) -> Self {
        Self {
            query: self.query.persistent(persistent),
            value: PhantomData,
        }
    }

    pub async fn fetch_all<'c>(self, on: impl Into<On<'c>>) -> Result<Vec<T>, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_all(e)
                .await,
            postgres: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_all(e)
                .await
        )
    }

    pub async fn fetch_one<'c>(self, on: impl Into<On<'c>>) -> Result<T, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_one(e)
                .await,
            postgres: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_one(e)
                .await
        )
    }

    pub async fn fetch_optional<'c>(self, on: impl Into<On<'c>>) -> Result<Option<T>, sqlx::Error> {
        let Query {
            sql,
            args,
            persistent,
        } = self.query;
        on_engine!(on.into(), |e, build|
            sqlite: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_optional(e)
                .await,
            postgres: sqlx::query_scalar_with(sql, build(args)?)
                .persistent(persistent)
                .fetch_optional(e)
                .await
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_bind_as_null_of_their_kind() {
        assert_eq!(Arg::from(None::<i64>), Arg::I64(None));
        assert_eq!(Arg::from(None::<&str>), Arg::Text(None));
        assert_eq!(Arg::from(&None::<String>), Arg::Text(None));
        assert_eq!(Arg::from(Some(2.5)), Arg::F64(Some(2.5)));
    }

    #[test]
    fn borrowed_text_is_not_copied() {
        let serial = String::from("S21-0001");
        assert!(matches!(
            Arg::from(&serial),
            Arg::Text(Some(Cow::Borrowed("S21-0001")))
        ));
    }
}
