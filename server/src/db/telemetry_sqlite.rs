//! The SQLite half of telemetry ingest and retention: multi-row `insert … values` in chunks
//! under the bound-parameter limit (32,766), all inside the caller's one transaction.

use std::collections::HashSet;

use sqlx::{QueryBuilder, Sqlite, Transaction};
use store::StoreError;

use crate::db::store_error;
use crate::db::telemetry_sql::{
    LIVE_COLUMNS, LiveUpdate, RAW_COLUMNS, bucket_of, counter, live_conflict_clause, small,
};

/// Rows per raw `insert`: 7 parameters each, well under the limit; larger statements gained
/// nothing in the ingest bench.
const RAW_ROWS_PER_STATEMENT: usize = 2_000;
/// Rows per live upsert: 25 parameters each.
const LIVE_ROWS_PER_STATEMENT: usize = 1_000;

/// Which of `miner_ids` belong to `site_id`.
pub async fn known_miners(
    tx: &mut Transaction<'_, Sqlite>,
    site_id: i64,
    miner_ids: &[i64],
) -> Result<HashSet<i64>, StoreError> {
    let ids = serde_json::to_string(miner_ids).map_err(|e| StoreError::Backend(Box::new(e)))?;
    let known: Vec<i64> = sqlx::query_scalar(
        "select miner_id from miner
         where site_id = $1 and miner_id in (select value from json_each($2))",
    )
    .bind(site_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await
    .map_err(store_error)?;
    Ok(known.into_iter().collect())
}

/// Writes the raw samples, skipping those already stored; returns how many were new.
pub async fn insert_raw(
    tx: &mut Transaction<'_, Sqlite>,
    samples: &[&domain::telemetry::TelemetrySample],
) -> Result<usize, StoreError> {
    let mut inserted = 0;
    for chunk in samples.chunks(RAW_ROWS_PER_STATEMENT) {
        let mut query =
            QueryBuilder::<Sqlite>::new(format!("insert into telemetry_raw ({RAW_COLUMNS}) "));
        query.push_values(chunk, |mut row, s| {
            row.push_bind(bucket_of(s.taken_at_ms))
                .push_bind(s.miner_id)
                .push_bind(s.taken_at_ms)
                .push_bind(s.online)
                .push_bind(s.hashrate_hs)
                .push_bind(s.power_w)
                .push_bind(s.temp_max_c);
        });
        query.push(" on conflict do nothing");
        let done = query
            .build()
            .execute(&mut **tx)
            .await
            .map_err(store_error)?;
        inserted += usize::try_from(done.rows_affected()).unwrap_or(usize::MAX);
    }
    Ok(inserted)
}

/// Upserts the live row of each miner (see `live_conflict_clause`).
pub async fn upsert_live(
    tx: &mut Transaction<'_, Sqlite>,
    site_id: i64,
    updates: &[LiveUpdate<'_>],
) -> Result<(), StoreError> {
    let conflict = live_conflict_clause();
    for chunk in updates.chunks(LIVE_ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "insert into miner_live ({}) ",
            LIVE_COLUMNS.join(", ")
        ));
        query.push_values(chunk, |mut row, live| {
            let s = live.sample;
            row.push_bind(s.miner_id)
                .push_bind(site_id)
                .push_bind(s.taken_at_ms)
                .push_bind(live.last_seen_ms)
                .push_bind(s.online)
                .push_bind(s.is_mining)
                .push_bind(s.hashrate_hs)
                .push_bind(s.expected_hashrate_hs)
                .push_bind(s.power_w)
                .push_bind(s.power_estimated)
                .push_bind(s.temp_max_c)
                .push_bind(s.temp_avg_c)
                .push_bind(small(s.fan_min_rpm))
                .push_bind(small(s.fan_max_rpm))
                .push_bind(s.boards_total.map(i32::from))
                .push_bind(s.boards_active.map(i32::from))
                .push_bind(s.pool_url.clone())
                .push_bind(s.pool_user.clone())
                .push_bind(counter(s.accepted_shares))
                .push_bind(counter(s.rejected_shares))
                .push_bind(counter(s.hardware_errors))
                .push_bind(counter(s.uptime_s))
                .push_bind(s.firmware_version.clone())
                .push_bind(s.model_reported.clone())
                .push_bind(s.message.clone());
        });
        // SQLite parses `values (…) on conflict` fine; only `select … on conflict` is ambiguous.
        query.push(&conflict);
        query
            .build()
            .execute(&mut **tx)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// Per-miner rollups before `$1`, one seek per miner in the miner-first key (a plain range
/// on `bucket_ms` would scan the whole table).
pub const PURGE_5M: &str = "
    delete from telemetry_5m
    where miner_id in (select miner_id from miner) and bucket_ms < $1";

pub const PURGE_DAILY: &str = "
    delete from telemetry_daily
    where miner_id in (select miner_id from miner) and day_ms < $1";
