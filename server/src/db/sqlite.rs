//! SQLite: the embedded default. One file, WAL journal so readers never wait for the writer.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::config::{DatabaseSettings, DatabaseUrl};
use crate::db::accounts_impl::impl_accounts;
use crate::db::alerts_impl::impl_alerts;
use crate::db::fleet_impl::impl_fleet;
use crate::db::store_impl::impl_store;
use crate::db::telemetry_impl::impl_telemetry;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed, with its folder) the database file and migrates it.
    pub async fn connect(url: &DatabaseUrl, settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url.expose())?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable with WAL except for the last transactions on power loss.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .connect_with(options)
            .await?;
        Self::from_pool(pool).await
    }

    /// Migrates the pool's database and wraps it.
    pub async fn from_pool(pool: SqlitePool) -> anyhow::Result<Self> {
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl_accounts!(SqliteStore);
impl_alerts!(SqliteStore);
impl_store!(SqliteStore, "sqlite");
impl_fleet!(
    SqliteStore,
    sqlx::Sqlite,
    crate::db::fleet_sql::Dialect::Sqlite
);
impl_telemetry!(SqliteStore, telemetry_sqlite);
