//! Market data in the server: the shipped snapshot on an offline start, live values from the
//! providers (local servers serving the providers' recorded responses), and outbound requests
//! that do not grow with readers.

use std::path::Path;
use std::time::Duration;

use market::MarketEndpoints;
use reqwest::StatusCode;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{Backend, TestApp};

fn fixture(name: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/market/tests/fixtures")
        .join(name);
    std::fs::read_to_string(&file).unwrap()
}

async fn serve(server: &MockServer, at: &str, file: &str, mime: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture(file), mime))
        .mount(server)
        .await;
}

async fn market(app: &TestApp) -> Value {
    let response = app
        .owner
        .get(app.url("/api/v1/market"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn offline_the_shipped_snapshot_is_served_and_labelled() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let body = market(&app).await;
    let snapshot: Value = serde_json::from_str(server::market::SHIPPED_SNAPSHOT).unwrap();
    assert_eq!(body["btc_price_usd"]["provenance"], "snapshot");
    assert_eq!(
        body["btc_price_usd"]["value"],
        snapshot["price"]["value"]["price_usd"]
    );
    assert_eq!(
        body["difficulty"]["value"],
        snapshot["network"]["value"]["difficulty"]
    );
    assert_eq!(body["outbound_requests"], 0);
    // The calculator prefills from it and says so.
    let page = app.get("/calculator").await.text().await.unwrap();
    assert!(page.contains("id=\"market-offline\""), "no offline notice");
    app.stop().await;
}

#[tokio::test]
async fn live_values_replace_the_snapshot_and_readers_cost_no_requests() {
    let providers = MockServer::start().await;
    serve(
        &providers,
        "/api/v3/simple/price",
        "coingecko_simple_price.json",
        "application/json",
    )
    .await;
    serve(
        &providers,
        "/api/v1/difficulty-adjustment",
        "mempool_difficulty_adjustment.json",
        "application/json",
    )
    .await;
    serve(
        &providers,
        "/api/blocks/tip/height",
        "mempool_tip_height.txt",
        "text/plain",
    )
    .await;
    serve(
        &providers,
        "/api/v1/mining/hashrate/3d",
        "mempool_hashrate_3d.json",
        "application/json",
    )
    .await;
    serve(
        &providers,
        "/api/v1/mining/blocks/fees/24h",
        "mempool_fees_24h.json",
        "application/json",
    )
    .await;
    let base = providers.uri();
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.market.enabled = true;
        settings.market.feed.endpoints = MarketEndpoints::all_at(&base);
        // Fear & Greed is not read here; off, every request counted below is settled.
        settings.market.feed.fear_greed_refresh_ms = 0;
    })
    .await
    else {
        return;
    };
    let mut body = market(&app).await;
    for _ in 0..100 {
        if body["btc_price_usd"]["source"] == "CoinGecko"
            && body["difficulty"]["source"] == "mempool.space"
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        body = market(&app).await;
    }
    let coingecko: Value = serde_json::from_str(&fixture("coingecko_simple_price.json")).unwrap();
    assert_eq!(body["btc_price_usd"]["source"], "CoinGecko");
    assert_eq!(body["btc_price_usd"]["provenance"], "live");
    assert_eq!(
        body["btc_price_usd"]["value"].as_f64(),
        coingecko["bitcoin"]["usd"].as_f64()
    );
    assert_eq!(body["difficulty"]["source"], "mempool.space");
    assert_eq!(body["btc_price_usd"]["stale"], false);

    // 200 readers of the API and 20 of the calculator page: no request to any provider.
    let before = market(&app).await["outbound_requests"].as_u64().unwrap();
    assert!(before > 0);
    let reads = (0..200).map(|_| async {
        app.owner
            .get(app.url("/api/v1/market"))
            .send()
            .await
            .unwrap()
    });
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    for _ in 0..20 {
        let page = app.get("/calculator").await.text().await.unwrap();
        assert!(
            page.contains("CoinGecko"),
            "the calculator page lost the price's source: {}",
            &page[page.len().saturating_sub(3000)..]
        );
        assert!(!page.contains("id=\"market-offline\""));
    }
    let after = market(&app).await["outbound_requests"].as_u64().unwrap();
    assert_eq!(after, before, "readers caused provider requests");
    app.stop().await;
}

/// `hashinsight market backfill` against local servers serving the providers' recorded
/// history: the days are stored, and a second run over the same range fetches nothing.
#[tokio::test]
async fn backfill_fills_the_days_and_resumes_without_refetching() {
    use wiremock::matchers::path_regex;
    let providers = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v1/mining/hashrate/[0-9a-z]+$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("mempool_hashrate_1y.json"), "application/json"),
        )
        .mount(&providers)
        .await;
    serve(
        &providers,
        "/api/v3/klines",
        "binance_klines_1d.json",
        "application/json",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("history.db").display());
    let base = providers.uri();
    let run = {
        let database = database.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_hashinsight"))
                .env_remove("DATABASE_URL")
                .env("APP__MARKET__FEED__ENDPOINTS__MEMPOOL", &base)
                .env("APP__MARKET__FEED__ENDPOINTS__BINANCE", &base)
                // The recorded klines cover 2026-11-15 … 2026-11-24.
                .args([
                    "--database-url",
                    &database,
                    "market",
                    "backfill",
                    "--days",
                    "10",
                    "--to-day",
                    "2026-11-24",
                ])
                .output()
                .unwrap()
        }
    };
    let first = tokio::task::spawn_blocking(run.clone()).await.unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("backfilled 10 days of network history, 2026-11-15 … 2026-11-24"),
        "{stdout}"
    );
    let requests = providers.received_requests().await.unwrap().len();
    assert_eq!(requests, 2, "one history request and one klines page");

    let settings = server::config::DatabaseSettings {
        url: Some(server::config::DatabaseUrl::new(database.clone())),
        ..server::config::DatabaseSettings::default()
    };
    let store = server::db::open(&settings).await.unwrap();
    let days = store.list_network_days(0).await.unwrap();
    assert_eq!(days.len(), 10);
    let klines: Value = serde_json::from_str(&fixture("binance_klines_1d.json")).unwrap();
    let last_close: f64 = klines[9][4].as_str().unwrap().parse().unwrap();
    assert_eq!(days[9].price_usd, Some(last_close));
    assert!(
        days.iter()
            .all(|d| d.difficulty.is_some() && d.hashrate_hs.is_some())
    );
    assert_eq!(days[9].source, "mempool.space+Binance");

    let second = tokio::task::spawn_blocking(run).await.unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("is complete: nothing to fetch"), "{stdout}");
    assert_eq!(providers.received_requests().await.unwrap().len(), requests);
}

/// With half a year of stored history, the calculator's difficulty growth starts from its
/// trend (and says so); the address still wins.
#[tokio::test]
async fn the_difficulty_trend_of_the_history_prefills_the_growth() {
    use domain::market::{DAY_MS, NetworkDay, day_start_ms};
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let today = day_start_ms(market::now_ms());
    // 3 % a month, compounded daily, for the last 200 days.
    let daily = 1.03_f64.powf(1.0 / 30.436_875);
    let days: Vec<NetworkDay> = (0..200_i32)
        .map(|i| NetworkDay {
            day_ms: today - i64::from(199 - i) * DAY_MS,
            difficulty: Some(1e14 * daily.powi(i)),
            hashrate_hs: None,
            price_usd: None,
            source: "mempool.space".to_owned(),
            updated_at_ms: today,
        })
        .collect();
    app.database
        .store()
        .await
        .upsert_network_days(&days)
        .await
        .unwrap();

    let page = app.get("/calculator").await.text().await.unwrap();
    assert!(
        page.contains(r#"id="field-difficulty_growth_pct_month" name="difficulty_growth_pct_month" type="text" inputmode="decimal" value="3.00""#),
        "growth not prefilled"
    );
    assert!(page.contains("trend of the last 180 days"));
    let page = app
        .get("/calculator?difficulty_growth_pct_month=1.5")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"value="1.5""#));
    app.stop().await;
}

/// `hashinsight calc` without the market flags, as `run` with `env` sets it up: the JSON
/// answer and what it said on stderr.
async fn calc_without_market_flags(env: Vec<(String, String)>) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_hashinsight"))
            .env_remove("DATABASE_URL")
            .envs(env)
            .current_dir(dir.path())
            .args([
                "calc",
                "--model",
                "Antminer S19 Pro",
                "--electricity-usd-kwh",
                "0.05",
                "--json",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

/// The calculator's CLI prefills the price, the difficulty and the fees from the providers,
/// as the page does, and says where each came from.
#[tokio::test]
async fn the_cli_prefills_live_market_values_and_names_their_source() {
    let providers = MockServer::start().await;
    for (at, file, mime) in [
        (
            "/api/v3/simple/price",
            "coingecko_simple_price.json",
            "application/json",
        ),
        (
            "/api/v1/difficulty-adjustment",
            "mempool_difficulty_adjustment.json",
            "application/json",
        ),
        (
            "/api/blocks/tip/height",
            "mempool_tip_height.txt",
            "text/plain",
        ),
        (
            "/api/v1/mining/hashrate/3d",
            "mempool_hashrate_3d.json",
            "application/json",
        ),
        (
            "/api/v1/mining/blocks/fees/24h",
            "mempool_fees_24h.json",
            "application/json",
        ),
    ] {
        serve(&providers, at, file, mime).await;
    }
    let base = providers.uri();
    let env = [
        "COINGECKO",
        "BINANCE",
        "OKX",
        "MEMPOOL",
        "BLOCKCHAIN_INFO",
        "ALTERNATIVE_ME",
    ]
    .into_iter()
    .map(|provider| {
        (
            format!("APP__MARKET__FEED__ENDPOINTS__{provider}"),
            base.clone(),
        )
    })
    .collect();
    let (body, stderr) = calc_without_market_flags(env).await;
    let coingecko: Value = serde_json::from_str(&fixture("coingecko_simple_price.json")).unwrap();
    let price = coingecko["bitcoin"]["usd"].as_f64().unwrap();
    assert!(
        stderr.contains(&format!("btc_price_usd = {price} (CoinGecko, live)")),
        "{stderr}"
    );
    assert!(stderr.contains("(mempool.space, live)"), "{stderr}");
    assert!(stderr.contains("fees_per_block_btc = "), "{stderr}");
    // The answer is computed from those values: revenue = BTC mined × the live price.
    let revenue = body["daily_revenue_usd"].as_f64().unwrap();
    let btc = body["daily_btc"].as_f64().unwrap();
    assert!((revenue - btc * price).abs() < 1e-9 * revenue, "{body}");
}

/// With the market refresh off (or no provider answering), the shipped dated snapshot fills
/// the same values, labelled as such.
#[tokio::test]
async fn the_cli_prefills_the_shipped_snapshot_offline_and_says_so() {
    let (body, stderr) = calc_without_market_flags(vec![(
        "APP__MARKET__ENABLED".to_owned(),
        "false".to_owned(),
    )])
    .await;
    let snapshot = market::Snapshot::from_json(server::market::SHIPPED_SNAPSHOT).unwrap();
    let price = snapshot.price.unwrap();
    let date = domain::market::iso_date(price.fetched_at_ms);
    assert!(
        stderr.contains(&format!(
            "btc_price_usd = {} (snapshot of {date})",
            price.value.price_usd
        )),
        "{stderr}"
    );
    assert!(stderr.contains("difficulty = "), "{stderr}");
    let revenue = body["daily_revenue_usd"].as_f64().unwrap();
    let btc = body["daily_btc"].as_f64().unwrap();
    assert!(
        (revenue - btc * price.value.price_usd).abs() < 1e-9 * revenue,
        "{body}"
    );
}
