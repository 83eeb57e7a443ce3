//! The Redis backend against a real Redis (`REDIS_URL`, default 127.0.0.1:6379). Skipped with a
//! printed notice when Redis is unreachable outside CI; with `CI` set, unreachable Redis fails.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use market::{
    CacheError, MarketCache, MarketService, RedisCache, Source,
    cache::{get_json, put_json},
};
use wiremock::MockServer;

use crate::helpers::{COINGECKO, config, hits, serve_everything};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A key prefix no other test (or run) uses.
fn unique_prefix(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("hashinsight-test:{test}:{}:{nanos}:", std::process::id())
}

async fn redis(test: &str) -> Option<(RedisCache, String)> {
    let prefix = unique_prefix(test);
    let url = redis_url();
    let connected = tokio::time::timeout(
        Duration::from_secs(3),
        RedisCache::connect(&url, prefix.clone()),
    )
    .await;
    let error = match connected {
        Ok(Ok(cache)) => return Some((cache, prefix)),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "connect timed out".to_owned(),
    };
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !in_ci,
        "Redis at {url} is unreachable and CI is set: {error}"
    );
    println!("SKIPPED: no Redis at {url} ({error})");
    None
}

async fn raw_get(key: &str) -> Option<String> {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut connection)
        .await
        .unwrap()
}

#[tokio::test]
async fn values_round_trip_as_json_under_the_prefix_and_expire() {
    let Some((cache, prefix)) = redis("round_trip").await else {
        return;
    };

    put_json(
        &cache,
        "price",
        &vec![90_412.0, -1.83],
        Duration::from_millis(300),
    )
    .await
    .unwrap();

    assert_eq!(
        get_json::<Vec<f64>>(&cache, "price").await.unwrap(),
        Some(vec![90_412.0, -1.83])
    );
    assert_eq!(
        raw_get(&format!("{prefix}price")).await.as_deref(),
        Some("[90412.0,-1.83]")
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(cache.get_raw("price").await.unwrap(), None);
}

#[tokio::test]
async fn two_prefixes_do_not_see_each_others_keys() {
    let (Some((a, _)), Some((b, _))) = (redis("prefix_a").await, redis("prefix_b").await) else {
        return;
    };

    a.set_raw("network", "1".to_owned(), Duration::from_secs(5))
        .await
        .unwrap();

    assert_eq!(b.get_raw("network").await.unwrap(), None);
    assert_eq!(a.get_raw("network").await.unwrap().as_deref(), Some("1"));
}

#[tokio::test]
async fn replicas_sharing_redis_fetch_once_between_them() {
    let Some((cache, prefix)) = redis("replicas").await else {
        return;
    };
    let server = MockServer::start().await;
    serve_everything(&server).await;
    let cache: Arc<dyn MarketCache> = Arc::new(cache);
    let a = MarketService::with_cache(config(&server), cache.clone()).unwrap();
    let b = MarketService::with_cache(config(&server), cache).unwrap();

    let fetched = a.refresh_price().await.unwrap();
    let adopted = b.refresh_price().await.unwrap();

    assert_eq!(adopted, fetched);
    assert_eq!(adopted.source, Source::CoinGecko);
    assert_eq!(hits(&server, COINGECKO).await, 1);
    assert_eq!(b.outbound_requests(), 0);
    let stored = raw_get(&format!("{prefix}price")).await.unwrap();
    assert!(stored.contains(r#""source":"coingecko""#), "{stored}");
}

#[tokio::test]
async fn a_redis_that_accepts_but_never_answers_times_out_instead_of_stalling() {
    // A TCP server that takes connections and says nothing, as a hung Redis would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let started = std::time::Instant::now();

    let error = match RedisCache::connect(&url, "silent:").await {
        Err(error) => error,
        Ok(cache) => cache.get_raw("price").await.unwrap_err(),
    };

    assert!(matches!(error, CacheError::Timeout { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));
    held.abort();
}
