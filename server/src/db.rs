//! Storage: picks SQLite or PostgreSQL by the scheme of the database URL, applies migrations,
//! and hands out the `Store` the app uses.

mod account_rows;
mod account_sql;
mod accounts_impl;
mod alerts_impl;
pub mod exec;
mod fleet_impl;
mod fleet_import;
mod fleet_rows;
mod fleet_sql;
mod fleet_store_impl;
pub mod postgres;
mod rows;
pub mod sqlite;
pub mod store_impl;
mod telemetry_impl;
mod telemetry_postgres;
mod telemetry_rows;
mod telemetry_sql;
mod telemetry_sqlite;

use std::sync::Arc;

use anyhow::{Context, bail};
use store::{Store, StoreError};

use crate::config::{DatabaseSettings, DatabaseUrl};

/// The engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine's name, as `hashinsight` reports it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    pub fn of(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let url = url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            bail!(
                "database URL {} must start with postgres:// or sqlite://",
                url_scheme(url)
            )
        }
    }
}

fn url_scheme(url: &str) -> String {
    url.split_once(':')
        .map_or_else(|| "(no scheme)".to_owned(), |(s, _)| format!("{s}:"))
}

/// The URL in effect: the configured one, or the default SQLite file.
pub fn effective_url(settings: &DatabaseSettings) -> DatabaseUrl {
    settings.url.clone().unwrap_or_else(|| {
        DatabaseUrl::new(format!(
            "sqlite://{}",
            settings.data_dir.join("hashinsight.db").display()
        ))
    })
}

/// Connects, applies pending migrations and returns the store.
pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Arc<dyn Store>> {
    let url = effective_url(settings);
    let store: Arc<dyn Store> = match Engine::of(&url)? {
        Engine::Sqlite => Arc::new(
            sqlite::connect(&url, settings)
                .await
                .with_context(|| format!("opening SQLite database {url}"))?,
        ),
        Engine::Postgres => Arc::new(
            postgres::connect(&url, settings)
                .await
                .with_context(|| format!("connecting to PostgreSQL {url}"))?,
        ),
    };
    tracing::info!(engine = store.engine(), url = %url, "database ready, migrations applied");
    Ok(store)
}

/// `hashinsight migrate`: what `open` does, then exit.
pub async fn migrate_only(settings: &DatabaseSettings) -> anyhow::Result<()> {
    open(settings).await.map(drop)
}

/// The store on either engine: every domain's statements, written once over [`exec::Db`].
pub struct SqlStore {
    db: exec::Db,
}

impl SqlStore {
    pub(crate) const fn new(db: exec::Db) -> Self {
        Self { db }
    }

    /// How the fleet statements spell what the engines spell differently.
    pub(crate) const fn dialect(&self) -> fleet_sql::Dialect {
        match self.db.engine() {
            Engine::Sqlite => fleet_sql::Dialect::Sqlite,
            Engine::Postgres => fleet_sql::Dialect::Postgres,
        }
    }

    /// `sqlite` or `postgres`, by the engine in use: for the few statements that differ.
    pub(crate) const fn per_engine<T: Copy>(&self, sqlite: T, postgres: T) -> T {
        match self.db.engine() {
            Engine::Sqlite => sqlite,
            Engine::Postgres => postgres,
        }
    }
}

/// Maps driver errors to what the app can act on.
pub(crate) fn store_error(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() || db.is_foreign_key_violation() => {
            StoreError::Conflict {
                // SQLite names no constraint; its message ("UNIQUE constraint failed:
                // miner.serial") says which columns collided.
                constraint: db
                    .constraint()
                    .map_or_else(|| db.message().to_owned(), ToOwned::to_owned),
            }
        }
        other => StoreError::Backend(Box::new(other)),
    }
}
