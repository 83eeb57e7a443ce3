//! `POST /api/v1/calculate` and `hashinsight calc`: the same engine, the same answers.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_engines;

/// 110 TH/s at difficulty 119.12e12 and 3.125 BTC per block, net of a 2.5 % pool fee.
fn s19_daily_btc() -> f64 {
    110e12 * 86_400.0 * 3.125 / (119.12e12 * 4_294_967_296.0) * 0.975
}

fn s19_request() -> Value {
    json!({
        "model": "Antminer S19 Pro",
        "electricity_usd_kwh": 0.05,
        "btc_price_usd": 80000.0,
        "difficulty": 119.12e12,
    })
}

async fn post(app: &TestApp, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/calculate"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn the_api_fills_the_model_from_the_catalogue(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = post(&app, s19_request().to_string()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["model"], "Antminer S19 Pro");
    let daily_btc = body["daily_btc"].as_f64().unwrap();
    assert!((daily_btc - s19_daily_btc()).abs() < 1e-12, "{daily_btc}");
    let electricity = body["daily_electricity_usd"].as_f64().unwrap();
    assert!((electricity - 3.25 * 24.0 * 0.05).abs() < 1e-9);
    let profit = body["daily_profit_usd"].as_f64().unwrap();
    let revenue = body["daily_revenue_usd"].as_f64().unwrap();
    assert!((profit - (revenue - electricity)).abs() < 1e-9);
    assert_eq!(body["projection"].as_array().unwrap().len(), 36);
    app.stop().await;
}
on_both_engines!(
    api_model_sqlite,
    api_model_postgres,
    the_api_fills_the_model_from_the_catalogue
);

#[tokio::test]
async fn bad_input_gets_422_with_every_field_named() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let body = json!({
        "model": "Antminer Z99",
        "electricity_usd_kwh": 0.05,
        "difficulty": -5,
        "pool_fee_pct": 250,
    });
    let response = post(&app, body.to_string()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Value = response.json().await.unwrap();
    // The one error body, and the earlier top-level list beside it for one more release.
    assert_eq!(errors["error"]["code"], "invalid_input", "{errors}");
    assert_eq!(errors["error"]["fields"], errors["errors"], "{errors}");
    let fields: Vec<(&str, &str)> = errors["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("model", "unknown_model")), "{fields:?}");
    assert!(
        fields.contains(&("btc_price_usd", "required")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("difficulty", "must_be_positive")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("pool_fee_pct", "out_of_range")),
        "{fields:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn malformed_json_and_unknown_fields_are_refused_not_ignored() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for body in ["{not json", r#"{"difficulty": 1e14, "dificulty": 2}"#] {
        let response = post(&app, body.to_owned()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let errors: Value = response.json().await.unwrap();
        assert_eq!(errors["error"]["fields"][0]["field"], "body");
        assert_eq!(errors["error"]["fields"][0]["code"], "invalid_json");
        assert_eq!(errors["errors"][0]["code"], "invalid_json");
    }
    app.stop().await;
}

fn calc(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hashinsight"))
        .arg("calc")
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

const S19_ARGS: [&str; 8] = [
    "--model",
    "Antminer S19 Pro",
    "--electricity-usd-kwh",
    "0.05",
    "--btc-price-usd",
    "80000",
    "--difficulty",
    "119.12e12",
];

#[test]
fn the_cli_prints_the_contract_fields_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let output = calc(
        dir.path(),
        &[&S19_ARGS[..], &["--investment-usd", "1000000", "--json"]].concat(),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body: Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in [
        "daily_btc",
        "daily_revenue_usd",
        "daily_electricity_usd",
        "daily_profit_usd",
        "breakeven_electricity_usd_kwh",
        "breakeven_btc_price_usd",
        "hashprice_usd_th_day",
        "network_method_daily_btc",
        "payback_months",
    ] {
        assert!(body.get(key).is_some(), "missing {key}");
    }
    assert!((body["daily_btc"].as_f64().unwrap() - s19_daily_btc()).abs() < 1e-12);
    // A million dollars for one S19 Pro never pays back: null, not an estimate.
    assert!(body["payback_months"].is_null());
    let revenue = body["daily_revenue_usd"].as_f64().unwrap();
    let breakeven = body["breakeven_electricity_usd_kwh"].as_f64().unwrap();
    assert!((breakeven - revenue / 78.0).abs() < 1e-12);
}

#[test]
fn without_an_investment_payback_and_irr_are_not_applicable() {
    // The case that answered "payback 1" and "IRR −99.01 %": profitable now, loss-making after
    // the next halving, nothing invested.
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--model",
        "Antminer S21 XP",
        "--electricity-usd-kwh",
        "0.06",
        "--btc-price-usd",
        "90000",
        "--difficulty",
        "1.5e14",
    ];
    let output = calc(dir.path(), &[&args[..], &["--json"]].concat());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(body["daily_profit_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(body["investment_usd"], 0.0);
    for key in ["payback_months", "irr_pct_year", "roi_pct"] {
        assert!(body[key].is_null(), "{key}: {}", body[key]);
    }
    let text = calc(dir.path(), &args);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("payback none (no investment)"), "{text}");
}

#[test]
fn the_cli_and_the_flags_override_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        &S19_ARGS[..],
        &["--hashrate-ths", "220", "--pool-fee-pct", "0", "--json"],
    ]
    .concat();
    let output = calc(dir.path(), &args);
    let body: Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = s19_daily_btc() / 0.975 * 2.0;
    assert!((body["daily_btc"].as_f64().unwrap() - expected).abs() < 1e-12);
    assert!((body["power_w"].as_f64().unwrap() - 3250.0).abs() < 1e-9);
}

#[test]
fn the_cli_refuses_bad_input_with_exit_code_2_and_named_flags() {
    let dir = tempfile::tempdir().unwrap();
    let output = calc(
        dir.path(),
        &[
            "--hashrate-ths",
            "0",
            "--power-w",
            "3000",
            "--electricity-usd-kwh",
            "0.05",
            "--btc-price-usd",
            "80000",
            "--difficulty",
            "NaN",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--hashrate-ths"), "{stderr}");
    assert!(stderr.contains("--difficulty"), "{stderr}");
    assert!(output.stdout.is_empty());
}
