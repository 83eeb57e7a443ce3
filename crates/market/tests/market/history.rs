//! mempool.space hashrate and difficulty history for the backfill.

use market::fetch_network_history;
use wiremock::{
    Mock, MockServer,
    matchers::{method, path_regex},
};

use crate::helpers::{client, fixture, fixture_json, json};

#[tokio::test]
async fn points_from_the_start_time_on_come_back_in_canonical_units() {
    let server = MockServer::start().await;
    // The period asked for depends on today's date (unit-tested in `history.rs`); any period
    // at least a year long covers this fixture.
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v1/mining/hashrate/(1y|2y|3y|all)$"))
        .respond_with(json(&fixture("mempool_hashrate_1y.json")))
        .mount(&server)
        .await;
    let raw = fixture_json("mempool_hashrate_1y.json");
    let hashrates = raw["hashrates"].as_array().unwrap();
    let newest_s = hashrates.last().unwrap()["timestamp"].as_i64().unwrap();
    let start_ms = (newest_s - 200 * 86_400) * 1_000;

    let history = fetch_network_history(&client(), &server.uri(), start_ms)
        .await
        .unwrap();

    let expected = hashrates
        .iter()
        .filter(|p| p["timestamp"].as_i64().unwrap() * 1_000 >= start_ms)
        .count();
    assert_eq!(expected, 201);
    assert_eq!(history.hashrate.len(), expected);
    assert!(history.hashrate.iter().all(|p| p.timestamp_ms >= start_ms));
    assert!(
        history
            .hashrate
            .windows(2)
            .all(|w| w[0].timestamp_ms < w[1].timestamp_ms)
    );
    // H/s, not EH/s: around 1e21 in late 2026.
    assert!(
        history
            .hashrate
            .iter()
            .all(|p| p.hashrate_hs > 5e20 && p.hashrate_hs < 2e21)
    );
    assert!(
        history
            .difficulty
            .iter()
            .all(|d| d.timestamp_ms >= start_ms)
    );
    assert!(history.difficulty.iter().all(|d| d.height % 2_016 == 0));
    let last = history.difficulty.last().unwrap();
    assert_eq!(last.height, 923_328);
    assert_eq!(last.timestamp_ms, 1_794_653_840_000);
    assert!((last.difficulty - 149_301_205_959_699.88).abs() < 1.0);
}
