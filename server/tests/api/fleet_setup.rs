//! Setting up sites, customers and miners through the server functions the setup forms call,
//! over real HTTP on both engines: each field's refusal changes nothing, names, serials, IPs
//! and MACs stay unique with their own message (the database's word on an update), site
//! owners reach only their own sites and the customers already on them, and every change is
//! audited.

use domain::access::Role;
use domain::account::AuditFilter;
use domain::fleet::{Approval, MinerStatus, NewMiner};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, TestMember, call};
use crate::on_both_engines;

/// A form's fields, as posted.
type Form = Vec<(&'static str, String)>;
/// Fields that replace some of a form's.
type Extra<'a> = &'a [(&'static str, &'a str)];

/// The answer a refusal gets: its status and the rejection's code.
fn refused(answer: &(StatusCode, Value)) -> (StatusCode, &str) {
    (answer.0, answer.1["error"]["code"].as_str().unwrap_or("-"))
}

/// A site form: `extra` fields over a flat 0.05 USD/kWh, 10 MW site named `name`.
fn site_form(name: &str, extra: Extra<'_>) -> Form {
    let mut form: Vec<(&'static str, String)> = vec![
        ("form[name]", name.into()),
        ("form[location]", "Rockdale, Texas".into()),
        ("form[capacity_mw]", "10".into()),
        ("form[tariff_kind]", "flat".into()),
        ("form[flat_usd_kwh]", "0.05".into()),
    ];
    for (key, value) in extra {
        form.retain(|(k, _)| k != key);
        form.push((key, (*value).into()));
    }
    form
}

/// A miner form for the seeded Antminer S21.
fn miner_form(site_id: i64, serial: &str, ip: &str, mac: &str) -> Form {
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

async fn audited(app: &TestApp, action: &str) -> i64 {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..AuditFilter::default()
    };
    app.store.list_audit(&filter, 0, 10).await.unwrap().1
}

async fn sites_are_set_up(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let client = app.member(Role::Client).await;
    let staff = &app.owner;
    let tou = [
        ("form[tariff_kind]", "time_of_use"),
        ("form[peak_usd_kwh]", "0.09"),
        ("form[offpeak_usd_kwh]", "0.04"),
        ("form[peak_start_hour]", "18"),
        ("form[peak_end_hour]", "2"),
        ("form[owner_email]", host.email.as_str()),
    ];
    let (status, site) = call(staff, &app, "/api/save_site", &site_form("Rockdale", &tou)).await;
    assert_eq!(status, StatusCode::OK, "{site}");
    let site_id = site["site_id"].as_i64().unwrap();
    assert_eq!(site["owner_user_id"].as_i64(), Some(host.user_id));
    assert_eq!(site["tariff"]["kind"], "time_of_use");
    assert_eq!(site["tariff"]["peak_end_hour"], 2);

    // Each bad field is named, and nothing changes.
    let bad: [(Extra<'_>, StatusCode, &str); 6] = [
        (
            &[("form[name]", " ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "site_name_invalid",
        ),
        (
            &[("form[capacity_mw]", "12000")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "capacity_invalid",
        ),
        (
            &[("form[flat_usd_kwh]", "45")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "tariff_price_invalid",
        ),
        (
            &[
                ("form[tariff_kind]", "hourly"),
                ("form[hourly_usd_kwh]", "0.05 0.06"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "tariff_hour_count",
        ),
        (
            &[("form[owner_email]", client.email.as_str())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "site_owner_invalid",
        ),
        (
            // the same owner's: another owner's sites (or the staff's) may share it
            &[
                ("form[name]", "rockdale"),
                ("form[owner_email]", host.email.as_str()),
            ],
            StatusCode::CONFLICT,
            "site_name_taken",
        ),
    ];
    for (extra, status, code) in bad {
        let answer = call(staff, &app, "/api/save_site", &site_form("Kazakh", extra)).await;
        assert_eq!(refused(&answer), (status, code), "{extra:?}");
    }
    let (_, list) = call(staff, &app, "/api/list_site_setup", &[]).await;
    assert_eq!(list["sites"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["sites"][0]["owner_email"], host.email.as_str());
    assert_eq!(list["may_name_owner"], true);

    // An edit replaces the tariff with 24 hourly prices, and can leave the site ownerless.
    let prices: Vec<String> = (0..24).map(|h| format!("0.0{}", 3 + h % 5)).collect();
    let prices = prices.join(",\n");
    let hourly = [
        ("form[tariff_kind]", "hourly"),
        ("form[hourly_usd_kwh]", prices.as_str()),
    ];
    let mut form = site_form("Rockdale North", &hourly);
    form.push(("site_id", site_id.to_string()));
    let (status, edited) = call(staff, &app, "/api/save_site", &form).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["tariff"]["usd_kwh"].as_array().unwrap().len(), 24);
    assert_eq!(edited["tariff"]["usd_kwh"][1], 0.04);
    assert!(edited["owner_user_id"].is_null());

    // Deleting needs the site's name typed.
    let delete = |name: &str| {
        vec![
            ("site_id", site_id.to_string()),
            ("confirm_name", name.into()),
        ]
    };
    let answer = call(staff, &app, "/api/delete_site", &delete("Rockdale")).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::UNPROCESSABLE_ENTITY, "confirmation_mismatch")
    );
    assert!(app.store.get_site(site_id).await.is_ok());
    let (status, _) = call(staff, &app, "/api/delete_site", &delete(" Rockdale North ")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.store.get_site(site_id).await.is_err());
    for action in ["site.create", "site.update", "site.delete"] {
        assert_eq!(audited(&app, action).await, 1, "{action}");
    }
    app.stop().await;
}

on_both_engines!(
    sites_are_created_edited_and_deleted_with_checked_fields_sqlite,
    sites_are_created_edited_and_deleted_with_checked_fields_postgres,
    sites_are_set_up
);

async fn site_owners_keep_to_their_sites(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let rival = app.member(Role::MiningSiteOwner).await;
    let client = app.member(Role::Client).await;
    // Whatever owner the form names, a site owner's new site is their own.
    let elsewhere = [("form[owner_email]", rival.email.as_str())];
    let (status, own) = call(
        &host.client,
        &app,
        "/api/save_site",
        &site_form("Host farm", &elsewhere),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["owner_user_id"].as_i64(), Some(host.user_id));
    let rivals = app.create_site("Rival farm", Some(rival.user_id)).await;

    let (_, list) = call(&host.client, &app, "/api/list_site_setup", &[]).await;
    let names: Vec<&str> = list["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Host farm"]);
    assert_eq!(list["may_name_owner"], false);

    // Another's site does not exist for them, whatever the call.
    let mut edit = site_form("Taken over", &[]);
    edit.push(("site_id", rivals.to_string()));
    let calls: [(&str, Vec<(&str, String)>); 4] = [
        ("/api/save_site", edit),
        (
            "/api/delete_site",
            vec![
                ("site_id", rivals.to_string()),
                ("confirm_name", "Rival farm".into()),
            ],
        ),
        ("/api/miner_choices", vec![("site_id", rivals.to_string())]),
        (
            "/api/save_miner",
            miner_form(rivals, "SN-X", "10.9.0.1", ""),
        ),
    ];
    for (path, form) in &calls {
        let (status, _) = call(&host.client, &app, path, form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let (status, _) = call(&client.client, &app, path, form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} as a client");
    }
    assert_eq!(app.store.get_site(rivals).await.unwrap().name, "Rival farm");
    // Customers link accounts to miners: user managers only.
    let (status, _) = call(&host.client, &app, "/api/list_customers", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}

on_both_engines!(
    site_owners_set_up_their_own_sites_only_sqlite,
    site_owners_set_up_their_own_sites_only_postgres,
    site_owners_keep_to_their_sites
);

/// A site owner's site with two miners added through the form (SN-1 at 10.0.0.1 with a MAC,
/// SN-2 at 10.0.0.2); their ids.
async fn host_with_two_miners(app: &TestApp) -> (TestMember, i64, [i64; 2]) {
    let host = app.member(Role::MiningSiteOwner).await;
    let site = app.create_site("Rockdale", Some(host.user_id)).await;
    let form = miner_form(site, "SN-1", " 10.0.0.1 ", "AA-BB-CC-00-11-22");
    let (status, first) = call(&host.client, app, "/api/save_miner", &form).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["approval"], "draft");
    assert_eq!(first["ip"], "10.0.0.1");
    assert_eq!(first["mac"], "aa:bb:cc:00:11:22");
    let form = miner_form(site, "SN-2", "10.0.0.2", "");
    let (_, second) = call(&host.client, app, "/api/save_miner", &form).await;
    let ids = [&first, &second].map(|m| m["miner_id"].as_i64().unwrap());
    (host, site, ids)
}

async fn miner_fields_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (host, site, [_, second_id]) = host_with_two_miners(&app).await;
    let save = |form: Form| {
        let client = host.client.clone();
        let app = &app;
        async move { call(&client, app, "/api/save_miner", &form).await }
    };
    let mut unknown_model = miner_form(site, "SN-3", "10.0.0.3", "");
    unknown_model[1].1 = "Antminer S99".into();
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let bad: [(Form, StatusCode, &str); 5] = [
        (unknown_model, invalid, "miner_model_invalid"),
        (
            miner_form(site, "SN 3", "10.0.0.3", ""),
            invalid,
            "miner_serial_invalid",
        ),
        (
            miner_form(site, "SN-3", "10.0.0.300", ""),
            invalid,
            "miner_ip_invalid",
        ),
        (
            miner_form(site, "SN-1", "10.0.0.3", ""),
            StatusCode::CONFLICT,
            "serial_taken",
        ),
        (
            miner_form(site, "SN-3", "10.0.0.1", ""),
            StatusCode::CONFLICT,
            "ip_taken",
        ),
    ];
    for (form, status, code) in bad {
        assert_eq!(
            refused(&save(form.clone()).await),
            (status, code),
            "{form:?}"
        );
    }
    // On an update the database has the last word, read on either engine.
    let update = |serial: &str, ip: &str, mac: &str| {
        let mut form = miner_form(site, serial, ip, mac);
        form.push(("miner_id", second_id.to_string()));
        form
    };
    for (form, code) in [
        (update("SN-1", "10.0.0.2", ""), "serial_taken"),
        (update("SN-2", "10.0.0.1", ""), "ip_taken"),
        (update("SN-2", "10.0.0.2", "aa:bb:cc:00:11:22"), "mac_taken"),
    ] {
        assert_eq!(refused(&save(form).await), (StatusCode::CONFLICT, code));
    }
    let stored = app.store.get_miner(second_id).await.unwrap();
    assert_eq!(
        (stored.serial.as_str(), stored.ip.as_str(), stored.mac),
        ("SN-2", "10.0.0.2", None)
    );
    assert_eq!(audited(&app, "miner.create").await, 2);
    assert_eq!(audited(&app, "miner.update").await, 0);
    app.stop().await;
}

on_both_engines!(
    each_bad_or_taken_miner_field_is_refused_by_name_sqlite,
    each_bad_or_taken_miner_field_is_refused_by_name_postgres,
    miner_fields_are_checked
);

async fn miners_are_edited_and_removed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (host, site, [first_id, second_id]) = host_with_two_miners(&app).await;
    let other_site = app.create_site("Kazakh", None).await;
    // Not the host's site; its miners may reuse the host's IPs (farms reuse private ranges).
    let form = miner_form(other_site, "SN-9", "10.0.0.1", "");
    assert_eq!(
        call(&host.client, &app, "/api/save_miner", &form).await.0,
        StatusCode::NOT_FOUND
    );
    let other = app
        .approved_miners(other_site, &[s19("SN-9", "10.0.0.1")], host.user_id)
        .await;

    // An edit keeps the approval: an approved miner stays approved.
    let ids = [first_id];
    for (step, by) in [
        (Approval::Pending, None),
        (Approval::Approved, Some(host.user_id)),
    ] {
        app.store
            .set_approval(site, &ids, step, by, None, 1)
            .await
            .unwrap();
    }
    let mut edit = miner_form(site, "SN-1", "10.0.0.11", "");
    edit.push(("miner_id", first_id.to_string()));
    edit.retain(|(k, _)| *k != "form[status]");
    edit.push(("form[status]", "maintenance".into()));
    let (status, edited) = call(&host.client, &app, "/api/save_miner", &edit).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["approval"].as_str(), edited["ip"].as_str()),
        (Some("approved"), Some("10.0.0.11"))
    );
    assert_eq!(edited["mac"], Value::Null);
    assert_eq!(edited["status"], "maintenance");
    // Another site's miner is not this site's, to edit or to delete.
    let mut moved = miner_form(site, "SN-2", "10.0.0.2", "");
    moved.push(("miner_id", other[0].to_string()));
    assert_eq!(
        call(&host.client, &app, "/api/save_miner", &moved).await.0,
        StatusCode::NOT_FOUND
    );
    let delete = |id: i64| vec![("miner_id", id.to_string())];
    let answer = call(&host.client, &app, "/api/delete_miner", &delete(other[0])).await;
    assert_eq!(answer.0, StatusCode::NOT_FOUND);
    let answer = call(&host.client, &app, "/api/delete_miner", &delete(second_id)).await;
    assert_eq!(answer.0, StatusCode::OK);
    assert!(app.store.get_miner(second_id).await.is_err());
    assert!(app.store.get_miner(other[0]).await.is_ok());
    for (action, count) in [
        ("miner.create", 2),
        ("miner.update", 1),
        ("miner.delete", 1),
    ] {
        assert_eq!(audited(&app, action).await, count, "{action}");
    }
    app.stop().await;
}

on_both_engines!(
    miners_are_edited_in_place_and_removed_from_their_own_site_sqlite,
    miners_are_edited_in_place_and_removed_from_their_own_site_postgres,
    miners_are_edited_and_removed
);

fn s19(serial: &str, ip: &str) -> NewMiner {
    NewMiner {
        customer_id: None,
        asic_model_id: None,
        model_name: "Antminer S19".into(),
        serial: serial.into(),
        ip: ip.into(),
        mac: None,
        rack: String::new(),
        status: MinerStatus::Active,
    }
}

/// A host names only the customers already on their site (`acme_id` is, `other_id` is not):
/// the others are another host's clients. Returns the miner given to `acme_id`.
async fn hosts_name_their_own_customers(
    app: &TestApp,
    host: &TestMember,
    acme_id: i64,
    other_id: i64,
) -> i64 {
    let site = app.create_site("Rockdale", Some(host.user_id)).await;
    let mut hosted = s19("SN-ACME", "10.0.0.1");
    hosted.customer_id = Some(acme_id);
    app.approved_miners(site, &[hosted], host.user_id).await;
    let (_, choices) = call(
        &host.client,
        app,
        "/api/miner_choices",
        &[("site_id", site.to_string())],
    )
    .await;
    assert_eq!(
        choices["customers"],
        serde_json::json!([[acme_id, "Acme Mining"]])
    );
    assert_eq!(
        choices["models"].as_array().unwrap().len(),
        crate::helpers::SEEDED_MODELS
    );
    let mut form = miner_form(site, "SN-2", "10.0.0.2", "");
    form.push(("form[customer_id]", other_id.to_string()));
    let answer = call(&host.client, app, "/api/save_miner", &form).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::UNPROCESSABLE_ENTITY, "miner_customer_invalid")
    );
    form.retain(|(k, _)| *k != "form[customer_id]");
    form.push(("form[customer_id]", acme_id.to_string()));
    let (status, miner) = call(&host.client, app, "/api/save_miner", &form).await;
    assert_eq!(
        (status, miner["customer_id"].as_i64()),
        (StatusCode::OK, Some(acme_id))
    );

    miner["miner_id"].as_i64().unwrap()
}

async fn customers_are_set_up(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let staff = &app.owner;
    let host = app.member(Role::MiningSiteOwner).await;
    let client = app.member(Role::Client).await;
    let customer = |name: &str, portal: &str| {
        vec![
            ("form[name]", name.to_owned()),
            ("form[contact_email]", "ops@example.com".to_owned()),
            ("form[portal_email]", portal.to_owned()),
        ]
    };
    let (status, acme) = call(
        staff,
        &app,
        "/api/save_customer",
        &customer("Acme Mining", &client.email.to_uppercase()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{acme}");
    assert_eq!(acme["user_id"].as_i64(), Some(client.user_id));
    let acme_id = acme["customer_id"].as_i64().unwrap();
    let (_, other) = call(
        staff,
        &app,
        "/api/save_customer",
        &customer("Other Hashing", ""),
    )
    .await;
    let other_id = other["customer_id"].as_i64().unwrap();

    for (form, status, code) in [
        (
            customer("", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "customer_name_invalid",
        ),
        (
            customer("acme mining", ""),
            StatusCode::CONFLICT,
            "customer_name_taken",
        ),
        (
            customer("Third", &host.email),
            StatusCode::UNPROCESSABLE_ENTITY,
            "portal_account_invalid",
        ),
        (
            customer("Third", "nobody@example.com"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "portal_account_invalid",
        ),
        (
            customer("Third", &client.email),
            StatusCode::CONFLICT,
            "portal_account_taken",
        ),
    ] {
        assert_eq!(
            refused(&call(staff, &app, "/api/save_customer", &form).await),
            (status, code),
            "{form:?}"
        );
    }
    let (_, list) = call(staff, &app, "/api/list_customers", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list[0]["portal_email"], client.email.as_str());

    let miner_id = hosts_name_their_own_customers(&app, &host, acme_id, other_id).await;

    // Unlinking the portal account, then deleting: the miners stay, the host's own.
    let mut unlink = customer("Acme Mining", "");
    unlink.push(("customer_id", acme_id.to_string()));
    let (_, edited) = call(staff, &app, "/api/save_customer", &unlink).await;
    assert!(edited["user_id"].is_null(), "{edited}");
    let (status, _) = call(
        staff,
        &app,
        "/api/delete_customer",
        &[("customer_id", acme_id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.store.get_miner(miner_id).await.unwrap().customer_id,
        None
    );
    assert_eq!(audited(&app, "customer.").await, 4);
    app.stop().await;
}

on_both_engines!(
    customers_link_one_client_account_each_sqlite,
    customers_link_one_client_account_each_postgres,
    customers_are_set_up
);

/// The lists above name accounts through one read: unknown ids are left out, repeats are one.
async fn emails_are_read_together(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let client = app.member(Role::Client).await;
    let ids = [host.user_id, 999_999, client.user_id, host.user_id];
    let emails = app.store.emails_of(&ids).await.unwrap();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert_eq!(emails[&host.user_id], host.email);
    assert_eq!(emails[&client.user_id], client.email);
    assert!(app.store.emails_of(&[]).await.unwrap().is_empty());
    app.stop().await;
}

on_both_engines!(
    emails_are_read_together_sqlite,
    emails_are_read_together_postgres,
    emails_are_read_together
);
