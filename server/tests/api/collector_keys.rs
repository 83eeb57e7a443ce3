//! Collector keys made, listed and revoked through the server functions the site-setup page
//! calls, over real HTTP on both engines: the secret is shown once and opens the ingest API for
//! its site only, a site owner reaches only their own sites' keys, an API key cannot make one,
//! and a revoked key is refused at once.

use domain::access::Role;
use reqwest::StatusCode;
use server::collect::uplink::{KEY_HEADER, TARGETS_PATH};

use crate::helpers::{Backend, TestApp, TestMember, call};
use crate::on_both_engines;

/// What the ingest API answers a collector holding `key`.
async fn targets_status(app: &TestApp, key: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url(TARGETS_PATH))
        .header(KEY_HEADER, key)
        .send()
        .await
        .unwrap()
        .status()
}

fn site(site_id: i64) -> Vec<(&'static str, String)> {
    vec![("site_id", site_id.to_string())]
}

fn key_form(site_id: i64, label: &str) -> Vec<(&'static str, String)> {
    vec![("site_id", site_id.to_string()), ("label", label.into())]
}

/// Another host's site does not exist for them; clients manage no sites.
async fn others_are_refused(app: &TestApp, host: &TestMember, rivals: i64, prefix: &str) {
    let client = app.member(Role::Client).await;
    let revoke_rival = vec![
        ("site_id", rivals.to_string()),
        ("key_hash_prefix", prefix.to_owned()),
    ];
    let calls: [(&str, Vec<(&str, String)>); 3] = [
        ("/api/create_collector_key", key_form(rivals, "mine now")),
        ("/api/list_collector_keys", site(rivals)),
        ("/api/revoke_collector_key", revoke_rival),
    ];
    for (path, form) in &calls {
        assert_eq!(
            call(&host.client, app, path, form).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            call(&client.client, app, path, form).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(
        app.store
            .list_collector_keys(rivals)
            .await
            .unwrap()
            .is_empty()
    );
}

/// An API key acts for its owner, but may not make secrets.
async fn no_key_from_an_api_key(app: &TestApp, host: &TestMember, own: i64) {
    let (status, api_key) = call(
        &host.client,
        app,
        "/api/create_api_key",
        &[
            ("name", "script".into()),
            ("role", "mining_site_owner".into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{api_key}");
    let bearer = api_key["secret"].as_str().unwrap();
    let by_key = reqwest::Client::new()
        .post(app.url("/api/create_collector_key"))
        .bearer_auth(bearer)
        .form(&key_form(own, "from a script"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_key.status(), StatusCode::FORBIDDEN);
    // The same key reads the site's keys: it is the making that is refused, not the key.
    let listed = reqwest::Client::new()
        .post(app.url("/api/list_collector_keys"))
        .bearer_auth(bearer)
        .form(&site(own))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(app.store.list_collector_keys(own).await.unwrap().len(), 1);
}

async fn collector_keys_are_managed_in_the_browser(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let host = app.member(Role::MiningSiteOwner).await;
    let rival = app.member(Role::MiningSiteOwner).await;
    let own = app.create_site("Host farm", Some(host.user_id)).await;
    let rivals = app.create_site("Rival farm", Some(rival.user_id)).await;

    let (status, made) = call(
        &host.client,
        &app,
        "/api/create_collector_key",
        &key_form(own, " Rack A box "),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with(auth::token::COLLECTOR_KEY_PREFIX),
        "{secret}"
    );
    assert_eq!(made["info"]["label"], "Rack A box");
    assert_eq!(made["info"]["site_id"], own);
    assert_eq!(targets_status(&app, &secret).await, StatusCode::OK);

    // Listed without its secret, and used just now.
    let (status, list) = call(&host.client, &app, "/api/list_collector_keys", &site(own)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let keys = list.as_array().unwrap();
    assert_eq!(keys.len(), 1, "{list}");
    assert!(
        !list.to_string().contains(&secret["hsc_".len()..]),
        "{list}"
    );
    assert!(keys[0]["last_used_at_ms"].as_i64().is_some(), "{list}");
    let prefix = keys[0]["key_hash_prefix"].as_str().unwrap().to_owned();

    // A label that is empty or too long is refused and makes nothing.
    for label in ["   ", &"x".repeat(81)] {
        let answer = call(
            &host.client,
            &app,
            "/api/create_collector_key",
            &key_form(own, label),
        )
        .await;
        assert_eq!(answer.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.1);
        assert_eq!(answer.1["error"]["code"], "key_name_invalid");
    }

    others_are_refused(&app, &host, rivals, &prefix).await;
    no_key_from_an_api_key(&app, &host, own).await;

    // Revoked: refused at the ingest API at once, listed as revoked, audited.
    let revoke = vec![("site_id", own.to_string()), ("key_hash_prefix", prefix)];
    let (status, _) = call(&host.client, &app, "/api/revoke_collector_key", &revoke).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        targets_status(&app, &secret).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = call(&host.client, &app, "/api/list_collector_keys", &site(own)).await;
    assert!(list[0]["revoked_at_ms"].as_i64().is_some(), "{list}");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let audit = app
        .store
        .list_audit(
            &domain::account::AuditFilter {
                action: Some("collector_key.".into()),
                ..domain::account::AuditFilter::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.0.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["collector_key.revoke", "collector_key.create"]);
    app.stop().await;
}

on_both_engines!(
    collector_keys_are_managed_in_the_browser_sqlite,
    collector_keys_are_managed_in_the_browser_postgres,
    collector_keys_are_managed_in_the_browser
);
