//! SQLite: the embedded default. One file, WAL journal so readers never wait for the writer.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::config::{DatabaseSettings, DatabaseUrl};
use crate::db::SqlStore;
use crate::db::exec::Db;

/// Opens (creating if needed, with its folder) the database file and migrates it.
pub async fn connect(url: &DatabaseUrl, settings: &DatabaseSettings) -> anyhow::Result<SqlStore> {
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
    from_pool(pool).await
}

/// Migrates the pool's database and wraps it.
pub async fn from_pool(pool: SqlitePool) -> anyhow::Result<SqlStore> {
    migrate(&pool, &MIGRATOR).await?;
    Ok(SqlStore::new(Db::Sqlite(pool)))
}

/// The SQLite migrations, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// Applies the pending migrations of `migrator` on one connection of the pool with foreign keys
/// off, as SQLite asks for changes of schema: a migration that rebuilds a table drops the old
/// one, which with foreign keys on would first delete every row referencing it `on delete
/// cascade` (the pragma is a no-op inside the transaction sqlx wraps each migration in, so it is
/// set around the run). Such a migration checks the references itself before it commits. The
/// connection goes back to the pool with foreign keys on, or is closed.
pub async fn migrate(pool: &SqlitePool, migrator: &Migrator) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("pragma foreign_keys = off")
        .execute(&mut *conn)
        .await?;
    let applied = migrator.run(&mut *conn).await;
    let restored = foreign_keys_on(&mut conn).await;
    if !matches!(restored, Ok(true)) {
        // Never handed out again with foreign keys off.
        let _ = conn.close().await;
    }
    applied?;
    anyhow::ensure!(restored?, "foreign keys stayed off after the migrations");
    Ok(())
}

/// Turns foreign keys back on; whether they are.
async fn foreign_keys_on(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    sqlx::query("pragma foreign_keys = on")
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("pragma foreign_keys")
        .fetch_one(&mut *conn)
        .await
}
