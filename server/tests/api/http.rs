//! The real HTTP server on port 0: pages, health, server functions, request ids, shutdown.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};

use crate::helpers::{Backend, TestApp};
use crate::on_both_engines;

const TAGLINE_EN: &str = "Open, self-hostable management for Bitcoin mining farms";
const TAGLINE_ZH: &str = "开源、可自托管的比特币矿场管理平台";

async fn health_reports_the_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    let engine = if backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(body["engine"], engine);
    app.stop().await;
}
on_both_engines!(health_sqlite, health_postgres, health_reports_the_database);

async fn the_home_page_is_rendered_on_the_server(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("<h1 id=\"tagline\">{TAGLINE_EN}</h1>")),
        "{html}"
    );
    assert!(html.contains("<html lang=\"en\""));
    assert!(
        html.contains("/pkg/hashinsight.js"),
        "the page loads the hydration bundle"
    );
    app.stop().await;
}
on_both_engines!(
    home_sqlite,
    home_postgres,
    the_home_page_is_rendered_on_the_server
);

#[tokio::test]
async fn accept_language_picks_chinese_on_a_first_visit() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let html = app
        .client
        .get(app.url("/"))
        .header(ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(TAGLINE_ZH), "{html}");
    assert!(html.contains("<html lang=\"zh\""));
    app.stop().await;
}

#[tokio::test]
async fn the_language_cookie_wins_over_accept_language() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let html = app
        .client
        .get(app.url("/"))
        .header(ACCEPT_LANGUAGE, "zh-CN")
        .header(COOKIE, "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(TAGLINE_EN), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn the_theme_cookie_is_rendered_on_the_first_byte() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let html = app
        .client
        .get(app.url("/"))
        .header(COOKIE, "theme=dark")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-theme=\"dark\""), "{html}");
    app.stop().await;
}

async fn unknown_paths_get_the_404_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app.get("/definitely/not/here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"), "{html}");
    app.stop().await;
}
on_both_engines!(
    not_found_sqlite,
    not_found_postgres,
    unknown_paths_get_the_404_page
);

async fn the_catalogue_server_function_returns_the_models(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .post(app.url("/api/list_asic_models"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let models: Vec<domain::catalogue::AsicModel> = response.json().await.unwrap();
    assert_eq!(models.len(), crate::helpers::SEEDED_MODELS);
    assert_eq!(models[0].name, "Antminer S21 XP Hyd");

    let page = app.get("/catalogue").await.text().await.unwrap();
    assert!(page.contains("Antminer S21 XP Hyd"), "{page}");
    assert!(
        page.replace("<!>", "")
            .contains(&format!("{} models", crate::helpers::SEEDED_MODELS))
    );
    app.stop().await;
}
on_both_engines!(
    catalogue_sqlite,
    catalogue_postgres,
    the_catalogue_server_function_returns_the_models
);

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_given_one() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let fresh = app.get("/healthz").await;
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);

    let given = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "probe-42")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "probe-42");
    app.stop().await;
}

#[tokio::test]
async fn shutdown_stops_accepting_connections() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let addr = app.addr;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
