//! The miner table: filters, customer scope, sorts (live columns included) and paging.

use std::fmt::Write as _;
use std::sync::Arc;

use domain::fleet::query::ONLINE_WINDOW_MS;
use domain::fleet::{Approval, MinerQuery, MinerSort, MinerStatus, NewCustomer, NewMiner};
use store::Store;

use super::{NOW_MS, exec, inserted_ids, miner, site};
use crate::helpers::{Backend, TestDatabase};
use crate::on_both_engines;

/// Twelve miners on one site (10.0.0.1–12), three more on another; readings for 1–8.
struct Fleet {
    store: Arc<dyn Store>,
    site_id: i64,
    acme: i64,
    bits: i64,
    /// By number: `ids[n - 1]` is miner n of the site.
    ids: Vec<i64>,
    foreign: Vec<i64>,
}

fn numbered(n: u32, acme: i64, bits: i64) -> NewMiner {
    NewMiner {
        customer_id: match n {
            12 => None,
            n if n % 2 == 1 => Some(acme),
            _ => Some(bits),
        },
        model_name: if n <= 3 {
            "Whatsminer M60S"
        } else {
            "Antminer S21"
        }
        .to_owned(),
        ip: format!("10.0.0.{n}"),
        status: if n == 5 {
            MinerStatus::Maintenance
        } else {
            MinerStatus::Active
        },
        ..miner(n)
    }
}

async fn fleet(db: &TestDatabase, backend: Backend) -> Fleet {
    let store = db.store().await;
    let reviewer = super::user(&*store, "reviewer@example.com").await;
    let farm = store
        .create_site(&site("Farm", None), NOW_MS)
        .await
        .unwrap();
    let other = store
        .create_site(&site("Other", None), NOW_MS)
        .await
        .unwrap();
    let customer = |name: &str| NewCustomer {
        name: name.into(),
        contact_email: None,
        user_id: None,
    };
    let acme = store
        .create_customer(&customer("Acme"), NOW_MS)
        .await
        .unwrap()
        .customer_id;
    let bits = store
        .create_customer(&customer("Bits"), NOW_MS)
        .await
        .unwrap()
        .customer_id;
    let rows: Vec<NewMiner> = (1..=12).map(|n| numbered(n, acme, bits)).collect();
    let ids = inserted_ids(
        &store
            .insert_miners(farm.site_id, &rows, NOW_MS)
            .await
            .unwrap(),
    );
    let foreign_rows: Vec<NewMiner> = (100..103)
        .map(|n| NewMiner {
            customer_id: Some(acme),
            ..miner(n)
        })
        .collect();
    let foreign = inserted_ids(
        &store
            .insert_miners(other.site_id, &foreign_rows, NOW_MS)
            .await
            .unwrap(),
    );
    for next in [Approval::Pending, Approval::Approved] {
        store
            .set_approval(farm.site_id, &ids[..4], next, Some(reviewer), None, NOW_MS)
            .await
            .unwrap();
    }
    let mut sql = String::new();
    for (n, id) in (1..=8).zip(&ids) {
        let hashrate = if n == 3 {
            "null".to_owned()
        } else {
            format!("{}", f64::from(n) * 1e13)
        };
        let seen = if n <= 6 {
            NOW_MS - 1_000
        } else {
            NOW_MS - 2 * ONLINE_WINDOW_MS
        };
        write!(
            sql,
            "insert into miner_live (miner_id, site_id, taken_at_ms, last_seen_ms, online, is_mining,
                 hashrate_hs, expected_hashrate_hs, power_w, power_estimated, temp_max_c)
             values ({id}, {}, {seen}, {seen}, true, true, {hashrate}, 2e14, {}, {}, {});\n",
            farm.site_id,
            3_000 + n,
            n % 2 == 0,
            60 + n,
        )
        .unwrap();
    }
    exec(db, backend, &sql).await;
    Fleet {
        store,
        site_id: farm.site_id,
        acme,
        bits,
        ids,
        foreign,
    }
}

impl Fleet {
    fn query(&self) -> MinerQuery {
        MinerQuery {
            site_id: Some(self.site_id),
            ..MinerQuery::default()
        }
    }

    /// The miner numbers (1–12, foreign ones as 100+) of a page, and the total.
    async fn numbers(&self, query: &MinerQuery) -> (Vec<u32>, u64) {
        let page = self.store.list_miners(query, NOW_MS).await.unwrap();
        let numbers = page
            .rows
            .iter()
            .map(|row| {
                let id = row.miner.miner_id;
                match self.ids.iter().position(|i| *i == id) {
                    Some(p) => u32::try_from(p).unwrap() + 1,
                    None => {
                        100 + u32::try_from(self.foreign.iter().position(|i| *i == id).unwrap())
                            .unwrap()
                    }
                }
            })
            .collect();
        (numbers, page.total)
    }
}

async fn filters_and_customer_scope_select_the_right_miners(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let f = fleet(&db, backend).await;
    // A client's scope never includes another client's miners, on any site.
    let acme = MinerQuery {
        site_id: None,
        customer_id: Some(f.acme),
        ..f.query()
    };
    assert_eq!(
        f.numbers(&acme).await,
        (vec![1, 3, 5, 7, 9, 11, 100, 101, 102], 9)
    );
    let bits_here = MinerQuery {
        customer_id: Some(f.bits),
        ..f.query()
    };
    assert_eq!(f.numbers(&bits_here).await, (vec![2, 4, 6, 8, 10], 5));
    let bits_search = MinerQuery {
        search: Some("sn000010".into()),
        ..bits_here.clone()
    };
    assert_eq!(f.numbers(&bits_search).await, (vec![10], 1));

    let maintenance = MinerQuery {
        status: Some(MinerStatus::Maintenance),
        ..f.query()
    };
    assert_eq!(f.numbers(&maintenance).await, (vec![5], 1));
    let approved = MinerQuery {
        approval: Some(Approval::Approved),
        ..f.query()
    };
    assert_eq!(f.numbers(&approved).await, (vec![1, 2, 3, 4], 4));
    let online = MinerQuery {
        online: Some(true),
        ..f.query()
    };
    assert_eq!(f.numbers(&online).await, (vec![1, 2, 3, 4, 5, 6], 6));
    let offline = MinerQuery {
        online: Some(false),
        ..f.query()
    };
    assert_eq!(f.numbers(&offline).await, (vec![7, 8, 9, 10, 11, 12], 6));

    let model = MinerQuery {
        search: Some(" m60s ".into()),
        ..f.query()
    };
    assert_eq!(f.numbers(&model).await, (vec![1, 2, 3], 3));
    let ip = MinerQuery {
        search: Some("10.0.0.1".into()),
        ..f.query()
    };
    assert_eq!(f.numbers(&ip).await.1, 4);
    let mac = MinerQuery {
        search: Some("00:00:0b".into()),
        ..f.query()
    };
    assert_eq!(f.numbers(&mac).await, (vec![11], 1));
    // Wildcards in the search are plain characters.
    let wildcard = MinerQuery {
        search: Some("%".into()),
        ..f.query()
    };
    assert_eq!(f.numbers(&wildcard).await, (vec![], 0));

    let page = f.store.list_miners(&f.query(), NOW_MS).await.unwrap();
    let first = &page.rows[0];
    assert_eq!(first.customer_name.as_deref(), Some("Acme"));
    assert!(first.online && !page.rows[6].online);
    assert_eq!(
        (first.hashrate_hs, first.power_w, first.power_estimated),
        (Some(1e13), Some(3_001.0), false)
    );
    assert_eq!(page.rows[11].customer_name, None);
    assert_eq!(
        (page.rows[11].last_seen_ms, page.rows[11].hashrate_hs),
        (None, None)
    );
    db.cleanup().await;
}
on_both_engines!(
    filters_sqlite,
    filters_postgres,
    filters_and_customer_scope_select_the_right_miners
);

async fn sorts_put_missing_readings_last_and_pages_do_not_overlap(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let f = fleet(&db, backend).await;
    let by = |sort: MinerSort, descending: bool| MinerQuery {
        sort,
        descending,
        ..f.query()
    };
    // Numerically: 10.0.0.9 before 10.0.0.10.
    assert_eq!(
        f.numbers(&by(MinerSort::Ip, false)).await.0,
        (1..=12).collect::<Vec<_>>()
    );
    assert_eq!(
        f.numbers(&by(MinerSort::Ip, true)).await.0,
        (1..=12).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        f.numbers(&by(MinerSort::Hashrate, true)).await.0,
        [8, 7, 6, 5, 4, 2, 1, 12, 11, 10, 9, 3]
    );
    assert_eq!(
        f.numbers(&by(MinerSort::Hashrate, false)).await.0,
        [1, 2, 4, 5, 6, 7, 8, 3, 9, 10, 11, 12]
    );
    assert_eq!(
        f.numbers(&by(MinerSort::TempMax, true)).await.0[..3],
        [8, 7, 6]
    );
    assert_eq!(
        f.numbers(&by(MinerSort::LastSeen, false)).await.0,
        [7, 8, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12]
    );
    assert_eq!(
        f.numbers(&by(MinerSort::Customer, false)).await.0,
        [1, 3, 5, 7, 9, 11, 2, 4, 6, 8, 10, 12]
    );
    assert_eq!(f.numbers(&by(MinerSort::Status, false)).await.0[11], 5);
    assert_eq!(
        f.numbers(&by(MinerSort::Model, true)).await.0[..3],
        [3, 2, 1]
    );

    let mut seen = Vec::new();
    for page in 1..=3 {
        let query = MinerQuery {
            page,
            per_page: 5,
            ..by(MinerSort::Rack, false)
        };
        let (numbers, total) = f.numbers(&query).await;
        assert_eq!(total, 12);
        assert_eq!(numbers.len(), if page == 3 { 2 } else { 5 });
        seen.extend(numbers);
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=12).collect::<Vec<_>>());
    let beyond = MinerQuery {
        page: 9,
        per_page: 5,
        ..f.query()
    };
    assert_eq!(f.numbers(&beyond).await, (vec![], 12));
    db.cleanup().await;
}
on_both_engines!(
    sorts_sqlite,
    sorts_postgres,
    sorts_put_missing_readings_last_and_pages_do_not_overlap
);
