//! The demo farm `make run` starts: simulated miners served in the server's process, a site
//! seeded with them, approved, and polled over the real protocols until an alert opens.

use std::net::Ipv4Addr;

use domain::fleet::{Approval, MinerQuery};
use server::demo::{DEMO_MODEL, DEMO_SITE_NAME};

use crate::alerts::the_hot_miner_alerts;
use crate::helpers::{Backend, TestApp};

async fn the_demo_farm_is_seeded_polled_and_alerting(backend: Backend, base: Ipv4Addr) {
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.demo.miners = 3;
        settings.demo.base = base;
        // No allow-list: the demo farm's own addresses are opened by the demo itself.
        settings.poll.allow_networks.clear();
        settings.poll.interval_s = 1;
        settings.poll.timeout_s = 5;
    })
    .await
    else {
        return;
    };
    let sites = app.store.list_sites(None).await.unwrap();
    assert_eq!(sites.len(), 1, "{sites:?}");
    let site = &sites[0];
    assert_eq!(site.name, DEMO_SITE_NAME);
    let query = MinerQuery {
        site_id: Some(site.site_id),
        ..MinerQuery::default()
    };
    let now_ms = domain::clock::unix_now_ms();
    let page = app.store.list_miners(&query, now_ms).await.unwrap();
    assert_eq!(page.total, 3);
    let mut serials = Vec::new();
    for row in &page.rows {
        let miner = &row.miner;
        assert_eq!(miner.approval, Approval::Approved, "{miner:?}");
        assert_eq!(
            miner.approved_by_user_id, None,
            "approved by the server itself"
        );
        assert_eq!(miner.model_name, DEMO_MODEL);
        assert!(miner.asic_model_id.is_some(), "found in the catalogue");
        serials.push(miner.serial.clone());
    }
    serials.sort();
    assert_eq!(serials, ["DEMO-0001", "DEMO-0002", "DEMO-0003"]);

    // The second machine runs hot: the server's own poller reads it and the alert opens.
    let ids: Vec<i64> = page.rows.iter().map(|row| row.miner.miner_id).collect();
    the_hot_miner_alerts(&app, site.site_id, "DEMO-0002", &ids).await;

    // A restart seeds again: the same site, nothing added, nothing changed.
    let ips: Vec<Ipv4Addr> = (0..3)
        .map(|i| Ipv4Addr::from(u32::from(base) + i))
        .collect();
    let again = server::demo::seed(&*app.store, &ips, now_ms).await.unwrap();
    assert_eq!(again, site.site_id);
    assert_eq!(app.store.list_sites(None).await.unwrap().len(), 1);
    let after = app.store.list_miners(&query, now_ms).await.unwrap();
    assert_eq!(after.total, 3);

    let page = app
        .owner
        .get(app.url(&format!("/sites?site={}", site.site_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(DEMO_SITE_NAME), "{page}");
    assert!(page.contains("DEMO-0003"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn the_demo_farm_is_seeded_polled_and_alerting_on_sqlite() {
    the_demo_farm_is_seeded_polled_and_alerting(Backend::Sqlite, Ipv4Addr::new(127, 88, 0, 1))
        .await;
}

#[tokio::test]
async fn the_demo_farm_is_seeded_polled_and_alerting_on_postgres() {
    the_demo_farm_is_seeded_polled_and_alerting(Backend::Postgres, Ipv4Addr::new(127, 89, 0, 1))
        .await;
}
