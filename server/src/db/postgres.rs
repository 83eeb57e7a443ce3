//! PostgreSQL: the production engine, shared by every server replica.

use std::str::FromStr;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::DatabaseUrl;
use crate::db::store_impl::impl_store;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url.expose())?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
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

impl_store!(PgStore, "postgres");
