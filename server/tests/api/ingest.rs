//! The ingest API and the standalone collector, for real: `hashinsight collect` polls simulated
//! Antminers with asic-rs and uploads to a running server; the API is also driven by hand to
//! check its refusals.

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;

use domain::access::Role;
use domain::fleet::{MinerStatus, NewMiner};
use domain::telemetry::Resolution;
use flate2::Compression;
use flate2::write::GzEncoder;
use minersim::{Farm, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_engines;

const KEY_HEADER: &str = "x-collector-key";
const TELEMETRY: &str = "/api/v1/collector/telemetry";
const TARGETS: &str = "/api/v1/collector/targets";

/// A site with `ips.len()` approved miners and a collector key; returns (site, miner ids, key).
async fn site_with_miners(app: &TestApp, name: &str, ips: &[Ipv4Addr]) -> (i64, Vec<i64>, String) {
    let now = domain::clock::unix_now_ms();
    let site_id = app.create_site(name, None).await;
    let miners: Vec<NewMiner> = ips
        .iter()
        .enumerate()
        .map(|(i, ip)| NewMiner {
            customer_id: None,
            asic_model_id: None,
            model_name: "Antminer S19 Pro".into(),
            serial: format!("{name}-{i}"),
            ip: ip.to_string(),
            mac: None,
            rack: format!("R{i}"),
            status: MinerStatus::Active,
        })
        .collect();
    let approver = app.member(Role::Admin).await.user_id;
    let ids = app.approved_miners(site_id, &miners, approver).await;
    let key = auth::token::new_collector_key();
    app.store
        .create_collector_key(site_id, &key.hash, "test", now)
        .await
        .unwrap();
    (site_id, ids, key.plain)
}

fn sample(miner_id: i64, taken_at_ms: i64) -> Value {
    json!({
        "miner_id": miner_id, "taken_at_ms": taken_at_ms, "online": true, "is_mining": true,
        "hashrate_hs": 110e12, "expected_hashrate_hs": 110e12, "power_w": 3250.0,
        "temp_max_c": 70.0
    })
}

fn gzip(body: &Value) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(body.to_string().as_bytes()).unwrap();
    encoder.finish().unwrap()
}

async fn raw_count(app: &TestApp, miner_id: i64) -> usize {
    let now = domain::clock::unix_now_ms();
    app.store
        .miner_history(miner_id, now - 3_600_000, now + 60_000, Resolution::Raw)
        .await
        .unwrap()
        .len()
}

on_both_engines!(
    ingest_takes_a_sites_batches_and_refuses_the_rest_on_sqlite,
    ingest_takes_a_sites_batches_and_refuses_the_rest_on_postgres,
    ingest_takes_a_sites_batches_and_refuses_the_rest
);

async fn ingest_takes_a_sites_batches_and_refuses_the_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ips = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
    let (site, ids, key) = site_with_miners(&app, "North", &ips).await;
    let (_, other_ids, other_key) =
        site_with_miners(&app, "South", &[Ipv4Addr::new(10, 0, 0, 1)]).await;
    let http = reqwest::Client::new();
    let now = domain::clock::unix_now_ms();

    // The key's site and its miners, and nothing else.
    let targets: Value = http
        .get(app.url(TARGETS))
        .header(KEY_HEADER, &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(targets["site_id"], site);
    assert_eq!(targets["miners"].as_array().unwrap().len(), 2);
    assert_eq!(targets["miners"][0]["ip"], "10.0.0.1");

    // No key, a made-up key, a person's API-key shape: 401, nothing read.
    for header in [None, Some("hsc_made-up"), Some("hik_not-a-collector")] {
        let mut request = http.get(app.url(TARGETS));
        if let Some(value) = header {
            request = request.header(KEY_HEADER, value);
        }
        assert_eq!(
            request.send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }

    // A gzip batch, with another site's miner in it: that one is listed and not written.
    let batch = json!([
        sample(ids[0], now - 60_000),
        sample(ids[1], now - 60_000),
        sample(other_ids[0], now - 60_000)
    ]);
    let reply: Value = http
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, &key)
        .header("content-encoding", "gzip")
        .header("content-type", "application/json")
        .body(gzip(&batch))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["inserted"], 2, "{reply}");
    assert_eq!(reply["unknown_miners"], json!([other_ids[0]]));
    assert_eq!(raw_count(&app, other_ids[0]).await, 0);

    // The same batch again (a collector unsure whether it arrived): nothing doubles.
    let again: Value = http
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, &key)
        .json(&batch)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["inserted"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(raw_count(&app, ids[0]).await, 1);

    refusals(&app, site, &ids, &key, &other_key).await;
    app.stop().await;
}

on_both_engines!(
    polled_readings_no_miner_can_report_are_dropped_and_the_rest_stored_on_sqlite,
    polled_readings_no_miner_can_report_are_dropped_and_the_rest_stored_on_postgres,
    polled_readings_no_miner_can_report_are_dropped_and_the_rest_stored
);

/// The server's poller goes through the same ingest path as the API and validates every
/// sample; a reading no miner can report costs that reading, not the site's cycle.
async fn polled_readings_no_miner_can_report_are_dropped_and_the_rest_stored(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ips = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
    let (site, ids, _key) = site_with_miners(&app, "Polled", &ips).await;
    let live = server::live::LiveHub::default();
    let alerts = server::alerts::Alerting::new(
        app.store.clone(),
        &server::alerts::AlertSettings::default(),
        None,
        None,
        live.clone(),
    );
    let now = domain::clock::unix_now_ms();
    let mut overheated = sample(ids[1], now);
    overheated["temp_max_c"] = json!(400.0);
    let mut from_the_future = sample(ids[1], now + 3_600_000);
    from_the_future["temp_max_c"] = json!(70.0);
    let readings: Vec<domain::telemetry::TelemetrySample> =
        serde_json::from_value(json!([sample(ids[0], now), overheated, from_the_future])).unwrap();
    let sinks = server::ingest::Sinks {
        store: &*app.store,
        alerts: &alerts,
        live: &live,
    };
    let stored = server::ingest::record_polled(sinks, site, &readings, now)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(raw_count(&app, ids[0]).await, 1);
    assert_eq!(raw_count(&app, ids[1]).await, 0);
    app.stop().await;
}

/// What the API refuses, and that a refusal changes nothing.
async fn refusals(app: &TestApp, site: i64, ids: &[i64], key: &str, other_key: &str) {
    let http = reqwest::Client::new();
    let now = domain::clock::unix_now_ms();
    // One bad sample refuses the whole batch, saying which, and changes nothing.
    let mut bad = sample(ids[1], now);
    bad["temp_max_c"] = json!(400.0);
    let response = http
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, key)
        .json(&json!([sample(ids[0], now), bad]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal: Value = response.json().await.unwrap();
    assert_eq!(refusal["error"]["code"], "invalid_samples", "{refusal}");
    assert_eq!(
        refusal["error"]["fields"][0]["field"], "samples[1]",
        "{refusal}"
    );
    assert_eq!(refusal["error"]["fields"][0]["code"], "invalid_sample");
    assert_eq!(raw_count(app, ids[0]).await, 1);

    // Too many samples, and a body that is not JSON.
    let many: Vec<Value> = (0..5_001)
        .map(|i| sample(ids[0], now - i * 1_000))
        .collect();
    let response = http
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, key)
        .header("content-encoding", "gzip")
        .body(gzip(&Value::Array(many)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let refusal: Value = response.json().await.unwrap();
    assert_eq!(refusal["error"]["code"], "too_many_samples", "{refusal}");
    let response = http
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, other_key)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // A revoked key stops working at once.
    let hash = auth::token::hash_secret(key);
    app.store
        .revoke_collector_key(site, &hash[..12], now)
        .await
        .unwrap();
    let response = http
        .get(app.url(TARGETS))
        .header(KEY_HEADER, key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

fn collect(server: &str, key: &str, spool: &Path, cycles: u32) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hashinsight"))
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .args([
            "collect",
            "--server",
            server,
            "--interval-s",
            "1",
            "--timeout-s",
            "3",
        ])
        .arg("--cycles")
        .arg(cycles.to_string())
        .arg("--spool-dir")
        .arg(spool)
        .env("HASHINSIGHT_COLLECTOR_KEY", key)
        .output()
        .unwrap()
}

/// Runs the collector off the test's runtime (the server under test shares it) and checks it
/// ended well.
async fn collect_ok(server: &str, key: &str, spool: &Path, cycles: u32) {
    let (server, key, spool) = (server.to_owned(), key.to_owned(), spool.to_owned());
    let output = tokio::task::spawn_blocking(move || collect(&server, &key, &spool, cycles))
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn spooled(spool: &Path) -> usize {
    std::fs::read_dir(spool)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json.gz"))
        .count()
}

/// Three simulated miners and one address where nothing answers: the collector reads the three,
/// records the fourth as offline, keeps polling into its spool while the server is away, and
/// delivers every cycle once the server is back.
#[tokio::test]
async fn the_standalone_collector_loses_nothing_while_the_server_is_away() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let farm = Farm::start(SimConfig {
        count: 3,
        base: Ipv4Addr::new(127, 82, 0, 1),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ips = farm.ips();
    ips.push(Ipv4Addr::new(127, 82, 0, 9));
    let (site, ids, key) = site_with_miners(&app, "Collected", &ips).await;
    let spool = tempfile::tempdir().unwrap();
    let server = format!("http://{}", app.addr);

    collect_ok(&server, &key, spool.path(), 2).await;
    assert_eq!(spooled(spool.path()), 0, "everything delivered");
    for id in &ids {
        assert_eq!(
            raw_count(&app, *id).await,
            2,
            "miner {id}: one sample per cycle"
        );
    }
    let overview = app
        .store
        .site_overview(
            site,
            domain::clock::unix_now_ms(),
            domain::fleet::TemperatureLimits::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        (overview.online, overview.miners_total),
        (3, 4),
        "{overview:?}"
    );
    assert!(overview.hashrate_hs > 300e12, "three S19 Pro: {overview:?}");

    // The server is away (a port nobody listens on): the miner list comes from the spool's
    // memory of it, and both cycles wait on disk.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let away = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    collect_ok(&away, &key, spool.path(), 2).await;
    assert_eq!(spooled(spool.path()), 2, "two cycles buffered");
    assert_eq!(raw_count(&app, ids[0]).await, 2);

    // Back: the buffered cycles arrive first, then the new one.
    collect_ok(&server, &key, spool.path(), 1).await;
    assert_eq!(spooled(spool.path()), 0);
    for id in &ids {
        assert_eq!(
            raw_count(&app, *id).await,
            5,
            "miner {id}: 2 + 2 buffered + 1"
        );
    }
    farm.shutdown().await;
    app.stop().await;
}
