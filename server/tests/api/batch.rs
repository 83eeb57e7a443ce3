//! `POST /api/v1/batch/export` (CSV and XLSX downloads of the page's form) and
//! `POST /api/v1/batch/import` (a spreadsheet read into CSV rows), through real HTTP.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::on_both_engines;

const FLEET_CSV: &str = "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh
Antminer S19 Pro,2,110,3250,2500,0.05
Antminer S19 Pro,abc,110,3250,2500,0.05
Antminer S21,3,,,3200,0.06
";

fn form(format: &str, difficulty: &str) -> Vec<(&'static str, String)> {
    vec![
        ("btc_price_usd", "90,000".to_owned()),
        ("difficulty", difficulty.to_owned()),
        ("months", "36".to_owned()),
        ("csv", FLEET_CSV.to_owned()),
        ("format", format.to_owned()),
    ]
}

async fn export(app: &TestApp, form: &[(&str, String)], lang: &str) -> reqwest::Response {
    let url: reqwest::Url = app.url("/").parse().unwrap();
    app.owner_jar.add_cookie_str(&format!("lang={lang}"), &url);
    app.owner
        .post(app.url("/api/v1/batch/export"))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn csv_export_computes_the_form_with_the_catalogue(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = export(&app, &form("csv", "1.5e14"), "en").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"hashinsight-batch.csv\""
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("row,model,quantity,hashrate_ths,power_w"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("2,Antminer S19 Pro,2,110,3250,"),
        "{}",
        lines[1]
    );
    // Hashrate and power of the S21 came from the catalogue in the database.
    assert!(
        lines[2].starts_with("4,Antminer S21,3,200,3500,"),
        "{}",
        lines[2]
    );
    app.stop().await;
}
on_both_engines!(
    batch_csv_export_sqlite,
    batch_csv_export_postgres,
    csv_export_computes_the_form_with_the_catalogue
);

#[tokio::test]
async fn xlsx_export_is_a_workbook_in_the_readers_language() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let response = export(&app, &form("xlsx", "1.5e14"), "zh").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = response.bytes().await.unwrap();
    let mut workbook = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable workbook");
    let names = workbook.sheet_names();
    assert_eq!(names.len(), 3, "results, summary, errors: {names:?}");
    let results = workbook
        .worksheet_range(&names[0])
        .expect("the results sheet");
    let header: Vec<String> = results
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(header.iter().any(|h| h.contains("型号")), "{header:?}");
    // Two computed rows below the header, numbers as numbers.
    assert_eq!(results.height(), 3);
    assert_eq!(results.get((2, 2)), Some(&Data::Float(3.0)));
    let errors = workbook
        .worksheet_range(&names[2])
        .expect("the errors sheet");
    let cells: Vec<String> = errors
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(cells[0], "3", "{cells:?}");
    assert_eq!(cells[1], "数量", "{cells:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_bad_default_is_refused_with_a_translated_message() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let response = export(&app, &form("csv", "-1"), "zh").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_spreadsheet_by_another_program_is_read_into_csv_rows() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let fixture = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/fixtures/fleet-zh.xlsx"),
    )
    .unwrap();
    let response = app
        .owner
        .post(app.url("/api/v1/batch/import"))
        .body(fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["sheet"], "矿机清单");
    let csv = body["csv"].as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "型号,数量,算力,功耗,价格,电价,衰减");
    assert_eq!(lines[1], "Antminer S21,8,200,3550,3200,0.08,0.4");
    // Row 4 of the sheet is blank and stays a (blank) line, so row numbers still match.
    assert_eq!(lines[5], "Antminer S19 Pro,ten,110,3250,2500,0.08,0.5");
    app.stop().await;
}

#[tokio::test]
async fn bytes_that_are_no_spreadsheet_get_422_with_a_code() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let response = app
        .owner
        .post(app.url("/api/v1/batch/import"))
        .body(b"\x89PNG\r\n\x1a\n not a spreadsheet".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_a_spreadsheet");
    app.stop().await;
}
