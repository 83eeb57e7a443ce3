//! BTC price: each provider's real shape, the fallback order, and every way a source can fail.

use std::time::{Duration, Instant};

use market::{FetchError, MarketEndpoints, Source, ValidationError, fetch_price};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};

use crate::helpers::{
    BINANCE_TICKER, COINGECKO, OKX, SLOWER_THAN_TIMEOUT, assert_close, client, fixture,
    fixture_json, hits, json, json_value, serve_binance, serve_coingecko, serve_okx,
    serve_price_fixtures,
};

async fn price_from(
    server: &MockServer,
) -> Result<market::Sourced<market::PriceQuote>, market::AllSourcesFailed> {
    fetch_price(&client(), &MarketEndpoints::all_at(&server.uri())).await
}

#[tokio::test]
async fn coingecko_is_asked_first_and_its_price_and_change_are_read() {
    let server = MockServer::start().await;
    serve_price_fixtures(&server).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::CoinGecko);
    assert_close(quote.value.price_usd, 90_412.0);
    assert_close(
        quote.value.change_24h_pct.unwrap(),
        -1.834_192_774_526_341_6,
    );
    assert!(quote.age_ms(market::now_ms()) < 5_000);
    assert_eq!(
        hits(&server, BINANCE_TICKER).await,
        0,
        "no need to ask Binance"
    );
}

#[tokio::test]
async fn binance_is_used_when_coingecko_is_down_and_the_value_says_so() {
    let server = MockServer::start().await;
    serve_coingecko(&server, ResponseTemplate::new(500)).await;
    serve_binance(&server, json(&fixture("binance_ticker_24hr.json"))).await;
    serve_okx(&server, json(&fixture("okx_ticker.json"))).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::Binance);
    assert_close(quote.value.price_usd, 90_414.02);
    assert_close(quote.value.change_24h_pct.unwrap(), -1.677);
    assert_eq!(hits(&server, OKX).await, 0);
}

#[tokio::test]
async fn okx_is_used_when_the_first_two_fail_and_its_change_comes_from_open24h() {
    let server = MockServer::start().await;
    serve_coingecko(&server, ResponseTemplate::new(500)).await;
    serve_binance(
        &server,
        json(&fixture("binance_ticker_24hr.json")).set_delay(SLOWER_THAN_TIMEOUT),
    )
    .await;
    serve_okx(&server, json(&fixture("okx_ticker.json"))).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::Okx);
    assert_close(quote.value.price_usd, 90_409.9);
    let expected_change = (90_409.9 / 91_950.1 - 1.0) * 100.0;
    assert_close(quote.value.change_24h_pct.unwrap(), expected_change);
}

#[tokio::test]
async fn when_every_source_fails_the_error_lists_each_in_order() {
    let server = MockServer::start().await;
    serve_coingecko(
        &server,
        ResponseTemplate::new(502).set_body_raw(fixture("cloudflare_502.html"), "text/html"),
    )
    .await;
    serve_binance(&server, json("{}").set_delay(SLOWER_THAN_TIMEOUT)).await;
    serve_okx(&server, json(&fixture("okx_error.json"))).await;

    let err = price_from(&server).await.unwrap_err();

    let sources: Vec<_> = err.failures.iter().map(|f| f.source).collect();
    assert_eq!(sources, [Source::CoinGecko, Source::Binance, Source::Okx]);
    assert!(matches!(
        err.failures[0].error,
        FetchError::Status { status: 502, .. }
    ));
    assert!(matches!(
        err.failures[1].error,
        FetchError::Timeout {
            timeout_ms: 300,
            ..
        }
    ));
    assert!(
        matches!(&err.failures[2].error, FetchError::Malformed { message, .. } if message.contains("50011"))
    );
    let text = err.to_string();
    for name in [
        "CoinGecko",
        "Binance",
        "OKX",
        "HTTP 502",
        "no answer within 300 ms",
    ] {
        assert!(text.contains(name), "{text}");
    }
    // 5xx and timeouts are retried once (max_attempts 2); OKX's error code is not.
    assert_eq!(hits(&server, COINGECKO).await, 2);
    assert_eq!(hits(&server, BINANCE_TICKER).await, 2);
    assert_eq!(hits(&server, OKX).await, 1);
}

#[tokio::test]
async fn a_zero_price_is_rejected_and_the_next_source_used() {
    let server = MockServer::start().await;
    let mut zero = fixture_json("coingecko_simple_price.json");
    zero["bitcoin"]["usd"] = 0.into();
    serve_coingecko(&server, json_value(&zero)).await;
    serve_binance(&server, json(&fixture("binance_ticker_24hr.json"))).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::Binance);
    // An implausible value is not retried: it would come back the same.
    assert_eq!(hits(&server, COINGECKO).await, 1);
}

#[tokio::test]
async fn a_negative_or_absurd_price_is_an_implausible_value() {
    for bad in [-90_412.0, 9.0e12, 0.9] {
        let server = MockServer::start().await;
        let mut body = fixture_json("binance_ticker_24hr.json");
        body["lastPrice"] = format!("{bad:.8}").into();
        serve_coingecko(&server, ResponseTemplate::new(500)).await;
        serve_binance(&server, json_value(&body)).await;
        serve_okx(&server, ResponseTemplate::new(500)).await;

        let err = price_from(&server).await.unwrap_err();

        match &err.failures[1].error {
            FetchError::Implausible { error, .. } => assert!(
                matches!(error, ValidationError::PriceOutOfRange { price_usd } if (price_usd - bad).abs() < 1e-6),
                "{error}"
            ),
            other => panic!("{bad}: {other}"),
        }
    }
}

#[tokio::test]
async fn truncated_json_is_malformed_and_not_retried() {
    let server = MockServer::start().await;
    serve_coingecko(&server, json(r#"{"bitcoin":{"usd":904"#)).await;
    serve_binance(&server, json(&fixture("binance_ticker_24hr.json"))).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::Binance);
    assert_eq!(hits(&server, COINGECKO).await, 1);
}

#[tokio::test]
async fn a_changed_shape_is_malformed() {
    let server = MockServer::start().await;
    // CoinGecko's answer for an unknown id: an empty object.
    serve_coingecko(&server, json("{}")).await;
    serve_binance(&server, ResponseTemplate::new(404)).await;
    serve_okx(&server, ResponseTemplate::new(404)).await;

    let err = price_from(&server).await.unwrap_err();

    assert!(
        matches!(&err.failures[0].error, FetchError::Malformed { message, .. } if message.contains("bitcoin"))
    );
    // A 404 will not heal on retry.
    assert!(matches!(
        err.failures[1].error,
        FetchError::Status { status: 404, .. }
    ));
    assert_eq!(hits(&server, BINANCE_TICKER).await, 1);
}

#[tokio::test]
async fn a_500_is_retried_once_and_the_second_answer_used() {
    let server = MockServer::start().await;
    Mock::given(path(COINGECKO))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    serve_coingecko(&server, json(&fixture("coingecko_simple_price.json"))).await;

    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::CoinGecko);
    assert_eq!(hits(&server, COINGECKO).await, 2);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let server = MockServer::start().await;
    Mock::given(path(COINGECKO))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    serve_coingecko(&server, json(&fixture("coingecko_simple_price.json"))).await;

    let started = Instant::now();
    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::CoinGecko);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(hits(&server, COINGECKO).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_moves_on_to_the_next_source_at_once() {
    let server = MockServer::start().await;
    serve_coingecko(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
    )
    .await;
    serve_binance(&server, json(&fixture("binance_ticker_24hr.json"))).await;

    let started = Instant::now();
    let quote = price_from(&server).await.unwrap();

    assert_eq!(quote.source, Source::Binance);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(hits(&server, COINGECKO).await, 1);
}
