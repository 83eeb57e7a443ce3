//! alternative.me Fear & Greed: strings for numbers, newest first, errors in `metadata`.

use market::{FetchError, Source, ValidationError, fetch_fear_greed, fetch_fear_greed_history};
use wiremock::{
    Mock, MockServer,
    matchers::{method, path, query_param},
};

use crate::helpers::{FNG, client, fixture, fixture_json, json, json_value};

async fn serve_fng(server: &MockServer, limit: &str, body: wiremock::ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(FNG))
        .and(query_param("limit", limit))
        .respond_with(body)
        .mount(server)
        .await;
}

#[tokio::test]
async fn todays_index_is_read_with_its_label_and_day() {
    let server = MockServer::start().await;
    serve_fng(&server, "1", json(&fixture("alternative_me_fng.json"))).await;

    let index = fetch_fear_greed(&client(), &server.uri()).await.unwrap();

    assert_eq!(index.source, Source::AlternativeMe);
    assert_eq!(index.value.value, 24);
    assert_eq!(index.value.classification, "Extreme Fear");
    assert_eq!(index.value.timestamp_ms, 1_795_564_800_000);
}

#[tokio::test]
async fn history_returns_one_value_per_day_newest_first() {
    let server = MockServer::start().await;
    serve_fng(&server, "7", json(&fixture("alternative_me_fng_7.json"))).await;

    let days = fetch_fear_greed_history(&client(), &server.uri(), 7)
        .await
        .unwrap();

    let values: Vec<u8> = days.iter().map(|d| d.value).collect();
    assert_eq!(values, [24, 20, 14, 11, 15, 16, 22]);
    for pair in days.windows(2) {
        assert_eq!(pair[0].timestamp_ms - pair[1].timestamp_ms, 86_400_000);
    }
}

#[tokio::test]
async fn a_value_above_100_is_rejected() {
    let server = MockServer::start().await;
    let mut body = fixture_json("alternative_me_fng.json");
    body["data"][0]["value"] = "240".into();
    serve_fng(&server, "1", json_value(&body)).await;

    let err = fetch_fear_greed(&client(), &server.uri())
        .await
        .unwrap_err();

    assert!(matches!(
        err.failures[0].error,
        FetchError::Implausible {
            error: ValidationError::FearGreedOutOfRange { value: 240 },
            ..
        }
    ));
}

#[tokio::test]
async fn an_error_in_metadata_is_malformed() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "name": "Fear and Greed Index",
        "data": [],
        "metadata": { "error": "Internal error" }
    });
    serve_fng(&server, "1", json_value(&body)).await;

    let err = fetch_fear_greed(&client(), &server.uri())
        .await
        .unwrap_err();

    assert!(
        matches!(&err.failures[0].error, FetchError::Malformed { message, .. } if message.contains("Internal error"))
    );
}
