//! The `FleetStore` contract: sites, customers, the miner inventory and collector keys, the
//! same stories on SQLite and PostgreSQL.

use std::sync::Arc;

use domain::access::Role;
use domain::fleet::{
    Approval, ApprovalReport, InsertOutcome, MinerFieldError, MinerQuery, MinerStatus, MinerTarget,
    NewCustomer, NewMiner, NewSite, RefusedApproval, Tariff, UniqueField,
};
use sqlx::Connection;
use store::accounts::NewUser;
use store::{Store, StoreError};

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
    // A name is unique among one owner's sites, and among the sites nobody owns.
    assert!(matches!(
        store.create_site(&site("North", Some(owner)), NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store.create_site(&site("South", None), NOW_MS).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store
            .update_site(south.site_id, &site("North", Some(owner)), NOW_MS)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Another owner's, and the staff's, may be called the same.
    let rival = user(&*store, "rival@example.com").await;
    let rivals = store
        .create_site(&site("North", Some(rival)), NOW_MS)
        .await
        .unwrap();
    let staffs = store
        .create_site(&site("North", None), NOW_MS)
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_site(staffs.site_id, &site("North", Some(rival)), NOW_MS)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    for extra in [rivals.site_id, staffs.site_id] {
        store.delete_site(extra).await.unwrap();
    }

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
    assert!(store.list_sites(Some(rival)).await.unwrap().is_empty());

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

/// Two sites, "Farm" and "Other".
async fn two_sites(store: &dyn Store) -> (i64, i64) {
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    (farm.site_id, other.site_id)
}

async fn import(store: &dyn Store, site_id: i64, rows: &[NewMiner]) -> Vec<InsertOutcome> {
    store.insert_miners(site_id, rows, NOW_MS).await.unwrap()
}

fn with(n: u32, change: impl FnOnce(&mut NewMiner)) -> NewMiner {
    let mut row = miner(n);
    change(&mut row);
    row
}

const fn dup(field: UniqueField) -> InsertOutcome {
    InsertOutcome::Duplicate { field }
}

async fn an_import_writes_good_rows_and_reports_each_duplicate(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, _) = two_sites(&*store).await;
    assert_eq!(
        inserted_ids(&import(&*store, farm, &[miner(1)]).await).len(),
        1
    );
    let rows = [
        miner(2),
        with(3, |m| m.serial = miner(1).serial), // stored serial
        with(4, |m| m.ip = miner(1).ip),         // stored IP, same site
        with(5, |m| m.mac = miner(1).mac),       // stored MAC
        with(6, |m| m.serial = miner(2).serial), // serial of the first row
        with(7, |m| m.ip = miner(2).ip),         // IP of the first row
        with(8, |m| m.mac = None),
        with(9, |m| m.ip = "10.0.0.300".into()),
        with(10, |m| m.customer_id = Some(999)),
    ];
    let outcomes = import(&*store, farm, &rows).await;
    let invalid = |error| InsertOutcome::Invalid { error };
    let ids = inserted_ids(&outcomes);
    assert_eq!(ids.len(), 2);
    assert_eq!(outcomes[0], InsertOutcome::Inserted { miner_id: ids[0] });
    assert_eq!(outcomes[6], InsertOutcome::Inserted { miner_id: ids[1] });
    assert_eq!(
        outcomes[1..6],
        [
            dup(UniqueField::Serial),
            dup(UniqueField::Ip),
            dup(UniqueField::Mac),
            dup(UniqueField::Serial),
            dup(UniqueField::Ip),
        ]
    );
    assert_eq!(outcomes[7], invalid(MinerFieldError::Ip));
    assert_eq!(outcomes[8], invalid(MinerFieldError::UnknownCustomer));
    let stored = store.get_miner(ids[0]).await.unwrap();
    assert_eq!(
        (stored.serial, stored.approval),
        (miner(2).serial, Approval::Draft)
    );
    db.cleanup().await;
}
on_both_engines!(
    import_sqlite,
    import_postgres,
    an_import_writes_good_rows_and_reports_each_duplicate
);

/// Serials, IPs and MACs are unique within a site: another site's (another host's, perhaps)
/// neither blocks an import nor is revealed by it.
async fn serials_ips_and_macs_repeat_across_sites_but_not_within_one(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, other) = two_sites(&*store).await;
    import(&*store, farm, &[miner(1), miner(2)]).await;
    let elsewhere = [
        miner(1),
        miner(2),
        with(3, |m| m.serial = miner(1).serial),
        with(4, |m| m.mac = miner(2).mac),
    ];
    let outcomes = import(&*store, other, &elsewhere).await;
    assert!(matches!(outcomes[0], InsertOutcome::Inserted { .. }));
    assert!(matches!(outcomes[1], InsertOutcome::Inserted { .. }));
    assert_eq!(
        outcomes[2..],
        [dup(UniqueField::Serial), dup(UniqueField::Mac)]
    );
    // A second import of the same rows finds them on the site itself.
    let again = import(
        &*store,
        other,
        &[miner(1), with(5, |m| m.mac = miner(1).mac)],
    )
    .await;
    assert_eq!(again, [dup(UniqueField::Serial), dup(UniqueField::Mac)]);
    // An edit is refused on the site's own values only, and names the value.
    let ids = inserted_ids(&outcomes);
    let clash = |change: fn(&mut NewMiner)| with(2, change);
    for (edit, field) in [
        (clash(|m| m.serial = miner(1).serial), UniqueField::Serial),
        (clash(|m| m.mac = miner(1).mac), UniqueField::Mac),
        (clash(|m| m.ip = miner(1).ip), UniqueField::Ip),
    ] {
        match store.update_miner(ids[1], &edit, NOW_MS).await {
            Err(StoreError::Conflict { constraint }) => assert_eq!(
                domain::fleet::forms::taken_field(&constraint),
                Some(field),
                "{constraint}"
            ),
            other => panic!("{field:?}: {other:?}"),
        }
    }
    let farms_only = with(2, |m| m.mac = Some("02:00:00:ff:ff:ff".into()));
    import(
        &*store,
        farm,
        &[with(9, |m| m.mac.clone_from(&farms_only.mac))],
    )
    .await;
    let edited = store
        .update_miner(ids[1], &farms_only, NOW_MS)
        .await
        .unwrap();
    assert_eq!(edited.mac, farms_only.mac);
    assert!(matches!(
        store.insert_miners(other + 100, &[miner(50)], NOW_MS).await,
        Err(StoreError::NotFound)
    ));
    db.cleanup().await;
}
on_both_engines!(
    across_sites_sqlite,
    across_sites_postgres,
    serials_ips_and_macs_repeat_across_sites_but_not_within_one
);

async fn a_large_import_spans_several_statements_in_one_go(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, _) = two_sites(&*store).await;
    // More rows than one multi-row statement takes, with a late duplicate of an early row.
    let mut rows: Vec<NewMiner> = (0..4_100).map(miner).collect();
    rows.push(with(17, |m| m.serial = "LATE".into()));
    let outcomes = import(&*store, farm, &rows).await;
    assert_eq!(inserted_ids(&outcomes).len(), 4_100);
    assert_eq!(outcomes[4_100], dup(UniqueField::Ip));
    let query = MinerQuery {
        site_id: Some(farm),
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

/// A reviewer, four drafts on "Farm" and one on "Other".
struct Review {
    store: Arc<dyn Store>,
    reviewer: i64,
    farm: i64,
    ids: Vec<i64>,
    foreign: i64,
}

impl Review {
    async fn new(db: &TestDatabase) -> Self {
        let store = db.store().await;
        let reviewer = user(&*store, "reviewer@example.com").await;
        let (farm, other) = two_sites(&*store).await;
        let rows: Vec<NewMiner> = (1..=4).map(miner).collect();
        let ids = inserted_ids(&import(&*store, farm, &rows).await);
        let foreign = inserted_ids(&import(&*store, other, &[miner(9)]).await)[0];
        Self {
            store,
            reviewer,
            farm,
            ids,
            foreign,
        }
    }

    async fn step(
        &self,
        ids: &[i64],
        next: Approval,
        note: Option<&str>,
        at: i64,
    ) -> ApprovalReport {
        self.store
            .set_approval(self.farm, ids, next, Some(self.reviewer), note, NOW_MS + at)
            .await
            .unwrap()
    }

    async fn approval(&self, miner_id: i64) -> Approval {
        self.store.get_miner(miner_id).await.unwrap().approval
    }
}

fn refused(miner_id: i64, current: Option<Approval>) -> RefusedApproval {
    RefusedApproval { miner_id, current }
}

async fn approval_steps_follow_the_workflow_and_report_refusals(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let r = Review::new(&db).await;
    let ids = &r.ids;
    let submit = r.step(&ids[..3], Approval::Pending, None, 1).await;
    assert_eq!(
        (submit.moved.as_slice(), submit.refused.len()),
        (&ids[..3], 0)
    );

    // ids[3] is still a draft; `foreign` is another site's; ids[0] is listed twice.
    let asked = [ids[0], ids[1], ids[3], r.foreign, ids[0]];
    let approve = r.step(&asked, Approval::Approved, Some("racked"), 2).await;
    assert_eq!(approve.moved, [ids[0], ids[1]]);
    assert_eq!(
        approve.refused,
        [
            refused(ids[3], Some(Approval::Draft)),
            refused(r.foreign, None)
        ]
    );
    let approved = r.store.get_miner(ids[0]).await.unwrap();
    assert_eq!(approved.approved_by_user_id, Some(r.reviewer));
    assert_eq!(approved.approval_note.as_deref(), Some("racked"));
    assert_eq!(approved.updated_at_ms, NOW_MS + 2);
    assert_eq!(r.approval(ids[3]).await, Approval::Draft);
    assert_eq!(r.approval(r.foreign).await, Approval::Draft);
    db.cleanup().await;
}
on_both_engines!(
    approval_sqlite,
    approval_postgres,
    approval_steps_follow_the_workflow_and_report_refusals
);

async fn rejected_miners_go_back_to_draft_and_collectors_poll_approved_ones(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let r = Review::new(&db).await;
    let ids = &r.ids;
    r.step(&ids[..3], Approval::Pending, None, 1).await;
    r.step(&ids[..2], Approval::Approved, None, 2).await;
    // Approved is final for the workflow; rejected goes back to draft.
    let back = r.step(&[ids[0]], Approval::Draft, None, 3).await;
    assert_eq!(back.refused, [refused(ids[0], Some(Approval::Approved))]);
    r.step(&[ids[2]], Approval::Rejected, Some("bad PSU"), 4)
        .await;
    let rejected = r.store.get_miner(ids[2]).await.unwrap();
    assert_eq!(rejected.approval_note.as_deref(), Some("bad PSU"));
    assert_eq!(rejected.approved_by_user_id, Some(r.reviewer));
    assert_eq!(
        r.step(&[ids[2]], Approval::Draft, None, 5).await.moved,
        [ids[2]]
    );
    assert_eq!(
        r.store.get_miner(ids[2]).await.unwrap().approved_by_user_id,
        None
    );

    // The collector polls approved miners that are not retired.
    let retired = with(2, |m| m.status = MinerStatus::Retired);
    r.store
        .update_miner(ids[1], &retired, NOW_MS + 6)
        .await
        .unwrap();
    assert_eq!(
        r.store.miner_targets(r.farm).await.unwrap(),
        [MinerTarget::new(ids[0], miner(1).ip, None)]
    );
    // A catalogue model gives the target its nominal efficiency, for miners that report no
    // power.
    let models = r.store.list_asic_models().await.unwrap();
    let s19 = models
        .iter()
        .find(|m| m.name == "Antminer S19 Pro")
        .unwrap();
    let modelled = with(1, |m| m.asic_model_id = Some(s19.asic_model_id));
    r.store
        .update_miner(ids[0], &modelled, NOW_MS + 7)
        .await
        .unwrap();
    let [target] = &r.store.miner_targets(r.farm).await.unwrap()[..] else {
        panic!("one target");
    };
    let expected = s19.power_w / (s19.hashrate_hs / 1e12);
    assert!((target.nominal_w_per_th.unwrap() - expected).abs() < 1e-9);
    db.cleanup().await;
}
on_both_engines!(
    reject_sqlite,
    reject_postgres,
    rejected_miners_go_back_to_draft_and_collectors_poll_approved_ones
);

async fn miners_are_edited_and_deleted_within_their_site(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, other) = two_sites(&*store).await;
    let ids = inserted_ids(&import(&*store, farm, &[miner(1), miner(2)]).await);
    let foreign = inserted_ids(&import(&*store, other, &[miner(3)]).await)[0];

    let moved = with(1, |m| (m.rack, m.ip) = ("B-07".into(), "10.9.9.9".into()));
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

    let deleted = store
        .delete_miners(farm, &[ids[0], foreign, 123_456])
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert!(matches!(
        store.get_miner(ids[0]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_miner(foreign).await.unwrap().site_id, other);
    db.cleanup().await;
}
on_both_engines!(
    edit_sqlite,
    edit_postgres,
    miners_are_edited_and_deleted_within_their_site
);

/// Two keys of "Farm" whose hashes share their first eight digits.
async fn keys(store: &dyn Store) -> (i64, i64, String, String) {
    let (farm, other) = two_sites(store).await;
    let hash_a = format!("abcdef01{}", "0".repeat(56));
    let hash_b = format!("abcdef01{}", "1".repeat(56));
    let key = store
        .create_collector_key(farm, &hash_a, "rack A", NOW_MS)
        .await
        .unwrap();
    assert_eq!(key.key_hash_prefix, "abcdef010000");
    store
        .create_collector_key(farm, &hash_b, "rack B", NOW_MS + 1)
        .await
        .unwrap();
    (farm, other, hash_a, hash_b)
}

async fn collector_key_use_is_recorded_at_most_once_a_minute(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, other, hash_a, _) = keys(&*store).await;
    assert!(matches!(
        store
            .create_collector_key(other, &hash_a, "copy", NOW_MS)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let last_used = || async {
        let keys = store.list_collector_keys(farm).await.unwrap();
        keys.into_iter()
            .find(|k| k.label == "rack A")
            .unwrap()
            .last_used_at_ms
    };
    assert_eq!(
        store
            .site_for_collector_key(&hash_a, NOW_MS + 10)
            .await
            .unwrap(),
        Some(farm)
    );
    store
        .site_for_collector_key(&hash_a, NOW_MS + 30_000)
        .await
        .unwrap();
    assert_eq!(last_used().await, Some(NOW_MS + 10));
    store
        .site_for_collector_key(&hash_a, NOW_MS + 70_010)
        .await
        .unwrap();
    assert_eq!(last_used().await, Some(NOW_MS + 70_010));
    assert_eq!(
        store
            .site_for_collector_key("unknown", NOW_MS)
            .await
            .unwrap(),
        None
    );
    db.cleanup().await;
}
on_both_engines!(
    key_use_sqlite,
    key_use_postgres,
    collector_key_use_is_recorded_at_most_once_a_minute
);

async fn a_revoked_collector_key_opens_nothing(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let store = db.store().await;
    let (farm, other, hash_a, hash_b) = keys(&*store).await;
    // A prefix must name exactly one key of the site.
    let revoke = |site_id: i64, prefix: &'static str, at: i64| {
        let store = Arc::clone(&store);
        async move {
            store
                .revoke_collector_key(site_id, prefix, NOW_MS + at)
                .await
        }
    };
    assert!(matches!(
        revoke(farm, "abcdef0", 0).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(farm, "abcdef0199", 0).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(other, "abcdef0100", 0).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        revoke(farm, "ABCDEF01", 0).await,
        Err(StoreError::Conflict { .. })
    ));
    revoke(farm, "ABCDEF0100", 100).await.unwrap();
    revoke(farm, "abcdef0100", 200).await.unwrap();
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
        Some(farm)
    );
    let keys = store.list_collector_keys(farm).await.unwrap();
    let labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels, ["rack B", "rack A"]);
    assert_eq!(keys[1].revoked_at_ms, Some(NOW_MS + 100));
    db.cleanup().await;
}
on_both_engines!(
    revoke_sqlite,
    revoke_postgres,
    a_revoked_collector_key_opens_nothing
);

mod listing;
