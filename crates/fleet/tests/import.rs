//! The inventory import end to end: CSV and XLSX in, good rows and cell errors out.

// Test helpers outside #[test] fns may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::net::Ipv4Addr;

use fleet::MinerStatus;
use fleet::import::{
    Column, ImportError, ImportReport, ImportRow, ImportWarning, InventoryFile, MAX_ROWS,
    ModelCatalogue, Reason, RowError, import, import_with_progress,
};

fn catalogue() -> ModelCatalogue {
    ModelCatalogue::new(["Antminer S19 Pro", "Antminer S21", "Whatsminer M50S"])
}

fn csv(text: &str) -> ImportReport {
    import(InventoryFile::Csv(text.as_bytes()), &catalogue()).unwrap()
}

fn csv_error(text: &str) -> ImportError {
    import(InventoryFile::Csv(text.as_bytes()), &catalogue()).unwrap_err()
}

/// (row, column, reason, `first_row`) of every error.
fn errors(report: &ImportReport) -> Vec<(usize, Column, Reason, Option<usize>)> {
    report
        .errors
        .iter()
        .map(|e| (e.row, e.column, e.reason, e.first_row))
        .collect()
}

fn s21(row: usize, serial: &str, ip: [u8; 4]) -> ImportRow {
    ImportRow {
        row,
        model: "Antminer S21".into(),
        serial: serial.into(),
        ip: Ipv4Addr::from(ip),
        mac: None,
        rack: None,
        customer: None,
        status: None,
    }
}

#[test]
fn a_full_row_reads_into_typed_fields_with_the_catalogue_spelling() {
    let report = csv("model,serial,ip,mac,rack,customer,status\n\
         antminer s19 pro,SN-1,10.0.0.5,AA-BB-CC-DD-EE-01,R1-03,Acme Hosting,maintenance\n");
    assert_eq!(report.errors, vec![]);
    assert_eq!(report.total_rows, 1);
    assert_eq!(
        report.rows,
        vec![ImportRow {
            row: 2,
            model: "Antminer S19 Pro".into(),
            serial: "SN-1".into(),
            ip: Ipv4Addr::new(10, 0, 0, 5),
            mac: Some("aa:bb:cc:dd:ee:01".into()),
            rack: Some("R1-03".into()),
            customer: Some("Acme Hosting".into()),
            status: Some(MinerStatus::Maintenance),
        }]
    );
}

#[test]
fn chinese_headers_in_any_order_with_semicolons_a_bom_and_crlf_are_read() {
    let text = "\u{feff}状态;IP地址;序列号;型号;客户;机架;MAC地址\r\n\
                运行;10.0.0.9;X9;Antminer S21;客户甲;A-1;aabb.ccdd.ee09\r\n";
    let report = csv(text);
    assert_eq!(report.errors, vec![]);
    let row = &report.rows[0];
    assert_eq!(row.serial, "X9");
    assert_eq!(row.status, Some(MinerStatus::Active));
    assert_eq!(row.customer.as_deref(), Some("客户甲"));
    assert_eq!(row.mac.as_deref(), Some("aa:bb:cc:dd:ee:09"));
}

#[test]
fn tab_separated_rows_pasted_from_a_sheet_are_read() {
    let report = csv("Serial Number\tIP Address\tModel\nT1\t10.0.0.1\tAntminer S21\n");
    assert_eq!(report.rows, vec![s21(2, "T1", [10, 0, 0, 1])]);
}

#[test]
fn quoted_fields_keep_separators_and_quotes() {
    let report = csv("model,serial,ip,customer\n\
         Antminer S21,Q1,10.0.0.1,\"Smith, \"\"Big\"\" Mining\"\n");
    assert_eq!(
        report.rows[0].customer.as_deref(),
        Some("Smith, \"Big\" Mining")
    );
}

#[test]
fn blank_rows_are_skipped_but_keep_their_row_numbers() {
    let report = csv("model,serial,ip\n\nAntminer S21,B1,10.0.0.1\n,,\nAntminer S21,B2,10.0.0.2");
    assert_eq!(report.total_rows, 2);
    let rows: Vec<usize> = report.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![3, 5]);
}

#[test]
fn unknown_columns_are_a_warning_and_their_cells_are_ignored() {
    let report = csv("model,comment,serial,ip,备注\nAntminer S21,=evil(),U1,10.0.0.1,x\n");
    assert_eq!(report.rows.len(), 1);
    assert_eq!(
        report.warnings,
        vec![ImportWarning::UnknownColumns {
            headers: vec!["comment".into(), "备注".into()]
        }]
    );
}

#[test]
fn missing_required_columns_refuse_the_file_and_name_them() {
    match csv_error("型号,mac\nAntminer S21,aa:bb:cc:dd:ee:ff\n") {
        ImportError::MissingColumns { columns } => {
            assert_eq!(columns, vec![Column::Serial, Column::Ip]);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn two_headers_for_one_column_refuse_the_file() {
    let error = csv_error("model,sn,serial number,ip\n");
    assert_eq!(error.code(), "duplicate_column");
    assert!(matches!(
        error,
        ImportError::DuplicateColumn {
            column: Column::Serial,
            ..
        }
    ));
}

#[test]
fn empty_files_and_unterminated_quotes_and_non_utf8_are_refused() {
    assert!(matches!(csv_error("\n\r\n"), ImportError::NoHeader));
    assert_eq!(
        csv_error("model,serial,ip\n\"open,x,y\n").code(),
        "unterminated_quote"
    );
    let gbk = [0xD0_u8, 0xCD, 0xBA, 0xC5, b'\n'];
    let error = import(InventoryFile::Csv(&gbk), &catalogue()).unwrap_err();
    assert!(matches!(error, ImportError::NotUtf8));
}

#[test]
fn every_reason_is_reported_once_per_bad_cell_and_good_rows_still_import() {
    let long_serial = "S".repeat(65);
    let text = format!(
        "model,serial,ip,mac,rack,customer,status\n\
         Antminer S21,G1,10.0.0.1,,,,\n\
         ,,,,R9,,\n\
         Antminer S21,E3,10.0.0.300,zz:zz,,,\n\
         Antminer S21,{long_serial},10.0.0.4,,,,sleeping\n\
         Antminer S9,E5,10.0.0.5,,=HYPERLINK(\"x\"),@me,\n\
         Antminer S21,g1,10.0.0.1,,,,\n\
         Antminer S21,E7,10.0.0.7,,rack\u{1}7,,\n"
    );
    let report = csv(&text);
    assert_eq!(report.total_rows, 7);
    assert_eq!(report.rows, vec![s21(2, "G1", [10, 0, 0, 1])]);
    assert_eq!(
        errors(&report),
        vec![
            (3, Column::Model, Reason::MissingValue, None),
            (3, Column::Serial, Reason::MissingValue, None),
            (3, Column::Ip, Reason::MissingValue, None),
            (4, Column::Ip, Reason::InvalidIp, None),
            (4, Column::Mac, Reason::InvalidMac, None),
            (5, Column::Serial, Reason::TooLong, None),
            (5, Column::Status, Reason::UnknownStatus, None),
            (6, Column::Model, Reason::UnknownModel, None),
            (6, Column::Rack, Reason::FormulaOrControlChars, None),
            (6, Column::Customer, Reason::FormulaOrControlChars, None),
            (7, Column::Serial, Reason::DuplicateInFile, Some(2)),
            (7, Column::Ip, Reason::DuplicateInFile, Some(2)),
            (8, Column::Rack, Reason::FormulaOrControlChars, None),
        ]
    );
}

#[test]
fn a_repeated_mac_names_the_first_row_and_reported_values_are_truncated() {
    let long_model = "M".repeat(200);
    let text = format!(
        "model,serial,ip,mac\n\
         Antminer S21,M1,10.0.0.1,AA:BB:CC:DD:EE:FF\n\
         Antminer S21,M2,10.0.0.2,aabbccddeeff\n\
         {long_model},M3,10.0.0.3,\n"
    );
    let report = csv(&text);
    assert_eq!(
        report.errors[0],
        RowError {
            row: 3,
            column: Column::Mac,
            reason: Reason::DuplicateInFile,
            value: "aabbccddeeff".into(),
            first_row: Some(2),
        }
    );
    assert_eq!(report.errors[1].reason, Reason::TooLong);
    assert_eq!(report.errors[1].value.chars().count(), 60);
}

#[test]
fn reasons_and_columns_serialise_as_stable_snake_case_codes() {
    let json = serde_json::to_string(&RowError {
        row: 9,
        column: Column::Ip,
        reason: Reason::FormulaOrControlChars,
        value: String::new(),
        first_row: None,
    })
    .unwrap();
    assert!(json.contains(r#""column":"ip""#), "{json}");
    assert!(
        json.contains(r#""reason":"formula_or_control_chars""#),
        "{json}"
    );
    assert_eq!(Reason::DuplicateInFile.code(), "duplicate_in_file");
}

fn big_csv(rows: usize) -> String {
    let mut text = String::from("model,serial,ip,mac,rack\n");
    for index in 0..rows {
        let [_, a, b, c] = u32::try_from(index).unwrap().to_be_bytes();
        writeln!(
            text,
            "Antminer S21,SN{index:06},10.{a}.{b}.{c},02:00:00:{a:02x}:{b:02x}:{c:02x},R{}",
            index / 100
        )
        .unwrap();
    }
    text
}

#[test]
fn twenty_thousand_rows_import_with_progress_every_thousand() {
    let text = big_csv(MAX_ROWS);
    let mut calls = Vec::new();
    let report = import_with_progress(
        InventoryFile::Csv(text.as_bytes()),
        &catalogue(),
        |done, total| {
            calls.push((done, total));
        },
    )
    .unwrap();
    assert_eq!(report.errors, vec![]);
    assert_eq!(report.rows.len(), MAX_ROWS);
    assert_eq!(report.rows[MAX_ROWS - 1].row, MAX_ROWS + 1);
    assert_eq!(calls.len(), 20);
    assert_eq!(calls[0], (1_000, MAX_ROWS));
    assert_eq!(calls[19], (MAX_ROWS, MAX_ROWS));
}

#[test]
fn progress_ends_with_the_total_when_it_is_not_a_round_thousand() {
    let text = big_csv(2_500);
    let mut calls = Vec::new();
    import_with_progress(
        InventoryFile::Csv(text.as_bytes()),
        &catalogue(),
        |done, total| {
            calls.push((done, total));
        },
    )
    .unwrap();
    assert_eq!(calls, vec![(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
}

#[test]
fn one_row_beyond_the_limit_refuses_the_file() {
    let error = csv_error(&big_csv(MAX_ROWS + 1));
    assert_eq!(error.code(), "too_many_rows");
}

#[test]
fn files_over_ten_megabytes_are_refused_before_reading() {
    let mut text = String::from("model,serial,ip\n");
    text.push_str(&" ".repeat(10 * 1024 * 1024));
    assert!(matches!(csv_error(&text), ImportError::FileTooLarge { .. }));
}
