//! Network state: mempool.space and blockchain.info shapes, units, and the plausibility checks
//! against the last known value.

use market::{FetchError, MarketEndpoints, NetworkStats, Source, ValidationError, fetch_network};
use wiremock::{MockServer, ResponseTemplate};

use crate::helpers::{
    BLOCKCHAIN_STATS, MEMPOOL_HASHRATE_3D, MEMPOOL_TIP, assert_close, client, fixture_json, hits,
    json_value, serve, serve_blockchain_info_fixture, serve_mempool_fixtures,
};

async fn network_from(
    server: &MockServer,
    previous: Option<&NetworkStats>,
) -> Result<market::Sourced<NetworkStats>, market::AllSourcesFailed> {
    fetch_network(&client(), &MarketEndpoints::all_at(&server.uri()), previous).await
}

/// Mean of the fixture's per-block total fees, in BTC, computed here independently.
fn fixture_fees_per_block_btc() -> f64 {
    let fees = fixture_json("mempool_fees_24h.json");
    let blocks = fees.as_array().unwrap();
    let sats: f64 = blocks.iter().map(|b| b["avgFees"].as_f64().unwrap()).sum();
    sats / blocks.len() as f64 / 1e8
}

#[tokio::test]
async fn mempool_values_arrive_in_canonical_units() {
    let server = MockServer::start().await;
    serve_mempool_fixtures(&server, &[]).await;
    serve_blockchain_info_fixture(&server).await;

    let stats = network_from(&server, None).await.unwrap();

    assert_eq!(stats.source, Source::MempoolSpace);
    let s = stats.value;
    assert_close(s.difficulty, 149_301_205_959_699.88);
    assert_eq!(s.height, 925_000);
    assert_close(s.hashrate_hs, 1.105_632_409_811_384_7e21);
    assert_close(s.fees_per_block_btc, fixture_fees_per_block_btc());
    // Fees only, no subsidy mixed in: well under one BTC per block.
    assert!(s.fees_per_block_btc > 0.01 && s.fees_per_block_btc < 0.1);
    assert_eq!(s.retarget.next_retarget_height, 925_344);
    assert_close(s.retarget.estimated_change_pct.unwrap(), 3.421_812_591_8);
    assert_eq!(s.retarget.estimated_retarget_at_ms, 1_795_823_120_000);
    assert_eq!(hits(&server, BLOCKCHAIN_STATS).await, 0);
}

#[tokio::test]
async fn blockchain_info_is_used_when_mempool_is_down_and_its_gh_s_become_h_s() {
    let server = MockServer::start().await;
    serve_mempool_fixtures(&server, &[MEMPOOL_TIP]).await;
    serve(&server, MEMPOOL_TIP, ResponseTemplate::new(503)).await;
    serve_blockchain_info_fixture(&server).await;

    let stats = network_from(&server, None).await.unwrap();

    assert_eq!(stats.source, Source::BlockchainInfo);
    let s = stats.value;
    assert_close(s.difficulty, 149_301_205_959_699.0);
    assert_eq!(s.height, 925_000);
    // `hash_rate` is GH/s: ×1e9, not the old system's ÷1e18.
    assert_close(s.hashrate_hs, 1_091_345_567_812.4 * 1e9);
    // `total_fees_btc` is satoshis over `n_blocks_mined` blocks.
    assert_close(s.fees_per_block_btc, 407_215_532.0 / 150.0 / 1e8);
    assert_eq!(s.retarget.next_retarget_height, 925_344);
    assert_eq!(s.retarget.estimated_change_pct, None);
    let remaining_ms = (344.0_f64 * 9.6 * 60_000.0) as i64;
    assert_eq!(
        s.retarget.estimated_retarget_at_ms,
        1_795_623_600_000 + remaining_ms
    );
}

#[tokio::test]
async fn a_hashrate_in_the_wrong_unit_is_rejected() {
    let server = MockServer::start().await;
    let mut in_ehs = fixture_json("mempool_hashrate_3d.json");
    in_ehs["currentHashrate"] = 1_105.632_409_811_384_7.into(); // EH/s where H/s belongs
    serve_mempool_fixtures(&server, &[MEMPOOL_HASHRATE_3D]).await;
    serve(&server, MEMPOOL_HASHRATE_3D, json_value(&in_ehs)).await;
    serve_blockchain_info_fixture(&server).await;

    let stats = network_from(&server, None).await.unwrap();

    assert_eq!(stats.source, Source::BlockchainInfo);
    assert!(stats.value.hashrate_hs > 1e21);
}

#[tokio::test]
async fn a_tenfold_difficulty_jump_is_rejected() {
    let server = MockServer::start().await;
    serve_mempool_fixtures(&server, &[]).await;
    serve_blockchain_info_fixture(&server).await;
    let good = network_from(&server, None).await.unwrap().value;
    server.reset().await;

    let mut jumped = fixture_json("mempool_hashrate_3d.json");
    jumped["currentDifficulty"] = (149_301_205_959_699.88 * 10.0).into();
    jumped["currentHashrate"] = (1.105_632_409_811_384_7e21 * 10.0).into();
    serve_mempool_fixtures(&server, &[MEMPOOL_HASHRATE_3D]).await;
    serve(&server, MEMPOOL_HASHRATE_3D, json_value(&jumped)).await;
    serve_blockchain_info_fixture(&server).await;

    let stats = network_from(&server, Some(&good)).await.unwrap();

    assert_eq!(stats.source, Source::BlockchainInfo);
    assert_close(stats.value.difficulty, 149_301_205_959_699.0);
}

#[tokio::test]
async fn a_height_far_below_the_last_known_one_fails_every_source() {
    let server = MockServer::start().await;
    serve_mempool_fixtures(&server, &[]).await;
    serve_blockchain_info_fixture(&server).await;
    let mut ahead = network_from(&server, None).await.unwrap().value;
    ahead.height = 930_000;

    let err = network_from(&server, Some(&ahead)).await.unwrap_err();

    assert_eq!(err.failures.len(), 2);
    for failure in &err.failures {
        assert!(
            matches!(
                failure.error,
                FetchError::Implausible {
                    error: ValidationError::HeightWentBackwards {
                        previous: 930_000,
                        height: 925_000
                    },
                    ..
                }
            ),
            "{}",
            failure.error
        );
    }
}

#[tokio::test]
async fn a_tip_height_that_is_not_a_number_is_malformed() {
    let server = MockServer::start().await;
    serve_mempool_fixtures(&server, &[MEMPOOL_TIP]).await;
    serve(
        &server,
        MEMPOOL_TIP,
        ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
    )
    .await;
    serve(&server, BLOCKCHAIN_STATS, ResponseTemplate::new(500)).await;

    let err = network_from(&server, None).await.unwrap_err();

    assert!(
        matches!(&err.failures[0].error, FetchError::Malformed { url, .. } if url.ends_with(MEMPOOL_TIP))
    );
    assert!(matches!(
        err.failures[1].error,
        FetchError::Status { status: 500, .. }
    ));
}
