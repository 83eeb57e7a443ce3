//! PostgreSQL: the production engine, shared by every server replica.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::{DatabaseSettings, DatabaseUrl};
use crate::db::accounts_impl::impl_accounts;
use crate::db::alerts_impl::impl_alerts;
use crate::db::fleet_impl::impl_fleet;
use crate::db::store_impl::impl_store;
use crate::db::telemetry_impl::impl_telemetry;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &DatabaseUrl, settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url.expose())?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(Duration::from_secs(settings.connect_timeout_secs))
            .connect_with(options)
            .await?;
        Self::from_pool(pool).await
    }

    /// Migrates the pool's database (its `search_path` schema) and wraps it.
    pub async fn from_pool(pool: PgPool) -> anyhow::Result<Self> {
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl_accounts!(PgStore);
impl_alerts!(PgStore);
impl_store!(PgStore, "postgres");
impl_fleet!(
    PgStore,
    sqlx::Postgres,
    crate::db::fleet_sql::Dialect::Postgres
);
impl_telemetry!(PgStore, telemetry_postgres);
