//! `[poll] auto`: the server polls every site no collector key writes to, sites created while it
//! runs included, and hands a site over when a key is made for it (and back when revoked).

use std::net::Ipv4Addr;
use std::time::Duration;

use domain::access::Role;
use minersim::{Farm, SimConfig};

use crate::helpers::{Backend, TestApp, simulated_miners};

/// The newest stored reading of the miner, if it answered at all.
async fn last_reading_ms(app: &TestApp, miner_id: i64) -> Option<i64> {
    let live = app.store.miner_live(miner_id).await.unwrap()?;
    live.sample.online.then_some(live.sample.taken_at_ms)
}

/// Waits up to 15 s for every miner to have a reading newer than `after_ms`.
async fn all_read_after(app: &TestApp, miner_ids: &[i64], after_ms: i64) -> bool {
    for _ in 0..150 {
        let mut all = true;
        for &id in miner_ids {
            all &= last_reading_ms(app, id)
                .await
                .is_some_and(|at| at > after_ms);
        }
        if all {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn new_sites_are_polled_until_a_collector_takes_over(backend: Backend, base: Ipv4Addr) {
    let sims = Farm::start(SimConfig {
        count: 3,
        base,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.poll.auto = true;
        settings.poll.interval_s = 1;
        settings.poll.timeout_s = 5;
    })
    .await
    else {
        sims.shutdown().await;
        return;
    };
    let approver = app.member(Role::Admin).await.user_id;
    let ips = sims.ips();
    // Both sites are created after the server started: nothing was configured for them.
    let polled = app.create_site("Polled by the server", None).await;
    let polled_ids = app
        .approved_miners(polled, &simulated_miners(&ips[..2], "AUTO"), approver)
        .await;
    let keyed = app.create_site("Own collector", None).await;
    let key_hash = "ab".repeat(32);
    app.store
        .create_collector_key(keyed, &key_hash, "farm box", domain::clock::unix_now_ms())
        .await
        .unwrap();
    // The site existed for a moment without its key; let a refresh see the key before the
    // site has miners.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let keyed_ids = app
        .approved_miners(keyed, &simulated_miners(&ips[2..], "KEYED"), approver)
        .await;

    assert!(
        all_read_after(&app, &polled_ids, 0).await,
        "the new site's miners are read by the server"
    );
    // Two more cycles of the polled site: the keyed one stays its collector's alone.
    let now_ms = domain::clock::unix_now_ms();
    assert!(all_read_after(&app, &polled_ids, now_ms + 1_000).await);
    assert_eq!(
        last_reading_ms(&app, keyed_ids[0]).await,
        None,
        "a site with a collector key is not polled by the server too"
    );

    // Revoking its only key hands the site back to the server.
    app.store
        .revoke_collector_key(keyed, &key_hash[..8], domain::clock::unix_now_ms())
        .await
        .unwrap();
    assert!(
        all_read_after(&app, &keyed_ids, 0).await,
        "polled once no usable key is left"
    );

    // A key for the first site: the server stops reading it within a refresh.
    app.store
        .create_collector_key(
            polled,
            &"cd".repeat(32),
            "new box",
            domain::clock::unix_now_ms(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let frozen = last_reading_ms(&app, polled_ids[0]).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(last_reading_ms(&app, polled_ids[0]).await, frozen);
    let still_polled = domain::clock::unix_now_ms();
    assert!(
        all_read_after(&app, &keyed_ids, still_polled).await,
        "the other site is still polled"
    );
    app.stop().await;
    sims.shutdown().await;
}

#[tokio::test]
async fn new_sites_are_polled_until_a_collector_takes_over_on_sqlite() {
    new_sites_are_polled_until_a_collector_takes_over(
        Backend::Sqlite,
        Ipv4Addr::new(127, 91, 0, 1),
    )
    .await;
}

#[tokio::test]
async fn new_sites_are_polled_until_a_collector_takes_over_on_postgres() {
    new_sites_are_polled_until_a_collector_takes_over(
        Backend::Postgres,
        Ipv4Addr::new(127, 92, 0, 1),
    )
    .await;
}
