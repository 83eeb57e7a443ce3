//! Telemetry figures for issue #6 (`cargo bench -p server --bench telemetry`; PostgreSQL too
//! when `TEST_POSTGRES_URL` is set). A plain `main`, not criterion: these are throughputs,
//! percentiles and sizes of one long run each, not nanosecond loops.
//!
//! Method:
//! (a) Ingest: one site of 20,000 miners; 20 poll cycles, each cycle's 20,000 samples sent as
//!     4 batches of 5,000 through `ingest_samples` (raw insert + live upsert + bucket marks, one
//!     transaction per batch), on a SQLite file and on PostgreSQL. Samples/s = 400,000 /
//!     wall time. The rollup of one closed bucket (20,000 miners) is timed after.
//! (b) Overview: a site of 10,000 miners with live rows (one ingested cycle) and 7 days of
//!     5-minute history seeded with bulk SQL straight into `telemetry_5m` (20 M rows) and
//!     `telemetry_site_5m`; `site_overview` is called 200 times, p50/p95/max reported.
//! (c) Disk: 1,000 miners × one simulated day (1,440 samples each, one a minute, through
//!     `ingest_samples`), then `roll_up` at the next midnight. Bytes per table including its
//!     indexes: SQLite from the `dbstat` virtual table (pages actually used), PostgreSQL from
//!     `pg_total_relation_size`. Steady state per 1,000 miners = one day of raw (24 h kept)
//!     + 90 × one day of 5-minute rows + 365 × one day of daily rows (+ the site rollup × 90,
//!     + the live rows), i.e. the retention windows filled with the same per-day volume.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::cast_precision_loss)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::telemetry::{DAY_MS, FIVE_MINUTES_MS, TelemetrySample};
use server::config::{DatabaseSettings, DatabaseUrl};
use sqlx::Connection;
use store::Store;

/// Midnight UTC, 2025-11-09.
const DAY0: i64 = 20_401 * DAY_MS;
const MINUTE: i64 = 60_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Engine {
    Sqlite,
    Postgres,
}

/// A database of the bench's own, and plain SQL on it for bulk seeding.
struct BenchDb {
    engine: Engine,
    url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<support::PgSchema>,
}

impl BenchDb {
    async fn new(engine: Engine) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("bench.db").display());
                Some(Self {
                    engine,
                    url,
                    _dir: Some(dir),
                    schema: None,
                })
            }
            Engine::Postgres => {
                let pg = support::PgSchema::create().await?;
                Some(Self {
                    engine,
                    url: pg.url.clone(),
                    _dir: None,
                    schema: Some(pg),
                })
            }
        }
    }

    async fn store(&self) -> Arc<dyn Store> {
        let settings = DatabaseSettings {
            url: Some(DatabaseUrl::new(self.url.clone())),
            max_connections: 4,
            ..Default::default()
        };
        server::db::open(&settings).await.unwrap()
    }

    async fn execute(&self, sql: &str) {
        match self.engine {
            Engine::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
        }
    }

    async fn ids(&self, sql: &str) -> Vec<i64> {
        match self.engine {
            Engine::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
        }
    }

    /// A site with `count` miners; returns the site and its miners, ascending.
    async fn site_with_miners(&self, name: &str, count: i64) -> (i64, Vec<i64>) {
        self.execute(&format!(
            "insert into site (name, capacity_mw, tariff, created_at_ms, updated_at_ms)
             values ('{name}', 100, '{{}}', 0, 0)"
        ))
        .await;
        let site = self
            .ids(&format!("select site_id from site where name = '{name}'"))
            .await[0];
        let numbers = match self.engine {
            Engine::Sqlite => format!(
                "with recursive n(i) as (select 1 union all select i + 1 from n where i < {count})"
            ),
            Engine::Postgres => format!("with n(i) as (select generate_series(1, {count}))"),
        };
        self.execute(&format!(
            "{numbers}
             insert into miner (site_id, model_name, serial, ip, status, approval, created_at_ms,
                                updated_at_ms)
             select {site}, 'Antminer S21', '{name}-' || i,
                    '10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256),
                    'active', 'approved', 0, 0
             from n"
        ))
        .await;
        let miners = self
            .ids(&format!(
                "select miner_id from miner where site_id = {site} order by miner_id"
            ))
            .await;
        (site, miners)
    }

    async fn cleanup(self) {
        if let Some(pg) = self.schema {
            pg.drop().await;
        }
    }
}

/// A plausible reading: hashrate, power and temperature vary by miner and minute.
fn sample(miner_id: i64, taken_at_ms: i64) -> TelemetrySample {
    let wobble = ((miner_id * 7 + taken_at_ms / MINUTE) % 13) as f64;
    TelemetrySample {
        online: miner_id % 50 != 0,
        is_mining: true,
        hashrate_hs: Some(190e12 + wobble * 1e12),
        expected_hashrate_hs: Some(200e12),
        power_w: Some(3_500.0 + wobble * 10.0),
        power_estimated: miner_id % 10 == 0,
        temp_max_c: Some(60.0 + wobble * 2.0),
        temp_avg_c: Some(55.0 + wobble),
        fan_min_rpm: Some(4_000),
        fan_max_rpm: Some(4_200),
        boards_total: Some(3),
        boards_active: Some(3),
        pool_url: Some("stratum+tcp://pool.example.com:3333".into()),
        pool_user: Some("farm.worker".into()),
        accepted_shares: Some(12_345),
        rejected_shares: Some(12),
        hardware_errors: Some(3),
        uptime_s: Some(86_400),
        firmware_version: Some("2025.10.1".into()),
        model_reported: Some("Antminer S21".into()),
        message: None,
        ..TelemetrySample::offline(miner_id, taken_at_ms)
    }
}

async fn ingest_rate(engine: Engine) {
    let Some(db) = BenchDb::new(engine).await else {
        println!("(a) ingest {engine:?}: skipped, TEST_POSTGRES_URL not set");
        return;
    };
    let store = db.store().await;
    let (site, miners) = db.site_with_miners("ingest", 20_000).await;
    let cycles = 20;
    let mut total = 0;
    let started = Instant::now();
    for cycle in 0..cycles {
        let taken = DAY0 + cycle * MINUTE;
        let samples: Vec<TelemetrySample> = miners.iter().map(|m| sample(*m, taken)).collect();
        for batch in samples.chunks(5_000) {
            let outcome = store.ingest_samples(site, batch, taken).await.unwrap();
            assert_eq!(outcome.inserted, batch.len());
            total += outcome.inserted;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "(a) ingest {engine:?}: {total} samples in {:.2} s = {:.0} samples/s (batches of 5,000, live upsert included)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    let started = Instant::now();
    let counts = store.roll_up(DAY0 + 5 * MINUTE).await.unwrap();
    println!(
        "    roll_up of {} closed bucket(s) × 20,000 miners: {:.0} ms",
        counts.buckets,
        started.elapsed().as_secs_f64() * 1e3
    );
    db.cleanup().await;
}

async fn overview_latency(engine: Engine) {
    let Some(db) = BenchDb::new(engine).await else {
        println!("(b) overview {engine:?}: skipped, TEST_POSTGRES_URL not set");
        return;
    };
    let store = db.store().await;
    let (site, miners) = db.site_with_miners("overview", 10_000).await;
    let now = DAY0 + 7 * DAY_MS;
    let samples: Vec<TelemetrySample> = miners.iter().map(|m| sample(*m, now - MINUTE)).collect();
    for batch in samples.chunks(5_000) {
        store.ingest_samples(site, batch, now).await.unwrap();
    }
    let started = Instant::now();
    let (first, end) = (DAY0, now - FIVE_MINUTES_MS);
    let buckets = match engine {
        Engine::Sqlite => format!(
            "with recursive b(ms) as (select {first} union all select ms + {FIVE_MINUTES_MS}
             from b where ms + {FIVE_MINUTES_MS} <= {end})"
        ),
        Engine::Postgres => {
            format!(
                "with b(ms) as (select generate_series({first}::bigint, {end}, {FIVE_MINUTES_MS}))"
            )
        }
    };
    db.execute(&format!(
        "{buckets}
         insert into telemetry_5m (miner_id, bucket_ms, samples, online_samples, hashrate_avg_hs,
                                   hashrate_min_hs, hashrate_max_hs, power_avg_w, temp_max_c)
         select m.miner_id, b.ms, 5, 5, 195e12, 190e12, 200e12, 3500.0, 70.0
         from miner m cross join b where m.site_id = {site};
         {buckets}
         insert into telemetry_site_5m (site_id, bucket_ms, hashrate_hs, power_w, online, reporting)
         select {site}, b.ms, 1.95e18, 35e6, 10000, 10000 from b;"
    ))
    .await;
    if engine == Engine::Postgres {
        db.execute("analyze").await;
    }
    println!(
        "(b) overview {engine:?}: seeded 7 days of 5-minute rows for 10,000 miners in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let overview = store
            .site_overview(site, now, domain::fleet::TemperatureLimits::default())
            .await
            .unwrap();
        times.push(started.elapsed());
        assert_eq!(overview.sparkline.len(), 288);
        assert_eq!(overview.miners_total, 10_000);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "    site_overview over 10,000 miners: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (200 calls)",
        ms(times[100]),
        ms(times[189]),
        ms(times[199])
    );
    db.cleanup().await;
}

/// Bytes used per table, indexes included.
async fn table_bytes(db: &BenchDb, table: &str) -> i64 {
    let sql = match db.engine {
        // A table's own B-tree (the whole table for `without rowid`) plus its indexes.
        Engine::Sqlite => format!(
            "select coalesce(sum(pgsize), 0) from dbstat
             where name = '{table}' or name in (select name from sqlite_master
                                                where type = 'index' and tbl_name = '{table}')"
        ),
        Engine::Postgres => format!("select pg_total_relation_size('{table}')"),
    };
    db.ids(&sql).await[0]
}

async fn disk_per_thousand_miners(engine: Engine) {
    let Some(db) = BenchDb::new(engine).await else {
        println!("(c) disk {engine:?}: skipped, TEST_POSTGRES_URL not set");
        return;
    };
    let store = db.store().await;
    let (site, miners) = db.site_with_miners("disk", 1_000).await;
    let started = Instant::now();
    for minute in 0..1_440 {
        let taken = DAY0 + minute * MINUTE;
        let samples: Vec<TelemetrySample> = miners.iter().map(|m| sample(*m, taken)).collect();
        store.ingest_samples(site, &samples, taken).await.unwrap();
        if minute % 5 == 4 {
            store.roll_up(taken + MINUTE).await.unwrap();
        }
    }
    store.roll_up(DAY0 + DAY_MS).await.unwrap();
    if engine == Engine::Postgres {
        db.execute("vacuum analyze").await;
    }
    println!(
        "(c) disk {engine:?}: 1,000 miners × 1,440 samples ingested and rolled in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let raw = table_bytes(&db, "telemetry_raw").await;
    let five = table_bytes(&db, "telemetry_5m").await;
    let daily = table_bytes(&db, "telemetry_daily").await;
    let site_five = table_bytes(&db, "telemetry_site_5m").await;
    let live = table_bytes(&db, "miner_live").await;
    let mib = |b: i64| b as f64 / 1_048_576.0;
    println!(
        "    one day: raw {:.1} MiB ({:.0} B/sample), 5-min {:.2} MiB ({:.0} B/row), daily {:.3} MiB, site 5-min {:.3} MiB, live {:.2} MiB",
        mib(raw),
        raw as f64 / 1_440_000.0,
        mib(five),
        five as f64 / 288_000.0,
        mib(daily),
        mib(site_five),
        mib(live)
    );
    let steady = raw + 90 * five + 365 * daily + 90 * site_five + live;
    println!(
        "    steady state per 1,000 miners (24 h raw + 90 d 5-min + 365 d daily): {:.0} MiB = raw {:.0} + 5-min {:.0} + daily {:.0} + site {:.1} + live {:.1}",
        mib(steady),
        mib(raw),
        mib(90 * five),
        mib(365 * daily),
        mib(90 * site_five),
        mib(live)
    );
    db.cleanup().await;
}

async fn alert_evaluation(engine: Engine) {
    let Some(db) = BenchDb::new(engine).await else {
        return;
    };
    let store = db.store().await;
    let (site, miners) = db.site_with_miners("alerts", 20_000).await;
    let alerting = server::alerts::Alerting::new(
        store.clone(),
        &server::alerts::AlertSettings::default(),
        None,
        None,
        server::live::LiveHub::default(),
    );
    let start = DAY0 + 12 * 60 * MINUTE;
    let mut batch_ms = Vec::new();
    for cycle in 0..10 {
        let at = start + cycle * MINUTE;
        for chunk in miners.chunks(5_000) {
            let batch: Vec<TelemetrySample> = chunk.iter().map(|m| sample(*m, at)).collect();
            store.ingest_samples(site, &batch, at).await.unwrap();
            let began = Instant::now();
            alerting.observe_samples(site, &batch, at).await.unwrap();
            batch_ms.push(began.elapsed().as_secs_f64() * 1e3);
        }
    }
    let open = store
        .list_alerts(&domain::fleet::AlertQuery {
            site_id: Some(site),
            open_only: true,
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .total;
    let book_bytes = store.load_alert_book(site).await.unwrap().unwrap().0.len();
    batch_ms.sort_by(f64::total_cmp);
    let dark_at = start + 16 * MINUTE;
    let mut dark_ms = Vec::new();
    for chunk in miners.chunks(5_000) {
        let batch: Vec<TelemetrySample> = chunk
            .iter()
            .map(|m| TelemetrySample::offline(*m, dark_at))
            .collect();
        store.ingest_samples(site, &batch, dark_at).await.unwrap();
        let began = Instant::now();
        alerting
            .observe_samples(site, &batch, dark_at)
            .await
            .unwrap();
        dark_ms.push(began.elapsed().as_secs_f64() * 1e3);
    }
    let offline = store.open_alert_counts(site).await.unwrap();
    println!(
        "alerts {engine:?}: 20,000 miners, 5,000-sample batches: p50 {:.1} ms, max {:.1} ms per batch \
         ({} open after 10 cycles); state {:.2} MB; site going dark: {:.0}–{:.0} ms per batch, \
         {} critical open",
        batch_ms[batch_ms.len() / 2],
        batch_ms[batch_ms.len() - 1],
        open,
        book_bytes as f64 / 1e6,
        dark_ms.iter().copied().fold(f64::INFINITY, f64::min),
        dark_ms.iter().copied().fold(0.0, f64::max),
        offline.critical,
    );
    db.cleanup().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // `cargo bench` passes `--bench`; an optional name filter picks one figure.
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    runtime.block_on(async {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            if "ingest".contains(filter.as_str()) {
                ingest_rate(engine).await;
            }
            if "overview".contains(filter.as_str()) {
                overview_latency(engine).await;
            }
            if "disk".contains(filter.as_str()) {
                disk_per_thousand_miners(engine).await;
            }
            if "alerts".contains(filter.as_str()) {
                alert_evaluation(engine).await;
            }
        }
    });
}
