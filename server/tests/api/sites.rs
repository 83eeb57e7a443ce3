//! The sites page and its server functions over real HTTP on both engines: who sees which
//! sites and miners (staff everything, a site owner their own sites, a client their own miners
//! and never another's), the overview's live figures, server-side sorting and paging, and the
//! page itself in both languages.

use domain::access::Role;
use domain::fleet::{MinerStatus, NewCustomer, NewMiner};
use domain::telemetry::TelemetrySample;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, TestMember, call, page};
use crate::on_both_engines;

/// A test server with a fleet: two sites (Rockdale run by `site_owner`, Kazakh by nobody),
/// two customers linked to the client accounts `first` and `second`, and miners: Rockdale has
/// three of the first client's and two of the second's, Kazakh one of the first client's.
struct Fleet {
    app: TestApp,
    site_owner: TestMember,
    first: TestMember,
    second: TestMember,
    rockdale: i64,
    kazakh: i64,
}

async fn fleet(backend: Backend) -> Option<Fleet> {
    let app = TestApp::spawn(backend).await?;
    let now = domain::clock::unix_now_ms();
    let site_owner = app.member(Role::MiningSiteOwner).await;
    let (first, second) = (
        app.member(Role::Client).await,
        app.member(Role::Client).await,
    );
    let mut customer_ids = Vec::new();
    for (i, client) in [&first, &second].into_iter().enumerate() {
        let customer = NewCustomer {
            name: format!("Customer {i}"),
            contact_email: None,
            user_id: Some(client.user_id),
        };
        let customer = app.store.create_customer(&customer, now).await.unwrap();
        customer_ids.push(customer.customer_id);
    }
    let site_ids = [
        app.create_site("Rockdale", Some(site_owner.user_id)).await,
        app.create_site("Kazakh", None).await,
    ];
    let plan: [(usize, usize, &str); 6] = [
        (0, 0, "RD-A1"),
        (0, 0, "RD-A2"),
        (0, 0, "RD-A3"),
        (0, 1, "RD-B1"),
        (0, 1, "RD-B2"),
        (1, 0, "KZ-A1"),
    ];
    for (site, rows) in [0, 1].map(|site| (site, plan.iter().filter(move |p| p.0 == site))) {
        let miners: Vec<NewMiner> = rows
            .enumerate()
            .map(|(i, (_, customer, serial))| NewMiner {
                customer_id: Some(customer_ids[*customer]),
                asic_model_id: None,
                model_name: "Antminer S21".into(),
                serial: (*serial).into(),
                ip: format!("10.0.{site}.{}", i + 1),
                mac: None,
                rack: format!("R{i}"),
                status: MinerStatus::Active,
            })
            .collect();
        let ids = app
            .approved_miners(site_ids[site], &miners, site_owner.user_id)
            .await;
        answer_all_but_last(&app, site_ids[site], &ids, now).await;
    }
    Some(Fleet {
        app,
        site_owner,
        first,
        second,
        rockdale: site_ids[0],
        kazakh: site_ids[1],
    })
}

/// Every miner but the last answers, each a little faster than the one before, so sorting by
/// hashrate has one right order.
async fn answer_all_but_last(app: &TestApp, site_id: i64, ids: &[i64], now: i64) {
    let samples: Vec<TelemetrySample> = ids
        .iter()
        .take(ids.len() - 1)
        .enumerate()
        .map(|(i, miner_id)| TelemetrySample {
            miner_id: *miner_id,
            taken_at_ms: now - 30_000,
            online: true,
            is_mining: true,
            hashrate_hs: Some(200e12 + 1e12 * f64::from(u8::try_from(i).unwrap())),
            expected_hashrate_hs: Some(200e12),
            power_w: Some(3_500.0),
            temp_max_c: Some(70.0),
            ..TelemetrySample::default()
        })
        .collect();
    app.store
        .ingest_samples(site_id, &samples, now)
        .await
        .unwrap();
}

async fn miners(
    client: &reqwest::Client,
    app: &TestApp,
    form: &[(&str, String)],
) -> (StatusCode, Vec<String>, u64) {
    let (status, page) = call(client, app, "/api/list_site_miners", form).await;
    let serials = page["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| row["miner"]["serial"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, serials, page["total"].as_u64().unwrap_or(0))
}

fn site(site_id: i64) -> (&'static str, String) {
    ("filter[site_id]", site_id.to_string())
}

fn site_names(sites: &Value) -> Vec<&str> {
    sites
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site"]["name"].as_str().unwrap())
        .collect()
}

async fn each_role_sees_its_own_part_of_the_fleet(backend: Backend) {
    let Some(Fleet {
        app,
        site_owner,
        first,
        second,
        rockdale,
        kazakh,
    }) = fleet(backend).await
    else {
        return;
    };

    // Staff see both sites with their live figures, by name.
    let operator = app.member(Role::Operator).await;
    for client in [&app.owner, &operator.client] {
        let (status, sites) = call(client, &app, "/api/list_sites", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(site_names(&sites), ["Kazakh", "Rockdale"]);
        let overview = &sites[1]["overview"];
        assert_eq!(overview["miners_total"], 5);
        assert_eq!(overview["online"], 4);
        assert_eq!(overview["never_seen"], 1);
        let hashrate = overview["hashrate_hs"].as_f64().unwrap();
        assert!((hashrate - 806e12).abs() < 1e6, "{hashrate}");
    }

    // A site owner sees their own site only; the other is "not found", as if absent.
    let (status, sites) = call(&site_owner.client, &app, "/api/list_sites", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site_names(&sites), ["Rockdale"]);
    let (status, serials, _) = miners(&site_owner.client, &app, &[site(rockdale)]).await;
    assert_eq!((status, serials.len()), (StatusCode::OK, 5));
    let (status, serials, _) = miners(&site_owner.client, &app, &[site(kazakh)]).await;
    assert_eq!((status, serials.len()), (StatusCode::NOT_FOUND, 0));
    let (status, _, _) = miners(&site_owner.client, &app, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Clients never see a site's totals, and only ever their own miners, whatever they ask.
    let (status, _) = call(&first.client, &app, "/api/list_sites", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, serials, total) = miners(&first.client, &app, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serials, ["KZ-A1", "RD-A1", "RD-A2", "RD-A3"]);
    assert_eq!(total, 4);
    let (_, serials, _) = miners(&first.client, &app, &[site(rockdale)]).await;
    assert_eq!(serials, ["RD-A1", "RD-A2", "RD-A3"]);
    let (_, serials, _) = miners(&second.client, &app, &[site(rockdale)]).await;
    assert_eq!(serials, ["RD-B1", "RD-B2"]);
    let (_, serials, _) = miners(&second.client, &app, &[site(kazakh)]).await;
    assert!(serials.is_empty());
    // Their totals: three of four answer, and the hashrate earns at the server's market data.
    let (status, totals) = call(&first.client, &app, "/api/my_fleet_totals", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(totals["customer_name"], "Customer 0");
    assert_eq!(
        (totals["miners"].as_u64(), totals["online"].as_u64()),
        (Some(4), Some(3))
    );
    let hashrate = totals["hashrate_hs"].as_f64().unwrap();
    assert!((hashrate - 603e12).abs() < 1e6, "{hashrate}");
    let earnings = &totals["earnings"];
    let (btc, usd) = (
        earnings["btc_day"].as_f64().unwrap(),
        earnings["usd_day"].as_f64().unwrap(),
    );
    let price = earnings["btc_price"]["value"].as_f64().unwrap();
    assert!(btc > 0.0 && (usd - btc * price).abs() < 1e-6, "{earnings}");
    // A client account that speaks for no customer sees no miner at all, and no totals.
    let unlinked = app.member(Role::Client).await;
    let (status, serials, _) = miners(&unlinked.client, &app, &[]).await;
    assert_eq!((status, serials.len()), (StatusCode::OK, 0));
    let (status, _) = call(&unlinked.client, &app, "/api/my_fleet_totals", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An unknown site is 404 for staff.
    let (status, _, _) = miners(&app.owner, &app, &[site(999_999)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    app.stop().await;
}

on_both_engines!(
    each_role_sees_its_own_part_of_the_fleet_sqlite,
    each_role_sees_its_own_part_of_the_fleet_postgres,
    each_role_sees_its_own_part_of_the_fleet
);

/// The portal's last 24 hours come from the rolled-up buckets of the client's own miners: one
/// miner answered all five polls of a bucket at 3,600 W (300 Wh), the other three of five at
/// 2,400 W (2,400 W × 3/5 × 1/12 h = 120 Wh); another client's miner on the same site counts
/// for nothing.
async fn a_clients_last_day_counts_answered_polls_and_the_energy_used(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let site_owner = app.member(Role::MiningSiteOwner).await;
    let now = domain::clock::unix_now_ms();
    let mut customer_ids = Vec::new();
    for name in ["Night shift", "Day shift"] {
        let member = app.member(Role::Client).await;
        let customer = NewCustomer {
            name: name.into(),
            contact_email: None,
            user_id: Some(member.user_id),
        };
        let customer = app.store.create_customer(&customer, now).await.unwrap();
        customer_ids.push((customer.customer_id, member));
    }
    let site_id = app.create_site("Ekibastuz", Some(site_owner.user_id)).await;
    let miners: Vec<NewMiner> = [0, 0, 1]
        .iter()
        .enumerate()
        .map(|(i, &customer)| NewMiner {
            customer_id: Some(customer_ids[customer].0),
            asic_model_id: None,
            model_name: "Antminer S21".into(),
            serial: format!("EK-{i}"),
            ip: format!("10.9.0.{}", i + 1),
            mac: None,
            rack: String::new(),
            status: MinerStatus::Active,
        })
        .collect();
    let ids = app
        .approved_miners(site_id, &miners, site_owner.user_id)
        .await;
    // One closed bucket two hours ago, polled every minute.
    let bucket = now - now.rem_euclid(300_000) - 2 * 3_600_000;
    let answers: [(i64, [Option<f64>; 5]); 3] = [
        (ids[0], [Some(3_600.0); 5]),
        (
            ids[1],
            [Some(2_400.0), None, Some(2_400.0), None, Some(2_400.0)],
        ),
        (ids[2], [Some(9_999.0); 5]),
    ];
    let samples: Vec<TelemetrySample> = answers
        .iter()
        .flat_map(|(miner_id, polls)| {
            polls
                .iter()
                .zip(0..)
                .map(move |(power_w, minute)| TelemetrySample {
                    miner_id: *miner_id,
                    taken_at_ms: bucket + minute * 60_000,
                    online: power_w.is_some(),
                    is_mining: power_w.is_some(),
                    hashrate_hs: power_w.map(|_| 200e12),
                    power_w: *power_w,
                    ..TelemetrySample::default()
                })
        })
        .collect();
    app.store
        .ingest_samples(site_id, &samples, now)
        .await
        .unwrap();
    app.store.roll_up(now).await.unwrap();

    let (night, day) = (&customer_ids[0].1, &customer_ids[1].1);
    let (status, totals) = call(&night.client, &app, "/api/my_fleet_totals", &[]).await;
    assert_eq!(status, StatusCode::OK, "{totals}");
    assert_eq!(totals["customer_name"], "Night shift");
    let last_day = &totals["last_day"];
    assert_eq!(
        (
            last_day["samples"].as_u64(),
            last_day["online_samples"].as_u64()
        ),
        (Some(10), Some(8))
    );
    let energy_wh = last_day["energy_wh"].as_f64().unwrap();
    assert!((energy_wh - 420.0).abs() < 1e-6, "{energy_wh}");
    let (_, totals) = call(&day.client, &app, "/api/my_fleet_totals", &[]).await;
    let energy_wh = totals["last_day"]["energy_wh"].as_f64().unwrap();
    assert!((energy_wh - 9_999.0 / 12.0).abs() < 1e-6, "{energy_wh}");

    // The portal page shows both.
    let page = page(&night.client, &app, "/sites").await;
    assert!(page.contains(r#"id="client-uptime">80.0 %<"#), "{page}");
    assert!(page.contains(r#"id="client-energy-used">0.4 kWh<"#));
    assert!(page.contains("Uptime, last 24 h"));
    app.stop().await;
}

on_both_engines!(
    a_clients_last_day_sqlite,
    a_clients_last_day_postgres,
    a_clients_last_day_counts_answered_polls_and_the_energy_used
);

async fn the_table_sorts_filters_and_pages_in_the_database(backend: Backend) {
    let Some(Fleet { app, rockdale, .. }) = fleet(backend).await else {
        return;
    };

    let by_hashrate = [
        site(rockdale),
        ("filter[sort]", "hashrate".into()),
        ("filter[descending]", "true".into()),
    ];
    let (_, serials, _) = miners(&app.owner, &app, &by_hashrate).await;
    assert_eq!(&serials[..4], ["RD-B1", "RD-A3", "RD-A2", "RD-A1"]);

    let offline = [site(rockdale), ("filter[online]", "false".into())];
    let (_, serials, total) = miners(&app.owner, &app, &offline).await;
    assert_eq!((serials, total), (vec!["RD-B2".to_owned()], 1));

    let search = [site(rockdale), ("filter[search]", "rd-b".into())];
    let (_, serials, _) = miners(&app.owner, &app, &search).await;
    assert_eq!(serials, ["RD-B1", "RD-B2"]);

    // Pages of 50: the second page of five miners is empty, and says how many there are.
    let second_page = [site(rockdale), ("filter[page]", "2".into())];
    let (status, serials, total) = miners(&app.owner, &app, &second_page).await;
    assert_eq!((status, serials.len(), total), (StatusCode::OK, 0, 5));

    app.stop().await;
}

on_both_engines!(
    the_table_sorts_filters_and_pages_in_the_database_sqlite,
    the_table_sorts_filters_and_pages_in_the_database_postgres,
    the_table_sorts_filters_and_pages_in_the_database
);

async fn the_page_renders_each_callers_view_in_both_languages(backend: Backend) {
    let Some(Fleet {
        app,
        first,
        rockdale,
        ..
    }) = fleet(backend).await
    else {
        return;
    };

    let page = |client: &reqwest::Client, path: String| {
        let request = client.get(app.url(&path)).send();
        async move {
            let response = request.await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, html) = page(
        &app.owner,
        format!("/sites?site={rockdale}&sort=hashrate&desc=1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Hosting sites") && html.contains("Rockdale"),
        "{html}"
    );
    assert!(html.contains("id=\"miner-table\"") && html.contains("RD-B2"));
    // Leptos marks the seams of interpolated text with `<!>`; the reader sees none of them.
    let text = html.replace("<!>", "");
    let rockdale_card = &text[text.find(&format!("data-site=\"{rockdale}\"")).unwrap()..];
    assert!(rockdale_card.contains("4 of 5 online"), "{rockdale_card}");

    // A client's page lists their miners and nothing of the other client's.
    let (status, html) = page(&first.client, "/sites".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("RD-A1") && html.contains("KZ-A1"));
    assert!(html.contains("id=\"client-totals\"") && html.contains("Customer 0"));
    assert!(!html.contains("RD-B1") && !html.contains("site-overview"));

    // In Chinese.
    first
        .jar
        .add_cookie_str("lang=zh", &app.url("/").parse().unwrap());
    let (_, html) = page(&first.client, "/sites".into()).await;
    assert!(
        html.contains("托管矿场") && html.contains("矿机列表"),
        "{html}"
    );

    // A visitor is asked to sign in.
    let (status, html) = page(&app.client, "/sites".into()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!html.contains("RD-A1"));

    app.stop().await;
}

on_both_engines!(
    the_page_renders_each_callers_view_in_both_languages_sqlite,
    the_page_renders_each_callers_view_in_both_languages_postgres,
    the_page_renders_each_callers_view_in_both_languages
);

/// The id of the miner with `serial`.
async fn miner_id(app: &TestApp, serial: &str) -> i64 {
    let query = domain::fleet::MinerQuery {
        search: Some(serial.to_owned()),
        ..domain::fleet::MinerQuery::default()
    };
    let page = app
        .store
        .list_miners(&query, domain::clock::unix_now_ms())
        .await
        .unwrap();
    page.rows[0].miner.miner_id
}

/// A miner's page: its latest reading and history to whoever may see the miner, 404 to the
/// others, as if it did not exist.
async fn detail(
    client: &reqwest::Client,
    app: &TestApp,
    miner_id: i64,
    range: &str,
) -> (StatusCode, Value) {
    let form = [
        ("miner_id", miner_id.to_string()),
        ("range", range.to_owned()),
    ];
    call(client, app, "/api/miner_detail", &form).await
}

async fn a_miner_page_shows_its_reading_and_history_to_who_may_see_it(backend: Backend) {
    let Some(Fleet {
        app,
        site_owner,
        first,
        second,
        rockdale,
        ..
    }) = fleet(backend).await
    else {
        return;
    };
    let rd_a1 = miner_id(&app, "RD-A1").await;
    let kz_a1 = miner_id(&app, "KZ-A1").await;
    let (status, found) = detail(&first.client, &app, rd_a1, "hour").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["miner"]["serial"], "RD-A1");
    assert_eq!(found["site_name"], "Rockdale");
    assert_eq!(found["resolution"], "Raw");
    assert_eq!(found["live"]["sample"]["hashrate_hs"], 200e12);
    assert_eq!(found["points"].as_array().unwrap().len(), 1, "{found}");
    let (status, found) = detail(&site_owner.client, &app, rd_a1, "month").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["resolution"], "Daily");

    // Another client's miner, and a site owner's view of another site's miner.
    let (status, _) = detail(&second.client, &app, rd_a1, "day").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = detail(&site_owner.client, &app, kz_a1, "day").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = detail(&app.owner, &app, kz_a1, "week").await;
    assert_eq!(status, StatusCode::OK);

    // The page itself, with the period links and the latest reading; the table links to it.
    let html = first
        .client
        .get(app.url(&format!("/sites/miners/{rd_a1}?range=1h")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(html.contains("id=\"miner-serial\">RD-A1<"), "{html}");
    assert!(html.contains("data-range=\"30d\""), "{html}");
    assert!(html.contains("id=\"miner-live\""), "{html}");
    let table = app
        .owner
        .get(app.url(&format!("/sites?site={rockdale}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        table.contains(&format!("href=\"/sites/miners/{rd_a1}\"")),
        "{table}"
    );
    app.stop().await;
}

on_both_engines!(
    a_miner_page_shows_its_reading_and_history_to_who_may_see_it_sqlite,
    a_miner_page_shows_its_reading_and_history_to_who_may_see_it_postgres,
    a_miner_page_shows_its_reading_and_history_to_who_may_see_it
);

on_both_engines!(
    miners_go_through_review_as_their_site_allows_sqlite,
    miners_go_through_review_as_their_site_allows_postgres,
    miners_go_through_review_as_their_site_allows
);
async fn miners_go_through_review_as_their_site_allows(backend: Backend) {
    let Some(Fleet {
        app,
        site_owner,
        first,
        rockdale,
        kazakh,
        ..
    }) = fleet(backend).await
    else {
        return;
    };
    let now = domain::clock::unix_now_ms();
    // Three new drafts at Rockdale.
    let drafts: Vec<NewMiner> = (1..=3)
        .map(|i| NewMiner {
            customer_id: None,
            asic_model_id: None,
            model_name: "Antminer S21".into(),
            serial: format!("RD-N{i}"),
            ip: format!("10.0.9.{i}"),
            mac: None,
            rack: "N".into(),
            status: MinerStatus::Active,
        })
        .collect();
    app.store
        .insert_miners(rockdale, &drafts, now)
        .await
        .unwrap();
    let draft_filter =
        |approval: &str| vec![site(rockdale), ("filter[approval]", approval.to_owned())];
    let (status, serials, total) = miners(&app.owner, &app, &draft_filter("draft")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((serials.len(), total), (3, 3), "{serials:?}");
    let ids = {
        let mut ids = Vec::new();
        for serial in ["RD-N1", "RD-N2", "RD-N3"] {
            ids.push(miner_id(&app, serial).await);
        }
        ids
    };

    // The site owner submits all three; one already-approved miner in the list is left alone.
    let approved = miner_id(&app, "RD-A1").await;
    let (status, report) = call(
        &site_owner.client,
        &app,
        "/api/review_miners",
        &review(&[ids[0], ids[1], ids[2], approved], "pending", "", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["moved"].as_array().unwrap().len(), 3, "{report}");
    assert_eq!(report["refused"][0]["miner_id"], approved);
    assert_eq!(report["refused"][0]["current"], "approved");
    let (_, pending, _) = miners(&app.owner, &app, &draft_filter("pending")).await;
    assert_eq!(pending, vec!["RD-N1", "RD-N2", "RD-N3"]);

    // A rejection without a reason changes nothing; with one it is kept on the miner.
    let (status, refusal) = call(
        &app.owner,
        &app,
        "/api/review_miners",
        &review(&ids[2..], "rejected", "  ", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
    let (_, pending, _) = miners(&app.owner, &app, &draft_filter("pending")).await;
    assert_eq!(pending.len(), 3);
    let (status, report) = call(
        &app.owner,
        &app,
        "/api/review_miners",
        &review(&ids[2..], "rejected", "wrong MAC on the label", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let rejected = app.store.get_miner(ids[2]).await.unwrap();
    assert_eq!(rejected.approval, domain::fleet::Approval::Rejected);
    assert_eq!(
        rejected.approval_note.as_deref(),
        Some("wrong MAC on the label")
    );

    // Approving the other two puts them on the collector's list.
    let (status, _) = call(
        &app.owner,
        &app,
        "/api/review_miners",
        &review(&ids[..2], "approved", "", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let targets = app.store.miner_targets(rockdale).await.unwrap();
    assert!(targets.iter().any(|t| t.miner_id == ids[0]));
    assert!(!targets.iter().any(|t| t.miner_id == ids[2]));

    refusals_change_nothing(&app, &site_owner, &first, ids[2], (rockdale, kazakh)).await;
    the_table_shows_where_miners_stand(&app, rockdale).await;
    app.stop().await;
}

/// The page shows where the miners stand, the tick boxes and the step form to reviewers only.
async fn the_table_shows_where_miners_stand(app: &TestApp, rockdale: i64) {
    let html = app
        .owner
        .get(app.url(&format!("/sites?site={rockdale}&approval=rejected")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-approval=\"rejected\""), "{html}");
    assert!(html.contains("title=\"wrong MAC on the label\""));
    assert!(html.contains("id=\"miner-review\"") && html.contains("name=\"miner_ids[]\""));
    assert!(!html.contains("RD-N1"), "only the rejected one is listed");
    let operator = app.member(Role::Operator).await;
    let html = operator
        .client
        .get(app.url(&format!("/sites?site={rockdale}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"miner-table\""));
    assert!(!html.contains("id=\"miner-review\""), "operators read only");
}

/// One approval step's form, as the page posts it.
fn review(ids: &[i64], step: &str, note: &str, site_id: i64) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("site_id", site_id.to_string()),
        ("step", step.to_owned()),
        ("note", note.to_owned()),
    ];
    form.extend(ids.iter().map(|id| ("miner_ids[]", id.to_string())));
    form
}

/// Nothing ticked, another owner's site, a client, a miner of another site: refused or left,
/// and the rejected miner stays rejected.
async fn refusals_change_nothing(
    app: &TestApp,
    site_owner: &TestMember,
    first: &TestMember,
    rejected: i64,
    (rockdale, kazakh): (i64, i64),
) {
    let (status, _) = call(
        &app.owner,
        app,
        "/api/review_miners",
        &review(&[], "draft", "", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(
        &site_owner.client,
        app,
        "/api/review_miners",
        &review(&[rejected], "draft", "", kazakh),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &first.client,
        app,
        "/api/review_miners",
        &review(&[rejected], "draft", "", rockdale),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A miner of another site named under this one is not moved either.
    let kazakh_miner = miner_id(app, "KZ-A1").await;
    let (_, report) = call(
        &app.owner,
        app,
        "/api/review_miners",
        &review(&[kazakh_miner], "pending", "", rockdale),
    )
    .await;
    assert_eq!(report["refused"][0]["current"], Value::Null, "{report}");
    assert_eq!(
        app.store.get_miner(rejected).await.unwrap().approval,
        domain::fleet::Approval::Rejected
    );
}
