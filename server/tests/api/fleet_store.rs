//! The `FleetStore` contract: sites, customers, the miner inventory and collector keys, the
//! same stories on SQLite and PostgreSQL.

use std::sync::Arc;

use app::access::Role;
use app::fleet::{
    Approval, InsertOutcome, MinerFieldError, MinerQuery, MinerStatus, NewCustomer, NewMiner,
    NewSite, RefusedApproval, Tariff, UniqueField,
};
use app::ssr::accounts::NewUser;
use app::ssr::{Store, StoreError};
use sqlx::Connection;

use crate::helpers::{Backend, TestDatabase};
use crate::on_both_engines;

const NOW_MS: i64 = 1_800_000_000_000;

fn site(name: &str, owner_user_id: Option<i64>) -> NewSite {
    NewSite {
        name: name.to_owned(),
        location: "Paraguay, Itaipu".to_owned(),
        capacity_mw: 12.5,
        tariff: Tariff::TimeOfUse {
            peak_usd_kwh: 0.09,
            offpeak_usd_kwh: 0.035,
            peak_start_hour: 18,
            peak_end_hour: 22,
        },
        owner_user_id,
    }
}

fn miner(n: u32) -> NewMiner {
    NewMiner {
        customer_id: None,
        asic_model_id: None,
        model_name: "Antminer S21".to_owned(),
        serial: format!("SN{n:06}"),
        ip: format!("10.{}.{}.{}", n / 65_536, (n / 256) % 256, n % 256),
        mac: Some(format!(
            "02:00:00:{:02x}:{:02x}:{:02x}",
            n / 65_536,
            (n / 256) % 256,
            n % 256
        )),
        rack: format!("R{:02}", n % 7),
        status: MinerStatus::Active,
    }
}

async fn user(store: &dyn Store, email: &str) -> i64 {
    store
        .create_user(&NewUser {
            email: Some(email.to_owned()),
            display_name: email.to_owned(),
            password_hash: None,
            role: Role::Client,
            email_verified_at_ms: None,
            access_expires_at_ms: None,
            created_at_ms: NOW_MS,
        })
        .await
        .unwrap()
        .user_id
}

/// Runs plain SQL beside the store, as the collector will write `miner_live`.
async fn exec(db: &TestDatabase, backend: Backend, sql: &str) {
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(db.url.expose())
                .await
                .unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(db.url.expose()).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
    }
}

fn inserted_ids(outcomes: &[InsertOutcome]) -> Vec<i64> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            InsertOutcome::Inserted { miner_id } => Some(*miner_id),
            _ => None,
        })
        .collect()
}

async fn sites_round_trip_and_refuse_a_taken_name(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let owner = user(&*store, "owner@example.com").await;
    let north = store
        .create_site(&site("North", Some(owner)), NOW_MS)
        .await
        .unwrap();
    assert_eq!(north.tariff, site("North", None).tariff);
    assert_eq!(
        (north.created_at_ms, north.owner_user_id),
        (NOW_MS, Some(owner))
    );
    let south = store
        .create_site(&site("South", None), NOW_MS)
        .await
        .unwrap();
    assert!(matches!(
        store.create_site(&site("North", None), NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store
            .update_site(south.site_id, &site("North", None), NOW_MS)
            .await,
        Err(StoreError::Conflict { .. })
    ));

    let hourly = NewSite {
        tariff: Tariff::Hourly {
            usd_kwh: (0..24).map(|h| f64::from(h) / 200.0).collect(),
        },
        capacity_mw: 30.0,
        ..site("South Ridge", Some(owner))
    };
    let changed = store
        .update_site(south.site_id, &hourly, NOW_MS + 5)
        .await
        .unwrap();
    assert_eq!(
        (changed.tariff, changed.updated_at_ms),
        (hourly.tariff, NOW_MS + 5)
    );
    assert_eq!(
        store.get_site(south.site_id).await.unwrap().name,
        "South Ridge"
    );

    let all: Vec<String> = store
        .list_sites(None)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(all, ["North", "South Ridge"]);
    assert_eq!(store.list_sites(Some(owner)).await.unwrap().len(), 2);
    assert!(store.list_sites(Some(owner + 1)).await.unwrap().is_empty());

    store.delete_site(north.site_id).await.unwrap();
    assert!(matches!(
        store.get_site(north.site_id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_site(north.site_id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .update_site(north.site_id, &site("North", None), NOW_MS)
            .await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    sites_sqlite,
    sites_postgres,
    sites_round_trip_and_refuse_a_taken_name
);

async fn customers_link_one_account_each(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let portal = user(&*store, "client@example.com").await;
    let acme = NewCustomer {
        name: "Acme Hashing".into(),
        contact_email: Some("ops@acme.example".into()),
        user_id: Some(portal),
    };
    let created = store.create_customer(&acme, NOW_MS).await.unwrap();
    assert_eq!(
        store.customer_for_user(portal).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.customer_for_user(portal + 1).await.unwrap(), None);
    let same_account = NewCustomer {
        name: "Other".into(),
        ..acme.clone()
    };
    assert!(matches!(
        store.create_customer(&same_account, NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    let same_name = NewCustomer {
        user_id: None,
        ..acme.clone()
    };
    assert!(matches!(
        store.create_customer(&same_name, NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));

    let unlinked = NewCustomer {
        user_id: None,
        contact_email: None,
        ..acme
    };
    let updated = store
        .update_customer(created.customer_id, &unlinked, NOW_MS + 1)
        .await
        .unwrap();
    assert_eq!(
        (updated.user_id, updated.contact_email.as_deref()),
        (None, None)
    );
    assert_eq!(store.customer_for_user(portal).await.unwrap(), None);
    assert_eq!(store.list_customers().await.unwrap(), vec![updated]);

    // Deleting a customer leaves its miners on the site, unassigned.
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let row = NewMiner {
        customer_id: Some(created.customer_id),
        ..miner(1)
    };
    let ids = inserted_ids(
        &store
            .insert_miners(farm.site_id, &[row], NOW_MS)
            .await
            .unwrap(),
    );
    store.delete_customer(created.customer_id).await.unwrap();
    assert_eq!(store.get_miner(ids[0]).await.unwrap().customer_id, None);
    assert!(matches!(
        store.get_customer(created.customer_id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_customer(created.customer_id).await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    customers_sqlite,
    customers_postgres,
    customers_link_one_account_each
);

async fn an_import_writes_good_rows_and_reports_each_duplicate(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    let first = store
        .insert_miners(farm.site_id, &[miner(1)], NOW_MS)
        .await
        .unwrap();
    assert_eq!(inserted_ids(&first).len(), 1);

    let rows = vec![
        miner(2),
        NewMiner {
            serial: "SN000001".into(),
            ..miner(3)
        }, // stored serial
        NewMiner {
            ip: miner(1).ip,
            ..miner(4)
        }, // stored IP, same site
        NewMiner {
            mac: miner(1).mac,
            ..miner(5)
        }, // stored MAC
        NewMiner {
            serial: "SN000002".into(),
            ..miner(6)
        }, // serial of row 0
        NewMiner {
            ip: miner(2).ip,
            ..miner(7)
        }, // IP of row 0
        NewMiner {
            mac: None,
            ..miner(8)
        },
        NewMiner {
            ip: "10.0.0.300".into(),
            ..miner(9)
        },
        NewMiner {
            customer_id: Some(999),
            ..miner(10)
        },
    ];
    let outcomes = store
        .insert_miners(farm.site_id, &rows, NOW_MS)
        .await
        .unwrap();
    let dup = |field| InsertOutcome::Duplicate { field };
    let invalid = |error| InsertOutcome::Invalid { error };
    assert!(matches!(outcomes[0], InsertOutcome::Inserted { .. }));
    assert_eq!(
        outcomes[1..8],
        [
            dup(UniqueField::Serial),
            dup(UniqueField::Ip),
            dup(UniqueField::Mac),
            dup(UniqueField::Serial),
            dup(UniqueField::Ip),
            outcomes[6],
            invalid(MinerFieldError::Ip),
        ]
    );
    assert!(matches!(outcomes[6], InsertOutcome::Inserted { .. }));
    assert_eq!(outcomes[8], invalid(MinerFieldError::UnknownCustomer));
    let stored = store.get_miner(inserted_ids(&outcomes)[0]).await.unwrap();
    assert_eq!(
        (stored.serial.as_str(), stored.approval),
        ("SN000002", Approval::Draft)
    );

    // The same IP is free on another site; serials and MACs are unique everywhere.
    let elsewhere = vec![
        NewMiner {
            serial: "X1".into(),
            mac: None,
            ..miner(1)
        },
        miner(2),
    ];
    let outcomes = store
        .insert_miners(other.site_id, &elsewhere, NOW_MS)
        .await
        .unwrap();
    assert!(matches!(outcomes[0], InsertOutcome::Inserted { .. }));
    assert_eq!(outcomes[1], dup(UniqueField::Serial));
    assert!(matches!(
        store
            .insert_miners(other.site_id + 100, &[miner(50)], NOW_MS)
            .await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    import_sqlite,
    import_postgres,
    an_import_writes_good_rows_and_reports_each_duplicate
);

async fn a_large_import_spans_several_statements_in_one_go(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    // More rows than one multi-row statement takes, with a late duplicate of an early row.
    let mut rows: Vec<NewMiner> = (0..4_100).map(miner).collect();
    rows.push(NewMiner {
        serial: "LATE".into(),
        ..miner(17)
    });
    let outcomes = store
        .insert_miners(farm.site_id, &rows, NOW_MS)
        .await
        .unwrap();
    assert_eq!(inserted_ids(&outcomes).len(), 4_100);
    assert_eq!(
        outcomes[4_100],
        InsertOutcome::Duplicate {
            field: UniqueField::Ip
        }
    );
    let query = MinerQuery {
        site_id: Some(farm.site_id),
        ..MinerQuery::default()
    };
    assert_eq!(
        store.list_miners(&query, NOW_MS).await.unwrap().total,
        4_100
    );
    db.cleanup().await;
}
on_both_engines!(
    large_import_sqlite,
    large_import_postgres,
    a_large_import_spans_several_statements_in_one_go
);

async fn approval_steps_follow_the_workflow_and_report_refusals(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let reviewer = user(&*store, "reviewer@example.com").await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    let rows: Vec<NewMiner> = (1..=4).map(miner).collect();
    let ids = inserted_ids(
        &store
            .insert_miners(farm.site_id, &rows, NOW_MS)
            .await
            .unwrap(),
    );
    let foreign = inserted_ids(
        &store
            .insert_miners(other.site_id, &[miner(9)], NOW_MS)
            .await
            .unwrap(),
    )[0];

    let submit = store
        .set_approval(
            farm.site_id,
            &ids[..3],
            Approval::Pending,
            reviewer,
            None,
            NOW_MS + 1,
        )
        .await
        .unwrap();
    assert_eq!(submit.moved, ids[..3]);
    assert!(submit.refused.is_empty());

    // ids[3] is still a draft; `foreign` is another site's; ids[0] is listed twice.
    let asked = [ids[0], ids[1], ids[3], foreign, ids[0]];
    let approve = store
        .set_approval(
            farm.site_id,
            &asked,
            Approval::Approved,
            reviewer,
            Some("racked"),
            NOW_MS + 2,
        )
        .await
        .unwrap();
    assert_eq!(approve.moved, [ids[0], ids[1]]);
    assert_eq!(
        approve.refused,
        [
            RefusedApproval {
                miner_id: ids[3],
                current: Some(Approval::Draft)
            },
            RefusedApproval {
                miner_id: foreign,
                current: None
            },
        ]
    );
    let approved = store.get_miner(ids[0]).await.unwrap();
    assert_eq!(approved.approved_by_user_id, Some(reviewer));
    assert_eq!(approved.approval_note.as_deref(), Some("racked"));
    assert_eq!(approved.updated_at_ms, NOW_MS + 2);
    assert_eq!(
        store.get_miner(ids[3]).await.unwrap().approval,
        Approval::Draft
    );
    assert_eq!(
        store.get_miner(foreign).await.unwrap().approval,
        Approval::Draft
    );

    // Approved is final for the workflow; rejected goes back to draft.
    let back = store
        .set_approval(
            farm.site_id,
            &[ids[0]],
            Approval::Draft,
            reviewer,
            None,
            NOW_MS + 3,
        )
        .await
        .unwrap();
    assert_eq!(
        back.refused,
        [RefusedApproval {
            miner_id: ids[0],
            current: Some(Approval::Approved)
        }]
    );
    store
        .set_approval(
            farm.site_id,
            &[ids[2]],
            Approval::Rejected,
            reviewer,
            Some("bad PSU"),
            NOW_MS + 4,
        )
        .await
        .unwrap();
    let redo = store
        .set_approval(
            farm.site_id,
            &[ids[2]],
            Approval::Draft,
            reviewer,
            None,
            NOW_MS + 5,
        )
        .await
        .unwrap();
    assert_eq!(redo.moved, [ids[2]]);
    assert_eq!(
        store.get_miner(ids[2]).await.unwrap().approved_by_user_id,
        None
    );

    // The collector polls approved miners that are not retired.
    let retired = NewMiner {
        status: MinerStatus::Retired,
        ..miner(2)
    };
    store
        .update_miner(ids[1], &retired, NOW_MS + 6)
        .await
        .unwrap();
    assert_eq!(
        store.miner_targets(farm.site_id).await.unwrap(),
        [(ids[0], miner(1).ip)]
    );
    db.cleanup().await;
}
on_both_engines!(
    approval_sqlite,
    approval_postgres,
    approval_steps_follow_the_workflow_and_report_refusals
);

async fn miners_are_edited_and_deleted_within_their_site(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    let ids = inserted_ids(
        &store
            .insert_miners(farm.site_id, &[miner(1), miner(2)], NOW_MS)
            .await
            .unwrap(),
    );
    let foreign = inserted_ids(
        &store
            .insert_miners(other.site_id, &[miner(3)], NOW_MS)
            .await
            .unwrap(),
    )[0];

    let moved = NewMiner {
        rack: "B-07".into(),
        ip: "10.9.9.9".into(),
        ..miner(1)
    };
    let edited = store
        .update_miner(ids[0], &moved, NOW_MS + 1)
        .await
        .unwrap();
    assert_eq!(
        (edited.rack.as_str(), edited.ip.as_str()),
        ("B-07", "10.9.9.9")
    );
    assert_eq!(
        (edited.approval, edited.created_at_ms),
        (Approval::Draft, NOW_MS)
    );
    let clash = NewMiner {
        serial: miner(2).serial,
        ..moved
    };
    assert!(matches!(
        store.update_miner(ids[0], &clash, NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store.update_miner(foreign + 50, &miner(7), NOW_MS).await,
        Err(StoreError::NotFound)
    ));

    assert_eq!(
        store
            .delete_miners(farm.site_id, &[ids[0], foreign, 123_456])
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.get_miner(ids[0]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.get_miner(foreign).await.unwrap().site_id,
        other.site_id
    );
    db.cleanup().await;
}
on_both_engines!(
    edit_sqlite,
    edit_postgres,
    miners_are_edited_and_deleted_within_their_site
);

async fn collector_keys_open_their_site_until_revoked(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    let hash_a = format!("abcdef01{}", "0".repeat(56));
    let hash_b = format!("abcdef01{}", "1".repeat(56));
    let key = store
        .create_collector_key(farm.site_id, &hash_a, "rack A", NOW_MS)
        .await
        .unwrap();
    assert_eq!(key.key_hash_prefix, "abcdef010000");
    store
        .create_collector_key(farm.site_id, &hash_b, "rack B", NOW_MS + 1)
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_collector_key(other.site_id, &hash_a, "copy", NOW_MS)
            .await,
        Err(StoreError::Conflict { .. })
    ));

    assert_eq!(
        store
            .site_for_collector_key(&hash_a, NOW_MS + 10)
            .await
            .unwrap(),
        Some(farm.site_id)
    );
    // A second use within the minute is not written; one after it is.
    store
        .site_for_collector_key(&hash_a, NOW_MS + 30_000)
        .await
        .unwrap();
    let used = |keys: Vec<app::fleet::CollectorKey>| {
        keys.into_iter()
            .find(|k| k.label == "rack A")
            .unwrap()
            .last_used_at_ms
    };
    assert_eq!(
        used(store.list_collector_keys(farm.site_id).await.unwrap()),
        Some(NOW_MS + 10)
    );
    store
        .site_for_collector_key(&hash_a, NOW_MS + 70_010)
        .await
        .unwrap();
    assert_eq!(
        used(store.list_collector_keys(farm.site_id).await.unwrap()),
        Some(NOW_MS + 70_010)
    );
    assert_eq!(
        store
            .site_for_collector_key("unknown", NOW_MS)
            .await
            .unwrap(),
        None
    );

    // A prefix must name exactly one key of the site.
    let revoke = |site_id: i64, prefix: &'static str, at_ms: i64| {
        let store = Arc::clone(&store);
        async move { store.revoke_collector_key(site_id, prefix, at_ms).await }
    };
    assert!(matches!(
        revoke(farm.site_id, "abcdef0", NOW_MS).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(farm.site_id, "abcdef0199", NOW_MS).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(other.site_id, "abcdef0100", NOW_MS).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(farm.site_id, "ABCDEF01", NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    revoke(farm.site_id, "ABCDEF0100", NOW_MS + 100)
        .await
        .unwrap();
    revoke(farm.site_id, "abcdef0100", NOW_MS + 200)
        .await
        .unwrap();
    assert_eq!(
        store
            .site_for_collector_key(&hash_a, NOW_MS + 300)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .site_for_collector_key(&hash_b, NOW_MS + 300)
            .await
            .unwrap(),
        Some(farm.site_id)
    );
    let keys = store.list_collector_keys(farm.site_id).await.unwrap();
    assert_eq!(
        keys.iter().map(|k| k.label.as_str()).collect::<Vec<_>>(),
        ["rack B", "rack A"]
    );
    assert_eq!(keys[1].revoked_at_ms, Some(NOW_MS + 100));
    db.cleanup().await;
}
on_both_engines!(
    keys_sqlite,
    keys_postgres,
    collector_keys_open_their_site_until_revoked
);

mod listing;
