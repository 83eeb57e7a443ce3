//! Fixtures, mock mounting and a fast retry policy shared by the tests.

use std::{path::Path, time::Duration};

use market::{HttpClient, HttpConfig, MarketConfig, MarketEndpoints, MarketService};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param},
};

pub const COINGECKO: &str = "/api/v3/simple/price";
pub const BINANCE_TICKER: &str = "/api/v3/ticker/24hr";
pub const BINANCE_KLINES: &str = "/api/v3/klines";
pub const OKX: &str = "/api/v5/market/ticker";
pub const MEMPOOL_ADJUSTMENT: &str = "/api/v1/difficulty-adjustment";
pub const MEMPOOL_TIP: &str = "/api/blocks/tip/height";
pub const MEMPOOL_HASHRATE_3D: &str = "/api/v1/mining/hashrate/3d";
pub const MEMPOOL_FEES_24H: &str = "/api/v1/mining/blocks/fees/24h";
pub const BLOCKCHAIN_STATS: &str = "/stats";
pub const FNG: &str = "/fng/";

/// The text of `tests/fixtures/{name}`.
pub fn fixture(name: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// Short timeouts and back-off so failure tests run in milliseconds; two attempts per URL.
pub fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout_ms: 300,
        max_attempts: 2,
        backoff_base_ms: 10,
        backoff_max_ms: 20,
        retry_after_cap_ms: 1_500,
        ..HttpConfig::default()
    }
}

pub fn client() -> HttpClient {
    HttpClient::new(fast_http()).unwrap()
}

pub fn config(server: &MockServer) -> MarketConfig {
    MarketConfig {
        endpoints: MarketEndpoints::all_at(&server.uri()),
        http: fast_http(),
        ..MarketConfig::default()
    }
}

pub fn service(server: &MockServer) -> MarketService {
    MarketService::new(config(server)).unwrap()
}

pub fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

pub fn json_value(body: &serde_json::Value) -> ResponseTemplate {
    json(&body.to_string())
}

/// Serve `response` at `at` (any query).
pub async fn serve(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The three price providers, each answering only to the query it documents.
pub async fn serve_price_fixtures(server: &MockServer) {
    serve_coingecko(server, json(&fixture("coingecko_simple_price.json"))).await;
    serve_binance(server, json(&fixture("binance_ticker_24hr.json"))).await;
    serve_okx(server, json(&fixture("okx_ticker.json"))).await;
}

pub async fn serve_coingecko(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(COINGECKO))
        .and(query_param("ids", "bitcoin"))
        .and(query_param("vs_currencies", "usd"))
        .and(query_param("include_24hr_change", "true"))
        .respond_with(response)
        .mount(server)
        .await;
}

pub async fn serve_binance(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(BINANCE_TICKER))
        .and(query_param("symbol", "BTCUSDT"))
        .respond_with(response)
        .mount(server)
        .await;
}

pub async fn serve_okx(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(OKX))
        .and(query_param("instId", "BTC-USDT"))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The four mempool.space endpoints with their fixtures, except any overridden in `except`.
pub async fn serve_mempool_fixtures(server: &MockServer, except: &[&str]) {
    let all = [
        (
            MEMPOOL_ADJUSTMENT,
            "mempool_difficulty_adjustment.json",
            "application/json",
        ),
        (MEMPOOL_TIP, "mempool_tip_height.txt", "text/plain"),
        (
            MEMPOOL_HASHRATE_3D,
            "mempool_hashrate_3d.json",
            "application/json",
        ),
        (
            MEMPOOL_FEES_24H,
            "mempool_fees_24h.json",
            "application/json",
        ),
    ];
    for (at, file, mime) in all {
        if !except.contains(&at) {
            let body = fixture(file);
            serve(
                server,
                at,
                ResponseTemplate::new(200).set_body_raw(body, mime),
            )
            .await;
        }
    }
}

pub async fn serve_blockchain_info_fixture(server: &MockServer) {
    serve(
        server,
        BLOCKCHAIN_STATS,
        json(&fixture("blockchain_info_stats.json")),
    )
    .await;
}

/// Every provider healthy.
pub async fn serve_everything(server: &MockServer) {
    serve_price_fixtures(server).await;
    serve_mempool_fixtures(server, &[]).await;
    serve_blockchain_info_fixture(server).await;
    Mock::given(method("GET"))
        .and(path(FNG))
        .and(query_param("limit", "1"))
        .respond_with(json(&fixture("alternative_me_fng.json")))
        .mount(server)
        .await;
}

/// Every provider answering 503, as in a full outage of our egress.
pub async fn serve_outage(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(server)
        .await;
}

/// Requests the server received at `at`.
pub async fn hits(server: &MockServer, at: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == at)
        .count()
}

pub async fn total_hits(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Longer than the client's timeout.
pub const SLOWER_THAN_TIMEOUT: Duration = Duration::from_secs(2);

pub fn assert_close(actual: f64, expected: f64) {
    let tolerance = expected.abs() * 1e-12;
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not {expected}"
    );
}
