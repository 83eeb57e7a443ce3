//! What the server benches share: a throw-away PostgreSQL schema for one run, so a bench never
//! touches another's tables (or a developer's).

use sqlx::Connection;

/// A schema of its own on `TEST_POSTGRES_URL`, and the URL that puts it first on the search
/// path.
pub struct PgSchema {
    base: String,
    schema: String,
    pub url: String,
}

impl PgSchema {
    /// Creates the schema; `None` when `TEST_POSTGRES_URL` is not set (the bench then says
    /// PostgreSQL was skipped).
    pub async fn create() -> Option<Self> {
        let base = std::env::var("TEST_POSTGRES_URL")
            .ok()
            .filter(|url| !url.is_empty())?;
        let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::raw_sql(&format!("create schema {schema}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(Self { base, schema, url })
    }

    /// Drops the schema and everything in it.
    pub async fn drop(self) {
        let mut conn = sqlx::PgConnection::connect(&self.base).await.unwrap();
        sqlx::raw_sql(&format!("drop schema {} cascade", self.schema))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}
