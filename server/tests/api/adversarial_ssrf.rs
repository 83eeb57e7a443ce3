//! Issue #19, item 5: miner addresses as a way into the server's own machine. A site owner
//! who could store 127.0.0.5 or 169.254.169.254 as a miner, approve it and watch it go
//! online or offline would have the server's poller scan its own ports or read the cloud's
//! metadata. On both engines, over real HTTP: the form and the web import refuse every
//! reserved address with its translated rejection and store nothing, the CLI import refuses
//! them too, a row stored before the rule existed is never contacted by the server's poller
//! nor handed to a collector, while a miner inside `[poll] allow_networks` is polled.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use domain::access::Role;
use domain::fleet::MinerQuery;
use domain::fleet::import::import_url;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, call, simulated_miners};
use crate::on_both_engines;

/// The addresses an attacker tries: loopback, cloud metadata, "this host", multicast,
/// reserved, broadcast, and the address the test server itself listens on.
const ATTACKS: [&str; 7] = [
    "127.0.0.5",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "127.0.0.1",
];

/// One inventory row per attack address, serials `SSRF-0` …
fn attack_rows() -> String {
    ATTACKS
        .iter()
        .enumerate()
        .fold(String::new(), |mut rows, (i, ip)| {
            let _ = writeln!(rows, "Antminer S21,SSRF-{i},{ip}");
            rows
        })
}

fn miner_form(site_id: i64, serial: &str, ip: &str) -> Vec<(&'static str, String)> {
    vec![
        ("site_id", site_id.to_string()),
        ("form[model_name]", "Antminer S21".into()),
        ("form[serial]", serial.into()),
        ("form[ip]", ip.into()),
        ("form[mac]", String::new()),
        ("form[rack]", "A-01".into()),
        ("form[status]", "active".into()),
    ]
}

/// The site's miners as `(serial, ip)`, from the store.
async fn stored(app: &TestApp, site_id: i64) -> Vec<(String, String)> {
    let query = MinerQuery {
        site_id: Some(site_id),
        per_page: 500,
        ..MinerQuery::default()
    };
    let mut rows: Vec<(String, String)> = app
        .store
        .list_miners(&query, domain::clock::unix_now_ms())
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|row| (row.miner.serial, row.miner.ip))
        .collect();
    rows.sort();
    rows
}

async fn the_form_refuses_reserved_addresses(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let site = app.create_site("Rockdale", Some(host.user_id)).await;
    for (i, ip) in ATTACKS.iter().enumerate() {
        let serial = format!("SSRF-{i}");
        let (status, body) = call(
            &host.client,
            &app,
            "/api/save_miner",
            &miner_form(site, &serial, ip),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{ip}: {body}");
        assert_eq!(body["error"]["code"], "miner_ip_reserved", "{ip}: {body}");
    }
    assert!(stored(&app, site).await.is_empty(), "nothing stored");

    // The networks miners live in are taken.
    let private = ["10.0.0.1", "172.16.0.1", "192.168.1.20", "100.64.0.1"];
    for (i, ip) in private.iter().enumerate() {
        let (status, body) = call(
            &host.client,
            &app,
            "/api/save_miner",
            &miner_form(site, &format!("OK-{i}"), ip),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{ip}: {body}");
    }
    // An edit cannot move a miner there either.
    let id = app
        .store
        .list_miners(
            &MinerQuery {
                site_id: Some(site),
                ..MinerQuery::default()
            },
            domain::clock::unix_now_ms(),
        )
        .await
        .unwrap()
        .rows
        .iter()
        .find(|row| row.miner.serial == "OK-0")
        .unwrap()
        .miner
        .miner_id;
    let mut edit = miner_form(site, "OK-0", " 169.254.169.254 ");
    edit.push(("miner_id", id.to_string()));
    let (status, body) = call(&host.client, &app, "/api/save_miner", &edit).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &Value::from("miner_ip_reserved")
        ),
        "{body}"
    );
    assert_eq!(app.store.get_miner(id).await.unwrap().ip, "10.0.0.1");
    assert_eq!(stored(&app, site).await.len(), private.len());

    app.stop().await;
}

on_both_engines!(
    the_miner_form_refuses_reserved_addresses_sqlite,
    the_miner_form_refuses_reserved_addresses_postgres,
    the_form_refuses_reserved_addresses
);

/// Even a lab that opens all of loopback cannot point a miner at the server itself.
async fn the_servers_own_address_stays_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.poll.allow_networks = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let site = app.create_site("Lab", Some(host.user_id)).await;
    let own = app.addr.ip().to_string();
    let (status, body) = call(
        &host.client,
        &app,
        "/api/save_miner",
        &miner_form(site, "OWN", &own),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "miner_ip_reserved");
    let (status, body) = call(
        &host.client,
        &app,
        "/api/save_miner",
        &miner_form(site, "LAB", "127.0.0.5"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "allow-listed: {body}");
    assert_eq!(
        stored(&app, site).await,
        [("LAB".to_owned(), "127.0.0.5".to_owned())]
    );
    app.stop().await;
}

on_both_engines!(
    the_servers_own_address_stays_refused_when_loopback_is_allowed_sqlite,
    the_servers_own_address_stays_refused_when_loopback_is_allowed_postgres,
    the_servers_own_address_stays_refused
);

/// The import's events' `data`, in order.
async fn upload(client: &reqwest::Client, app: &TestApp, site_id: i64, file: &str) -> Vec<Value> {
    let text = client
        .post(app.url(&import_url(site_id)))
        .header("content-type", "application/octet-stream")
        .body(file.as_bytes().to_vec())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.split("\n\n")
        .filter_map(|block| {
            let data: String = block
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            (!data.is_empty()).then(|| serde_json::from_str(&data).unwrap())
        })
        .collect()
}

async fn the_import_refuses_reserved_addresses(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let site = app.create_site("Rockdale", Some(host.user_id)).await;
    let file = format!("model,serial,ip\n{}", attack_rows());
    let events = upload(&host.client, &app, site, &file).await;
    let last = events.last().unwrap();
    assert_eq!(last["event"], "done", "{last}");
    let report = &last["report"];
    assert_eq!(report["imported"], 0, "{report}");
    assert_eq!(report["refused_rows"], ATTACKS.len(), "{report}");
    let problems: Vec<(u64, &str, &str, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap(),
                p["reason"].as_str().unwrap(),
                p["value"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(u64, &str, &str, &str)> = (2..)
        .zip(ATTACKS)
        .map(|(row, ip)| (row, "ip", "reserved_ip", ip))
        .collect();
    assert_eq!(problems, expected);
    assert!(stored(&app, site).await.is_empty(), "nothing stored");

    // Mixed with good rows, only the good rows go in.
    let mixed = "model,serial,ip\nAntminer S21,GOOD-1,10.0.0.1\n\
                 Antminer S21,BAD-1,169.254.169.254\nAntminer S21,GOOD-2,192.168.0.2\n";
    let events = upload(&host.client, &app, site, mixed).await;
    let report = &events.last().unwrap()["report"];
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["problems"][0]["row"], 3, "{report}");
    assert_eq!(report["problems"][0]["reason"], "reserved_ip", "{report}");
    assert_eq!(
        stored(&app, site).await,
        [
            ("GOOD-1".to_owned(), "10.0.0.1".to_owned()),
            ("GOOD-2".to_owned(), "192.168.0.2".to_owned())
        ]
    );
    app.stop().await;
}

on_both_engines!(
    the_web_import_refuses_reserved_addresses_row_by_row_sqlite,
    the_web_import_refuses_reserved_addresses_row_by_row_postgres,
    the_import_refuses_reserved_addresses
);

/// Accepts connections on `ip` at the ports asic-rs tries, counting them.
async fn listen_everywhere(ip: Ipv4Addr) -> (Arc<AtomicUsize>, Vec<tokio::task::JoinHandle<()>>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for port in [80, 443, 4028, 4029, 8080, 8081] {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((ip, port)))
            .await
            .unwrap_or_else(|e| panic!("binding {ip}:{port}: {e}"));
        let hits = hits.clone();
        tasks.push(tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                hits.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    (hits, tasks)
}

/// A miner stored before the rule (straight into the store, approved) at a loopback address
/// with a listener behind it, beside a simulated miner inside the allow-list: the server polls
/// the second every second and never opens a connection to the first, and a collector's
/// target list leaves it out too.
async fn stored_reserved_miners_are_never_contacted(
    backend: Backend,
    refused_ip: Ipv4Addr,
    allowed_base: Ipv4Addr,
) {
    let (hits, listeners) = listen_everywhere(refused_ip).await;
    let sims = minersim::Farm::start(minersim::SimConfig {
        count: 1,
        base: allowed_base,
        ..minersim::SimConfig::default()
    })
    .await
    .unwrap();
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.poll.auto = true;
        settings.poll.interval_s = 1;
        settings.poll.timeout_s = 2;
    })
    .await
    else {
        sims.shutdown().await;
        for task in listeners {
            task.abort();
        }
        return;
    };
    let approver = app.member(Role::Admin).await.user_id;
    let site = app.create_site("Polled", None).await;
    let mut miners = simulated_miners(&[allowed_base], "ALLOWED");
    miners.extend(simulated_miners(&[refused_ip], "PRE-FIX"));
    let ids = app.approved_miners(site, &miners, approver).await;
    let (allowed, refused) = (ids[0], ids[1]);

    // Wait for the allowed miner to be read in two cycles at least.
    let mut readings = Vec::new();
    for _ in 0..150 {
        if let Some(live) = app.store.miner_live(allowed).await.unwrap()
            && live.sample.online
            && readings.last() != Some(&live.sample.taken_at_ms)
        {
            readings.push(live.sample.taken_at_ms);
        }
        if readings.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        readings.len() >= 3,
        "the allowed miner is polled: {readings:?}"
    );
    assert!(sims.miner(0).unwrap().requests() > 0);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no connection reached {refused_ip}"
    );
    assert!(
        app.store.miner_live(refused).await.unwrap().is_none(),
        "the refused miner has no reading: not polled, not offline"
    );

    // Handed to a collector, the site's targets leave it out as well.
    let key = auth::token::new_collector_key();
    app.store
        .create_collector_key(site, &key.hash, "farm box", domain::clock::unix_now_ms())
        .await
        .unwrap();
    let targets: Value = app
        .client
        .get(app.url(server::collect::uplink::TARGETS_PATH))
        .header(server::collect::uplink::KEY_HEADER, &key.plain)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let handed: Vec<i64> = targets["miners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["miner_id"].as_i64().unwrap())
        .collect();
    assert_eq!(handed, [allowed], "{targets}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    app.stop().await;
    sims.shutdown().await;
    for task in listeners {
        task.abort();
    }
}

#[tokio::test]
async fn stored_reserved_miners_are_never_contacted_sqlite() {
    stored_reserved_miners_are_never_contacted(
        Backend::Sqlite,
        Ipv4Addr::new(127, 0, 0, 5),
        Ipv4Addr::new(127, 103, 0, 1),
    )
    .await;
}

#[tokio::test]
async fn stored_reserved_miners_are_never_contacted_postgres() {
    stored_reserved_miners_are_never_contacted(
        Backend::Postgres,
        Ipv4Addr::new(127, 0, 0, 6),
        Ipv4Addr::new(127, 104, 0, 1),
    )
    .await;
}

fn hashinsight() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_hashinsight"));
    command.env_remove("DATABASE_URL").env_remove("RUST_LOG");
    command
}

/// `hashinsight site import` applies the same rule, and a bad allow-list stops the start.
#[test]
fn the_cli_import_refuses_reserved_addresses_and_a_bad_allow_list_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/fleet.db", dir.path().display());
    let run = |args: &[&str]| {
        hashinsight()
            .args(args)
            .args(["--database-url", &database])
            .output()
            .unwrap()
    };
    assert!(
        run(&["site", "create", "--name", "Rockdale"])
            .status
            .success()
    );
    let inventory = dir.path().join("inventory.csv");
    let file = format!(
        "model,serial,ip\nAntminer S21,GOOD,10.0.0.1\n{}",
        attack_rows()
    );
    std::fs::write(&inventory, file).unwrap();
    let output = run(&[
        "site",
        "import",
        "--site",
        "1",
        "--file",
        inventory.to_str().unwrap(),
    ]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    for (row, ip) in (3..).zip(ATTACKS) {
        assert!(
            report.contains(&format!("row {row}, ip: reserved_ip (\"{ip}\")")),
            "{report}"
        );
    }
    assert!(report.contains("1 of 8 rows imported"), "{report}");

    // Allowed on purpose, loopback imports (the demo's way of running a lab).
    let lab = dir.path().join("lab.csv");
    std::fs::write(&lab, "model,serial,ip\nAntminer S21,LAB,127.90.0.7\n").unwrap();
    let output = hashinsight()
        .args(["site", "import", "--site", "1", "--file"])
        .arg(&lab)
        .args(["--database-url", &database])
        .env("APP__POLL__ALLOW_NETWORKS", "[\"127.90.0.0/16\"]")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("1 of 1 rows imported"), "{report}");

    for bad in [
        "[\"127.90.0.1/16\"]",
        "[\"127.90.0.0/33\"]",
        "[\"localhost\"]",
    ] {
        let output = hashinsight()
            .arg("migrate")
            .args(["--database-url", &database])
            .env("APP__POLL__ALLOW_NETWORKS", bad)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("poll.allow_networks"), "{bad}: {stderr}");
        assert!(
            stderr.contains("127.90.0") || stderr.contains("localhost"),
            "{stderr}"
        );
    }
}

/// Both languages say why, in the words the brief gives.
#[test]
fn the_refusal_is_translated() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/locales");
    for (language, words) in [("en", "cannot be a miner"), ("zh", "不能作为矿机地址")] {
        let text = std::fs::read_to_string(format!("{root}/{language}.json")).unwrap();
        let strings: Value = serde_json::from_str(&text).unwrap();
        for key in [
            "rejection_miner_ip_reserved",
            "inventory_reason_reserved_ip",
        ] {
            let value = strings[key].as_str().unwrap_or_default();
            assert!(value.contains(words), "{language} {key}: {value:?}");
        }
    }
}
