//! The telemetry store on both engines: ingest (duplicates, foreign miners, stale samples), the
//! live row, rollups from known samples, late samples, retention boundaries, history reads and
//! the site overview. Clocks are explicit, so every figure below is computed by hand.
// Values are averages of exact binary fractions, so they compare exactly.
#![allow(clippy::float_cmp)]

use domain::fleet::TemperatureLimits;
use domain::telemetry::{DAY_MS, FIVE_MINUTES_MS, Resolution, TelemetrySample};
use sqlx::Connection;
use store::Store;
use store::telemetry::{IngestOutcome, RollupCounts};

use crate::helpers::{Backend, TestDatabase};
use crate::on_both_engines;

/// Midnight UTC, 2025-11-09: a day boundary, hence also a bucket boundary.
const DAY0: i64 = 20_401 * DAY_MS;
const MINUTE: i64 = 60_000;
const TH: f64 = 1e12;

/// Plain SQL against the test database, for the inventory rows another store owns and for
/// reading back what the telemetry API does not expose.
struct Sql<'a> {
    backend: Backend,
    db: &'a TestDatabase,
}

impl Sql<'_> {
    async fn scalar(&self, sql: &str) -> Option<i64> {
        let url = self.db.url.expose();
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
        }
    }

    async fn site(&self, name: &str) -> i64 {
        self.scalar(&format!(
            "insert into site (name, capacity_mw, tariff, created_at_ms, updated_at_ms)
             values ('{name}', 10, '{{\"flat\":0.05}}', 0, 0) returning site_id"
        ))
        .await
        .unwrap()
    }

    async fn miner(&self, site_id: i64, serial: &str, status: &str) -> i64 {
        let ip = format!(
            "10.0.{}.{}",
            site_id,
            serial.len() * 10 + serial.as_bytes()[0] as usize % 10
        );
        self.scalar(&format!(
            "insert into miner (site_id, model_name, serial, ip, status, approval, created_at_ms,
                                updated_at_ms)
             values ({site_id}, 'Antminer S21', '{serial}', '{ip}', '{status}', 'approved', 0, 0)
             returning miner_id"
        ))
        .await
        .unwrap()
    }
}

fn reading(
    miner_id: i64,
    taken_at_ms: i64,
    hashrate_hs: f64,
    power_w: f64,
    temp_c: f64,
) -> TelemetrySample {
    TelemetrySample {
        online: true,
        is_mining: true,
        hashrate_hs: Some(hashrate_hs),
        expected_hashrate_hs: Some(200.0 * TH),
        power_w: Some(power_w),
        temp_max_c: Some(temp_c),
        ..TelemetrySample::offline(miner_id, taken_at_ms)
    }
}

async fn open(backend: Backend) -> Option<(TestDatabase, std::sync::Arc<dyn Store>)> {
    let db = TestDatabase::new(backend).await?;
    let store = db.store().await;
    Some((db, store))
}

async fn ingest_skips_duplicates_foreign_miners_and_stale_samples(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site_a = sql.site("A").await;
    let site_b = sql.site("B").await;
    let a1 = sql.miner(site_a, "a1", "active").await;
    let a2 = sql.miner(site_a, "a22", "active").await;
    let b1 = sql.miner(site_b, "b333", "active").await;
    let now = DAY0 + 10 * MINUTE;
    let batch = vec![
        reading(a1, now - 2 * MINUTE, 100.0 * TH, 3_000.0, 60.0),
        reading(a1, now - MINUTE, 100.0 * TH, 3_000.0, 60.0),
        TelemetrySample::offline(a2, now - MINUTE),
        reading(b1, now - MINUTE, 100.0 * TH, 3_000.0, 60.0),
        TelemetrySample::offline(999_999, now),
        TelemetrySample::offline(a2, now - DAY_MS - 1),
    ];
    let first = store.ingest_samples(site_a, &batch, now).await.unwrap();
    assert_eq!(
        first,
        IngestOutcome {
            inserted: 3,
            duplicates: 0,
            unknown_miners: vec![b1, 999_999],
            stale: 1,
        }
    );
    // A collector re-sending its buffered batch changes nothing.
    let again = store.ingest_samples(site_a, &batch, now).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 3));
    assert_eq!(
        sql.scalar("select count(*) from telemetry_raw").await,
        Some(3)
    );
    // Site A's key never wrote site B's miner: no raw sample, no live row.
    let b_rows = format!("select count(*) from miner_live where miner_id = {b1}");
    assert_eq!(sql.scalar(&b_rows).await, Some(0));
    let b_raw = store
        .miner_history(b1, now - DAY_MS, now + 1, Resolution::Raw)
        .await
        .unwrap();
    assert!(b_raw.is_empty());
    let overview_b = store
        .site_overview(site_b, now, TemperatureLimits::default())
        .await
        .unwrap();
    assert_eq!((overview_b.miners_total, overview_b.never_seen), (1, 1));
    db.cleanup().await;
}
on_both_engines!(
    ingest_refusals_sqlite,
    ingest_refusals_postgres,
    ingest_skips_duplicates_foreign_miners_and_stale_samples
);

async fn live_row_keeps_the_newest_sample_and_the_newest_online_time(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("Live").await;
    let m = sql.miner(site, "live1", "active").await;
    let now = DAY0 + 30 * MINUTE;
    let live = |column: &str| format!("select {column} from miner_live where miner_id = {m}");
    // The newest sample first, offline: never seen online yet.
    store
        .ingest_samples(site, &[TelemetrySample::offline(m, now - MINUTE)], now)
        .await
        .unwrap();
    assert_eq!(sql.scalar(&live("last_seen_ms")).await, None);
    // An older buffered batch arrives: the reading stays, the last-seen time moves forward.
    let older = [
        reading(m, now - 3 * MINUTE, 90.0 * TH, 3_000.0, 60.0),
        reading(m, now - 2 * MINUTE, 95.0 * TH, 3_000.0, 60.0),
    ];
    store.ingest_samples(site, &older, now).await.unwrap();
    assert_eq!(sql.scalar(&live("taken_at_ms")).await, Some(now - MINUTE));
    assert_eq!(
        sql.scalar(&live("last_seen_ms")).await,
        Some(now - 2 * MINUTE)
    );
    let overview = store
        .site_overview(site, now, TemperatureLimits::default())
        .await
        .unwrap();
    assert_eq!(overview.online, 1, "answered within 5 minutes");
    assert_eq!(
        overview.hashrate_hs, 0.0,
        "the newest reading is the offline one"
    );
    // A newer sample replaces the reading.
    store
        .ingest_samples(site, &[reading(m, now, 120.0 * TH, 3_300.0, 64.0)], now)
        .await
        .unwrap();
    assert_eq!(sql.scalar(&live("taken_at_ms")).await, Some(now));
    assert_eq!(sql.scalar(&live("last_seen_ms")).await, Some(now));
    let overview = store
        .site_overview(site, now, TemperatureLimits::default())
        .await
        .unwrap();
    assert_eq!(overview.hashrate_hs, 120.0 * TH);
    assert_eq!(overview.power_w, 3_300.0);
    // Six minutes without an answer: offline.
    let later = store
        .site_overview(site, now + 5 * MINUTE + 1, TemperatureLimits::default())
        .await
        .unwrap();
    assert_eq!((later.online, later.offline), (0, 1));
    db.cleanup().await;
}
on_both_engines!(
    live_row_sqlite,
    live_row_postgres,
    live_row_keeps_the_newest_sample_and_the_newest_online_time
);

/// The site list reads every site's overview at once; each must be what the site gets alone,
/// a site without miners included.
async fn the_site_lists_one_read_gives_each_site_its_own_overview(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let hot = sql.site("Hot").await;
    let cool = sql.site("Cool").await;
    let empty = sql.site("Empty").await;
    let h1 = sql.miner(hot, "hot-1", "active").await;
    let h2 = sql.miner(hot, "hot-22", "active").await;
    let c1 = sql.miner(cool, "cool-1", "active").await;
    let retired = sql.miner(cool, "cool-22", "retired").await;
    let start = DAY0 + 10 * MINUTE;
    for (site, batch) in [
        (
            hot,
            vec![
                reading(h1, start, 100.0 * TH, 3_000.0, 80.0),
                reading(h2, start, 90.0 * TH, 3_100.0, 90.0),
            ],
        ),
        (
            cool,
            vec![
                reading(c1, start, 110.0 * TH, 3_200.0, 60.0),
                reading(retired, start, 110.0 * TH, 3_200.0, 60.0),
            ],
        ),
    ] {
        store.ingest_samples(site, &batch, start).await.unwrap();
    }
    // The sparkline: the first 5-minute bucket rolled up.
    store.roll_up(start + 6 * MINUTE).await.unwrap();
    let now = start + MINUTE;
    let limits = TemperatureLimits::default();
    let sites = [cool, empty, hot];
    let together = store.site_overviews(&sites, now, limits).await.unwrap();
    for (site, overview) in sites.iter().zip(&together) {
        let alone = store.site_overview(*site, now, limits).await.unwrap();
        assert_eq!(overview, &alone, "site {site}");
    }
    assert_eq!((together[2].hot, together[2].critical), (1, 1));
    assert_eq!(together[0].miners_total, 1, "the retired miner is left out");
    assert_eq!(
        together[1],
        store.site_overview(empty, now, limits).await.unwrap()
    );
    db.cleanup().await;
}
on_both_engines!(
    site_overviews_sqlite,
    site_overviews_postgres,
    the_site_lists_one_read_gives_each_site_its_own_overview
);

/// Two miners over the first bucket of DAY0: miner `a` answers three times of four, `b` once.
fn first_bucket(a: i64, b: i64) -> Vec<TelemetrySample> {
    vec![
        reading(a, DAY0, 100.0 * TH, 1_000.0, 60.0),
        reading(a, DAY0 + MINUTE, 300.0 * TH, 3_000.0, 70.0),
        TelemetrySample::offline(a, DAY0 + 2 * MINUTE),
        reading(a, DAY0 + 3 * MINUTE, 200.0 * TH, 2_000.0, 65.0),
        reading(b, DAY0 + MINUTE, 50.0 * TH, 1_500.0, 55.0),
    ]
}

async fn rollups_compute_averages_extremes_and_online_ratio(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("Roll").await;
    let a = sql.miner(site, "roll-a", "active").await;
    let b = sql.miner(site, "roll-bb", "active").await;
    let now = DAY0 + 4 * MINUTE;
    store
        .ingest_samples(site, &first_bucket(a, b), now)
        .await
        .unwrap();
    // The bucket is still open: nothing to roll.
    assert_eq!(store.roll_up(now).await.unwrap().buckets, 0);
    let closed = DAY0 + FIVE_MINUTES_MS;
    assert_eq!(store.roll_up(closed).await.unwrap().buckets, 1);
    let points = store
        .miner_history(a, DAY0, closed, Resolution::FiveMinutes)
        .await
        .unwrap();
    assert_eq!(points.len(), 1);
    let p = &points[0];
    assert_eq!(p.at_ms, DAY0);
    assert_eq!(p.hashrate_hs, 150.0 * TH, "(100 + 300 + 0 + 200) / 4");
    assert_eq!((p.hashrate_min_hs, p.hashrate_max_hs), (0.0, 300.0 * TH));
    assert_eq!(
        p.power_w,
        Some(2_000.0),
        "averaged over the samples that reported it"
    );
    assert_eq!(p.temp_max_c, Some(70.0));
    assert_eq!(p.online_ratio, 0.75);
    let site_points = store.site_history(site, DAY0, closed).await.unwrap();
    assert_eq!(site_points.len(), 1);
    assert_eq!(site_points[0].hashrate_hs, 200.0 * TH);
    assert_eq!(site_points[0].power_w, 3_500.0);
    assert_eq!(site_points[0].online, 2);
    // Running again recomputes nothing and changes nothing.
    assert_eq!(
        store.roll_up(closed).await.unwrap(),
        RollupCounts::default()
    );
    let again = store
        .miner_history(a, DAY0, closed, Resolution::FiveMinutes)
        .await
        .unwrap();
    assert_eq!(again, points);
    // A second bucket, then the day closes: the daily row weighs buckets by samples.
    let second = [reading(a, DAY0 + 6 * MINUTE, 250.0 * TH, 3_000.0, 80.0)];
    store
        .ingest_samples(site, &second, DAY0 + 7 * MINUTE)
        .await
        .unwrap();
    let counts = store.roll_up(DAY0 + DAY_MS).await.unwrap();
    assert_eq!((counts.buckets, counts.days), (1, 1));
    let daily = store
        .miner_history(a, DAY0, DAY0 + DAY_MS, Resolution::Daily)
        .await
        .unwrap();
    assert_eq!(daily.len(), 1);
    assert_eq!(daily[0].hashrate_hs, 170.0 * TH, "(150 × 4 + 250) / 5");
    assert_eq!(
        (daily[0].hashrate_min_hs, daily[0].hashrate_max_hs),
        (0.0, 300.0 * TH)
    );
    assert_eq!(daily[0].power_w, Some(2_500.0), "mean of 2,000 and 3,000");
    assert_eq!(daily[0].temp_max_c, Some(80.0));
    assert_eq!(daily[0].online_ratio, 0.8);
    db.cleanup().await;
}
on_both_engines!(
    rollup_values_sqlite,
    rollup_values_postgres,
    rollups_compute_averages_extremes_and_online_ratio
);

async fn a_late_sample_re_rolls_its_bucket_and_day(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("Late").await;
    let a = sql.miner(site, "late-a", "active").await;
    let b = sql.miner(site, "late-bb", "active").await;
    store
        .ingest_samples(site, &first_bucket(a, b), DAY0 + 4 * MINUTE)
        .await
        .unwrap();
    store.roll_up(DAY0 + DAY_MS).await.unwrap();
    // Miner b's buffered sample for the same bucket arrives the next day.
    let late = [reading(b, DAY0 + 4 * MINUTE, 150.0 * TH, 2_500.0, 58.0)];
    // Still within 24 h of the sample, so it is not stale.
    let now = DAY0 + DAY_MS + 2 * MINUTE;
    assert_eq!(
        store
            .ingest_samples(site, &late, now)
            .await
            .unwrap()
            .inserted,
        1
    );
    let counts = store.roll_up(now).await.unwrap();
    assert_eq!((counts.buckets, counts.days), (1, 1));
    let five = store
        .miner_history(b, DAY0, DAY0 + FIVE_MINUTES_MS, Resolution::FiveMinutes)
        .await
        .unwrap();
    assert_eq!(five[0].hashrate_hs, 100.0 * TH, "(50 + 150) / 2");
    assert_eq!(five[0].power_w, Some(2_000.0));
    let daily = store
        .miner_history(b, DAY0, DAY0 + DAY_MS, Resolution::Daily)
        .await
        .unwrap();
    assert_eq!(daily[0].hashrate_hs, 100.0 * TH);
    let site_points = store
        .site_history(site, DAY0, DAY0 + FIVE_MINUTES_MS)
        .await
        .unwrap();
    assert_eq!(
        site_points[0].hashrate_hs,
        250.0 * TH,
        "150 for a, 100 for b"
    );
    db.cleanup().await;
}
on_both_engines!(
    late_sample_sqlite,
    late_sample_postgres,
    a_late_sample_re_rolls_its_bucket_and_day
);

async fn purge_keeps_each_layer_for_its_retention_and_pending_data_always(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("Purge").await;
    let m = sql.miner(site, "purge-1", "active").await;
    // Samples at DAY0 + 0 and + 1 min; rolled into bucket DAY0 and day DAY0.
    let samples = [
        reading(m, DAY0, 100.0 * TH, 3_000.0, 60.0),
        reading(m, DAY0 + MINUTE, 100.0 * TH, 3_000.0, 60.0),
    ];
    store
        .ingest_samples(site, &samples, DAY0 + MINUTE)
        .await
        .unwrap();
    // Not rolled yet: however old, raw samples stay.
    let far = DAY0 + 400 * DAY_MS;
    assert_eq!(store.purge(DAY0 + 2 * DAY_MS).await.unwrap().raw, 0);
    store.roll_up(DAY0 + DAY_MS).await.unwrap();
    // The bucket goes whole once its end (DAY0 + 5 min) is 24 h old, not a millisecond before.
    let bucket_expires = DAY0 + FIVE_MINUTES_MS + DAY_MS;
    assert_eq!(store.purge(bucket_expires - 1).await.unwrap().raw, 0);
    assert_eq!(store.purge(bucket_expires).await.unwrap().raw, 2);
    // The 5-minute rows live 90 days (bucket start + 90 d), the daily rows 365 days.
    let ninety = DAY0 + 90 * DAY_MS;
    let counts = store.purge(ninety).await.unwrap();
    assert_eq!((counts.five_minutes, counts.site_five_minutes), (0, 0));
    let counts = store.purge(ninety + 1).await.unwrap();
    assert_eq!(
        (counts.five_minutes, counts.site_five_minutes, counts.daily),
        (1, 1, 0)
    );
    assert_eq!(store.purge(DAY0 + 365 * DAY_MS).await.unwrap().daily, 0);
    assert_eq!(store.purge(far).await.unwrap().daily, 1);
    assert_eq!(
        sql.scalar("select count(*) from telemetry_daily").await,
        Some(0)
    );
    db.cleanup().await;
}
on_both_engines!(
    purge_sqlite,
    purge_postgres,
    purge_keeps_each_layer_for_its_retention_and_pending_data_always
);

async fn history_reads_each_resolution_within_its_span(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("History").await;
    let m = sql.miner(site, "hist-1", "active").await;
    let other = sql.miner(site, "hist-22", "active").await;
    // One sample a minute for 30 minutes, for two miners.
    let samples: Vec<TelemetrySample> = (0..30)
        .flat_map(|i| {
            let hashrate = f64::from(100 + i) * TH;
            [
                reading(m, DAY0 + i64::from(i) * MINUTE, hashrate, 3_000.0, 60.0),
                reading(other, DAY0 + i64::from(i) * MINUTE, 1.0, 1.0, 1.0),
            ]
        })
        .collect();
    let now = DAY0 + 30 * MINUTE;
    store.ingest_samples(site, &samples, now).await.unwrap();
    store.roll_up(now).await.unwrap();
    let raw = store
        .miner_history(m, DAY0 + 7 * MINUTE, DAY0 + 17 * MINUTE, Resolution::Raw)
        .await
        .unwrap();
    assert_eq!(raw.len(), 10, "[7, 17) minutes, this miner only");
    assert_eq!(raw[0].at_ms, DAY0 + 7 * MINUTE);
    assert_eq!(raw[9].hashrate_hs, 116.0 * TH);
    assert_eq!(raw[9].online_ratio, 1.0);
    let five = store
        .miner_history(m, DAY0 + 7 * MINUTE, now, Resolution::FiveMinutes)
        .await
        .unwrap();
    let starts: Vec<i64> = five.iter().map(|p| (p.at_ms - DAY0) / MINUTE).collect();
    assert_eq!(
        starts,
        vec![5, 10, 15, 20, 25],
        "from the bucket holding `from`"
    );
    assert_eq!(five[0].hashrate_hs, 107.0 * TH, "mean of 105..=109");
    assert_eq!(
        (five[0].hashrate_min_hs, five[0].hashrate_max_hs),
        (105.0 * TH, 109.0 * TH)
    );
    let empty = store
        .miner_history(m, now, DAY0, Resolution::FiveMinutes)
        .await
        .unwrap();
    assert!(empty.is_empty());

    // The open bucket is not rolled up yet; the chart still reaches it, from the raw samples.
    let open = [
        reading(m, now + MINUTE, 140.0 * TH, 3_100.0, 61.0),
        TelemetrySample::offline(m, now + 2 * MINUTE),
    ];
    store
        .ingest_samples(site, &open, now + 2 * MINUTE)
        .await
        .unwrap();
    let five = store
        .miner_history(m, DAY0, now + 3 * MINUTE, Resolution::FiveMinutes)
        .await
        .unwrap();
    assert_eq!(five.len(), 7, "six rolled buckets and the open one");
    let tail = &five[6];
    assert_eq!(tail.at_ms, now);
    assert_eq!(tail.hashrate_hs, 70.0 * TH, "(140 + 0) / 2");
    assert_eq!((tail.power_w, tail.online_ratio), (Some(3_100.0), 0.5));
    // The day is not closed: its point comes from the rolled 5-minute rows.
    let daily = store
        .miner_history(m, DAY0, now + 3 * MINUTE, Resolution::Daily)
        .await
        .unwrap();
    assert_eq!(daily.len(), 1);
    assert_eq!(daily[0].at_ms, DAY0);
    assert_eq!(daily[0].hashrate_hs, 114.5 * TH, "mean of 100..=129");
    assert_eq!(daily[0].power_w, Some(3_000.0));
    db.cleanup().await;
}
on_both_engines!(
    history_sqlite,
    history_postgres,
    history_reads_each_resolution_within_its_span
);

async fn overview_counts_totals_efficiency_temperatures_and_sparkline(backend: Backend) {
    let Some((db, store)) = open(backend).await else {
        return;
    };
    let sql = Sql { backend, db: &db };
    let site = sql.site("Overview").await;
    let hot = sql.miner(site, "ov-1", "active").await;
    let critical = sql.miner(site, "ov-22", "active").await;
    let sleeping = sql.miner(site, "ov-333", "maintenance").await;
    let gone = sql.miner(site, "ov-4444", "active").await;
    sql.miner(site, "ov-55555", "active").await;
    let retired = sql.miner(site, "ov-666666", "retired").await;
    let unreachable = sql.miner(site, "ov-7777777", "active").await;
    let now = DAY0 + 2 * FIVE_MINUTES_MS + MINUTE;
    let estimated = TelemetrySample {
        power_estimated: true,
        ..reading(critical, now - MINUTE, 200.0 * TH, 3_500.0, 86.0)
    };
    let paused = TelemetrySample {
        is_mining: false,
        ..reading(sleeping, now - MINUTE, 0.0, 50.0, 40.0)
    };
    let batch = vec![
        reading(hot, now - MINUTE, 100.0 * TH, 3_000.0, 76.0),
        estimated,
        paused,
        reading(gone, now - 10 * MINUTE, 100.0 * TH, 3_000.0, 60.0),
        reading(retired, now - MINUTE, 100.0 * TH, 3_000.0, 60.0),
        // The collector tried, but this miner has never answered: never seen, not offline.
        TelemetrySample {
            miner_id: unreachable,
            taken_at_ms: now - MINUTE,
            online: false,
            ..TelemetrySample::default()
        },
        // An earlier bucket for the sparkline.
        reading(hot, DAY0, 100.0 * TH, 3_000.0, 70.0),
        reading(critical, DAY0 + MINUTE, 200.0 * TH, 3_500.0, 70.0),
    ];
    store.ingest_samples(site, &batch, now).await.unwrap();
    store.roll_up(now).await.unwrap();
    let o = store
        .site_overview(site, now, TemperatureLimits::default())
        .await
        .unwrap();
    assert_eq!(o.miners_total, 6, "the retired miner is left out");
    assert_eq!(
        (o.online, o.offline, o.never_seen, o.sleeping),
        (3, 1, 2, 1)
    );
    assert_eq!(o.hashrate_hs, 300.0 * TH);
    assert_eq!(o.expected_hashrate_hs, 600.0 * TH);
    assert_eq!(o.power_w, 6_550.0);
    assert_eq!(o.power_estimated_share, 3_500.0 / 6_550.0);
    // The sleeping miner hashes nothing, so its 50 W stay out of the efficiency.
    assert_eq!(o.j_per_th, Some(6_500.0 / 300.0));
    assert_eq!(o.temp_histogram, vec![(40, 1), (75, 1), (85, 1)]);
    assert_eq!((o.hot, o.critical), (1, 1));
    // The limits are the alert engine's, whatever they are configured to: 76 °C is critical
    // above 75 °C.
    let strict = TemperatureLimits {
        warning_c: 60.0,
        critical_c: 75.0,
    };
    let o_strict = store.site_overview(site, now, strict).await.unwrap();
    assert_eq!(
        (o_strict.hot, o_strict.critical, o_strict.limits),
        (0, 2, strict)
    );
    let sparkline: Vec<(i64, f64, u32)> = o
        .sparkline
        .iter()
        .map(|p| ((p.at_ms - DAY0) / MINUTE, p.hashrate_hs / TH, p.online))
        .collect();
    // Only the closed bucket 0 (hot, critical, gone); the current one is not rolled yet.
    assert_eq!(sparkline, vec![(0, 400.0, 3)]);
    db.cleanup().await;
}
on_both_engines!(
    overview_sqlite,
    overview_postgres,
    overview_counts_totals_efficiency_temperatures_and_sparkline
);
