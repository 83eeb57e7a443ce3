//! The service: fallback provenance, stale-while-revalidate, single-flight, seeding, the
//! background loop and replicas sharing a cache.

use std::{sync::Arc, time::Duration};

use market::{MarketConfig, MarketService, MemoryCache, Snapshot, Source};
use wiremock::{MockServer, ResponseTemplate};

use crate::helpers::{
    COINGECKO, FNG, MEMPOOL_TIP, config, fixture, hits, json, serve_binance, serve_coingecko,
    serve_everything, serve_outage, service, total_hits,
};

fn shipped_snapshot() -> Snapshot {
    Snapshot::from_json(&fixture("snapshot.json")).unwrap()
}

#[tokio::test]
async fn a_refresh_records_which_source_answered() {
    let server = MockServer::start().await;
    serve_coingecko(&server, ResponseTemplate::new(503)).await;
    serve_binance(&server, json(&fixture("binance_ticker_24hr.json"))).await;
    let svc = service(&server);

    svc.refresh_price().await.unwrap();

    let reading = svc.price().unwrap();
    assert_eq!(reading.sourced.source, Source::Binance);
    assert!(!reading.stale);
    assert!((reading.sourced.value.price_usd - 90_414.02).abs() < 1e-9);
}

#[tokio::test]
async fn an_outage_keeps_the_last_good_values_marked_stale() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    let price = svc.refresh_price().await.unwrap();
    let network = svc.refresh_network().await.unwrap();
    server.reset().await;
    serve_outage(&server).await;

    let price_err = svc.refresh_price().await.unwrap_err();
    let network_err = svc.refresh_network().await.unwrap_err();

    assert_eq!(price_err.failures.len(), 3);
    assert_eq!(network_err.failures.len(), 2);
    let reading = svc.price().unwrap();
    assert!(reading.stale);
    assert_eq!(reading.sourced, price);
    assert_eq!(reading.sourced.source, Source::CoinGecko);
    let reading = svc.network().unwrap();
    assert!(reading.stale);
    assert_eq!(reading.sourced, network);

    // Back online: the next refresh clears the flag.
    server.reset().await;
    serve_everything(&server).await;
    svc.refresh_price().await.unwrap();
    assert!(!svc.price().unwrap().stale);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_refreshes_send_one_request() {
    let server = MockServer::start().await;
    // Slow enough that every caller queues behind the first one's fetch.
    serve_coingecko(
        &server,
        json(&fixture("coingecko_simple_price.json")).set_delay(Duration::from_millis(200)),
    )
    .await;
    let svc = service(&server);

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { svc.refresh_price().await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap().unwrap());
    }

    assert_eq!(hits(&server, COINGECKO).await, 1);
    assert_eq!(svc.outbound_requests(), 1);
    assert!(results.iter().all(|r| *r == results[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_cold_readers_share_one_fetch() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { svc.network_or_fetch().await })
        })
        .collect();
    for task in tasks {
        let reading = task.await.unwrap().unwrap();
        assert_eq!(reading.sourced.value.height, 925_000);
    }

    // One mempool.space round: four endpoints, one request each.
    assert_eq!(hits(&server, MEMPOOL_TIP).await, 1);
    assert_eq!(svc.outbound_requests(), 4);
}

#[tokio::test]
async fn warm_reads_never_touch_the_network() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    svc.seed(&shipped_snapshot());

    for _ in 0..10_000 {
        assert!(svc.price().is_some());
        assert!(svc.network().is_some());
        assert!(svc.price_or_fetch().await.is_ok());
    }

    assert_eq!(total_hits(&server).await, 0);
    assert_eq!(svc.outbound_requests(), 0);
}

#[tokio::test]
async fn a_seeded_snapshot_is_labelled_and_keeps_its_date() {
    let server = MockServer::start().await;
    let svc = service(&server);
    let snapshot = shipped_snapshot();

    svc.seed(&snapshot);

    let price = svc.price().unwrap();
    assert_eq!(price.sourced.source, Source::Snapshot);
    assert_eq!(price.sourced.fetched_at_ms, 1_795_623_541_000);
    assert_eq!(price.sourced.value, snapshot.price.unwrap().value);
    let network = svc.network().unwrap();
    assert_eq!(network.sourced.source, Source::Snapshot);
    assert_eq!(network.sourced.value.height, 925_000);
    let fear_greed = svc.fear_greed().unwrap();
    assert_eq!(fear_greed.sourced.value.classification, "Extreme Fear");
}

#[tokio::test]
async fn seeding_never_replaces_a_newer_value_and_restore_says_stored() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    svc.refresh_price().await.unwrap();

    svc.seed(&shipped_snapshot());
    svc.restore(&shipped_snapshot());

    assert_eq!(svc.price().unwrap().sourced.source, Source::CoinGecko);
    // No network value yet, so the stored one goes in (the snapshot's is not newer than it).
    assert_eq!(svc.network().unwrap().sourced.source, Source::Snapshot);
    let fresh = MarketService::new(MarketConfig::default()).unwrap();
    fresh.restore(&shipped_snapshot());
    assert_eq!(fresh.network().unwrap().sourced.source, Source::Stored);
}

#[tokio::test]
async fn the_snapshot_round_trips_through_json() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    svc.refresh_price().await.unwrap();
    svc.refresh_network().await.unwrap();
    svc.refresh_fear_greed().await.unwrap();

    let snapshot = svc.snapshot();
    let back = Snapshot::from_json(&snapshot.to_json().unwrap()).unwrap();

    assert_eq!(back, snapshot);
    assert_eq!(back.network.unwrap().source, Source::MempoolSpace);
    assert_eq!(back.fear_greed.unwrap().value.value, 24);
}

#[tokio::test]
async fn a_cold_start_during_an_outage_does_not_send_a_request_per_reader() {
    let server = MockServer::start().await;
    serve_outage(&server).await;
    let svc = service(&server);

    let first = svc.price_or_fetch().await.unwrap_err();
    let sent = total_hits(&server).await;
    for _ in 0..50 {
        assert_eq!(svc.price_or_fetch().await.unwrap_err(), first);
    }

    // 3 sources × 2 attempts, once.
    assert_eq!(sent, 6);
    assert_eq!(total_hits(&server).await, sent);
}

#[tokio::test]
async fn network_values_are_checked_against_the_last_known_one() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    let mut snapshot = shipped_snapshot();
    // Same epoch, a tenth of the difficulty: the fresh ×10 cannot be true.
    let network = snapshot.network.as_mut().unwrap();
    network.value.difficulty /= 10.0;
    network.value.hashrate_hs /= 10.0;
    // Restored: an observation this server stored earlier (a snapshot is not checked against).
    svc.restore(&snapshot);

    let err = svc.refresh_network().await.unwrap_err();

    assert_eq!(err.failures.len(), 2);
    let reading = svc.network().unwrap();
    assert_eq!(reading.sourced.source, Source::Stored);
    assert!(reading.stale);
}

#[tokio::test]
async fn a_shipped_snapshot_never_blocks_live_values() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = service(&server);
    let mut snapshot = shipped_snapshot();
    // A dated estimate that turned out far off: far ahead in height, a tenth of the difficulty.
    let network = snapshot.network.as_mut().unwrap();
    network.value.height += 100_000;
    network.value.difficulty /= 10.0;
    svc.seed(&snapshot);

    let fresh = svc.refresh_network().await.unwrap();

    assert_eq!(fresh.source, Source::MempoolSpace);
    assert_eq!(svc.network().unwrap().sourced.source, Source::MempoolSpace);
}

#[tokio::test]
async fn replicas_sharing_a_cache_fetch_once_between_them() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let cache = Arc::new(MemoryCache::new());
    let a = MarketService::with_cache(config(&server), cache.clone()).unwrap();
    let b = MarketService::with_cache(config(&server), cache).unwrap();

    let fetched = a.refresh_price().await.unwrap();
    let adopted = b.refresh_price().await.unwrap();

    assert_eq!(adopted, fetched);
    assert_eq!(b.price().unwrap().sourced.source, Source::CoinGecko);
    assert_eq!(a.outbound_requests(), 1);
    assert_eq!(b.outbound_requests(), 0);
    assert_eq!(hits(&server, COINGECKO).await, 1);
}

#[tokio::test]
async fn the_background_loop_refreshes_on_its_intervals_until_shutdown() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = MarketService::new(MarketConfig {
        price_refresh_ms: 50,
        network_refresh_ms: 50,
        fear_greed_refresh_ms: 50,
        // Stale after 200 ms: slack for a loaded machine between ticks.
        stale_after_intervals: 4,
        ..config(&server)
    })
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(svc.clone().run(async {
        let _ = stopped.await;
    }));

    tokio::time::sleep(Duration::from_millis(280)).await;

    assert!(!svc.price().unwrap().stale);
    assert!(!svc.network().unwrap().stale);
    assert_eq!(
        svc.fear_greed().unwrap().sourced.source,
        Source::AlternativeMe
    );
    assert!(
        hits(&server, COINGECKO).await >= 3,
        "refreshed on each tick"
    );
    assert!(hits(&server, FNG).await >= 3);

    stop.send(()).unwrap();
    task.await.unwrap();
    let sent = total_hits(&server).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        total_hits(&server).await,
        sent,
        "nothing sent after shutdown"
    );
    // Three intervals without a refresh: now stale.
    assert!(svc.price().unwrap().stale);
}

#[tokio::test]
async fn a_zero_interval_disables_that_refresh() {
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let svc = MarketService::new(MarketConfig {
        price_refresh_ms: 50,
        network_refresh_ms: 0,
        fear_greed_refresh_ms: 0,
        ..config(&server)
    })
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(svc.clone().run(async {
        let _ = stopped.await;
    }));

    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.send(()).unwrap();
    task.await.unwrap();

    assert!(hits(&server, COINGECKO).await >= 2);
    assert_eq!(hits(&server, MEMPOOL_TIP).await, 0);
    assert_eq!(hits(&server, FNG).await, 0);
    assert!(svc.network().is_none());
}
