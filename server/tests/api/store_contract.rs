//! The `Store` contract: the same behaviours, run against SQLite and PostgreSQL.
// Stored floats must come back bit for bit, so exact comparison is the point.
#![allow(clippy::float_cmp)]

use domain::catalogue::{Cooling, NewAsicModel};
use domain::market::{DAY_MS, NetworkDay};
use store::StoreError;

use crate::helpers::{Backend, TestDatabase};
use crate::on_both_engines;

fn custom_model(name: &str) -> NewAsicModel {
    NewAsicModel {
        name: name.to_owned(),
        manufacturer: "Test Works".to_owned(),
        hashrate_hs: 250e12,
        power_w: 3_000.0,
        cooling: Cooling::Immersion,
        release_date: Some("2026-01-15".to_owned()),
        price_usd: Some(4_250.5),
    }
}

async fn migrations_seed_the_catalogue_best_efficiency_first(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    store.ping().await.unwrap();
    let models = store.list_asic_models().await.unwrap();
    assert_eq!(models.len(), crate::helpers::SEEDED_MODELS);
    assert_eq!(models[0].name, "Antminer S21 XP Hyd");
    assert_eq!(models[0].cooling, Cooling::Hydro);
    assert!((models[0].efficiency_j_per_th() - 12.0).abs() < 1e-9);
    let efficiencies: Vec<f64> = models
        .iter()
        .map(domain::catalogue::AsicModel::efficiency_j_per_th)
        .collect();
    assert!(
        efficiencies.windows(2).all(|w| w[0] <= w[1]),
        "{efficiencies:?}"
    );
    db.cleanup().await;
}
on_both_engines!(
    seed_sqlite,
    seed_postgres,
    migrations_seed_the_catalogue_best_efficiency_first
);

async fn reopening_applies_no_migration_twice(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    db.store().await;
    let again = db.store().await;
    assert_eq!(
        again.list_asic_models().await.unwrap().len(),
        crate::helpers::SEEDED_MODELS
    );
    db.cleanup().await;
}
on_both_engines!(
    reopen_sqlite,
    reopen_postgres,
    reopening_applies_no_migration_twice
);

async fn upsert_creates_then_replaces_by_name(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let created = store
        .upsert_asic_model(&custom_model("HX-1"))
        .await
        .unwrap();
    assert_eq!(created.name, "HX-1");
    assert_eq!(created.cooling, Cooling::Immersion);
    assert_eq!(created.release_date.as_deref(), Some("2026-01-15"));
    assert_eq!(created.price_usd, Some(4_250.5));

    let changed = NewAsicModel {
        power_w: 2_900.0,
        price_usd: None,
        ..custom_model("HX-1")
    };
    let replaced = store.upsert_asic_model(&changed).await.unwrap();
    assert_eq!(replaced.asic_model_id, created.asic_model_id);
    assert_eq!(replaced.power_w, 2_900.0);
    assert_eq!(replaced.price_usd, None);
    assert_eq!(store.get_asic_model("HX-1").await.unwrap(), replaced);
    assert_eq!(
        store.list_asic_models().await.unwrap().len(),
        crate::helpers::SEEDED_MODELS + 1
    );
    db.cleanup().await;
}
on_both_engines!(
    upsert_sqlite,
    upsert_postgres,
    upsert_creates_then_replaces_by_name
);

async fn missing_models_are_not_found(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    assert!(matches!(
        store.get_asic_model("No Such Miner").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_asic_model(987_654).await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    missing_sqlite,
    missing_postgres,
    missing_models_are_not_found
);

async fn delete_removes_exactly_one_model(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let created = store
        .upsert_asic_model(&custom_model("HX-2"))
        .await
        .unwrap();
    store
        .delete_asic_model(created.asic_model_id)
        .await
        .unwrap();
    assert!(matches!(
        store.get_asic_model("HX-2").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.list_asic_models().await.unwrap().len(),
        crate::helpers::SEEDED_MODELS
    );
    db.cleanup().await;
}
on_both_engines!(
    delete_sqlite,
    delete_postgres,
    delete_removes_exactly_one_model
);

async fn the_database_refuses_impossible_values(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let zero = NewAsicModel {
        hashrate_hs: 0.0,
        ..custom_model("HX-0")
    };
    assert!(store.upsert_asic_model(&zero).await.is_err());
    let bad_date = NewAsicModel {
        release_date: Some("soon".into()),
        ..custom_model("HX-0")
    };
    assert!(store.upsert_asic_model(&bad_date).await.is_err());
    assert!(matches!(
        store.get_asic_model("HX-0").await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    refuse_sqlite,
    refuse_postgres,
    the_database_refuses_impossible_values
);

fn day(day_ms: i64, difficulty: Option<f64>, price_usd: Option<f64>, source: &str) -> NetworkDay {
    NetworkDay {
        day_ms,
        difficulty,
        hashrate_hs: difficulty.map(|d| d * 7.0),
        price_usd,
        source: source.to_owned(),
        updated_at_ms: day_ms + 1,
    }
}

async fn network_days_merge_by_day_and_list_oldest_first(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let d1 = 1_795_564_800_000; // 2026-11-25 00:00 UTC
    let d0 = d1 - DAY_MS;
    // The network history gives difficulty and hashrate, the klines the price, in any order.
    let written = store
        .upsert_network_days(&[
            day(d1, Some(149_301_205_959_699.88), None, "mempool.space"),
            day(d0, Some(1.4e14), None, "mempool.space"),
        ])
        .await
        .unwrap();
    assert_eq!(written, 2);
    store
        .upsert_network_days(&[day(d1, None, Some(90_412.5), "Binance")])
        .await
        .unwrap();
    let days = store.list_network_days(d0).await.unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].day_ms, d0);
    assert_eq!(days[1].difficulty, Some(149_301_205_959_699.88));
    assert_eq!(days[1].hashrate_hs, Some(149_301_205_959_699.88 * 7.0));
    assert_eq!(days[1].price_usd, Some(90_412.5));
    assert_eq!(days[1].source, "Binance");
    assert_eq!(store.list_network_days(d1).await.unwrap().len(), 1);
    db.cleanup().await;
}
on_both_engines!(
    network_days_sqlite,
    network_days_postgres,
    network_days_merge_by_day_and_list_oldest_first
);

async fn a_bad_day_writes_nothing_of_its_batch(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let d1 = 1_795_564_800_000;
    // A negative difficulty breaks the table's check: the good day before it is rolled back.
    let refused = store
        .upsert_network_days(&[
            day(d1, Some(1.4e14), None, "x"),
            day(d1 + DAY_MS, Some(-1.0), None, "x"),
        ])
        .await;
    assert!(refused.is_err());
    assert!(store.list_network_days(0).await.unwrap().is_empty());
    db.cleanup().await;
}
on_both_engines!(
    network_days_atomic_sqlite,
    network_days_atomic_postgres,
    a_bad_day_writes_nothing_of_its_batch
);

async fn a_session_resolves_with_its_account_and_first_wallet_in_one_read(backend: Backend) {
    use domain::access::Role;
    use store::accounts::{NewSession, NewUser};
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let mut users = Vec::new();
    for (n, role) in [(1, Role::Operator), (2, Role::Client)] {
        let user = store
            .create_user(&NewUser {
                email: Some(format!("user{n}@example.com")),
                display_name: format!("User {n}"),
                password_hash: None,
                role,
                email_verified_at_ms: Some(1_000),
                access_expires_at_ms: None,
                created_at_ms: 1_000 + n,
            })
            .await
            .unwrap();
        store
            .create_session(&NewSession {
                session_hash: format!("hash-{n}"),
                user_id: user.user_id,
                created_at_ms: 2_000 + n,
                expires_at_ms: 9_000 + n,
                ip: None,
                user_agent: None,
                method: "password",
            })
            .await
            .unwrap();
        users.push(user);
    }
    let first = "0x1111111111111111111111111111111111111111";
    let second = "0x2222222222222222222222222222222222222222";
    store
        .link_wallet(users[0].user_id, second, 5_000)
        .await
        .unwrap();
    store
        .link_wallet(users[0].user_id, first, 4_000)
        .await
        .unwrap();

    let signed_in = store.signed_in("hash-1").await.unwrap();
    assert_eq!(
        signed_in.user,
        store.user_by_id(users[0].user_id).await.unwrap()
    );
    assert_eq!(signed_in.session, store.session("hash-1").await.unwrap());
    assert_eq!(signed_in.session.created_at_ms, 2_001);
    assert_eq!(signed_in.session.method, "password");
    // The first linked, as the wallet list orders them.
    assert_eq!(signed_in.wallet_address.as_deref(), Some(first));
    assert_eq!(store.wallets_of(users[0].user_id).await.unwrap()[0], first);

    let without_wallet = store.signed_in("hash-2").await.unwrap();
    assert_eq!(without_wallet.user.role, Role::Client);
    assert_eq!(without_wallet.wallet_address, None);
    assert!(matches!(
        store.signed_in("no-such-session").await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    signed_in_sqlite,
    signed_in_postgres,
    a_session_resolves_with_its_account_and_first_wallet_in_one_read
);
