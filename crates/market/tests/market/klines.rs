//! Binance daily klines: the array-of-arrays shape with decimal strings.

use market::{FetchError, ValidationError, fetch_daily_klines};
use wiremock::{
    Mock, MockServer,
    matchers::{method, path, query_param},
};

use crate::helpers::{
    BINANCE_KLINES, assert_close, client, fixture, fixture_json, json, json_value,
};

const START_MS: i64 = 1_794_700_800_000; // 2026-11-15 00:00 UTC

async fn serve_klines(server: &MockServer, limit: &str, body: wiremock::ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(BINANCE_KLINES))
        .and(query_param("symbol", "BTCUSDT"))
        .and(query_param("interval", "1d"))
        .and(query_param("startTime", START_MS.to_string()))
        .and(query_param("limit", limit))
        .respond_with(body)
        .mount(server)
        .await;
}

#[tokio::test]
async fn daily_candles_are_parsed_from_string_prices() {
    let server = MockServer::start().await;
    serve_klines(&server, "1000", json(&fixture("binance_klines_1d.json"))).await;

    let candles = fetch_daily_klines(&client(), &server.uri(), START_MS, 1_000)
        .await
        .unwrap();

    let raw = fixture_json("binance_klines_1d.json");
    assert_eq!(candles.len(), raw.as_array().unwrap().len());
    let first = &raw[0];
    assert_eq!(candles[0].open_time_ms, first[0].as_i64().unwrap());
    let field = |i: usize| first[i].as_str().unwrap().parse::<f64>().unwrap();
    assert_close(candles[0].open_usd, field(1));
    assert_close(candles[0].high_usd, field(2));
    assert_close(candles[0].low_usd, field(3));
    assert_close(candles[0].close_usd, field(4));
    assert_close(candles[0].volume_btc, field(5));
    for pair in candles.windows(2) {
        assert_eq!(pair[1].open_time_ms - pair[0].open_time_ms, 86_400_000);
    }
}

#[tokio::test]
async fn the_limit_is_capped_at_binances_maximum() {
    let server = MockServer::start().await;
    serve_klines(&server, "1000", json(&fixture("binance_klines_1d.json"))).await;

    // Asking for more than 1000 still sends limit=1000 (the mock matches only that).
    let candles = fetch_daily_klines(&client(), &server.uri(), START_MS, 5_000).await;

    assert!(candles.is_ok(), "{candles:?}");
}

#[tokio::test]
async fn a_candle_with_low_above_high_is_rejected() {
    let server = MockServer::start().await;
    let mut raw = fixture_json("binance_klines_1d.json");
    let high = raw[3][2].clone();
    raw[3][2] = raw[3][3].clone();
    raw[3][3] = high;
    serve_klines(&server, "10", json_value(&raw)).await;

    let err = fetch_daily_klines(&client(), &server.uri(), START_MS, 10)
        .await
        .unwrap_err();

    assert!(
        matches!(
            err,
            FetchError::Implausible {
                error: ValidationError::CandleInconsistent { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_price_that_is_not_a_decimal_is_malformed() {
    let server = MockServer::start().await;
    let mut raw = fixture_json("binance_klines_1d.json");
    raw[0][4] = "n/a".into();
    serve_klines(&server, "10", json_value(&raw)).await;

    let err = fetch_daily_klines(&client(), &server.uri(), START_MS, 10)
        .await
        .unwrap_err();

    assert!(
        matches!(&err, FetchError::Malformed { message, .. } if message.contains("close")),
        "{err}"
    );
}
