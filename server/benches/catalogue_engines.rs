//! The prototype that chose how portable statements run (issue #20): the catalogue's three
//! statements (list every model, get one by name, upsert one) timed three ways on the same
//! database, per engine:
//! - `typed`: `sqlx::query_as` on the engine's own pool, what each per-engine macro compiled to;
//! - `executor`: the store as it is, through `db::exec` (arguments collected, bound per engine);
//! - `any`: `sqlx::AnyPool` with the same text and a row type of its own.
//!
//! SQLite (a file in a temp dir) always, PostgreSQL when `TEST_POSTGRES_URL` is set. A plain
//! timing loop like the other server benches (p50/p95 per statement). Run:
//! `cargo bench -p server --bench catalogue_engines`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod support;

use std::pin::Pin;
use std::str::FromStr;
use std::time::{Duration, Instant};

use domain::catalogue::{Cooling, NewAsicModel};
use server::db::store_impl::{GET_ASIC_MODEL, LIST_ASIC_MODELS, UPSERT_ASIC_MODEL};
use sqlx::Executor;
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use store::Store;

/// Models in the catalogue while the statements are timed (the seeded catalogue has ~40).
const MODELS: u32 = 40;
const WARMUP: usize = 50;
const SAMPLES: usize = 2_000;

#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // Decoded to be timed, not read.
struct Row {
    asic_model_id: i64,
    name: String,
    manufacturer: String,
    hashrate_hs: f64,
    power_w: f64,
    cooling: String,
    release_date: Option<String>,
    price_usd: Option<f64>,
}

fn model(n: u32) -> NewAsicModel {
    NewAsicModel {
        name: format!("Bench miner {n:03}"),
        manufacturer: "Bitmain".into(),
        hashrate_hs: f64::from(100 + n) * 1e12,
        power_w: f64::from(3_000 + 10 * n),
        cooling: if n.is_multiple_of(4) {
            Cooling::Hydro
        } else {
            Cooling::Air
        },
        release_date: Some("2025-06-01".into()),
        price_usd: (!n.is_multiple_of(3)).then(|| f64::from(2_000 + n)),
    }
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(engine: &str, way: &str, what: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{engine:8} {way:8} {what:8} p50 {:8.1} µs  p95 {:8.1} µs  (n={})",
        us(percentile(&samples, 50)),
        us(percentile(&samples, 95)),
        samples.len()
    );
}

/// One way of running a statement, boxed so the three ways can take turns.
type Op<'a> = Box<dyn Fn(u32) -> Pin<Box<dyn Future<Output = ()> + 'a>> + 'a>;

/// Times each way `SAMPLES` times after `WARMUP` untimed runs, the ways taking turns so that
/// what the database warms (caches, plans) favours none of them.
async fn time_in_turns(ops: &[Op<'_>]) -> Vec<Vec<Duration>> {
    for i in 0..WARMUP {
        for op in ops {
            op(u32::try_from(i).unwrap()).await;
        }
    }
    let mut samples = vec![Vec::with_capacity(SAMPLES); ops.len()];
    for i in 0..SAMPLES {
        for (op, samples) in ops.iter().zip(&mut samples) {
            let start = Instant::now();
            op(u32::try_from(i).unwrap()).await;
            samples.push(start.elapsed());
        }
    }
    samples
}

/// The three pools of one engine on one database.
struct Pools {
    url: String,
    store: server::db::SqlStore,
    typed: Typed,
    any: sqlx::AnyPool,
}

enum Typed {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

async fn sqlite_pools(url: &str) -> Pools {
    // The store's own settings (WAL, synchronous NORMAL) on every pool, so writes compare.
    let options = SqliteConnectOptions::from_str(url)
        .unwrap()
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap();
    let store = server::db::sqlite::from_pool(pool.clone()).await.unwrap();
    let any = AnyPoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("pragma synchronous = normal").await?;
                conn.execute("pragma foreign_keys = on").await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .unwrap();
    Pools {
        url: url.to_owned(),
        store,
        typed: Typed::Sqlite(pool),
        any,
    }
}

async fn postgres_pools(url: &str) -> Pools {
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await
        .unwrap();
    let store = server::db::postgres::from_pool(pool.clone()).await.unwrap();
    let any = AnyPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await
        .unwrap();
    Pools {
        url: url.to_owned(),
        store,
        typed: Typed::Postgres(pool),
        any,
    }
}

async fn typed_list(typed: &Typed) -> usize {
    match typed {
        Typed::Sqlite(pool) => sqlx::query_as::<_, Row>(LIST_ASIC_MODELS)
            .fetch_all(pool)
            .await
            .unwrap()
            .len(),
        Typed::Postgres(pool) => sqlx::query_as::<_, Row>(LIST_ASIC_MODELS)
            .fetch_all(pool)
            .await
            .unwrap()
            .len(),
    }
}

async fn typed_get(typed: &Typed, name: &str) -> i64 {
    match typed {
        Typed::Sqlite(pool) => {
            sqlx::query_as::<_, Row>(GET_ASIC_MODEL)
                .bind(name)
                .fetch_one(pool)
                .await
                .unwrap()
                .asic_model_id
        }
        Typed::Postgres(pool) => {
            sqlx::query_as::<_, Row>(GET_ASIC_MODEL)
                .bind(name)
                .fetch_one(pool)
                .await
                .unwrap()
                .asic_model_id
        }
    }
}

async fn typed_upsert(typed: &Typed, m: &NewAsicModel) -> i64 {
    match typed {
        Typed::Sqlite(pool) => {
            sqlx::query_as::<_, Row>(UPSERT_ASIC_MODEL)
                .bind(&m.name)
                .bind(&m.manufacturer)
                .bind(m.hashrate_hs)
                .bind(m.power_w)
                .bind(m.cooling.as_str())
                .bind(&m.release_date)
                .bind(m.price_usd)
                .fetch_one(pool)
                .await
                .unwrap()
                .asic_model_id
        }
        Typed::Postgres(pool) => {
            sqlx::query_as::<_, Row>(UPSERT_ASIC_MODEL)
                .bind(&m.name)
                .bind(&m.manufacturer)
                .bind(m.hashrate_hs)
                .bind(m.power_w)
                .bind(m.cooling.as_str())
                .bind(&m.release_date)
                .bind(m.price_usd)
                .fetch_one(pool)
                .await
                .unwrap()
                .asic_model_id
        }
    }
}

async fn any_upsert(any: &sqlx::AnyPool, m: &NewAsicModel) -> Result<i64, sqlx::Error> {
    sqlx::query_as::<_, Row>(UPSERT_ASIC_MODEL)
        .bind(&m.name)
        .bind(&m.manufacturer)
        .bind(m.hashrate_hs)
        .bind(m.power_w)
        .bind(m.cooling.as_str())
        .bind(&m.release_date)
        .bind(m.price_usd)
        .fetch_one(any)
        .await
        .map(|row| row.asic_model_id)
}

/// The `i`-th upsert's model: one of those with a price, round robin, so every way writes the
/// same rows (`sqlx::Any` cannot bind a null price on PostgreSQL; `run` reports that apart).
fn priced_model(i: u32) -> NewAsicModel {
    model(3 * (i % (MODELS / 3)) + 1)
}

async fn run(engine: &str, pools: Pools) {
    let pools = &pools;
    for n in 0..MODELS {
        pools.store.upsert_asic_model(&model(n)).await.unwrap();
    }
    let name = &model(7).name;
    let models = usize::try_from(MODELS).unwrap();
    let ways = ["executor", "typed", "any"];

    let list: [Op<'_>; 3] = [
        Box::new(|_| {
            Box::pin(async move {
                assert!(pools.store.list_asic_models().await.unwrap().len() >= models);
            })
        }),
        Box::new(|_| Box::pin(async move { assert!(typed_list(&pools.typed).await >= models) })),
        Box::new(|_| {
            Box::pin(async move {
                let rows = sqlx::query_as::<_, Row>(LIST_ASIC_MODELS)
                    .fetch_all(&pools.any)
                    .await
                    .unwrap();
                assert!(rows.len() >= models);
            })
        }),
    ];
    for (way, samples) in ways.iter().zip(time_in_turns(&list).await) {
        report(engine, way, "list", samples);
    }

    let get: [Op<'_>; 3] = [
        Box::new(|_| {
            Box::pin(async move {
                assert_eq!(&pools.store.get_asic_model(name).await.unwrap().name, name);
            })
        }),
        Box::new(|_| Box::pin(async move { assert!(typed_get(&pools.typed, name).await > 0) })),
        Box::new(|_| {
            Box::pin(async move {
                let row = sqlx::query_as::<_, Row>(GET_ASIC_MODEL)
                    .bind(name.as_str())
                    .fetch_one(&pools.any)
                    .await
                    .unwrap();
                assert_eq!(&row.name, name);
            })
        }),
    ];
    for (way, samples) in ways.iter().zip(time_in_turns(&get).await) {
        report(engine, way, "get", samples);
    }

    // Each upsert rewrites one of the priced models: a real write every time.
    let upsert: [Op<'_>; 3] = [
        Box::new(|i| {
            Box::pin(async move {
                let m = priced_model(i);
                assert_eq!(
                    pools.store.upsert_asic_model(&m).await.unwrap().name,
                    m.name
                );
            })
        }),
        Box::new(|i| {
            Box::pin(async move { assert!(typed_upsert(&pools.typed, &priced_model(i)).await > 0) })
        }),
        Box::new(|i| {
            Box::pin(async move {
                assert!(any_upsert(&pools.any, &priced_model(i)).await.unwrap() > 0);
            })
        }),
    ];
    for (way, samples) in ways.iter().zip(time_in_turns(&upsert).await) {
        report(engine, way, "upsert", samples);
    }

    // A model without a price binds a null float: each way on one fresh connection, the
    // null first and then a value, as a catalogue edit could.
    let unpriced = model(0);
    assert!(pools.store.upsert_asic_model(&unpriced).await.is_ok());
    assert!(typed_upsert(&pools.typed, &unpriced).await > 0);
    let one = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&pools.url)
        .await
        .unwrap();
    let null_then_value = match any_upsert(&one, &unpriced).await {
        Ok(_) => any_upsert(&one, &priced_model(0)).await,
        Err(err) => Err(err),
    };
    match null_then_value {
        Ok(_) => println!("{engine:8} any      binds a null price, then a price"),
        Err(err) => println!("{engine:8} any      fails a null price, then a price: {err}"),
    }
}
fn main() {
    sqlx::any::install_default_drivers();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        run("sqlite", sqlite_pools(&url).await).await;
        if let Some(pg) = support::PgSchema::create().await {
            run("postgres", postgres_pools(&pg.url).await).await;
            pg.drop().await;
        } else {
            println!("postgres skipped: set TEST_POSTGRES_URL to measure it too");
        }
    });
}
