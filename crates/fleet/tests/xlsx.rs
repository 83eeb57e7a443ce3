//! The inventory import reading Excel workbooks.

// Test helpers outside #[test] fns may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use fleet::import::{
    Column, ImportError, ImportWarning, InventoryFile, MAX_ROWS, ModelCatalogue, Reason, import,
};
use rust_xlsxwriter::{Formula, Workbook};

fn catalogue() -> ModelCatalogue {
    ModelCatalogue::new(["Antminer S21"])
}

#[test]
fn a_workbook_reads_like_its_csv_with_the_sheets_row_numbers() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Header on spreadsheet row 2, data from column B: the report must use the sheet's rows.
    for (col, header) in ["型号", "序列号", "IP地址", "MAC地址", "状态"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(1, u16::try_from(col + 1).unwrap(), *header)
            .unwrap();
    }
    sheet.write_string(2, 1, "Antminer S21").unwrap();
    sheet.write_number(2, 2, 123_456).unwrap(); // a serial Excel stored as a number
    sheet.write_string(2, 3, "10.1.0.1").unwrap();
    sheet.write_string(2, 4, "AA-BB-CC-DD-EE-FF").unwrap();
    sheet.write_string(2, 5, "维修").unwrap();
    // Row 4 left blank; row 5 has a bad IP and an Excel error in the MAC.
    sheet.write_string(4, 1, "Antminer S21").unwrap();
    sheet.write_string(4, 2, "X2").unwrap();
    sheet.write_string(4, 3, "10.1.0").unwrap();
    sheet
        .write_formula(4, 4, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let file = InventoryFile::detect(&bytes);
    assert!(matches!(file, InventoryFile::Xlsx(_)));
    let report = import(file, &catalogue()).unwrap();
    assert_eq!(report.total_rows, 2);
    assert_eq!(report.rows.len(), 1);
    let row = &report.rows[0];
    assert_eq!((row.row, row.serial.as_str()), (3, "123456"));
    assert_eq!(row.mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
    assert_eq!(row.status, Some(fleet::MinerStatus::Maintenance));
    let errors: Vec<(usize, Column, Reason)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.column, e.reason))
        .collect();
    assert_eq!(errors, vec![(5, Column::Ip, Reason::InvalidIp)]);
    assert_eq!(
        report.warnings,
        vec![ImportWarning::ExcelErrorCells { count: 1 }]
    );
}

fn workbook_with_rows(rows: usize) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in ["model", "serial", "ip"].iter().enumerate() {
        sheet
            .write_string(0, u16::try_from(col).unwrap(), *header)
            .unwrap();
    }
    for index in 0..rows {
        let row = u32::try_from(index + 1).unwrap();
        let [_, a, b, c] = u32::try_from(index).unwrap().to_be_bytes();
        sheet.write_string(row, 0, "Antminer S21").unwrap();
        sheet.write_string(row, 1, format!("SN{index}")).unwrap();
        sheet
            .write_string(row, 2, format!("10.{a}.{b}.{c}"))
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_twenty_thousand_row_workbook_imports_whole() {
    let bytes = workbook_with_rows(MAX_ROWS);
    let report = import(InventoryFile::Xlsx(&bytes), &catalogue()).unwrap();
    assert_eq!(report.errors, vec![]);
    assert_eq!(report.rows.len(), MAX_ROWS);
}

#[test]
fn a_workbook_beyond_the_row_limit_is_refused() {
    let bytes = workbook_with_rows(MAX_ROWS + 1);
    let error = import(InventoryFile::Xlsx(&bytes), &catalogue()).unwrap_err();
    assert!(matches!(
        error,
        ImportError::TooManyRows { limit: MAX_ROWS }
    ));
}

#[test]
fn a_file_that_is_no_workbook_is_refused_as_such() {
    let error = import(InventoryFile::Xlsx(b"model,serial,ip\n"), &catalogue()).unwrap_err();
    assert_eq!(error.code(), "unreadable_workbook");
}
