//! `xlsx_to_csv` on workbooks written by `rust_xlsxwriter` (an independent writer: the reader
//! is calamine), and the batch engine on the CSV it gives.

// In tests a panic is the failure report, helpers included.
#![allow(clippy::unwrap_used)]
// Exact comparisons are the point: values must survive the trip unchanged.
#![allow(clippy::float_cmp)]

mod common;

use std::io::{Cursor, Write as _};

use common::run;
use mining::batch::{BatchColumn, MAX_BATCH_ROWS, RowErrorCode};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use sheets::{ErrorCell, ImportLimits, SheetError, xlsx_to_csv, xlsx_to_csv_with_limits};

fn workbook_bytes(sheets: Vec<Worksheet>) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for sheet in sheets {
        workbook.push_worksheet(sheet);
    }
    workbook.save_to_buffer().unwrap()
}

fn sheet(name: &str) -> Worksheet {
    let mut sheet = Worksheet::new();
    sheet.set_name(name).unwrap();
    sheet
}

/// A farm's sheet as a user might keep it: Chinese and English headers, an extra column of
/// notes with commas and quotes, a date column, a blank row, an error cell, and formatting
/// left on cells beyond the data.
fn inventory_sheet() -> Worksheet {
    let mut ws = sheet("库存");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let headers = [
        "型号",
        "数量",
        "hashrate_ths",
        "power_w",
        "price_usd",
        "electricity_usd_kwh",
        "notes",
        "purchased",
        "difficulty",
    ];
    for (col, header) in (0..).zip(headers) {
        ws.write_string(0, col, header).unwrap();
    }
    ws.write_string(1, 0, "S21").unwrap();
    ws.write_number(1, 1, 2).unwrap();
    ws.write_number(1, 4, 3200).unwrap();
    ws.write_number(1, 5, 0.08).unwrap();
    ws.write_string(1, 6, "batch A, \"hydro\"").unwrap();
    let march = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    ws.write_datetime_with_format(1, 7, &march, &date).unwrap();
    ws.write_number(1, 8, 126_411_437_451_912.0).unwrap();
    // Row 3 is left blank.
    ws.write_string(3, 0, "S19 Pro").unwrap();
    ws.write_number(3, 1, 3).unwrap();
    ws.write_number(3, 2, 104).unwrap();
    ws.write_number(3, 3, 3250).unwrap();
    ws.write_number(3, 4, 2500.5).unwrap();
    ws.write_string(4, 0, "Mystery").unwrap();
    ws.write_number(4, 1, 1).unwrap();
    ws.write_formula(4, 2, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_number(4, 3, 3000).unwrap();
    ws.write_boolean(4, 6, true).unwrap();
    ws.write_string(5, 0, "T19").unwrap();
    ws.write_number(5, 1, 1.5).unwrap();
    ws.write_string(5, 2, "").unwrap();
    // Formatted but empty cells after the data: neither rows nor columns.
    ws.write_blank(9, 0, &date).unwrap();
    ws.write_blank(2, 12, &date).unwrap();
    ws
}

const INVENTORY_CSV: &str = "型号,数量,hashrate_ths,power_w,price_usd,electricity_usd_kwh,notes,purchased,difficulty\r\n\
    S21,2,,,3200,0.08,\"batch A, \"\"hydro\"\"\",2024-03-01,126411437451912\r\n\
    \r\n\
    S19 Pro,3,104,3250,2500.5,,,,\r\n\
    Mystery,1,,3000,,,true,,\r\n\
    T19,1.5,,,,,,,\r\n";

#[test]
fn a_sheet_becomes_the_exact_csv_with_spreadsheet_row_numbers() {
    let bytes = workbook_bytes(vec![inventory_sheet()]);
    let sheet = xlsx_to_csv(&bytes).unwrap();
    assert_eq!(sheet.csv, INVENTORY_CSV);
    assert_eq!(sheet.sheet_name, "库存");
    assert_eq!((sheet.rows, sheet.columns), (6, 9));
    assert_eq!(sheet.first_column, "A");
    assert_eq!(sheet.error_cell_count, 1);
    assert_eq!(
        sheet.error_cells,
        vec![ErrorCell {
            row: 5,
            column: "C".into(),
            error: "#DIV/0!".into(),
        }]
    );
}

#[test]
fn the_batch_reads_the_csv_and_reports_spreadsheet_rows() {
    let bytes = workbook_bytes(vec![inventory_sheet()]);
    let report = run(&xlsx_to_csv(&bytes).unwrap().csv);
    let rows: Vec<u32> = report.results.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![2, 4]);
    let s21 = &report.results[0];
    assert_eq!((s21.model.as_str(), s21.quantity), ("S21", 2));
    assert_eq!(s21.electricity_usd_per_kwh, 0.08);
    assert_eq!(s21.price_usd, 3200.0);
    let s19 = &report.results[1];
    assert_eq!(
        (s19.hashrate_ths, s19.power_w, s19.price_usd),
        (104.0, 3250.0, 2500.5)
    );
    let errors: Vec<(u32, BatchColumn, RowErrorCode)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.column, e.code))
        .collect();
    assert_eq!(
        errors,
        vec![
            // The #DIV/0! hashrate reads as empty, so the model is looked up and not found.
            (5, BatchColumn::Model, RowErrorCode::UnknownModel),
            (6, BatchColumn::Quantity, RowErrorCode::NotAWholeNumber),
        ]
    );
}

#[test]
fn leading_blank_rows_are_kept_and_leading_blank_columns_dropped() {
    let mut ws = sheet("Sheet1");
    ws.write_string(2, 1, "model").unwrap();
    ws.write_string(2, 2, "quantity").unwrap();
    ws.write_string(3, 1, "S21").unwrap();
    ws.write_number(3, 2, 0).unwrap();
    let sheet = xlsx_to_csv(&workbook_bytes(vec![ws])).unwrap();
    assert_eq!(sheet.csv, "\r\n\r\nmodel,quantity\r\nS21,0\r\n");
    assert_eq!((sheet.rows, sheet.columns), (4, 2));
    assert_eq!(sheet.first_column, "B");
    let report = run(&sheet.csv);
    assert_eq!(
        report.errors[0].row, 4,
        "the header is row 3, as in the sheet"
    );
}

#[test]
fn the_first_visible_sheet_with_data_is_read() {
    let empty = sheet("Empty");
    let mut hidden = sheet("Hidden");
    hidden.write_string(0, 0, "secret").unwrap();
    hidden.set_hidden(true);
    let mut data = sheet("Data");
    data.write_string(0, 0, "model").unwrap();
    let sheet = xlsx_to_csv(&workbook_bytes(vec![empty, hidden, data])).unwrap();
    assert_eq!(sheet.sheet_name, "Data");
    assert_eq!(sheet.csv, "model\r\n");
}

#[test]
fn a_workbook_without_data_is_refused() {
    let result = xlsx_to_csv(&workbook_bytes(vec![sheet("Sheet1")]));
    assert!(matches!(result, Err(SheetError::NoData)), "{result:?}");
}

#[test]
fn numbers_keep_their_value_and_lose_their_noise() {
    let mut ws = sheet("Sheet1");
    let values = [
        3250.0,
        0.08,
        1e14,
        126_411_437_451_912.0,
        0.1 + 0.2,
        -2.5,
        1e-7,
    ];
    for (row, value) in (0..).zip(values) {
        ws.write_number(row, 0, value).unwrap();
    }
    let sheet = xlsx_to_csv(&workbook_bytes(vec![ws])).unwrap();
    let lines: Vec<&str> = sheet.csv.lines().collect();
    assert_eq!(
        lines,
        [
            "3250",
            "0.08",
            "100000000000000",
            "126411437451912",
            "0.3",
            "-2.5",
            "1e-7"
        ]
    );
    for (line, value) in lines.iter().zip(values) {
        if value != 0.1 + 0.2 {
            assert_eq!(line.parse::<f64>().ok(), Some(value));
        }
    }
}

#[test]
fn dates_times_and_booleans_are_written_as_text() {
    let mut ws = sheet("Sheet1");
    let datetime = ExcelDateTime::from_ymd(2025, 12, 31)
        .unwrap()
        .and_hms(23, 59, 30)
        .unwrap();
    let time = ExcelDateTime::from_hms(8, 30, 0).unwrap();
    ws.write_datetime_with_format(
        0,
        0,
        &datetime,
        &Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
    )
    .unwrap();
    ws.write_datetime_with_format(1, 0, &time, &Format::new().set_num_format("hh:mm"))
        .unwrap();
    ws.write_boolean(2, 0, false).unwrap();
    let sheet = xlsx_to_csv(&workbook_bytes(vec![ws])).unwrap();
    assert_eq!(sheet.csv, "2025-12-31T23:59:30\r\n08:30:00\r\nfalse\r\n");
}

#[test]
fn text_that_looks_like_csv_is_quoted_and_reads_back() {
    let texts = [
        "a,b",
        "say \"hi\"",
        "two\nlines",
        "  spaced  ",
        "=1+1",
        "中文，逗号",
    ];
    let mut ws = sheet("Sheet1");
    for (col, text) in (0..).zip(texts) {
        ws.write_string(0, col, text).unwrap();
    }
    let sheet = xlsx_to_csv(&workbook_bytes(vec![ws])).unwrap();
    let records = mining::csv::parse(&sheet.csv).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].fields,
        texts.map(std::borrow::Cow::Borrowed).to_vec()
    );
}

#[test]
fn files_that_are_not_xlsx_are_refused_by_kind() {
    let not_a_workbook = |bytes: &[u8]| matches!(xlsx_to_csv(bytes), Err(SheetError::NotAWorkbook));
    assert!(not_a_workbook(b"model,quantity\nS21,1\n"));
    assert!(not_a_workbook(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    assert!(not_a_workbook(b""));
    assert!(not_a_workbook(b"PK\x03\x04 truncated"));
    // A ZIP that is not a workbook, e.g. a zipped CSV.
    assert!(not_a_workbook(&zip_of(&[("data.csv", b"model\nS21\n")])));
    assert!(matches!(
        xlsx_to_csv(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
        Err(SheetError::LegacyOrEncrypted)
    ));
    let ods = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    assert!(matches!(xlsx_to_csv(&ods), Err(SheetError::OpenDocument)));
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn an_oversized_file_is_refused_before_it_is_opened() {
    let limit = ImportLimits::BATCH.max_file_bytes;
    let bytes = vec![0_u8; limit + 1];
    assert!(matches!(
        xlsx_to_csv(&bytes),
        Err(SheetError::FileTooLarge { bytes, limit: l }) if bytes == limit + 1 && l == limit
    ));
}

#[test]
fn one_row_more_than_the_batch_allows_is_refused() {
    // A header and one cell a row too far: cheap to build, and read without filling the gap.
    let last_allowed = u32::try_from(MAX_BATCH_ROWS).unwrap(); // 0-based: row MAX + 1
    let mut ws = sheet("Sheet1");
    ws.write_string(0, 0, "model").unwrap();
    ws.write_string(last_allowed + 1, 0, "S21").unwrap();
    let result = xlsx_to_csv(&workbook_bytes(vec![ws]));
    assert!(
        matches!(result, Err(SheetError::TooManyRows { limit }) if limit == MAX_BATCH_ROWS + 1),
        "{result:?}"
    );

    let mut ws = sheet("Sheet1");
    ws.write_string(0, 0, "model").unwrap();
    ws.write_string(last_allowed, 0, "S21").unwrap();
    let sheet = xlsx_to_csv(&workbook_bytes(vec![ws])).unwrap();
    assert_eq!(sheet.rows, MAX_BATCH_ROWS + 1);
    let report = run(&sheet.csv);
    assert_eq!(report.results[0].row, last_allowed + 1);
}

#[test]
fn too_many_columns_or_too_much_text_is_refused() {
    let mut ws = sheet("Sheet1");
    ws.write_string(0, 3, "a").unwrap();
    ws.write_string(0, 3 + 256, "b").unwrap();
    let bytes = workbook_bytes(vec![ws]);
    assert!(matches!(
        xlsx_to_csv(&bytes),
        Err(SheetError::TooManyColumns { limit: 256 })
    ));

    // One long text repeated: small as XLSX (a shared string), large as CSV.
    let mut ws = sheet("Sheet1");
    let long = "x".repeat(1000);
    for row in 0..100 {
        ws.write_string(row, 0, &long).unwrap();
    }
    let bytes = workbook_bytes(vec![ws]);
    let limits = ImportLimits {
        max_csv_bytes: 50_000,
        ..ImportLimits::BATCH
    };
    assert!(matches!(
        xlsx_to_csv_with_limits(&bytes, &limits),
        Err(SheetError::TextTooLarge { limit: 50_000 })
    ));
    assert!(xlsx_to_csv(&bytes).is_ok());
}

#[test]
fn parts_that_inflate_beyond_the_limit_are_refused() {
    let bytes = workbook_bytes(vec![inventory_sheet()]);
    let limits = ImportLimits {
        max_inflated_bytes: 4096,
        ..ImportLimits::BATCH
    };
    assert!(matches!(
        xlsx_to_csv_with_limits(&bytes, &limits),
        Err(SheetError::InflatedTooLarge { limit: 4096 })
    ));
}

/// A bare archive with a workbook part and `spaces` MiB of shared strings that deflate to
/// about a thousandth of that.
fn zip_bomb(spaces_mib: usize) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("xl/workbook.xml", options).unwrap();
    writer.write_all(b"<workbook/>").unwrap();
    writer.start_file("xl/sharedStrings.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..spaces_mib {
        writer.write_all(&chunk).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Small limits keep the bombs cheap to build in a debug test; the check is the same at
/// 200 MiB.
const BOMB_LIMITS: ImportLimits = ImportLimits {
    max_inflated_bytes: 1 << 20,
    ..ImportLimits::BATCH
};

#[test]
fn a_zip_bomb_is_refused_by_its_declared_size() {
    let bytes = zip_bomb(8);
    assert!(bytes.len() < 64 << 10, "{}", bytes.len());
    let result = xlsx_to_csv_with_limits(&bytes, &BOMB_LIMITS);
    assert!(
        matches!(result, Err(SheetError::InflatedTooLarge { limit }) if limit == 1 << 20),
        "{result:?}"
    );
}

#[test]
fn a_zip_bomb_that_understates_its_size_is_refused_while_inflating() {
    let mut bytes = zip_bomb(8);
    // Declare every part 11 bytes long, in the central directory (what the size check reads)
    // and in the local headers.
    let patch = |bytes: &mut Vec<u8>, signature: &[u8], offset: usize| {
        let starts: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == signature)
            .map(|(i, _)| i)
            .collect();
        for start in starts {
            bytes[start + offset..start + offset + 4].copy_from_slice(&11_u32.to_le_bytes());
        }
    };
    patch(&mut bytes, b"PK\x01\x02", 24);
    patch(&mut bytes, b"PK\x03\x04", 22);
    let result = xlsx_to_csv_with_limits(&bytes, &BOMB_LIMITS);
    assert!(
        matches!(result, Err(SheetError::InflatedTooLarge { .. })),
        "{result:?}"
    );
}

/// A workbook written by hand, as a minimal third-party writer might: inline strings, no
/// styles or shared strings, rows out of order, a cell without a reference, and a cached
/// formula error.
fn handwritten_xlsx(sheet_data: &str) -> Vec<u8> {
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData>{sheet_data}</sheetData></worksheet>"
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
              <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
              <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
              <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
              <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
              </Types>",
        ),
        (
            "_rels/.rels",
            b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
              <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
              </Relationships>",
        ),
        (
            "xl/workbook.xml",
            b"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
              xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
              <sheets><sheet name=\"Hand\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
              <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
              </Relationships>",
        ),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

#[test]
fn a_handwritten_workbook_with_rows_out_of_order_is_read_in_sheet_order() {
    let bytes = handwritten_xlsx(
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>S21</t></is></c>\
         <c r=\"B3\"><v>2</v></c><c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>model</t></is></c>\
         <c r=\"B1\" t=\"inlineStr\"><is><t>quantity</t></is></c>\
         <c r=\"C1\" t=\"inlineStr\"><is><t>price_usd</t></is></c></row>",
    );
    let sheet = xlsx_to_csv(&bytes).unwrap();
    assert_eq!(sheet.sheet_name, "Hand");
    assert_eq!(sheet.csv, "model,quantity,price_usd\r\n\r\nS21,2,\r\n");
    assert_eq!(
        sheet.error_cells,
        vec![ErrorCell {
            row: 3,
            column: "C".into(),
            error: "#DIV/0!".into(),
        }]
    );
    let report = run(&sheet.csv);
    assert_eq!(report.results[0].row, 3);
}

#[test]
fn an_inventory_can_set_its_own_row_limit() {
    let mut ws = sheet("Sheet1");
    ws.write_string(0, 0, "model").unwrap();
    ws.write_string(20_001, 0, "S21").unwrap();
    let bytes = workbook_bytes(vec![ws]);
    let inventory = ImportLimits {
        max_rows: 20_001,
        ..ImportLimits::BATCH
    };
    assert!(matches!(
        xlsx_to_csv_with_limits(&bytes, &inventory),
        Err(SheetError::TooManyRows { limit: 20_001 })
    ));
    assert_eq!(xlsx_to_csv(&bytes).unwrap().rows, 20_002);
}

#[test]
fn too_many_cells_are_refused_and_error_cells_listed_up_to_a_cap() {
    let mut ws = sheet("Sheet1");
    for row in 0..60 {
        for col in 0..20 {
            ws.write_formula(row, col, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
        }
    }
    let bytes = workbook_bytes(vec![ws]);
    let limits = ImportLimits {
        max_cells: 1_199,
        ..ImportLimits::BATCH
    };
    assert!(matches!(
        xlsx_to_csv_with_limits(&bytes, &limits),
        Err(SheetError::TooManyCells { limit: 1_199 })
    ));
    let sheet = xlsx_to_csv(&bytes).unwrap();
    assert_eq!(sheet.error_cell_count, 1_200);
    assert_eq!(sheet.error_cells.len(), sheets::MAX_ERROR_CELLS);
    let last = sheet.error_cells.last().unwrap();
    assert_eq!((last.row, last.column.as_str()), (50, "T"));
    assert!(sheet.csv.starts_with(",,,,,,,,,,,,,,,,,,,\r\n"));
}
