//! Accounts over real HTTP on both engines: the access walk of every guarded server function and
//! REST endpoint as every role, sign-in and its defences, links, API keys, isolation between
//! clients, SIWE with real signatures, and the security headers.

use std::fmt::Write as _;

use alloy_signer::SignerSync as _;
use alloy_signer_local::PrivateKeySigner;
use domain::access::{self, Access, Denied, Role};
use reqwest::StatusCode;
use serde_json::Value;
use store::accounts::TokenPurpose;

use crate::helpers::{Backend, TEST_PASSWORD, TestApp};
use crate::on_both_engines;

/// Hardhat/Anvil test account #0: a publicly known key that never holds funds.
pub const WALLET_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const WALLET_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
pub const OTHER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/// Arguments that reach each guarded server function's guard and, when allowed, do no harm.
fn server_fn_args(path: &str) -> Vec<(&'static str, String)> {
    let unique = format!("walk-{}@example.com", uuid::Uuid::new_v4().simple());
    let none = || "999999999".to_owned();
    match path {
        "/api/network_history" => vec![("days", "10".into())],
        // An unknown site: 404 for staff and site owners, an empty page for clients.
        "/api/list_site_miners" | "/api/list_alerts" => vec![("filter[site_id]", none())],
        // An unknown alert or miner: 404 when allowed.
        "/api/acknowledge_alert" => vec![("alert_id", none())],
        "/api/miner_detail" | "/api/delete_miner" => vec![("miner_id", none())],
        "/api/review_miners" => vec![
            ("site_id", none()),
            ("miner_ids[]", "1".into()),
            ("step", "pending".into()),
        ],
        "/api/list_users" => vec![("search", String::new()), ("page", "0".into())],
        "/api/create_user" => vec![
            ("email", unique),
            ("display_name", "Walk".into()),
            ("role", "guest".into()),
        ],
        "/api/set_user_role" => vec![("user_id", none()), ("role", "guest".into())],
        "/api/set_user_access" => vec![("user_id", none()), ("expires_on", String::new())],
        "/api/set_user_disabled" => vec![("user_id", none()), ("disabled", "false".into())],
        "/api/delete_user" => vec![("user_id", none())],
        "/api/list_audit" => vec![("filter[page]", "0".into())],
        "/api/login_history" => vec![("user_id", "1".into()), ("page", "0".into())],
        "/api/create_api_key" => vec![("name", "walk".into()), ("role", "guest".into())],
        "/api/revoke_api_key" => vec![("api_key_id", none())],
        "/api/hand_over_link" => vec![("outbox_mail_id", none())],
        "/api/unlink_wallet" => vec![(
            "address",
            "0x0000000000000000000000000000000000000001".into(),
        )],
        // Parseable, but refused by validation (422) or not found (404) when allowed.
        "/api/create_asic_model" => empty_model_form(None),
        "/api/update_asic_model" => empty_model_form(Some(none())),
        "/api/delete_asic_model" => vec![("asic_model_id", none())],
        "/api/save_scenario" => vec![
            ("name", String::new()),
            ("query", String::new()),
            ("replace", "false".into()),
        ],
        "/api/rename_saved_scenario" => vec![("scenario_id", none()), ("name", String::new())],
        "/api/delete_saved_scenario" => vec![("scenario_id", none())],
        // Fleet setup: refused by validation, or an unknown site, customer or miner.
        "/api/save_site" | "/api/save_customer" => vec![("form[name]", String::new())],
        "/api/delete_site" => vec![("site_id", none()), ("confirm_name", "walk".into())],
        "/api/miner_choices" | "/api/list_collector_keys" => vec![("site_id", none())],
        "/api/create_collector_key" => vec![("site_id", none()), ("label", "walk".into())],
        "/api/revoke_collector_key" => {
            vec![
                ("site_id", none()),
                ("key_hash_prefix", "abcdef012345".into()),
            ]
        }
        "/api/save_miner" => vec![("site_id", none()), ("form[serial]", String::new())],
        "/api/delete_customer" => vec![("customer_id", none())],
        _ => vec![],
    }
}

/// An empty catalogue form, with the id of the model to update when given.
fn empty_model_form(asic_model_id: Option<String>) -> Vec<(&'static str, String)> {
    let mut args: Vec<(&'static str, String)> = [
        "form[name]",
        "form[manufacturer]",
        "form[hashrate_ths]",
        "form[power_w]",
        "form[cooling]",
        "form[release_date]",
        "form[price_usd]",
    ]
    .into_iter()
    .map(|key| (key, String::new()))
    .collect();
    if let Some(id) = asic_model_id {
        args.push(("asic_model_id", id));
    }
    args
}

/// The answer the matrix predicts: allowed means anything but 401/403. Functions that keep the
/// caller's own data also need an account, so visitors get 401 there.
fn assert_matches_matrix(
    what: &str,
    role: Option<Role>,
    module: access::Module,
    need: Access,
    status: StatusCode,
) {
    if role.is_none() && app::api::SIGNED_IN_ONLY.contains(&what) {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} as a visitor");
        return;
    }
    match access::check(role, module, need) {
        Ok(()) => assert!(
            status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
            "{what} as {role:?} should be allowed, got {status}"
        ),
        Err(Denied::SignInRequired) => {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} as a visitor");
        }
        Err(Denied::Forbidden { .. }) => {
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} as {role:?}");
        }
    }
}

async fn access_walk(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Every registered server function is in the table, so none can be added without a guard
    // decision.
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    for path in &registered {
        assert!(
            app::api::SERVER_FNS.iter().any(|(p, _)| p == path),
            "server function {path} is missing from app::api::SERVER_FNS"
        );
    }
    let mut callers = vec![(None, app.client.clone())];
    for role in Role::ALL {
        callers.push((Some(role), app.member(role).await.client));
    }
    for (role, client) in &callers {
        for (path, guard) in app::api::SERVER_FNS {
            let Some((module, need)) = guard else {
                continue;
            };
            assert!(
                registered.iter().any(|p| p == path),
                "{path} is not registered"
            );
            let response = client
                .post(app.url(path))
                .form(&server_fn_args(path))
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert_matches_matrix(path, *role, *module, *need, status);
            assert_one_error_body(path, status, response).await;
        }
        for (method, path, module, need) in server::http::REST_ENDPOINTS {
            let request = if *method == "GET" {
                client.get(app.url(path))
            } else {
                client.post(app.url(path)).body("{}")
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            assert_matches_matrix(path, *role, *module, *need, status);
            assert_one_error_body(path, status, response).await;
        }
    }
    app.stop().await;
}

/// A refusal by the matrix, from a server function or a REST route alike, answers the one
/// error body with the code of its status.
async fn assert_one_error_body(path: &str, status: StatusCode, response: reqwest::Response) {
    let code = match status {
        StatusCode::UNAUTHORIZED => "sign_in_required",
        StatusCode::FORBIDDEN => "forbidden",
        _ => return,
    };
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{path}: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{path}: {body}"
    );
}

on_both_engines!(
    every_guarded_call_answers_as_the_matrix_says_sqlite,
    every_guarded_call_answers_as_the_matrix_says_postgres,
    access_walk
);

async fn who_am_i(client: &reqwest::Client, app: &TestApp) -> Value {
    client
        .post(app.url("/api/who_am_i"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hi_session="))
        .map(str::to_owned)
}

async fn sign_in_and_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Client).await;
    assert_eq!(who_am_i(&member.client, &app).await["role"], "client");

    // The cookie is HttpOnly and SameSite=Lax, and a new id is issued at every sign-in.
    let login = |password: &'static str| {
        app.client
            .post(app.url("/api/login"))
            .form(&[("email", member.email.as_str()), ("password", password)])
            .send()
    };
    let first = login(TEST_PASSWORD).await.unwrap();
    // Programs get 200 and the redirect in a header; browsers without JavaScript get a 302.
    assert_eq!(first.status(), StatusCode::OK);
    let cookie = session_cookie(&first).unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag");
    let second = session_cookie(&login(TEST_PASSWORD).await.unwrap()).unwrap();
    assert_ne!(cookie.split(';').next(), second.split(';').next());

    // A wrong password and an unknown address get the same answer.
    let wrong = login("not the password at all").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown = app
        .client
        .post(app.url("/api/login"))
        .form(&[("email", "nobody@example.com"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (wrong, unknown): (Value, Value) =
        (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(wrong, unknown);

    // Signing out ends the session on the server, not only in the browser.
    let logout = member
        .client
        .post(app.url("/api/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    assert_eq!(who_am_i(&member.client, &app).await, Value::Null);

    // A disabled account's sessions stop working at once, and it cannot sign in.
    let other = app.member(Role::Client).await;
    let owner_disables = app
        .owner
        .post(app.url("/api/set_user_disabled"))
        .form(&[
            ("user_id", other.user_id.to_string()),
            ("disabled", "true".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(owner_disables.status(), StatusCode::OK);
    assert_eq!(who_am_i(&other.client, &app).await, Value::Null);
    assert_eq!(
        app.sign_in(&other.email, TEST_PASSWORD).await.err(),
        Some(403)
    );
    app.stop().await;
}

on_both_engines!(
    sessions_rotate_end_and_refuse_wrong_passwords_sqlite,
    sessions_rotate_end_and_refuse_wrong_passwords_postgres,
    sign_in_and_out
);

async fn failures_back_off(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Client).await;
    for _ in 0..4 {
        assert_eq!(
            app.sign_in(&member.email, "wrong password!").await.err(),
            Some(401)
        );
    }
    // The fifth failure starts a wait; during it even the right password is not tried.
    assert_eq!(
        app.sign_in(&member.email, "wrong password!").await.err(),
        Some(401)
    );
    let blocked = app
        .client
        .post(app.url("/api/login"))
        .form(&[
            ("email", member.email.as_str()),
            ("password", TEST_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap_or(0);
    let body: Value = blocked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    let waits = body["error"]["retry_after_secs"].as_u64().unwrap();
    assert!(waits >= 1);
    assert_eq!(retry, waits, "the header and the body say the same wait");
    // Every failure is in the audit log, with where it came from.
    let (entries, _) = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("login.failure".into()),
                ..Default::default()
            },
            0,
            100,
        )
        .await
        .unwrap();
    assert!(entries.len() >= 5);
    assert_eq!(entries[0].ip.as_deref(), Some("127.0.0.1"));
    app.stop().await;
}

on_both_engines!(
    repeated_failures_make_sign_in_wait_sqlite,
    repeated_failures_make_sign_in_wait_postgres,
    failures_back_off
);

async fn ip_limit(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.auth.attempts_per_ip_per_minute = 3).await
    else {
        return;
    };
    let statuses = futures_util::future::join_all((0..5).map(|_| {
        app.client
            .post(app.url("/api/wallet_challenge"))
            .form(&[
                ("address", WALLET_ADDRESS),
                ("chain_id", "1"),
                ("link", "false"),
            ])
            .send()
    }))
    .await;
    let limited = statuses
        .iter()
        .filter(|r| r.as_ref().unwrap().status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(limited, 2, "3 per minute per IP");
    app.stop().await;
}

on_both_engines!(
    nonces_are_limited_per_ip_sqlite,
    nonces_are_limited_per_ip_postgres,
    ip_limit
);

async fn first_run_and_links(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The CLI's function: a password link for a new admin, delivered to the outbox without SMTP.
    let services = app::ssr::identity::AuthServices::new(
        app::ssr::identity::AuthSettings {
            password_memory_kib: 64,
            password_iterations: 1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let link = server::accounts::create_user(
        &*app.store,
        &services,
        &app.url(""),
        Role::Admin,
        Some("New.Admin@Example.com"),
        None,
    )
    .await
    .unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let outbox: Value = app
        .owner
        .post(app.url("/api/list_outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox[0]["to_email"], "new.admin@example.com");
    assert_eq!(outbox[0]["purpose"], "reset_password");
    assert!(!outbox.to_string().contains(&token), "no link shown");

    // A refused password keeps the link usable; a good one uses it up and signs in.
    let reset = |password: &str| {
        app.client
            .post(app.url("/api/reset_password"))
            .form(&[
                ("token", token.as_str()),
                ("password", password),
                ("password_again", password),
            ])
            .send()
    };
    let short = reset("short").await.unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = short.json().await.unwrap();
    assert_eq!(body["error"]["code"], "password_too_short");
    let done = reset("a long and fine password").await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(session_cookie(&done).is_some());
    let again = reset("another fine password").await.unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "link_invalid");
    assert!(
        app.sign_in("new.admin@example.com", "a long and fine password")
            .await
            .is_ok()
    );
    // The outbox no longer shows a link that was used.
    let outbox: Value = app
        .owner
        .post(app.url("/api/list_outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 0);

    // Setup links only work on an empty installation.
    let setup = app::ssr::identity::issue_link(
        &*app.store,
        &services,
        TokenPurpose::SetupOwner,
        None,
        None,
        &app.url(""),
    )
    .await
    .unwrap();
    let response = app
        .client
        .post(app.url("/api/setup_owner"))
        .form(&[
            ("token", setup.split("token=").nth(1).unwrap()),
            ("email", "late@example.com"),
            ("display_name", "Late"),
            ("password", "a long and fine password"),
            ("password_again", "a long and fine password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    app.stop().await;
}

on_both_engines!(
    password_links_are_single_use_and_survive_a_refused_password_sqlite,
    password_links_are_single_use_and_survive_a_refused_password_postgres,
    first_run_and_links
);

async fn empty_install(backend: Backend) {
    let Some(database) = crate::helpers::TestDatabase::new(backend).await else {
        return;
    };
    let store = database.store().await;
    let services = app::ssr::identity::AuthServices::new(
        app::ssr::identity::AuthSettings {
            password_memory_kib: 64,
            password_iterations: 1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    // Without an e-mail, an owner can only be made on an empty installation: the setup link.
    let link = server::accounts::create_user(
        &*store,
        &services,
        "http://127.0.0.1:3000",
        Role::Owner,
        None,
        None,
    )
    .await
    .unwrap();
    assert!(
        link.starts_with("http://127.0.0.1:3000/auth/setup?token="),
        "{link}"
    );
    assert!(
        server::accounts::create_user(&*store, &services, "x", Role::Admin, None, None)
            .await
            .is_err()
    );
    database.cleanup().await;
}

on_both_engines!(
    the_cli_prints_the_setup_link_on_an_empty_install_sqlite,
    the_cli_prints_the_setup_link_on_an_empty_install_postgres,
    empty_install
);

async fn clients_are_isolated(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let alice = app.member(Role::Client).await;
    let bob = app.member(Role::Client).await;
    let created: Value = alice
        .client
        .post(app.url("/api/create_api_key"))
        .form(&[("name", "alice's script"), ("role", "client")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key_id = created["info"]["api_key_id"].as_i64().unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();

    // Bob sees only his own keys, and guessing Alice's id revokes nothing.
    let bobs: Value = bob
        .client
        .post(app.url("/api/list_api_keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bobs.as_array().unwrap().len(), 0);
    for id in [key_id, key_id + 1, key_id - 1] {
        let revoke = bob
            .client
            .post(app.url("/api/revoke_api_key"))
            .form(&[("api_key_id", id.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(revoke.status(), StatusCode::NOT_FOUND, "id {id}");
    }
    // Nor can he look at accounts, their sign-ins or the audit log.
    for path in ["/api/list_users", "/api/login_history", "/api/list_audit"] {
        let response = bob
            .client
            .post(app.url(path))
            .form(&server_fn_args(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }

    // Alice's key works as a client on /api/v1, and not once revoked.
    let market = |key: String| {
        reqwest::Client::new()
            .get(app.url("/api/v1/market"))
            .bearer_auth(key)
            .send()
    };
    assert_eq!(
        market(secret.clone()).await.unwrap().status(),
        StatusCode::OK
    );
    let revoke = alice
        .client
        .post(app.url("/api/revoke_api_key"))
        .form(&[("api_key_id", key_id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert_eq!(
        market(secret).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // A key cannot manage keys, even its owner's.
    let keys: Value = alice
        .client
        .post(app.url("/api/list_api_keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys[0]["revoked"], true);
    assert!(keys[0]["last_used_at_ms"].is_i64());
    app.stop().await;
}

on_both_engines!(
    one_client_cannot_reach_another_clients_keys_sqlite,
    one_client_cannot_reach_another_clients_keys_postgres,
    clients_are_isolated
);

async fn roles_are_assigned_with_care(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.member(Role::Admin).await;
    let owner = app.member(Role::Owner).await;
    let client = app.member(Role::Client).await;
    let set_role = |who: &reqwest::Client, user_id: i64, role: &str| {
        who.post(app.url("/api/set_user_role"))
            .form(&[("user_id", user_id.to_string()), ("role", role.to_owned())])
            .send()
    };
    // An admin raises a client to operator, but cannot make owners or touch an owner.
    assert_eq!(
        set_role(&admin.client, client.user_id, "operator")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(who_am_i(&client.client, &app).await["role"], "operator");
    assert_eq!(
        set_role(&admin.client, client.user_id, "owner")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set_role(&admin.client, owner.user_id, "guest")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // Nobody changes their own role.
    assert_eq!(
        set_role(&admin.client, admin.user_id, "owner")
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The role change is in the audit log, with who did it.
    let (entries, _) = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("user.role".into()),
                subject_user_id: Some(client.user_id),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor.as_deref(), Some(admin.email.as_str()));
    assert!(
        entries[0].detail.contains("\"to\":\"operator\""),
        "{}",
        entries[0].detail
    );
    app.stop().await;
}

on_both_engines!(
    roles_are_only_given_downwards_and_audited_sqlite,
    roles_are_only_given_downwards_and_audited_postgres,
    roles_are_assigned_with_care
);

pub fn sign(key: &str, message: &str) -> String {
    let signer: PrivateKeySigner = key.parse().unwrap();
    let signature = signer.sign_message_sync(message.as_bytes()).unwrap();
    let hex = signature
        .as_bytes()
        .iter()
        .fold(String::with_capacity(130), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
    format!("0x{hex}")
}

async fn challenge(app: &TestApp, client: &reqwest::Client, link: bool) -> String {
    let response = client
        .post(app.url("/api/wallet_challenge"))
        .form(&[
            ("address", WALLET_ADDRESS),
            ("chain_id", "1"),
            ("link", if link { "true" } else { "false" }),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn wallet_sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    message: &str,
    signature: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/wallet_sign_in"))
        .form(&[("message", message), ("signature", signature)])
        .send()
        .await
        .unwrap()
}

async fn rejection(response: reqwest::Response) -> Value {
    let body: Value = response.json().await.unwrap();
    body["error"]["code"].clone()
}

async fn siwe(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    };
    // The exact EIP-4361 message, for this site, with a nonce.
    let wallet = browser();
    let message = challenge(&app, &wallet, false).await;
    let host = app.addr.to_string();
    assert!(
        message.starts_with(&format!(
            "{host} wants you to sign in with your Ethereum account:\n{WALLET_ADDRESS}\n"
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("URI: http://{host}\n")) && message.contains("Chain ID: 1\n")
    );

    // A real signature signs in, as a new guest holding the wallet.
    let signature = sign(WALLET_KEY, &message);
    let response = wallet_sign_in(&app, &wallet, &message, &signature).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me = who_am_i(&wallet, &app).await;
    assert_eq!(me["role"], "guest");
    assert_eq!(me["wallet_address"], WALLET_ADDRESS);

    // Replaying the same signed message is refused: its nonce was used.
    let replay = wallet_sign_in(&app, &browser(), &message, &signature).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection(replay).await, "wallet_nonce_expired");

    // A message changed after it was issued is refused, even correctly signed.
    let issued = challenge(&app, &browser(), false).await;
    let tampered = issued.replace(
        "Sign in to HashInsight.",
        "Sign in to HashInsight as admin.",
    );
    let response = wallet_sign_in(&app, &browser(), &tampered, &sign(WALLET_KEY, &tampered)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection(response).await, "wallet_message_tampered");

    // Signed by another key: refused.
    let issued = challenge(&app, &browser(), false).await;
    let response = wallet_sign_in(&app, &browser(), &issued, &sign(OTHER_KEY, &issued)).await;
    assert_eq!(rejection(response).await, "wallet_signature_invalid");

    // An expired nonce: issued six minutes ago with the five-minute lifetime.
    let nonce = auth::token::new_nonce();
    let issued_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(6);
    let old = auth::siwe::build(
        &host,
        WALLET_ADDRESS.parse().unwrap(),
        &format!("http://{host}"),
        1,
        &nonce,
        issued_at,
        std::time::Duration::from_mins(5),
        "Sign in to HashInsight.",
    )
    .to_string();
    let expired_at_ms = app::ssr::identity::now_ms() - 60_000;
    app.store
        .create_siwe_nonce(&nonce, &old, None, expired_at_ms)
        .await
        .unwrap();
    let response = wallet_sign_in(&app, &browser(), &old, &sign(WALLET_KEY, &old)).await;
    assert_eq!(rejection(response).await, "wallet_nonce_expired");

    // A chain the site does not accept is refused before any nonce is issued.
    let response = app
        .client
        .post(app.url("/api/wallet_challenge"))
        .form(&[
            ("address", WALLET_ADDRESS),
            ("chain_id", "56"),
            ("link", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rejection(response).await, "wallet_chain_unsupported");

    app.stop().await;
}

on_both_engines!(
    wallet_sign_in_verifies_real_signatures_and_refuses_replays_sqlite,
    wallet_sign_in_verifies_real_signatures_and_refuses_replays_postgres,
    siwe
);

async fn wallet_link(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    };
    // A signed-in user links a wallet; the wallet then signs in to that account.
    let member = app.member(Role::Client).await;
    let other_address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let link_message = member
        .client
        .post(app.url("/api/wallet_challenge"))
        .form(&[
            ("address", other_address),
            ("chain_id", "1"),
            ("link", "true"),
        ])
        .send()
        .await
        .unwrap()
        .json::<String>()
        .await
        .unwrap();
    let response = wallet_sign_in(
        &app,
        &member.client,
        &link_message,
        &sign(OTHER_KEY, &link_message),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let fresh = browser();
    let message = fresh
        .post(app.url("/api/wallet_challenge"))
        .form(&[
            ("address", other_address),
            ("chain_id", "1"),
            ("link", "false"),
        ])
        .send()
        .await
        .unwrap()
        .json::<String>()
        .await
        .unwrap();
    let response = wallet_sign_in(&app, &fresh, &message, &sign(OTHER_KEY, &message)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(who_am_i(&fresh, &app).await["user_id"], member.user_id);
    app.stop().await;
}

on_both_engines!(
    a_linked_wallet_signs_in_to_its_account_sqlite,
    a_linked_wallet_signs_in_to_its_account_postgres,
    wallet_link
);

async fn headers_and_origin(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let page = app.get("/auth/login").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );

    let api = app.get("/api/v1/market").await;
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );

    // A change sent by another site's page is refused, whatever the cookies.
    let response = app
        .owner
        .post(app.url("/api/create_api_key"))
        .header("origin", "http://evil.example")
        .form(&[("name", "x"), ("role", "guest")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .owner
        .post(app.url("/api/create_api_key"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "x"), ("role", "guest")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .owner
        .post(app.url("/api/create_api_key"))
        .header("origin", app.url(""))
        .form(&[("name", "x"), ("role", "guest")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await;
}

on_both_engines!(
    pages_carry_a_nonce_policy_and_cross_site_changes_are_refused_sqlite,
    pages_carry_a_nonce_policy_and_cross_site_changes_are_refused_postgres,
    headers_and_origin
);
