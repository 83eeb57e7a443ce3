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
    let response = app.get("/api/v1/market").await;
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
    let reads = (0..200).map(|_| app.get("/api/v1/market"));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    for _ in 0..20 {
        let page = app.get("/calculator").await.text().await.unwrap();
        assert!(page.contains("CoinGecko"));
        assert!(!page.contains("id=\"market-offline\""));
    }
    let after = market(&app).await["outbound_requests"].as_u64().unwrap();
    assert_eq!(after, before, "readers caused provider requests");
    app.stop().await;
}
