//! Issue #19: what one host names never collides with, nor reveals, another host's. Site names
//! are unique per owner (the sites nobody owns, run by staff, share one namespace), serials and
//! MACs per site, over real HTTP on both engines; and on SQLite the migration that rebuilt the
//! `site` and `miner` tables for it keeps every row, every id and every reference.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use domain::access::Role;
use domain::fleet::import::import_url;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use crate::helpers::{Backend, TestApp, TestMember, call};
use crate::on_both_engines;

/// A flat-tariff site form named `name`; `owner_email` only counts when staff send it.
fn site_form(name: &str, owner_email: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("form[name]", name.to_owned()),
        ("form[location]", "Somewhere".to_owned()),
        ("form[capacity_mw]", "10".to_owned()),
        ("form[tariff_kind]", "flat".to_owned()),
        ("form[flat_usd_kwh]", "0.05".to_owned()),
    ];
    if let Some(email) = owner_email {
        form.push(("form[owner_email]", email.to_owned()));
    }
    form
}

fn miner_form(site_id: i64, serial: &str, ip: &str, mac: &str) -> Vec<(&'static str, String)> {
    vec![
        ("site_id", site_id.to_string()),
        ("form[model_name]", "Antminer S21".into()),
        ("form[serial]", serial.into()),
        ("form[ip]", ip.into()),
        ("form[mac]", mac.into()),
        ("form[rack]", "A-01".into()),
        ("form[status]", "active".into()),
    ]
}

/// Saves a site as `client`; its id.
async fn save_site(client: &reqwest::Client, app: &TestApp, form: &[(&str, String)]) -> i64 {
    let (status, site) = call(client, app, "/api/save_site", form).await;
    assert_eq!(status, StatusCode::OK, "{site}");
    site["site_id"].as_i64().unwrap()
}

/// Adds (or with `miner_id`, edits) a miner as `host`: the status and the answer.
async fn save_miner(
    host: &TestMember,
    app: &TestApp,
    mut form: Vec<(&'static str, String)>,
    miner_id: Option<i64>,
) -> (StatusCode, Value) {
    if let Some(id) = miner_id {
        form.push(("miner_id", id.to_string()));
    }
    call(&host.client, app, "/api/save_miner", &form).await
}

/// The whole answer to a refusal: the rejection's code and nothing else, so it can name no
/// other host's site, miner or account.
fn only_rejection(answer: &(StatusCode, Value), code: &str) {
    assert_eq!(answer.0, StatusCode::CONFLICT, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code);
}

/// Both hosts, and the staff for a site nobody owns, name a site "North": the ids of
/// Alice's and Bob's.
async fn sites_are_named_per_owner(
    app: &TestApp,
    alice: &TestMember,
    bob: &TestMember,
) -> (i64, i64) {
    let staff = &app.owner;

    // Both hosts call a site "North"; so may the staff, for a site nobody owns.
    let alices = save_site(&alice.client, app, &site_form("North", None)).await;
    let bobs = save_site(&bob.client, app, &site_form("North", None)).await;
    let staffs = save_site(staff, app, &site_form("North", None)).await;
    assert_eq!(
        [alices, bobs, staffs].map(|id| id > 0),
        [true; 3],
        "three sites"
    );
    assert!(alices != bobs && bobs != staffs);
    // Within one namespace the name stays taken, whatever its case.
    for (client, form) in [
        (&bob.client, site_form("NORTH", None)),
        (staff, site_form("north", None)),
        (staff, site_form("North", Some(alice.email.as_str()))),
    ] {
        only_rejection(
            &call(client, app, "/api/save_site", &form).await,
            "site_name_taken",
        );
    }
    // Renaming one's own site to a name another host uses is no business of the other's.
    let south = save_site(&bob.client, app, &site_form("South", None)).await;
    let mut rename = site_form("north ridge", None);
    rename.push(("site_id", south.to_string()));
    let (status, _) = call(&bob.client, app, "/api/save_site", &rename).await;
    assert_eq!(status, StatusCode::OK);
    save_site(&alice.client, app, &site_form("North Ridge", None)).await;
    (alices, bobs)
}

/// The same machine identity on both hosts' sites; twice on one site refused.
async fn machines_are_unique_per_site(
    app: &TestApp,
    alice: &TestMember,
    bob: &TestMember,
    (alices, bobs): (i64, i64),
) {
    // The same machine identity on both hosts' sites: both stored.
    let mac = "aa:bb:cc:00:11:22";
    let (status, alices_miner) = save_miner(
        alice,
        app,
        miner_form(alices, "SN-1", "10.0.0.1", mac),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{alices_miner}");
    let (status, bobs_miner) =
        save_miner(bob, app, miner_form(bobs, "SN-1", "10.0.0.1", mac), None).await;
    assert_eq!(status, StatusCode::OK, "{bobs_miner}");
    let (status, bobs_second) =
        save_miner(bob, app, miner_form(bobs, "SN-2", "10.0.0.2", ""), None).await;
    assert_eq!(status, StatusCode::OK, "{bobs_second}");
    let bobs_second = bobs_second["miner_id"].as_i64();
    // Twice on one site: refused with the usual message, on a new miner (the store's
    // screening) and on an edit (the database's unique index, read on either engine).
    for (form, miner_id, code) in [
        (
            miner_form(bobs, "SN-1", "10.0.0.3", ""),
            None,
            "serial_taken",
        ),
        (miner_form(bobs, "SN-3", "10.0.0.3", mac), None, "mac_taken"),
        (
            miner_form(bobs, "SN-1", "10.0.0.2", ""),
            bobs_second,
            "serial_taken",
        ),
        (
            miner_form(bobs, "SN-2", "10.0.0.2", mac),
            bobs_second,
            "mac_taken",
        ),
    ] {
        only_rejection(&save_miner(bob, app, form, miner_id).await, code);
    }
    // Alice's other MAC is Bob's to use too.
    save_miner(
        alice,
        app,
        miner_form(alices, "SN-7", "10.0.0.7", "aa:bb:cc:00:11:77"),
        None,
    )
    .await;
    let (status, _) = save_miner(
        bob,
        app,
        miner_form(bobs, "SN-2", "10.0.0.2", "aa:bb:cc:00:11:77"),
        bobs_second,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// An import is screened against the site's own miners only.
async fn imports_are_screened_per_site(
    app: &TestApp,
    bob: &TestMember,
    (alices, bobs): (i64, i64),
) {
    // An import is screened against the site's own miners only: Alice's serial SN-7 goes in,
    // Bob's own SN-1 is reported as stored.
    let file = "model,serial,ip,mac\nAntminer S21,SN-7,10.0.0.9,aa:bb:cc:00:11:99\n\
                Antminer S21,SN-1,10.0.0.10,\n";
    let response = bob
        .client
        .post(app.url(&import_url(bobs)))
        .header("content-type", "application/octet-stream")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let events = response.text().await.unwrap();
    assert!(events.contains(r#""imported":1"#), "{events}");
    assert!(events.contains("already_stored"), "{events}");
    let query = domain::fleet::MinerQuery {
        site_id: Some(bobs),
        ..domain::fleet::MinerQuery::default()
    };
    let serials: Vec<String> = app
        .store
        .list_miners(&query, domain::clock::unix_now_ms())
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|row| row.miner.serial)
        .collect();
    assert_eq!(serials, ["SN-1", "SN-2", "SN-7"]);
    let query = domain::fleet::MinerQuery {
        site_id: Some(alices),
        ..query
    };
    let alices_count = app
        .store
        .list_miners(&query, domain::clock::unix_now_ms())
        .await
        .unwrap()
        .total;
    assert_eq!(alices_count, 2, "Alice's site untouched");
}

async fn two_hosts_use_the_same_names_serials_and_macs(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let alice = app.member(Role::MiningSiteOwner).await;
    let bob = app.member(Role::MiningSiteOwner).await;
    let sites = sites_are_named_per_owner(&app, &alice, &bob).await;
    machines_are_unique_per_site(&app, &alice, &bob, sites).await;
    imports_are_screened_per_site(&app, &bob, sites).await;
    app.stop().await;
}

on_both_engines!(
    two_hosts_use_the_same_names_serials_and_macs_sqlite,
    two_hosts_use_the_same_names_serials_and_macs_postgres,
    two_hosts_use_the_same_names_serials_and_macs
);

/// The migration that made names per host.
const REBUILD: &str = "20261206000002";

/// A pool on the file as the server opens it: foreign keys on.
async fn open_pool(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .unwrap()
}

/// Every table's row count.
async fn counts(pool: &SqlitePool) -> BTreeMap<String, i64> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
             and name != '_sqlx_migrations' order by name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from \"{table}\""))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    counts
}

async fn sequences(pool: &SqlitePool) -> Vec<(String, i64)> {
    sqlx::query(
        "select name, seq from sqlite_sequence where name in ('site', 'miner') order by name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect()
}

/// A database at the migration before the rebuild, with rows in every table that references a
/// site or a miner, and a deleted site and miner whose ids must not come back.
const FLEET_ROWS: &str = "
    insert into user_account (email, display_name, role, created_at_ms)
        values ('host@example.com', 'Host', 'mining_site_owner', 0),
               ('client@example.com', 'Client', 'client', 0);
    insert into site (name, tariff, capacity_mw, owner_user_id, created_at_ms, updated_at_ms)
        values ('North', '{\"kind\":\"flat\",\"usd_kwh\":0.05}', 10, 1, 0, 0),
               ('South', '{\"kind\":\"flat\",\"usd_kwh\":0.05}', 5, null, 0, 0),
               ('Gone', '{\"kind\":\"flat\",\"usd_kwh\":0.05}', 5, null, 0, 0);
    delete from site where name = 'Gone';
    insert into customer (name, user_id, created_at_ms, updated_at_ms)
        values ('Acme', 2, 0, 0);
    insert into miner (site_id, customer_id, model_name, serial, ip, mac, status, approval,
            approved_by_user_id, created_at_ms, updated_at_ms)
        values (1, 1, 'Antminer S21', 'SN-1', '10.0.0.1', 'aa:bb:cc:00:00:01', 'active',
                'approved', 1, 0, 0),
               (1, null, 'Antminer S21', 'SN-2', '10.0.0.2', null, 'active', 'draft', null, 0, 0),
               (2, null, 'Antminer S21', 'SN-3', '10.0.0.1', null, 'active', 'approved', 1, 0, 0),
               (2, null, 'Antminer S21', 'SN-4', '10.0.0.4', null, 'active', 'draft', null, 0, 0);
    delete from miner where serial = 'SN-4';
    insert into miner_live (miner_id, site_id, taken_at_ms, online, is_mining, power_estimated)
        values (1, 1, 0, 1, 1, 0), (3, 2, 0, 1, 1, 0);
    insert into telemetry_raw (bucket_ms, miner_id, taken_at_ms, online, hashrate_hs)
        values (0, 1, 0, 1, 2e14), (0, 3, 0, 1, 2e14), (0, 4, 0, 1, 2e14);
    insert into telemetry_5m (miner_id, bucket_ms, samples, online_samples, hashrate_avg_hs,
            hashrate_min_hs, hashrate_max_hs)
        values (1, 0, 1, 1, 2e14, 2e14, 2e14), (3, 0, 1, 1, 2e14, 2e14, 2e14);
    insert into telemetry_daily (miner_id, day_ms, samples, online_samples, hashrate_avg_hs,
            hashrate_min_hs, hashrate_max_hs)
        values (1, 0, 288, 288, 2e14, 2e14, 2e14);
    insert into telemetry_site_5m (site_id, bucket_ms, hashrate_hs, power_w, online, reporting)
        values (1, 0, 2e14, 3500, 1, 1), (2, 0, 2e14, 3500, 1, 1);
    insert into telemetry_pending (level, start_ms) values (0, 0), (1, 0);
    insert into collector_key (key_hash, site_id, label, created_at_ms)
        values ('aa', 1, 'rack A', 0), ('bb', 2, 'rack B', 0);
    insert into alert (site_id, miner_id, kind, severity, opened_at_ms, value, threshold,
            acknowledged_by_user_id)
        values (1, 1, 'temperature', 'critical', 0, 95, 85, 1),
               (2, 3, 'offline', 'warning', 0, 0, 0, null);
    insert into alert_book (site_id, book, version, updated_at_ms)
        values (1, '{}', 3, 0), (2, '{}', 1, 0);
";

/// The SQLite migrations before `REBUILD`, as a migrator of their own.
async fn migrator_before_rebuild(dir: &Path) -> sqlx::migrate::Migrator {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < REBUILD {
            std::fs::copy(&path, dir.join(name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(dir).await.unwrap()
}

/// A database file in `dir` at the migration before the rebuild, with `FLEET_ROWS` in it, that
/// the rebuild refused to migrate with foreign keys on: its path, row counts and counters.
async fn database_before_rebuild(
    dir: &Path,
) -> (
    std::path::PathBuf,
    BTreeMap<String, i64>,
    Vec<(String, i64)>,
) {
    let earlier = dir.join("earlier");
    std::fs::create_dir(&earlier).unwrap();
    let file = dir.join("fleet.db");
    let pool = open_pool(&file).await;
    server::db::sqlite::migrate(&pool, &migrator_before_rebuild(&earlier).await)
        .await
        .unwrap();
    sqlx::raw_sql(FLEET_ROWS).execute(&pool).await.unwrap();
    let before = counts(&pool).await;
    let sequences_before = sequences(&pool).await;
    assert_eq!(
        sequences_before,
        [("miner".to_owned(), 4), ("site".to_owned(), 3)]
    );
    for table in [
        "site",
        "miner",
        "miner_live",
        "telemetry_raw",
        "telemetry_5m",
        "telemetry_daily",
        "telemetry_site_5m",
        "collector_key",
        "alert",
        "alert_book",
    ] {
        assert!(before[table] > 0, "{table} has rows to keep");
    }

    // Run with foreign keys on (as a plain `sqlx migrate run` would), the rebuild refuses
    // before it drops anything, and its transaction leaves the database as it was.
    let refused = server::db::sqlite::MIGRATOR.run(&pool).await.unwrap_err();
    assert!(
        refused.to_string().contains("PRAGMA foreign_keys = OFF"),
        "{refused}"
    );
    assert_eq!(counts(&pool).await, before);
    pool.close().await;
    (file, before, sequences_before)
}

/// The rebuilt rows are the same ones, and a serial is unique within its site only.
async fn the_rows_are_kept_and_serials_are_per_site(store: &dyn store::Store) {
    // The rows are the same ones, and the new uniqueness holds.
    let north = store.get_site(1).await.unwrap();
    assert_eq!(
        (north.name.as_str(), north.owner_user_id),
        ("North", Some(1))
    );
    let miner = store.get_miner(1).await.unwrap();
    assert_eq!(
        (
            miner.serial.as_str(),
            miner.customer_id,
            miner.approved_by_user_id
        ),
        ("SN-1", Some(1), Some(1))
    );
    let same_serial = domain::fleet::NewMiner {
        customer_id: None,
        asic_model_id: None,
        model_name: "Antminer S21".into(),
        serial: "SN-1".into(),
        ip: "10.0.0.9".into(),
        mac: Some("aa:bb:cc:00:00:01".into()),
        rack: String::new(),
        status: domain::fleet::MinerStatus::Active,
    };
    let now = domain::clock::unix_now_ms();
    let outcomes = store
        .insert_miners(2, std::slice::from_ref(&same_serial), now)
        .await
        .unwrap();
    // A new id after the deleted miner 4's, whose raw samples are still stored.
    assert_eq!(
        outcomes,
        [domain::fleet::InsertOutcome::Inserted { miner_id: 5 }]
    );
    let outcomes = store.insert_miners(1, &[same_serial], now).await.unwrap();
    assert_eq!(
        outcomes,
        [domain::fleet::InsertOutcome::Duplicate {
            field: domain::fleet::UniqueField::Serial
        }]
    );
}

#[tokio::test]
async fn the_sqlite_rebuild_keeps_every_row_id_and_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (file, before, sequences_before) = database_before_rebuild(dir.path()).await;

    // The server's own path: every table keeps its rows, the counters their values.
    let settings = server::config::DatabaseSettings {
        url: Some(server::config::DatabaseUrl::new(format!(
            "sqlite://{}",
            file.display()
        ))),
        max_connections: 1,
        ..Default::default()
    };
    let store = server::db::open(&settings).await.unwrap();
    let pool = open_pool(&file).await;
    assert_eq!(counts(&pool).await, before);
    assert_eq!(sequences(&pool).await, sequences_before);
    let broken: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("pragma foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{} broken references", broken.len());
    let indexes: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'index' and tbl_name in ('site', 'miner')
             and name not like 'sqlite_autoindex%' order by name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        indexes,
        [
            "miner_customer",
            "miner_site_customer",
            "miner_site_mac",
            "miner_site_serial",
            "site_owner_name"
        ]
    );

    the_rows_are_kept_and_serials_are_per_site(store.as_ref()).await;

    // The references point at the rebuilt tables, and foreign keys are on again in the
    // store's pool: deleting a site still takes its miners, readings, keys and alerts along.
    store.delete_site(1).await.unwrap();
    let after = counts(&pool).await;
    for (table, left) in [
        ("site", 1),
        ("miner", 2),
        ("miner_live", 1),
        ("telemetry_5m", 1),
        ("telemetry_daily", 0),
        ("telemetry_site_5m", 1),
        ("collector_key", 1),
        ("alert", 1),
        ("alert_book", 1),
    ] {
        assert_eq!(after[table], left, "{table}");
    }
    pool.close().await;
}
