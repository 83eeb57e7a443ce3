//! The PostgreSQL half of telemetry ingest and retention: each column travels as one array
//! and `unnest` turns them back into rows, so a whole batch is one statement with a fixed text
//! (prepared once per connection) whatever its size.

use std::collections::HashSet;

use domain::telemetry::TelemetrySample;
use sqlx::{Postgres, Transaction};
use store::StoreError;

use crate::db::store_error;
use crate::db::telemetry_sql::{
    LIVE_COLUMNS, LiveUpdate, RAW_COLUMNS, bucket_of, counter, live_conflict_clause, small,
};

pub async fn known_miners(
    tx: &mut Transaction<'_, Postgres>,
    site_id: i64,
    miner_ids: &[i64],
) -> Result<HashSet<i64>, StoreError> {
    let known: Vec<i64> =
        sqlx::query_scalar("select miner_id from miner where site_id = $1 and miner_id = any($2)")
            .bind(site_id)
            .bind(miner_ids)
            .fetch_all(&mut **tx)
            .await
            .map_err(store_error)?;
    Ok(known.into_iter().collect())
}

pub async fn insert_raw(
    tx: &mut Transaction<'_, Postgres>,
    samples: &[&TelemetrySample],
) -> Result<usize, StoreError> {
    let column = |f: fn(&TelemetrySample) -> Option<f64>| -> Vec<Option<f64>> {
        samples.iter().map(|s| f(s)).collect()
    };
    let done = sqlx::query(&format!(
        "insert into telemetry_raw ({RAW_COLUMNS})
         select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::boolean[],
                              $5::float8[], $6::float8[], $7::float8[])
         on conflict do nothing"
    ))
    .bind(
        samples
            .iter()
            .map(|s| bucket_of(s.taken_at_ms))
            .collect::<Vec<i64>>(),
    )
    .bind(samples.iter().map(|s| s.miner_id).collect::<Vec<i64>>())
    .bind(samples.iter().map(|s| s.taken_at_ms).collect::<Vec<i64>>())
    .bind(samples.iter().map(|s| s.online).collect::<Vec<bool>>())
    .bind(column(|s| s.hashrate_hs))
    .bind(column(|s| s.power_w))
    .bind(column(|s| s.temp_max_c))
    .execute(&mut **tx)
    .await
    .map_err(store_error)?;
    Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
}

/// The live upsert's text: 25 typed arrays in `LIVE_COLUMNS` order.
fn live_upsert_sql() -> String {
    const TYPES: [&str; 25] = [
        "bigint", "bigint", "bigint", "bigint", "boolean", "boolean", "float8", "float8", "float8",
        "boolean", "float8", "float8", "int4", "int4", "int4", "int4", "text", "text", "bigint",
        "bigint", "bigint", "bigint", "text", "text", "text",
    ];
    let arrays: Vec<String> = TYPES
        .iter()
        .enumerate()
        .map(|(i, t)| format!("${}::{t}[]", i + 1))
        .collect();
    format!(
        "insert into miner_live ({}) select * from unnest({}){}",
        LIVE_COLUMNS.join(", "),
        arrays.join(", "),
        live_conflict_clause()
    )
}

pub async fn upsert_live(
    tx: &mut Transaction<'_, Postgres>,
    site_id: i64,
    updates: &[LiveUpdate<'_>],
) -> Result<(), StoreError> {
    let of = |f: fn(&TelemetrySample) -> Option<f64>| -> Vec<Option<f64>> {
        updates.iter().map(|u| f(u.sample)).collect()
    };
    let flag = |f: fn(&TelemetrySample) -> bool| -> Vec<bool> {
        updates.iter().map(|u| f(u.sample)).collect()
    };
    let int = |f: fn(&TelemetrySample) -> Option<i32>| -> Vec<Option<i32>> {
        updates.iter().map(|u| f(u.sample)).collect()
    };
    let big = |f: fn(&TelemetrySample) -> Option<u64>| -> Vec<Option<i64>> {
        updates.iter().map(|u| counter(f(u.sample))).collect()
    };
    let text = |f: fn(&TelemetrySample) -> Option<&str>| -> Vec<Option<&str>> {
        updates.iter().map(|u| f(u.sample)).collect()
    };
    sqlx::query(&live_upsert_sql())
        .bind(
            updates
                .iter()
                .map(|u| u.sample.miner_id)
                .collect::<Vec<i64>>(),
        )
        .bind(vec![site_id; updates.len()])
        .bind(
            updates
                .iter()
                .map(|u| u.sample.taken_at_ms)
                .collect::<Vec<i64>>(),
        )
        .bind(
            updates
                .iter()
                .map(|u| u.last_seen_ms)
                .collect::<Vec<Option<i64>>>(),
        )
        .bind(flag(|s| s.online))
        .bind(flag(|s| s.is_mining))
        .bind(of(|s| s.hashrate_hs))
        .bind(of(|s| s.expected_hashrate_hs))
        .bind(of(|s| s.power_w))
        .bind(flag(|s| s.power_estimated))
        .bind(of(|s| s.temp_max_c))
        .bind(of(|s| s.temp_avg_c))
        .bind(int(|s| small(s.fan_min_rpm)))
        .bind(int(|s| small(s.fan_max_rpm)))
        .bind(int(|s| s.boards_total.map(i32::from)))
        .bind(int(|s| s.boards_active.map(i32::from)))
        .bind(text(|s| s.pool_url.as_deref()))
        .bind(text(|s| s.pool_user.as_deref()))
        .bind(big(|s| s.accepted_shares))
        .bind(big(|s| s.rejected_shares))
        .bind(big(|s| s.hardware_errors))
        .bind(big(|s| s.uptime_s))
        .bind(text(|s| s.firmware_version.as_deref()))
        .bind(text(|s| s.model_reported.as_deref()))
        .bind(text(|s| s.message.as_deref()))
        .execute(&mut **tx)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// Per-miner rollups before `$1`: `= any(array(…))` on the key's leading column is an index
/// scan per miner (a semi-join could pick a sequential scan of the whole table).
pub const PURGE_5M: &str = "
    delete from telemetry_5m
    where miner_id = any(array(select miner_id from miner)) and bucket_ms < $1";

pub const PURGE_DAILY: &str = "
    delete from telemetry_daily
    where miner_id = any(array(select miner_id from miner)) and day_ms < $1";
