//! `store::telemetry::TelemetryStore` on either engine: the shared SQL lives in
//! `telemetry_sql`, the engine-specific ingest and purge in `telemetry_sqlite` and
//! `telemetry_postgres`, reached through the typed transaction.

use std::collections::HashSet;

use domain::fleet::{Severity, TemperatureLimits};
use domain::telemetry::{
    DAILY_RETENTION_MS, FIVE_MINUTE_RETENTION_MS, FIVE_MINUTES_MS, HistoryPoint, RAW_RETENTION_MS,
    SiteOverview, SitePoint, temp_histogram,
};
use store::StoreError;

use crate::db::exec::Tx;
use crate::db::telemetry_rows::{OverviewRow, count};
use crate::db::telemetry_sql::{LiveUpdate, bucket_of};
use crate::db::{
    SqlStore, exec, store_error, telemetry_postgres, telemetry_rows, telemetry_sql,
    telemetry_sqlite,
};

/// The overview from its three reads: counts and sums, online temperatures, sparkline; hot
/// and critical as `limits` say.
pub fn overview(
    row: OverviewRow,
    temps_c: &[f64],
    sparkline: Vec<SitePoint>,
    limits: TemperatureLimits,
) -> SiteOverview {
    let power_w = row.power_w.unwrap_or(0.0);
    let power_estimated_share = if power_w > 0.0 {
        row.power_estimated_w.unwrap_or(0.0) / power_w
    } else {
        0.0
    };
    let j_per_th = match (row.efficiency_power_w, row.efficiency_hashrate_hs) {
        (Some(p), Some(h)) if h > 0.0 => Some(p / (h / 1e12)),
        _ => None,
    };
    let online = count(row.online);
    let never_seen = count(row.never_seen);
    let miners_total = count(row.miners_total);
    let at = |severity| {
        let n = temps_c
            .iter()
            .filter(|t| limits.severity(**t) == Some(severity))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    SiteOverview {
        miners_total,
        online,
        offline: miners_total.saturating_sub(online + never_seen),
        never_seen,
        sleeping: count(row.sleeping),
        hashrate_hs: row.hashrate_hs.unwrap_or(0.0),
        expected_hashrate_hs: row.expected_hashrate_hs.unwrap_or(0.0),
        power_w,
        power_estimated_share,
        j_per_th,
        temp_histogram: temp_histogram(temps_c.iter().copied()),
        hot: at(Severity::Warning),
        critical: at(Severity::Critical),
        limits,
        sparkline,
    }
}

/// Where each retention run cuts, given the oldest pending bucket and day: data a pending
/// rollup still needs is kept whatever its age.
// Units in names are the project's convention, even when every field shares one.
#[allow(clippy::struct_field_names)]
pub struct PurgeCuts {
    /// Raw buckets starting at or before this go.
    pub raw_last_bucket_ms: i64,
    pub five_minutes_before_ms: i64,
    pub daily_before_ms: i64,
}

impl PurgeCuts {
    pub fn at(
        now_ms: i64,
        oldest_pending_bucket: Option<i64>,
        oldest_pending_day: Option<i64>,
    ) -> Self {
        // The last bucket whose end is at least 24 h old.
        let mut raw_last_bucket_ms = bucket_of(now_ms - RAW_RETENTION_MS) - FIVE_MINUTES_MS;
        if let Some(pending) = oldest_pending_bucket {
            raw_last_bucket_ms = raw_last_bucket_ms.min(pending - 1);
        }
        let mut five_minutes_before_ms = now_ms - FIVE_MINUTE_RETENTION_MS;
        if let Some(pending) = oldest_pending_day {
            five_minutes_before_ms = five_minutes_before_ms.min(pending);
        }
        Self {
            raw_last_bucket_ms,
            five_minutes_before_ms,
            daily_before_ms: now_ms - DAILY_RETENTION_MS,
        }
    }
}

/// The bucket starts a raw read of `[from_ms, to_ms)` must visit, limited to the raw
/// retention so a careless span cannot make the query text huge.
pub fn raw_buckets(from_ms: i64, to_ms: i64) -> Vec<i64> {
    let first = bucket_of(from_ms.max(to_ms - RAW_RETENTION_MS - FIVE_MINUTES_MS));
    let count = (to_ms - first + FIVE_MINUTES_MS - 1) / FIVE_MINUTES_MS;
    (0..count.max(0))
        .map(|i| first + i * FIVE_MINUTES_MS)
        .collect()
}

/// Which of `miner_ids` belong to `site_id`, the engine's way.
pub(super) async fn known_miners(
    tx: &mut Tx,
    site_id: i64,
    miner_ids: &[i64],
) -> Result<HashSet<i64>, StoreError> {
    match tx {
        Tx::Sqlite(tx) => telemetry_sqlite::known_miners(tx, site_id, miner_ids).await,
        Tx::Postgres(tx) => telemetry_postgres::known_miners(tx, site_id, miner_ids).await,
    }
}

/// Writes the raw samples, skipping those already stored; how many were new.
pub(super) async fn insert_raw(
    tx: &mut Tx,
    samples: &[&domain::telemetry::TelemetrySample],
) -> Result<usize, StoreError> {
    match tx {
        Tx::Sqlite(tx) => telemetry_sqlite::insert_raw(tx, samples).await,
        Tx::Postgres(tx) => telemetry_postgres::insert_raw(tx, samples).await,
    }
}

/// Moves each miner's live row to its latest reading.
pub(super) async fn upsert_live(
    tx: &mut Tx,
    site_id: i64,
    updates: &[LiveUpdate<'_>],
) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(tx) => telemetry_sqlite::upsert_live(tx, site_id, updates).await,
        Tx::Postgres(tx) => telemetry_postgres::upsert_live(tx, site_id, updates).await,
    }
}

/// Converts rows into chart points.
pub fn points<R: Into<HistoryPoint>>(rows: Vec<R>) -> Vec<HistoryPoint> {
    rows.into_iter().map(Into::into).collect()
}

impl SqlStore {
    /// Recomputes one pending bucket, if another run has not taken it meanwhile.
    async fn roll_bucket(&self, bucket_ms: i64) -> Result<bool, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let taken: Option<i64> = exec::query_scalar(sql::TAKE_PENDING)
            .bind(0_i64)
            .bind(bucket_ms)
            .fetch_optional(&mut tx)
            .await
            .map_err(store_error)?;
        if taken.is_none() {
            return Ok(false);
        }
        for statement in [sql::ROLL_BUCKET, sql::ROLL_SITE_BUCKET] {
            exec::query(statement)
                .bind(bucket_ms)
                .execute(&mut tx)
                .await
                .map_err(store_error)?;
        }
        exec::query(sql::MARK_PENDING)
            .bind(1_i64)
            .bind(sql::day_of(bucket_ms))
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn roll_day(&self, day_ms: i64) -> Result<bool, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let taken: Option<i64> = exec::query_scalar(sql::TAKE_PENDING)
            .bind(1_i64)
            .bind(day_ms)
            .fetch_optional(&mut tx)
            .await
            .map_err(store_error)?;
        if taken.is_none() {
            return Ok(false);
        }
        exec::query(sql::ROLL_DAY)
            .bind(day_ms)
            .bind(day_ms + domain::telemetry::DAY_MS)
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn pending(&self, level: i64, before_ms: i64) -> Result<Vec<i64>, store::StoreError> {
        exec::query_scalar(telemetry_sql::LIST_PENDING)
            .bind(level)
            .bind(before_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }

    async fn oldest_pending(&self, level: i64) -> Result<Option<i64>, store::StoreError> {
        exec::query_scalar(telemetry_sql::OLDEST_PENDING)
            .bind(level)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)
    }

    async fn delete_before(&self, sql: &str, binds: &[i64]) -> Result<u64, store::StoreError> {
        let mut query = exec::query(sql);
        for bind in binds {
            query = query.bind(*bind);
        }
        let done = query.execute(&self.db).await.map_err(store_error)?;
        Ok(done.rows_affected())
    }
}

#[async_trait::async_trait]
impl store::telemetry::TelemetryStore for SqlStore {
    async fn ingest_samples(
        &self,
        site_id: i64,
        samples: &[domain::telemetry::TelemetrySample],
        now_ms: i64,
    ) -> Result<store::telemetry::IngestOutcome, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        let ids = sql::batch_miner_ids(samples);
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let known = known_miners(&mut tx, site_id, &ids).await?;
        let plan = sql::plan(samples, &known, now_ms);
        let inserted = insert_raw(&mut tx, &plan.raw).await?;
        upsert_live(&mut tx, site_id, &plan.live).await?;
        if inserted > 0 {
            for bucket_ms in &plan.buckets {
                exec::query(sql::MARK_PENDING)
                    .bind(0_i64)
                    .bind(*bucket_ms)
                    .execute(&mut tx)
                    .await
                    .map_err(store_error)?;
            }
        }
        tx.commit().await.map_err(store_error)?;
        Ok(store::telemetry::IngestOutcome {
            inserted,
            duplicates: plan.raw.len() - inserted,
            unknown_miners: plan.unknown_miners,
            stale: plan.stale,
        })
    }

    async fn roll_up(
        &self,
        now_ms: i64,
    ) -> Result<store::telemetry::RollupCounts, store::StoreError> {
        use crate::db::telemetry_sql as sql;
        let mut counts = store::telemetry::RollupCounts::default();
        // A bucket is closed once its end has passed.
        let open_bucket = sql::bucket_of(now_ms);
        for bucket_ms in self.pending(0, open_bucket).await? {
            counts.buckets += u64::from(self.roll_bucket(bucket_ms).await?);
        }
        for day_ms in self.pending(1, sql::day_of(now_ms)).await? {
            counts.days += u64::from(self.roll_day(day_ms).await?);
        }
        Ok(counts)
    }

    async fn purge(&self, now_ms: i64) -> Result<store::telemetry::PurgeCounts, store::StoreError> {
        use crate::db::telemetry_sql as sql;
        let cuts = PurgeCuts::at(
            now_ms,
            self.oldest_pending(0).await?,
            self.oldest_pending(1).await?,
        );
        Ok(store::telemetry::PurgeCounts {
            raw: self
                .delete_before(sql::PURGE_RAW, &[cuts.raw_last_bucket_ms])
                .await?,
            five_minutes: self
                .delete_before(
                    self.per_engine(
                        crate::db::telemetry_sqlite::PURGE_5M,
                        crate::db::telemetry_postgres::PURGE_5M,
                    ),
                    &[cuts.five_minutes_before_ms],
                )
                .await?,
            site_five_minutes: self
                .delete_before(sql::PURGE_SITE_5M, &[cuts.five_minutes_before_ms])
                .await?,
            daily: self
                .delete_before(
                    self.per_engine(
                        crate::db::telemetry_sqlite::PURGE_DAILY,
                        crate::db::telemetry_postgres::PURGE_DAILY,
                    ),
                    &[cuts.daily_before_ms],
                )
                .await?,
        })
    }

    async fn miner_history(
        &self,
        miner_id: i64,
        from_ms: i64,
        to_ms: i64,
        resolution: domain::telemetry::Resolution,
    ) -> Result<Vec<domain::telemetry::HistoryPoint>, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        use domain::telemetry::Resolution;
        use telemetry_rows::{RawPointRow, RollupPointRow};
        use {points, raw_buckets};
        if to_ms <= from_ms {
            return Ok(Vec::new());
        }
        let (query, from) = match resolution {
            Resolution::Raw => {
                let buckets = raw_buckets(from_ms, to_ms);
                let rows = exec::query_as::<RawPointRow>(&sql::history_raw(&buckets))
                    // Each span has its own text; do not fill the statement cache.
                    .persistent(false)
                    .bind(miner_id)
                    .bind(from_ms)
                    .bind(to_ms)
                    .fetch_all(&self.db)
                    .await
                    .map_err(store_error)?;
                return Ok(points(rows));
            }
            Resolution::FiveMinutes => (sql::HISTORY_5M, sql::bucket_of(from_ms)),
            Resolution::Daily => (sql::HISTORY_DAILY, sql::day_of(from_ms)),
        };
        let mut rows = exec::query_as::<RollupPointRow>(query)
            .bind(miner_id)
            .bind(from)
            .bind(to_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        // What is not rolled up yet comes from the finer level, so a chart reaches
        // the present.
        let tail_from = rows.last().map_or(from, |row| match resolution {
            Resolution::Daily => row.at_ms + domain::telemetry::DAY_MS,
            _ => row.at_ms + domain::telemetry::FIVE_MINUTES_MS,
        });
        if tail_from < to_ms {
            let tail = if matches!(resolution, Resolution::Daily) {
                exec::query_as::<RollupPointRow>(sql::HISTORY_DAILY_TAIL)
                    .bind(miner_id)
                    .bind(tail_from)
                    .bind(to_ms)
                    .fetch_all(&self.db)
                    .await
            } else {
                let buckets = raw_buckets(tail_from, to_ms);
                exec::query_as::<RollupPointRow>(&sql::history_5m_tail(&buckets))
                    .persistent(false)
                    .bind(miner_id)
                    .fetch_all(&self.db)
                    .await
            };
            rows.extend(tail.map_err(store_error)?);
        }
        Ok(points(rows))
    }

    async fn miner_live(
        &self,
        miner_id: i64,
    ) -> Result<Option<domain::telemetry::LiveReading>, store::StoreError> {
        use store_error;
        use telemetry_rows::{LIVE_COLUMNS, LiveRow};
        let sql = format!("select {LIVE_COLUMNS} from miner_live where miner_id = $1");
        let row: Option<LiveRow> = exec::query_as(&sql)
            .bind(miner_id)
            .fetch_optional(&self.db)
            .await
            .map_err(store_error)?;
        Ok(row.map(Into::into))
    }

    async fn site_overview(
        &self,
        site_id: i64,
        now_ms: i64,
        limits: domain::fleet::TemperatureLimits,
    ) -> Result<domain::telemetry::SiteOverview, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        use telemetry_rows::OverviewRow;
        let seen_after = now_ms - domain::telemetry::OFFLINE_AFTER_MS;
        let row = exec::query_as::<OverviewRow>(sql::OVERVIEW_COUNTS.as_str())
            .bind(seen_after)
            .bind(site_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        let temps: Vec<f64> = exec::query_scalar(sql::OVERVIEW_TEMPS)
            .bind(site_id)
            .bind(seen_after)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        let sparkline = self
            .site_history(site_id, now_ms - domain::telemetry::DAY_MS, now_ms)
            .await?;
        Ok(overview(row, &temps, sparkline, limits))
    }

    async fn site_overviews(
        &self,
        site_ids: &[i64],
        now_ms: i64,
        limits: domain::fleet::TemperatureLimits,
    ) -> Result<Vec<domain::telemetry::SiteOverview>, store::StoreError> {
        use crate::db::{store_error, telemetry_sql as sql};
        use std::collections::HashMap;
        use telemetry_rows::{OverviewRow, SiteKeyedPointRow, SiteOverviewRow};
        if let [site_id] = site_ids {
            return Ok(vec![self.site_overview(*site_id, now_ms, limits).await?]);
        }
        let seen_after = now_ms - domain::telemetry::OFFLINE_AFTER_MS;
        let mut counts: HashMap<i64, OverviewRow> =
            exec::query_as::<SiteOverviewRow>(sql::OVERVIEW_COUNTS_BY_SITE.as_str())
                .bind(seen_after)
                .fetch_all(&self.db)
                .await
                .map_err(store_error)?
                .into_iter()
                .map(|row| (row.site_id, row.counts))
                .collect();
        let mut temps: HashMap<i64, Vec<f64>> = HashMap::new();
        let rows: Vec<(i64, f64)> = exec::query_as(sql::OVERVIEW_TEMPS_BY_SITE)
            .bind(seen_after)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        for (site_id, temp_c) in rows {
            temps.entry(site_id).or_default().push(temp_c);
        }
        let mut sparklines: HashMap<i64, Vec<domain::telemetry::SitePoint>> = HashMap::new();
        let rows: Vec<SiteKeyedPointRow> = exec::query_as(sql::SITE_HISTORY_BY_SITE)
            .bind(now_ms - domain::telemetry::DAY_MS)
            .bind(now_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        for row in rows {
            sparklines
                .entry(row.site_id)
                .or_default()
                .push(row.point.into());
        }
        Ok(site_ids
            .iter()
            .map(|site_id| {
                overview(
                    counts.remove(site_id).unwrap_or_else(OverviewRow::empty),
                    temps.get(site_id).map_or(&[][..], Vec::as_slice),
                    sparklines.remove(site_id).unwrap_or_default(),
                    limits,
                )
            })
            .collect())
    }

    async fn site_history(
        &self,
        site_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<domain::telemetry::SitePoint>, store::StoreError> {
        use telemetry_rows::SitePointRow;
        let rows = exec::query_as::<SitePointRow>(telemetry_sql::SITE_HISTORY)
            .bind(site_id)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn customer_span(
        &self,
        customer_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<domain::telemetry::FleetSpan, store::StoreError> {
        let (samples, online_samples, energy_wh) =
            exec::query_as::<(i64, i64, f64)>(telemetry_sql::CUSTOMER_SPAN)
                .bind(customer_id)
                .bind(from_ms)
                .bind(to_ms)
                .fetch_one(&self.db)
                .await
                .map_err(store_error)?;
        Ok(domain::telemetry::FleetSpan {
            samples: u64::try_from(samples).unwrap_or(0),
            online_samples: u64::try_from(online_samples).unwrap_or(0),
            energy_wh,
        })
    }
}
