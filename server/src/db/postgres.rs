//! PostgreSQL: the production engine, shared by every server replica.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::{DatabaseSettings, DatabaseUrl};
use crate::db::SqlStore;
use crate::db::exec::Db;

pub async fn connect(url: &DatabaseUrl, settings: &DatabaseSettings) -> anyhow::Result<SqlStore> {
    let options = PgConnectOptions::from_str(url.expose())?;
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .connect_with(options)
        .await?;
    from_pool(pool).await
}

/// Migrates the pool's database (its `search_path` schema) and wraps it.
pub async fn from_pool(pool: PgPool) -> anyhow::Result<SqlStore> {
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(SqlStore::new(Db::Postgres(pool)))
}
