//! A site's inventory file over real HTTP on both engines: a CSV and an XLSX imported with
//! their progress and report (good rows stored as drafts, every bad cell named by row, column
//! and reason), the export read back, and every refusal leaving the inventory as it was.

use domain::access::Role;
use domain::fleet::import::{export_url, import_url};
use domain::fleet::{MinerStatus, NewCustomer, NewMiner};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, TestMember};
use crate::on_both_engines;

/// What an import answered: its events' `data`, in order, and the HTTP status.
struct Answer {
    status: StatusCode,
    content_type: String,
    events: Vec<Value>,
}

impl Answer {
    fn last(&self) -> &Value {
        self.events
            .last()
            .expect("the stream ended without an event")
    }

    fn report(&self) -> &Value {
        let last = self.last();
        assert_eq!(last["event"], "done", "{last}");
        &last["report"]
    }

    /// Each problem as `(row, column, reason)`.
    fn problems(&self) -> Vec<(u64, String, String)> {
        self.report()["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["row"].as_u64().unwrap(),
                    p["column"].as_str().unwrap().to_owned(),
                    p["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

async fn upload(client: &reqwest::Client, app: &TestApp, site_id: i64, file: Vec<u8>) -> Answer {
    let response = client
        .post(app.url(&import_url(site_id)))
        .header("content-type", "application/octet-stream")
        .body(file)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    let events = if content_type.starts_with("text/event-stream") {
        text.split("\n\n")
            .filter_map(|block| {
                let data: String = block
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                (!data.is_empty()).then(|| serde_json::from_str(&data).unwrap())
            })
            .collect()
    } else {
        Vec::new()
    };
    Answer {
        status,
        content_type,
        events,
    }
}

/// The site's serials with their approval, customer and MAC, by serial, read from the store.
async fn inventory(
    app: &TestApp,
    site_id: i64,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let query = domain::fleet::MinerQuery {
        site_id: Some(site_id),
        per_page: 500,
        ..domain::fleet::MinerQuery::default()
    };
    app.store
        .list_miners(&query, domain::clock::unix_now_ms())
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|row| {
            (
                row.miner.serial,
                row.miner.approval.as_str().to_owned(),
                row.customer_name,
                row.miner.mac,
            )
        })
        .collect()
}

struct Farm {
    app: TestApp,
    site_owner: TestMember,
    rockdale: i64,
    kazakh: i64,
}

async fn farm(backend: Backend) -> Option<Farm> {
    let app = TestApp::spawn(backend).await?;
    let now = domain::clock::unix_now_ms();
    let site_owner = app.member(Role::MiningSiteOwner).await;
    let customer = |name: &str| NewCustomer {
        name: name.into(),
        contact_email: None,
        user_id: None,
    };
    let (acme, steppe) = (customer("Acme Hosting"), customer("Steppe Mining"));
    let acme = app.store.create_customer(&acme, now).await.unwrap();
    let steppe = app.store.create_customer(&steppe, now).await.unwrap();
    let rockdale = app.create_site("Rockdale", Some(site_owner.user_id)).await;
    let kazakh = app.create_site("Kazakh", None).await;
    // Steppe Mining is hosted by someone else: Rockdale's owner may not name it.
    let elsewhere = app.create_site("Aktobe", None).await;
    let hosted_elsewhere = NewMiner {
        customer_id: Some(steppe.customer_id),
        asic_model_id: None,
        model_name: "Antminer S21".into(),
        serial: "AK-1".into(),
        ip: "10.3.0.1".into(),
        mac: None,
        rack: String::new(),
        status: MinerStatus::Active,
    };
    app.approved_miners(elsewhere, &[hosted_elsewhere], site_owner.user_id)
        .await;
    let stored = NewMiner {
        customer_id: Some(acme.customer_id),
        asic_model_id: None,
        model_name: "Antminer S21".into(),
        serial: "RD-OLD".into(),
        ip: "10.1.9.9".into(),
        mac: None,
        rack: String::new(),
        status: MinerStatus::Active,
    };
    app.approved_miners(rockdale, &[stored], site_owner.user_id)
        .await;
    Some(Farm {
        app,
        site_owner,
        rockdale,
        kazakh,
    })
}

/// Chinese headers, an unknown column, and one row for each way a row can fail (row 4 names a
/// customer that exists, but on another host's site).
const MIXED_CSV: &str = "\u{feff}型号,序列号,IP地址,MAC,机架位,客户,状态,备注\n\
    antminer s21,SN-1,10.1.0.1,AA-BB-CC-00-11-01,A1, acme hosting ,运行,first\n\
    Antminer S21,SN-2,10.1.0.300,,A2,,,bad ip\n\
    Antminer S21,SN-3,10.1.0.3,,A3,Steppe Mining,,another host's customer\n\
    Antminer S21,SN-1,10.1.0.4,,A4,,,repeats row 2\n\
    Antminer S21,SN-6,10.1.0.6,,\"B,1\",,维修,good\n\
    Antminer S21,RD-OLD,10.1.0.7,,A7,,,already stored\n\
    Antminer S21,SN-8,10.1.0.8,,=1+1,,,formula\n";

async fn a_file_imports_its_good_rows_and_names_every_bad_cell(backend: Backend) {
    let Some(Farm {
        app,
        site_owner,
        rockdale,
        ..
    }) = farm(backend).await
    else {
        return;
    };
    let answer = upload(&site_owner.client, &app, rockdale, MIXED_CSV.into()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type.starts_with("text/event-stream"));
    // Progress first: the rows checked, then the rows being stored, then the report.
    assert_eq!(answer.events[0]["event"], "checking");
    assert_eq!(answer.events[0]["done"], 7);
    assert_eq!(answer.events[0]["total"], 7);
    let storing = &answer.events[answer.events.len() - 2];
    assert_eq!(storing["event"], "storing");
    assert_eq!(storing["rows"], 3, "rows 2, 6 and 7 pass the file's checks");
    let report = answer.report();
    assert_eq!(report["total_rows"], 7);
    assert_eq!(report["imported"], 2);
    assert_eq!(report["refused_rows"], 5);
    assert_eq!(report["problem_count"], 5);
    assert_eq!(report["ignored_headers"], serde_json::json!(["备注"]));
    let expected = [
        (3, "ip", "invalid_ip"),
        (4, "customer", "unknown_customer"),
        (5, "serial", "duplicate_in_file"),
        (7, "serial", "already_stored"),
        (8, "rack", "formula_or_control_chars"),
    ]
    .map(|(row, column, reason)| (row, column.to_owned(), reason.to_owned()));
    assert_eq!(answer.problems(), expected);
    assert_eq!(report["problems"][2]["first_row"], 2);
    // The good rows are drafts, with the catalogue's model, the customer found by name and
    // the MAC in canonical form; the stored miner is untouched.
    assert_eq!(
        inventory(&app, rockdale).await,
        vec![
            (
                "RD-OLD".into(),
                "approved".into(),
                Some("Acme Hosting".into()),
                None
            ),
            (
                "SN-1".into(),
                "draft".into(),
                Some("Acme Hosting".into()),
                Some("aa:bb:cc:00:11:01".into()),
            ),
            ("SN-6".into(), "draft".into(), None, None),
        ]
    );

    // The export gives the inventory back in the import's own columns…
    let response = site_owner
        .client
        .get(app.url(&export_url(rockdale)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("hashinsight-site-{rockdale}-miners.csv"))
    );
    let exported = response.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(exported.clone()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "model,serial,ip,mac,rack,customer,status",
            "Antminer S21,RD-OLD,10.1.9.9,,,Acme Hosting,active",
            "Antminer S21,SN-1,10.1.0.1,aa:bb:cc:00:11:01,A1,Acme Hosting,active",
            "Antminer S21,SN-6,10.1.0.6,,\"B,1\",,maintenance",
        ]
    );
    // …and importing it again adds nothing: every miner is already there.
    let again = upload(&site_owner.client, &app, rockdale, exported).await;
    assert_eq!(again.report()["imported"], 0);
    assert_eq!(again.report()["refused_rows"], 3);
    assert!(
        again
            .problems()
            .iter()
            .all(|(_, _, reason)| reason == "already_stored")
    );
    assert_eq!(inventory(&app, rockdale).await.len(), 3);
    app.stop().await;
}

on_both_engines!(
    a_file_imports_its_good_rows_and_names_every_bad_cell_sqlite,
    a_file_imports_its_good_rows_and_names_every_bad_cell_postgres,
    a_file_imports_its_good_rows_and_names_every_bad_cell
);

fn workbook(rows: &[[&str; 4]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            sheet.write_string(r, c, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn a_workbook_imports_and_refusals_change_nothing(backend: Backend) {
    let Some(Farm {
        app,
        site_owner,
        rockdale,
        kazakh,
    }) = farm(backend).await
    else {
        return;
    };
    let book = workbook(&[
        ["Model", "Serial Number", "IP Address", "Rack Position"],
        ["Antminer S19j Pro", "XL-1", "10.2.0.1", "C1"],
        ["Antminer S19j Pro", "XL-2", "10.2.0.2", "C2"],
        ["No Such Miner", "XL-3", "10.2.0.3", "C3"],
    ]);
    let answer = app_upload_as_owner(&app, kazakh, book.clone()).await;
    assert_eq!(answer.report()["imported"], 2);
    assert_eq!(
        answer.problems(),
        [(4, "model".into(), "unknown_model".into())]
    );
    assert_eq!(inventory(&app, kazakh).await.len(), 2);

    // Refused requests: another owner's site, a reader, a client, a visitor, no site.
    let operator = app.member(Role::Operator).await;
    let client = app.member(Role::Client).await;
    let other = upload(&site_owner.client, &app, kazakh, book.clone()).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let export = site_owner
        .client
        .get(app.url(&export_url(kazakh)))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        upload(&operator.client, &app, rockdale, book.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let read = operator
        .client
        .get(app.url(&export_url(rockdale)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.status(),
        StatusCode::OK,
        "an operator may read the inventory"
    );
    assert_eq!(
        upload(&client.client, &app, rockdale, book.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let export = client
        .client
        .get(app.url(&export_url(rockdale)))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::FORBIDDEN);
    let visitor = reqwest::Client::new();
    assert_eq!(
        upload(&visitor, &app, rockdale, book.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let missing = app
        .owner
        .post(app.url(domain::fleet::import::MINER_IMPORT_PATH))
        .body(book)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    whole_files_are_refused(&app, &site_owner.client, rockdale).await;
    assert_eq!(inventory(&app, rockdale).await.len(), 1);
    assert_eq!(inventory(&app, kazakh).await.len(), 2);
    app.stop().await;
}

/// Whole files refused: a header without the IP column, text that is not UTF-8, a damaged
/// workbook. Each says why (and stores nothing, which the caller checks).
async fn whole_files_are_refused(app: &TestApp, client: &reqwest::Client, site_id: i64) {
    for (file, code, detail) in [
        (
            b"model,serial\nAntminer S21,Z-1\n".to_vec(),
            "missing_columns",
            Some("ip"),
        ),
        (
            b"model,serial,ip\n\xB2\xE2,Z-2,10.3.0.1\n".to_vec(),
            "not_utf8",
            None,
        ),
        (
            b"PK\x03\x04 not a zip".to_vec(),
            "unreadable_workbook",
            None,
        ),
    ] {
        let answer = upload(client, app, site_id, file).await;
        assert_eq!(answer.last()["event"], "refused", "{code}");
        assert_eq!(answer.last()["code"], code);
        if let Some(detail) = detail {
            assert_eq!(answer.last()["detail"], detail);
        }
    }
}

async fn app_upload_as_owner(app: &TestApp, site_id: i64, file: Vec<u8>) -> Answer {
    upload(&app.owner, app, site_id, file).await
}

on_both_engines!(
    a_workbook_imports_and_refusals_change_nothing_sqlite,
    a_workbook_imports_and_refusals_change_nothing_postgres,
    a_workbook_imports_and_refusals_change_nothing
);
