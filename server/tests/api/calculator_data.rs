//! What the calculator keeps and who may see it, over real HTTP on both engines: saved
//! scenarios (each user's own), catalogue editing (owner and admin, audited, reaching the
//! API at once) and the host side of hosting figures (owner, admin and site owner only).

use domain::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_engines;

async fn call(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// The code of a server-function refusal.
async fn rejection(response: reqwest::Response) -> String {
    let body = json_of(response).await;
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Another user sees none of the scenario `id`, and cannot rename or delete it even by guessing
/// ids around it.
async fn assert_out_of_reach(app: &TestApp, other: &reqwest::Client, id: i64) {
    let bobs = json_of(call(other, app, "/api/list_saved_scenarios", &[]).await).await;
    assert_eq!(bobs.as_array().unwrap().len(), 0);
    for guess in [id, id + 1, id - 1] {
        let guess = guess.to_string();
        let rename = call(
            other,
            app,
            "/api/rename_saved_scenario",
            &[("scenario_id", &guess), ("name", "mine now")],
        )
        .await;
        assert_eq!(rename.status(), StatusCode::NOT_FOUND, "rename {guess}");
        let delete = call(
            other,
            app,
            "/api/delete_saved_scenario",
            &[("scenario_id", &guess)],
        )
        .await;
        assert_eq!(delete.status(), StatusCode::NOT_FOUND, "delete {guess}");
    }
}

async fn saved_scenarios_are_kept_per_user(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let alice = app.member(Role::Client).await;
    let bob = app.member(Role::Client).await;
    let query = "model=Antminer%20S19%20Pro&count=10&electricity_usd_kwh=0.045";
    let saved = call(
        &alice.client,
        &app,
        "/api/save_scenario",
        &[
            ("name", "  S19 fleet   at 4.5¢ "),
            ("query", query),
            ("replace", "false"),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved = json_of(saved).await;
    assert_eq!(saved["name"], "S19 fleet at 4.5¢");
    // Stored in the calculator's own order and encoding, so the link reproduces it.
    assert!(
        saved["query"]
            .as_str()
            .unwrap()
            .starts_with("model=Antminer%20S19%20Pro&count=10&electricity_usd_kwh=0.045"),
        "{saved}"
    );
    let id = saved["scenario_id"].as_i64().unwrap();

    // The same name again is refused unless replacing; replacing keeps one row.
    let again = [
        ("name", "S19 fleet at 4.5¢"),
        ("query", "count=20"),
        ("replace", "false"),
    ];
    let refused = call(&alice.client, &app, "/api/save_scenario", &again).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(rejection(refused).await, "scenario_name_taken");
    let replace = [
        ("name", "S19 fleet at 4.5¢"),
        ("query", "count=20"),
        ("replace", "true"),
    ];
    let replaced = json_of(call(&alice.client, &app, "/api/save_scenario", &replace).await).await;
    assert_eq!(replaced["scenario_id"].as_i64(), Some(id));
    assert!(replaced["query"].as_str().unwrap().starts_with("count=20"));

    // Bad names and queries change nothing.
    for (form, reason) in [
        (
            [("name", "   "), ("query", "count=2"), ("replace", "false")],
            "scenario_name_invalid",
        ),
        (
            [("name", "x"), ("query", "colour=red"), ("replace", "false")],
            "scenario_invalid",
        ),
    ] {
        let response = call(&alice.client, &app, "/api/save_scenario", &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(rejection(response).await, reason);
    }
    let list = json_of(call(&alice.client, &app, "/api/list_saved_scenarios", &[]).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    assert_out_of_reach(&app, &bob.client, id).await;
    // Bob may use the same name for his own.
    let bobs_own = call(&bob.client, &app, "/api/save_scenario", &replace).await;
    assert_eq!(bobs_own.status(), StatusCode::OK);

    // Alice renames and deletes hers.
    let id_text = id.to_string();
    let renamed = json_of(
        call(
            &alice.client,
            &app,
            "/api/rename_saved_scenario",
            &[("scenario_id", &id_text), ("name", "S19 quote")],
        )
        .await,
    )
    .await;
    assert_eq!(renamed["name"], "S19 quote");
    let deleted = call(
        &alice.client,
        &app,
        "/api/delete_saved_scenario",
        &[("scenario_id", &id_text)],
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let list = json_of(call(&alice.client, &app, "/api/list_saved_scenarios", &[]).await).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
    // Bob's survived Alice's delete.
    let bobs = json_of(call(&bob.client, &app, "/api/list_saved_scenarios", &[]).await).await;
    assert_eq!(bobs.as_array().unwrap().len(), 1);

    // A visitor is asked to sign in.
    let visitor = call(&app.client, &app, "/api/list_saved_scenarios", &[]).await;
    assert_eq!(visitor.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

on_both_engines!(
    saved_scenarios_are_kept_per_user_sqlite,
    saved_scenarios_are_kept_per_user_postgres,
    saved_scenarios_are_kept_per_user
);

async fn a_client_saves_the_client_view_and_the_limit_holds(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let client = app.member(Role::Client).await;
    let host_link =
        "electricity_usd_kwh=0.05&hosting_markup_usd_kwh=0.02&host_site_cost_usd_kwh=0.04";
    let saved = json_of(
        call(
            &client.client,
            &app,
            "/api/save_scenario",
            &[
                ("name", "quote"),
                ("query", host_link),
                ("replace", "false"),
            ],
        )
        .await,
    )
    .await;
    let query = saved["query"].as_str().unwrap();
    assert!(query.contains("electricity_usd_kwh=0.07"), "{query}");
    assert!(
        !query.contains("host_site_cost") && !query.contains("markup"),
        "{query}"
    );
    // The site owner keeps the host side.
    let host = app.member(Role::MiningSiteOwner).await;
    let saved = json_of(
        call(
            &host.client,
            &app,
            "/api/save_scenario",
            &[
                ("name", "quote"),
                ("query", host_link),
                ("replace", "false"),
            ],
        )
        .await,
    )
    .await;
    assert!(
        saved["query"]
            .as_str()
            .unwrap()
            .contains("host_site_cost_usd_kwh=0.04"),
        "{saved}"
    );

    // The 200th scenario is the last one; replacing one still works at the limit.
    for n in 1..domain::saved_scenario::MAX_PER_USER {
        app.store
            .save_scenario(client.user_id, &format!("bulk {n:03}"), "count=2", false, 1)
            .await
            .unwrap();
    }
    let over = call(
        &client.client,
        &app,
        "/api/save_scenario",
        &[
            ("name", "one more"),
            ("query", "count=3"),
            ("replace", "false"),
        ],
    )
    .await;
    assert_eq!(over.status(), StatusCode::CONFLICT);
    assert_eq!(rejection(over).await, "scenario_limit");
    let replace = call(
        &client.client,
        &app,
        "/api/save_scenario",
        &[
            ("name", "bulk 001"),
            ("query", "count=3"),
            ("replace", "true"),
        ],
    )
    .await;
    assert_eq!(replace.status(), StatusCode::OK);
    app.stop().await;
}

on_both_engines!(
    a_client_saves_the_client_view_and_the_limit_holds_sqlite,
    a_client_saves_the_client_view_and_the_limit_holds_postgres,
    a_client_saves_the_client_view_and_the_limit_holds
);

fn model_form<'a>(name: &'a str, hashrate_ths: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("form[name]", name),
        ("form[manufacturer]", "Bitmain"),
        ("form[hashrate_ths]", hashrate_ths),
        ("form[power_w]", "4,000"),
        ("form[cooling]", "hydro"),
        ("form[release_date]", "2026-06-01"),
        ("form[price_usd]", "7200"),
    ]
}

async fn calculate_model(app: &TestApp, name: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/calculate"))
        .json(&json!({
            "model": name,
            "electricity_usd_kwh": 0.05,
            "btc_price_usd": 90000.0,
            "difficulty": 1.5e14,
        }))
        .send()
        .await
        .unwrap()
}

async fn admins_edit_the_catalogue(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.member(Role::Admin).await;
    let created = call(
        &admin.client,
        &app,
        "/api/create_asic_model",
        &model_form("Antminer S23 Hyd", "580"),
    )
    .await;
    assert_eq!(created.status(), StatusCode::OK);
    let created = json_of(created).await;
    let id = created["asic_model_id"].as_i64().unwrap();
    assert!((created["hashrate_hs"].as_f64().unwrap() - 580e12).abs() < 1.0);

    // The API finds it at once.
    let figures = json_of(calculate_model(&app, "Antminer S23 Hyd").await).await;
    assert!(
        (figures["hashrate_ths"].as_f64().unwrap() - 580.0).abs() < 1e-9,
        "{figures}"
    );

    // A taken name and bad figures are refused and change nothing.
    let taken = call(
        &admin.client,
        &app,
        "/api/create_asic_model",
        &model_form("Antminer S19 Pro", "110"),
    )
    .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert_eq!(rejection(taken).await, "model_name_taken");
    let unit_slip = call(
        &admin.client,
        &app,
        "/api/create_asic_model",
        &model_form("Typo", "5.8e14"),
    )
    .await;
    assert_eq!(unit_slip.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rejection(unit_slip).await, "hashrate_invalid");
    assert!(app.store.get_asic_model("Typo").await.is_err());

    // Renaming: the old name is gone from the API, the new one answers.
    let mut form = model_form("Antminer S23 Hydro", "600");
    let id_text = id.to_string();
    form.push(("asic_model_id", &id_text));
    let updated = call(&admin.client, &app, "/api/update_asic_model", &form).await;
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        calculate_model(&app, "Antminer S23 Hyd").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let figures = json_of(calculate_model(&app, "Antminer S23 Hydro").await).await;
    assert!((figures["hashrate_ths"].as_f64().unwrap() - 600.0).abs() < 1e-9);
    // Renaming onto another model's name is refused.
    let mut clash = model_form("Antminer S19 Pro", "600");
    clash.push(("asic_model_id", &id_text));
    let clash = call(&admin.client, &app, "/api/update_asic_model", &clash).await;
    assert_eq!(clash.status(), StatusCode::CONFLICT);

    assert_only_admins_edit(&app, &id_text).await;

    let deleted = call(
        &admin.client,
        &app,
        "/api/delete_asic_model",
        &[("asic_model_id", &id_text)],
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let again = call(
        &admin.client,
        &app,
        "/api/delete_asic_model",
        &[("asic_model_id", &id_text)],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        calculate_model(&app, "Antminer S23 Hydro").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    assert_catalogue_changes_audited(&app, &admin.email).await;
    app.stop().await;
}

on_both_engines!(
    admins_edit_the_catalogue_sqlite,
    admins_edit_the_catalogue_postgres,
    admins_edit_the_catalogue
);

/// Nobody below admin may edit the catalogue, and visitors are asked to sign in.
async fn assert_only_admins_edit(app: &TestApp, id_text: &str) {
    for role in [
        Role::MiningSiteOwner,
        Role::Operator,
        Role::Client,
        Role::Guest,
    ] {
        let member = app.member(role).await;
        let response = call(
            &member.client,
            app,
            "/api/delete_asic_model",
            &[("asic_model_id", id_text)],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let visitor = call(
        &app.client,
        app,
        "/api/delete_asic_model",
        &[("asic_model_id", id_text)],
    )
    .await;
    assert_eq!(visitor.status(), StatusCode::UNAUTHORIZED);
}

/// Create, update and delete are in the audit log, each with who made it.
async fn assert_catalogue_changes_audited(app: &TestApp, admin_email: &str) {
    let (entries, _) = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("catalogue.".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.len(), 3, "{actions:?}");
    for action in ["catalogue.create", "catalogue.update", "catalogue.delete"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    assert!(
        entries
            .iter()
            .all(|e| e.actor.as_deref() == Some(admin_email))
    );
}

fn hosted_request() -> Value {
    json!({
        "model": "Antminer S19 Pro",
        "count": 10,
        "electricity_usd_kwh": 0.05,
        "btc_price_usd": 80000.0,
        "difficulty": 119.12e12,
        "hosting_usd_per_miner_month": 30.4375,
        "hosting_markup_usd_kwh": 0.01,
        "host_site_cost_usd_kwh": 0.04,
    })
}

async fn host_figures_are_for_hosts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let post = |client: reqwest::Client, body: Value| {
        let url = app.url("/api/v1/calculate");
        async move { client.post(url).json(&body).send().await.unwrap() }
    };
    // Visitors and clients may not ask for the host side; fees alone are the client's own.
    assert_eq!(
        post(app.client.clone(), hosted_request()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for role in [Role::Operator, Role::Client, Role::Guest] {
        let member = app.member(role).await;
        let refused = post(member.client.clone(), hosted_request()).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role}");
        let mut client_view = hosted_request();
        client_view
            .as_object_mut()
            .unwrap()
            .remove("host_site_cost_usd_kwh");
        client_view
            .as_object_mut()
            .unwrap()
            .remove("hosting_markup_usd_kwh");
        let ok = json_of(post(member.client.clone(), client_view).await).await;
        assert!(
            (ok["daily_hosting_fees_usd"].as_f64().unwrap() - 10.0).abs() < 1e-9,
            "{ok}"
        );
        assert!(ok["host"].is_null());
    }
    // Owner, admin and site owner get the host's figures: 780 kWh a day, the client pays
    // 0.06 USD/kWh and 10 USD of fees, the site costs 0.04 USD/kWh.
    for role in [Role::Owner, Role::Admin, Role::MiningSiteOwner] {
        let member = app.member(role).await;
        let response = post(member.client.clone(), hosted_request()).await;
        assert_eq!(response.status(), StatusCode::OK, "{role}");
        let body = json_of(response).await;
        let host = &body["host"];
        assert!(
            (host["daily_client_pays_usd"].as_f64().unwrap() - 56.8).abs() < 1e-9,
            "{body}"
        );
        assert!((host["daily_site_cost_usd"].as_f64().unwrap() - 31.2).abs() < 1e-9);
        assert!((host["daily_host_profit_usd"].as_f64().unwrap() - 25.6).abs() < 1e-9);
        // Host profit + client profit = revenue − site energy (no maintenance here).
        let client_profit = body["daily_profit_usd"].as_f64().unwrap();
        let revenue = body["daily_revenue_usd"].as_f64().unwrap();
        assert!((client_profit + 25.6 - (revenue - 31.2)).abs() < 1e-9);
    }
    app.stop().await;
}

on_both_engines!(
    host_figures_are_for_hosts_sqlite,
    host_figures_are_for_hosts_postgres,
    host_figures_are_for_hosts
);

async fn the_calculator_page_shows_each_role_its_side(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let link = "/calculator?electricity_usd_kwh=0.05&hosting_markup_usd_kwh=0.02&host_site_cost_usd_kwh=0.04";
    let client = app.member(Role::Client).await;
    let page = client
        .client
        .get(app.url(link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"client-view-notice\""),
        "no client-view notice"
    );
    assert!(!page.contains("id=\"field-host_site_cost_usd_kwh\""));
    assert!(!page.contains("id=\"host-side\""));
    // The markup is in the price the client pays.
    assert!(
        page.contains("value=\"0.07\""),
        "markup not folded into the price"
    );
    assert!(page.contains("id=\"saved-form\""));

    let host = app.member(Role::MiningSiteOwner).await;
    let page = host
        .client
        .get(app.url(link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The whole page on failure: CI once saw this page without the host side under load.
    assert!(
        page.contains("id=\"field-host_site_cost_usd_kwh\""),
        "the site owner's page has no host side: {page}"
    );
    assert!(page.contains("id=\"host-figures\""));
    assert!(!page.contains("id=\"client-view-notice\""));

    let visitor = app.get(link).await.text().await.unwrap();
    assert!(visitor.contains("id=\"saved-sign-in\""));
    assert!(!visitor.contains("id=\"host-side\""));
    app.stop().await;
}

on_both_engines!(
    the_calculator_page_shows_each_role_its_side_sqlite,
    the_calculator_page_shows_each_role_its_side_postgres,
    the_calculator_page_shows_each_role_its_side
);
