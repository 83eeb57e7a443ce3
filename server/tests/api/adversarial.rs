//! The attacks of issue #19, replayed against a real server on both engines so they stay
//! closed: each test does what the attacker did and checks that it no longer gets in.

use alloy_signer_local::PrivateKeySigner;
use domain::access::Role;
use reqwest::StatusCode;
use serde_json::Value;
use store::accounts::{NewSession, NewToken, TokenPurpose};

use crate::accounts::{OTHER_KEY, WALLET_ADDRESS, WALLET_KEY, sign};
use crate::helpers::{Backend, TEST_PASSWORD, TestApp, TestMember, call};
use crate::on_both_engines;

use domain::clock::unix_now_ms as now_ms;

fn address_of(key: &str) -> String {
    key.parse::<PrivateKeySigner>()
        .unwrap()
        .address()
        .to_checksum(None)
}

/// A client that sends `Authorization: Bearer <key>` and keeps no cookies.
fn with_key(key: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {key}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn api_key(app: &TestApp, member: &reqwest::Client, role: &str) -> String {
    let (status, created) = call(
        member,
        app,
        "/api/create_api_key",
        &[("name", "attack".into()), ("role", role.into())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    created["secret"].as_str().unwrap().to_owned()
}

async fn challenge(
    app: &TestApp,
    client: &reqwest::Client,
    address: &str,
    link: bool,
) -> (StatusCode, Value) {
    call(
        client,
        app,
        "/api/wallet_challenge",
        &[
            ("address", address.into()),
            ("chain_id", "1".into()),
            ("link", link.to_string()),
        ],
    )
    .await
}

async fn who_am_i(client: &reqwest::Client, app: &TestApp) -> Value {
    call(client, app, "/api/who_am_i", &[]).await.1
}

/// Signs in with the wallet of `key` from a fresh browser; the browser, signed in.
async fn wallet_browser(app: &TestApp, key: &str) -> reqwest::Client {
    let client = browser();
    let (status, message) = challenge(app, &client, &address_of(key), false).await;
    assert_eq!(status, StatusCode::OK, "{message}");
    let message = message.as_str().unwrap().to_owned();
    let (status, body) = call(
        &client,
        app,
        "/api/wallet_sign_in",
        &[
            ("message", message.clone()),
            ("signature", sign(key, &message)),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

/// Hole 1: a guest-role API key of the owner linked the attacker's wallet, whose sign-in then
/// was the owner with every right.
async fn low_key_links_no_wallet(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = app.member(Role::Owner).await;
    let key = with_key(&api_key(&app, &owner.client, "guest").await);
    let (status, _) = call(
        &key,
        &app,
        "/api/list_users",
        &[("search", String::new()), ("page", "0".into())],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a guest key lists no users");

    let (status, body) = challenge(&app, &key, WALLET_ADDRESS, true).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "session_required");
    for (path, form) in [
        ("/api/list_wallets", vec![]),
        (
            "/api/unlink_wallet",
            vec![("address", WALLET_ADDRESS.to_owned())],
        ),
        (
            "/api/create_api_key",
            vec![("name", "more".to_owned()), ("role", "guest".to_owned())],
        ),
        (
            "/api/hand_over_link",
            vec![("outbox_mail_id", "1".to_owned())],
        ),
    ] {
        let (status, body) = call(&key, &app, path, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    assert!(
        app.store
            .wallets_of(owner.user_id)
            .await
            .unwrap()
            .is_empty()
    );

    // The attacker's wallet signs in as what it is: a new guest, not the owner.
    let attacker = wallet_browser(&app, WALLET_KEY).await;
    let me = who_am_i(&attacker, &app).await;
    assert_eq!(me["role"], "guest");
    assert_ne!(me["user_id"], owner.user_id);
    let (status, _) = call(
        &attacker,
        &app,
        "/api/list_users",
        &[("search", String::new()), ("page", "0".into())],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The owner's own browser still links a wallet: the session is the proof.
    let (status, message) = challenge(&app, &owner.client, &address_of(OTHER_KEY), true).await;
    assert_eq!(status, StatusCode::OK);
    let message = message.as_str().unwrap().to_owned();
    // ... and the key cannot complete a link the session started.
    let (status, _) = call(
        &key,
        &app,
        "/api/wallet_sign_in",
        &[
            ("message", message.clone()),
            ("signature", sign(OTHER_KEY, &message)),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .wallets_of(owner.user_id)
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

on_both_engines!(
    a_low_role_api_key_links_no_wallet_sqlite,
    a_low_role_api_key_links_no_wallet_postgres,
    low_key_links_no_wallet
);

/// The bodies of every mail in the outbox, straight from the database.
async fn outbox_bodies(app: &TestApp, backend: Backend) -> Vec<String> {
    use sqlx::Connection as _;
    let sql = "select body from outbox_mail";
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(app.database.url.expose())
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(app.database.url.expose())
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

async fn request_reset(app: &TestApp, email: &str) {
    let (status, body) = call(
        &app.client,
        app,
        "/api/request_password_reset",
        &[("email", email.into())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn reset(app: &TestApp, link: &str, password: &str) -> (StatusCode, Value) {
    let token = link.split("token=").nth(1).unwrap().to_owned();
    call(
        &browser(),
        app,
        "/api/reset_password",
        &[
            ("token", token),
            ("password", password.into()),
            ("password_again", password.into()),
        ],
    )
    .await
}

/// Hole 2: an admin read the owner's reset link in the outbox and took the owner over.
async fn outbox_takes_over_nobody(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = app.member(Role::Owner).await;
    let admin = app.member(Role::Admin).await;
    let operator = app.member(Role::Operator).await;
    request_reset(&app, &owner.email).await;
    request_reset(&app, &operator.email).await;

    let bodies = outbox_bodies(&app, backend).await;
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies.iter().all(|body| !body.contains("token=")),
        "no link at rest: {bodies:?}"
    );

    // The admin sees the operator's mail, not the owner's.
    let (status, mails) = call(&admin.client, &app, "/api/list_outbox", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let to: Vec<&str> = mails
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to_email"].as_str().unwrap())
        .collect();
    assert_eq!(to, [operator.email.as_str()]);
    assert!(!mails.to_string().contains("token="));
    let all = app.store.list_outbox(now_ms()).await.unwrap();
    let owners = all.iter().find(|m| m.to_email == owner.email).unwrap();
    let (status, _) = call(
        &admin.client,
        &app,
        "/api/hand_over_link",
        &[("outbox_mail_id", owners.outbox_mail_id.to_string())],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the owner's mail is not the admin's"
    );

    // The admin hands the operator a link; a second one ends the first.
    let operators = all.iter().find(|m| m.to_email == operator.email).unwrap();
    let (status, first) = call(
        &admin.client,
        &app,
        "/api/hand_over_link",
        &[("outbox_mail_id", operators.outbox_mail_id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let first = first["link"].as_str().unwrap().to_owned();
    assert!(first.contains("/auth/reset?token="), "{first}");
    let (status, _) = call(
        &admin.client,
        &app,
        "/api/hand_over_link",
        &[("outbox_mail_id", operators.outbox_mail_id.to_string())],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "handed over once: the mail left the outbox"
    );
    let (status, body) = reset(&app, &first, "a brand new long password").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Another owner may hand the owner's mail over; it is audited.
    let (status, handed) = call(
        &app.owner,
        &app,
        "/api/hand_over_link",
        &[("outbox_mail_id", owners.outbox_mail_id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{handed}");
    let audit = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("link.hand_over".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.1, 2);
    app.stop().await;
}

on_both_engines!(
    the_outbox_hands_no_admin_the_owners_link_sqlite,
    the_outbox_hands_no_admin_the_owners_link_postgres,
    outbox_takes_over_nobody
);

/// Hole 4: a request's `Host` chose the SIWE domain and the origin of mailed links.
async fn foreign_host_makes_no_link(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Operator).await;
    let evil = |path: &str| {
        app.client
            .post(app.url(path))
            .header(reqwest::header::HOST, "evil.example")
    };
    let response = evil("/api/wallet_challenge")
        .form(&[
            ("address", WALLET_ADDRESS),
            ("chain_id", "1"),
            ("link", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "public_url_unset");
    let response = evil("/api/request_password_reset")
        .form(&[("email", member.email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(app.store.list_outbox(now_ms()).await.unwrap().is_empty());
    // This machine's own names still work without a public URL.
    let (status, message) = challenge(&app, &browser(), WALLET_ADDRESS, false).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        message
            .as_str()
            .unwrap()
            .starts_with(&format!("{} wants you to sign in", app.addr)),
        "{message}"
    );
    app.stop().await;

    // With a public URL, a forged Host changes nothing.
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.auth.public_url = Some("https://mining.example.com".into());
    })
    .await
    else {
        return;
    };
    let response = app
        .client
        .post(app.url("/api/wallet_challenge"))
        .header(reqwest::header::HOST, "evil.example")
        .form(&[
            ("address", WALLET_ADDRESS),
            ("chain_id", "1"),
            ("link", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let message: String = response.json().await.unwrap();
    assert!(
        message.starts_with("mining.example.com wants you to sign in"),
        "{message}"
    );
    assert!(!message.contains("evil.example"));
    app.stop().await;
}

on_both_engines!(
    a_forged_host_makes_no_link_and_no_wallet_message_sqlite,
    a_forged_host_makes_no_link_and_no_wallet_message_postgres,
    foreign_host_makes_no_link
);

#[tokio::test]
async fn listening_beyond_loopback_needs_a_public_url() {
    let database = crate::helpers::TestDatabase::new(Backend::Sqlite)
        .await
        .unwrap();
    let mut settings = server::config::Settings::default();
    settings.server.addr = Some("0.0.0.0:0".parse().unwrap());
    settings.database = database.settings();
    settings.market.enabled = false;
    let Err(err) = server::startup::Application::build(settings.clone()).await else {
        panic!("a server on 0.0.0.0 without public_url started");
    };
    assert!(err.to_string().contains("public_url"), "{err}");
    settings.auth.public_url = Some("https://mining.example.com/path?x".into());
    settings.server.addr = Some("127.0.0.1:0".parse().unwrap());
    let Err(err) = server::startup::Application::build(settings).await else {
        panic!("a public_url with a path was taken");
    };
    assert!(err.to_string().contains("public_url"), "{err}");
}

/// Hole 6: a second reset link still worked after the first was used, and a linked wallet
/// still signed in after the reset.
async fn reset_closes_every_door(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Operator).await;
    let intruder = address_of(OTHER_KEY);
    app.store
        .link_wallet(member.user_id, &intruder, now_ms())
        .await
        .unwrap();
    let services = test_services();
    let mut links = Vec::new();
    for _ in 0..2 {
        links.push(
            app::ssr::identity::issue_link(
                &*app.store,
                &services,
                TokenPurpose::ResetPassword,
                Some(member.user_id),
                None,
                &app.url(""),
            )
            .await
            .unwrap(),
        );
    }
    let (status, body) = reset(&app, &links[0], "a brand new long password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = reset(&app, &links[1], "the intruders own password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "link_invalid");
    assert_eq!(
        who_am_i(&member.client, &app).await,
        Value::Null,
        "old sessions end"
    );
    assert!(
        app.store
            .wallets_of(member.user_id)
            .await
            .unwrap()
            .is_empty()
    );
    // The intruder's wallet now signs in to a new guest account, not to the operator's.
    let wallet = wallet_browser(&app, OTHER_KEY).await;
    let me = who_am_i(&wallet, &app).await;
    assert_eq!(me["role"], "guest");
    assert_ne!(me["user_id"], member.user_id);
    app.stop().await;
}

on_both_engines!(
    a_reset_ends_other_links_sessions_and_wallets_sqlite,
    a_reset_ends_other_links_sessions_and_wallets_postgres,
    reset_closes_every_door
);

fn test_services() -> app::ssr::identity::AuthServices {
    app::ssr::identity::AuthServices::new(
        app::ssr::identity::AuthSettings {
            password_memory_kib: 64,
            password_iterations: 1,
            ..Default::default()
        },
        None,
    )
    .unwrap()
}

/// People see their wallets and unlink them, audited; the only way into an account stays.
async fn wallets_are_seen_and_unlinked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Operator).await;
    let other = address_of(OTHER_KEY);
    app.store
        .link_wallet(member.user_id, &other, now_ms())
        .await
        .unwrap();
    let (status, wallets) = call(&member.client, &app, "/api/list_wallets", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(wallets[0]["address"], other.as_str());
    // Another account's wallet is not found, whatever the caller knows of it.
    let stranger = app.member(Role::Operator).await;
    let (status, _) = call(
        &stranger.client,
        &app,
        "/api/unlink_wallet",
        &[("address", other.clone())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(
        &member.client,
        &app,
        "/api/unlink_wallet",
        &[("address", other.to_lowercase())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        app.store
            .wallets_of(member.user_id)
            .await
            .unwrap()
            .is_empty()
    );
    let (_, audit) = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("wallet.unlink".into()),
                subject_user_id: Some(member.user_id),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit, 1);

    // A wallet-only account keeps its one wallet.
    let wallet = wallet_browser(&app, WALLET_KEY).await;
    let (status, body) = call(
        &wallet,
        &app,
        "/api/unlink_wallet",
        &[("address", WALLET_ADDRESS.into())],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "wallet_only_sign_in");
    app.stop().await;
}

on_both_engines!(
    wallets_are_listed_and_unlinked_with_care_sqlite,
    wallets_are_listed_and_unlinked_with_care_postgres,
    wallets_are_seen_and_unlinked
);

/// Hole 7: `next=/\t/evil.example` sent a no-JS sign-in to another site.
async fn next_stays_here(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Operator).await;
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/%09/x\n",
    ] {
        let response = browser()
            .post(app.url("/api/login"))
            .header(reqwest::header::ACCEPT, "text/html")
            .form(&[
                ("email", member.email.as_str()),
                ("password", TEST_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "{next:?}: {}",
            response.status()
        );
        assert_eq!(response.headers()["location"], "/account", "{next:?}");
    }
    app.stop().await;
}

on_both_engines!(
    a_sign_in_never_sends_people_to_another_site_sqlite,
    a_sign_in_never_sends_people_to_another_site_postgres,
    next_stays_here
);

async fn login_from(app: &TestApp, from: &str, email: &str, password: &str) -> StatusCode {
    reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/api/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// Hole 8: five wrong passwords from one address kept the account locked for everyone.
async fn nobody_locks_anyone_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let member = app.member(Role::Operator).await;
    for _ in 0..=auth::rate_limit::FREE_FAILURES {
        let status = login_from(&app, "127.0.0.1", &member.email, "wrong password").await;
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        login_from(&app, "127.0.0.1", &member.email, TEST_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address waits"
    );
    assert_eq!(
        login_from(&app, "127.0.0.2", &member.email, TEST_PASSWORD).await,
        StatusCode::OK,
        "the real user, elsewhere, gets in"
    );
    app.stop().await;

    // Behind a trusted proxy every client comes from 127.0.0.1: the forwarded address counts.
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.auth.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    let member = app.member(Role::Operator).await;
    let via = |client_ip: &'static str, password: &'static str| {
        let email = member.email.clone();
        let url = app.url("/api/login");
        async move {
            browser()
                .post(url)
                .header("x-forwarded-for", format!("6.6.6.6, {client_ip}"))
                .form(&[("email", email.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..=auth::rate_limit::FREE_FAILURES {
        via("198.51.100.1", "wrong password").await;
    }
    assert_eq!(
        via("198.51.100.1", TEST_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(via("198.51.100.2", TEST_PASSWORD).await, StatusCode::OK);
    let (entries, _) = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("login.failure".into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        entries[0].ip.as_deref(),
        Some("198.51.100.1"),
        "the client, not the proxy"
    );
    app.stop().await;
}

on_both_engines!(
    wrong_passwords_lock_out_only_their_own_address_sqlite,
    wrong_passwords_lock_out_only_their_own_address_postgres,
    nobody_locks_anyone_out
);

/// Also: whoever registered `victim@corp` first got the rights an admin then gave the address.
async fn unconfirmed_address_gets_no_rights(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let squatter = browser();
    let (status, _) = call(
        &squatter,
        &app,
        "/api/register",
        &[
            ("email", "victim@corp.example".into()),
            ("display_name", "Victim".into()),
            ("password", "a squatters long password".into()),
            ("password_again", "a squatters long password".into()),
        ],
    )
    .await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let user = app
        .store
        .user_by_email("victim@corp.example")
        .await
        .unwrap();
    let (status, body) = call(
        &app.owner,
        &app,
        "/api/set_user_role",
        &[
            ("user_id", user.user_id.to_string()),
            ("role", "operator".into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "email_unverified");
    assert_eq!(
        app.store.user_by_id(user.user_id).await.unwrap().role,
        Role::Guest
    );
    // Nor can the address become a customer's portal account.
    app.store
        .update_user(
            user.user_id,
            &store::accounts::UserChange::Role(Role::Client),
        )
        .await
        .unwrap();
    let (status, body) = call(
        &app.owner,
        &app,
        "/api/save_customer",
        &[
            ("form[name]", "Victim Corp".into()),
            ("form[contact_email]", String::new()),
            ("form[portal_email]", "victim@corp.example".into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "email_unverified");
    assert!(app.store.list_customers().await.unwrap().is_empty());
    app.stop().await;
}

on_both_engines!(
    an_unconfirmed_address_gets_no_rights_sqlite,
    an_unconfirmed_address_gets_no_rights_postgres,
    unconfirmed_address_gets_no_rights
);

/// Also: spent sessions, links and nonces were kept for ever.
async fn spent_sign_in_material_is_purged(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let TestMember { user_id, .. } = app.member(Role::Operator).await;
    let now = now_ms();
    let store = &app.store;
    for (hash, expires, seen) in [
        ("ended", now - 1, now - 10),
        ("idle", now + 99_000, now - 50_000),
        ("live", now + 99_000, now),
    ] {
        store
            .create_session(&NewSession {
                session_hash: hash.into(),
                user_id,
                created_at_ms: seen,
                expires_at_ms: expires,
                ip: None,
                user_agent: None,
                method: "password",
            })
            .await
            .unwrap();
    }
    for (hash, expires) in [
        ("expired", now - 1),
        ("open", now + 99_000),
        ("used", now + 99_000),
    ] {
        store
            .create_token(&NewToken {
                token_hash: hash.into(),
                purpose: TokenPurpose::VerifyEmail,
                user_id: Some(user_id),
                created_at_ms: now - 5,
                expires_at_ms: expires,
            })
            .await
            .unwrap();
    }
    store
        .take_token("used", TokenPurpose::VerifyEmail, now)
        .await
        .unwrap();
    store
        .create_siwe_nonce("old", "m", None, now - 1)
        .await
        .unwrap();
    store
        .create_siwe_nonce("new", "m", None, now + 99_000)
        .await
        .unwrap();

    let purged = store.purge_auth(now, now - 40_000).await.unwrap();
    assert_eq!(purged.nonces, 1);
    assert_eq!(purged.tokens, 2);
    // Two of ours plus none of the member's sign-in (seen just now).
    assert_eq!(purged.sessions, 2);
    assert!(store.session("live").await.is_ok());
    assert!(store.session("idle").await.is_err());
    assert!(
        store
            .peek_token("open", TokenPurpose::VerifyEmail, now)
            .await
            .is_ok()
    );
    assert!(store.take_siwe_nonce("new").await.is_ok());
    assert!(store.take_siwe_nonce("old").await.is_err());
    app.stop().await;
}

on_both_engines!(
    spent_sessions_links_and_nonces_are_purged_sqlite,
    spent_sessions_links_and_nonces_are_purged_postgres,
    spent_sign_in_material_is_purged
);
