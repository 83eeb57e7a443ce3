//! The miner table at farm scale: 20,000 miners with live readings on one site, among others,
//! read one page at a time (sorted by serial, by hashrate, searched, the last page, a client's
//! scope), and the 20,000-row import that fills it. On SQLite (a file in a temp dir) always, on
//! PostgreSQL when `TEST_POSTGRES_URL` is set.
//!
//! A plain timing loop rather than criterion: the goal is a p95 per page (≤ 50 ms), which
//! criterion does not report. Run: `cargo bench -p server --bench miner_list`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::fleet::{
    InsertOutcome, MinerQuery, MinerSort, MinerStatus, NewCustomer, NewMiner, NewSite, Tariff,
};
use server::config::{DatabaseSettings, DatabaseUrl};
use sqlx::Connection;
use store::Store;

const MINERS: u32 = 20_000;
const CUSTOMERS: u32 = 20;
const NOW_MS: i64 = 1_800_000_000_000;
const WARMUP: usize = 5;
const SAMPLES: usize = 60;
const IMPORT_RUNS: u32 = 3;

fn new_site(name: &str) -> NewSite {
    NewSite {
        name: name.into(),
        location: String::new(),
        capacity_mw: 80.0,
        tariff: Tariff::Flat { usd_kwh: 0.05 },
        owner_user_id: None,
    }
}

fn rows(run: u32, customers: &[i64]) -> Vec<NewMiner> {
    (0..MINERS)
        .map(|n| NewMiner {
            customer_id: Some(customers[(n % CUSTOMERS) as usize]),
            asic_model_id: None,
            model_name: if n % 3 == 0 {
                "Whatsminer M60S"
            } else {
                "Antminer S21 Pro"
            }
            .into(),
            serial: format!("R{run}SN{n:07}"),
            ip: format!("10.{}.{}.{}", run, n / 256, n % 256),
            mac: Some(format!(
                "0{run}:00:00:{:02x}:{:02x}:{:02x}",
                n / 65_536,
                (n / 256) % 256,
                n % 256
            )),
            rack: format!(
                "{}-{:02}",
                char::from(b'A' + u8::try_from(n % 26).unwrap()),
                n % 40
            ),
            status: if n % 50 == 0 {
                MinerStatus::Maintenance
            } else {
                MinerStatus::Active
            },
        })
        .collect()
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(engine: &str, what: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{engine:8} {what:44} p50 {:8.2} ms  p95 {:8.2} ms  max {:8.2} ms  (n={})",
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 95)),
        ms(*samples.last().unwrap()),
        samples.len()
    );
}

/// The live rows the collector would have written: most miners online, a few silent.
async fn fill_live(url: &str, site_id: i64, ids: &[i64]) {
    let mut sql = String::new();
    for (chunk_no, chunk) in ids.chunks(1_000).enumerate() {
        sql.push_str(
            "insert into miner_live (miner_id, site_id, taken_at_ms, last_seen_ms, online,
                 is_mining, hashrate_hs, expected_hashrate_hs, power_w, power_estimated,
                 temp_max_c) values ",
        );
        for (i, id) in chunk.iter().enumerate() {
            let n = chunk_no * 1_000 + i;
            let seen = if n % 40 == 0 {
                NOW_MS - 900_000
            } else {
                NOW_MS - 20_000
            };
            let hashrate = 1.8e14 + f64::from(u32::try_from(n * 7_919 % 4_000).unwrap()) * 1e10;
            let sep = if i == 0 { "" } else { "," };
            write!(
                sql,
                "{sep}({id}, {site_id}, {seen}, {seen}, true, true, {hashrate}, 2e14, 3500, false, {})",
                55 + n % 30
            )
            .unwrap();
        }
        sql.push_str(";\n");
    }
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
        sqlx::raw_sql("analyze").execute(&mut conn).await.unwrap();
    }
}

async fn time_import(engine: &str, store: &Arc<dyn Store>, customers: &[i64]) -> (i64, Vec<i64>) {
    let mut samples = Vec::new();
    let mut kept = None;
    for run in 0..IMPORT_RUNS {
        let site = store
            .create_site(&new_site(&format!("Bench {run}")), NOW_MS)
            .await
            .unwrap();
        let batch = rows(run, customers);
        let start = Instant::now();
        let outcomes = store
            .insert_miners(site.site_id, &batch, NOW_MS)
            .await
            .unwrap();
        samples.push(start.elapsed());
        let ids: Vec<i64> = outcomes
            .iter()
            .filter_map(|o| match o {
                InsertOutcome::Inserted { miner_id } => Some(*miner_id),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), MINERS as usize);
        if run == 0 {
            kept = Some((site.site_id, ids));
        } else {
            store.delete_site(site.site_id).await.unwrap();
        }
    }
    report(
        engine,
        "insert_miners 20,000 rows (one transaction)",
        samples,
    );
    kept.unwrap()
}

async fn time_pages(engine: &str, store: &Arc<dyn Store>, site_id: i64, customer_id: i64) {
    let base = MinerQuery {
        site_id: Some(site_id),
        ..MinerQuery::default()
    };
    let cases = [
        ("page 1 by serial", base.clone()),
        (
            "page 1 by hashrate desc",
            MinerQuery {
                sort: MinerSort::Hashrate,
                descending: true,
                ..base.clone()
            },
        ),
        (
            "page 1 by IP",
            MinerQuery {
                sort: MinerSort::Ip,
                ..base.clone()
            },
        ),
        (
            "page 1 search \"sn00123\"",
            MinerQuery {
                search: Some("sn00123".into()),
                ..base.clone()
            },
        ),
        (
            "page 1 offline only, by last seen",
            MinerQuery {
                online: Some(false),
                sort: MinerSort::LastSeen,
                ..base.clone()
            },
        ),
        (
            "last page (400) by serial",
            MinerQuery {
                page: 400,
                ..base.clone()
            },
        ),
        (
            "client scope page 1 by hashrate desc",
            MinerQuery {
                site_id: None,
                customer_id: Some(customer_id),
                sort: MinerSort::Hashrate,
                descending: true,
                ..base.clone()
            },
        ),
    ];
    for (what, query) in cases {
        let mut samples = Vec::with_capacity(SAMPLES);
        for i in 0..WARMUP + SAMPLES {
            let start = Instant::now();
            let page = store.list_miners(&query, NOW_MS).await.unwrap();
            if i >= WARMUP {
                samples.push(start.elapsed());
            }
            assert!(!page.rows.is_empty(), "{what}");
        }
        report(engine, what, samples);
    }
}

async fn run(engine: &str, url: String) {
    let settings = DatabaseSettings {
        url: Some(DatabaseUrl::new(url.clone())),
        max_connections: 4,
        ..Default::default()
    };
    let store = server::db::open(&settings).await.unwrap();
    let mut customers = Vec::new();
    for c in 0..CUSTOMERS {
        let customer = NewCustomer {
            name: format!("Client {c}"),
            contact_email: None,
            user_id: None,
        };
        customers.push(
            store
                .create_customer(&customer, NOW_MS)
                .await
                .unwrap()
                .customer_id,
        );
    }
    let (site_id, ids) = time_import(engine, &store, &customers).await;
    fill_live(&url, site_id, &ids).await;
    time_pages(engine, &store, site_id, customers[3]).await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        run(
            "sqlite",
            format!("sqlite://{}", dir.path().join("bench.db").display()),
        )
        .await;
        if let Some(pg) = support::PgSchema::create().await {
            run("postgres", pg.url.clone()).await;
            pg.drop().await;
        } else {
            println!("postgres skipped: set TEST_POSTGRES_URL to measure it too");
        }
    });
}
