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
    let mut parts = package_parts(&worksheet_relationship("worksheets/sheet1.xml"));
    parts.push((
        "xl/worksheets/sheet1.xml".into(),
        sheet_xml(sheet_data).into_bytes(),
    ));
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(name, data)| (name.as_str(), data.as_slice()))
        .collect();
    zip_of(&parts)
}

fn sheet_xml(sheet_data: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData>{sheet_data}</sheetData></worksheet>"
    )
}

/// The relationship `rId1`, the one sheet of [`package_parts`], as a worksheet at `target`.
fn worksheet_relationship(target: &str) -> String {
    format!(
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" \
         Target=\"{target}\"/>"
    )
}

/// Every part of a one-sheet workbook but the sheet itself, the workbook's relationships
/// being `relationships` (which must define the sheet's `rId1`).
fn package_parts(relationships: &str) -> Vec<(String, Vec<u8>)> {
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
              <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
              <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
              <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
              <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
              </Types>",
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
              <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
              </Relationships>",
        ),
        (
            "xl/workbook.xml",
            "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
              xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
              <sheets><sheet name=\"Hand\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        ("xl/_rels/workbook.xml.rels", ""),
    ];
    parts
        .into_iter()
        .map(|(name, text)| {
            let text = if name == "xl/_rels/workbook.xml.rels" {
                format!(
                    "<?xml version=\"1.0\"?><Relationships \
                     xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                     {relationships}</Relationships>"
                )
            } else {
                text.to_owned()
            };
            (name.to_owned(), text.into_bytes())
        })
        .collect()
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

// Crafted archives: every part counted by the bytes it really inflates to, and sheets only
// where calamine should read them (issue #19).

/// One part of a ZIP written byte by byte, so its declared size and CRC can lie.
struct RawPart {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    crc: u32,
    /// The bytes as stored: the raw deflate stream when deflated.
    data: Vec<u8>,
    /// The inflated size the archive declares (local header and central directory alike).
    declared: u32,
}

impl RawPart {
    /// A stored part that tells the truth.
    fn honest(name: &str, data: &[u8]) -> Self {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        Self {
            name: name.into(),
            method: 0,
            crc: crc.sum(),
            data: data.to_vec(),
            declared: u32::try_from(data.len()).unwrap(),
        }
    }
}

/// An archive of `parts`, in order, duplicates and lies included.
fn raw_zip(parts: &[RawPart]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, value: u16) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, value: u32) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for part in parts {
        let offset = u32::try_from(out.len()).unwrap();
        let name = part.name.as_bytes();
        let name_len = u16::try_from(name.len()).unwrap();
        let stored = u32::try_from(part.data.len()).unwrap();
        // Version 2.0, no flags, 1980-01-01 00:00.
        let common = |out: &mut Vec<u8>| {
            u16le(out, 20);
            u16le(out, 0);
            u16le(out, part.method);
            u16le(out, 0);
            u16le(out, 0x21);
            u32le(out, part.crc);
            u32le(out, stored);
            u32le(out, part.declared);
            u16le(out, name_len);
            u16le(out, 0);
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(&part.data);

        central.extend_from_slice(b"PK\x01\x02");
        u16le(&mut central, 20); // made by
        common(&mut central);
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0); // external attributes
        u32le(&mut central, offset);
        central.extend_from_slice(name);
    }
    let central_start = u32::try_from(out.len()).unwrap();
    let central_len = u32::try_from(central.len()).unwrap();
    let count = u16::try_from(parts.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, central_len);
    u32le(&mut out, central_start);
    u16le(&mut out, 0);
    out
}

/// The honest skeleton of [`package_parts`] with `relationships`, then `more`.
fn raw_workbook(relationships: &str, more: Vec<RawPart>) -> Vec<u8> {
    let mut parts: Vec<RawPart> = package_parts(relationships)
        .iter()
        .map(|(name, data)| RawPart::honest(name, data))
        .collect();
    parts.extend(more);
    raw_zip(&parts)
}

/// A raw deflate stream of the worksheet XML of one inline string of `mib` MiB of `x`, built
/// without deflating it all: a MiB of `x` deflated once, ending in a sync flush so that the
/// block is byte-aligned and, after a MiB of `x`, inflates the same wherever it is repeated.
struct Bomb {
    stream: Vec<u8>,
    /// What the stream really inflates to.
    inflated: u64,
    /// The CRC of that, computed only for bombs of at most 16 MiB (else 0: slow in a debug
    /// build, and the attack needs none).
    crc: u32,
}

fn inline_string_bomb(mib: usize) -> Bomb {
    use flate2::{Compression, write::DeflateEncoder};
    assert!(mib >= 2);
    let head = sheet_xml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
    let head = head.split("</sheetData>").next().unwrap();
    let tail = "</t></is></c></row></sheetData></worksheet>";
    let filler = vec![b'x'; 1 << 20];
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(head.as_bytes()).unwrap();
    encoder.write_all(&filler).unwrap();
    encoder.flush().unwrap();
    let start = encoder.get_ref().len();
    encoder.write_all(&filler).unwrap();
    encoder.flush().unwrap();
    let end = encoder.get_ref().len();
    let block = encoder.get_ref()[start..end].to_vec();
    encoder.write_all(tail.as_bytes()).unwrap();
    let whole = encoder.finish().unwrap();
    let mut stream = whole[..end].to_vec();
    for _ in 2..mib {
        stream.extend_from_slice(&block);
    }
    stream.extend_from_slice(&whole[end..]);

    let mut crc = 0;
    if mib <= 16 {
        let mut hasher = flate2::Crc::new();
        hasher.update(head.as_bytes());
        for _ in 0..mib {
            hasher.update(&filler);
        }
        hasher.update(tail.as_bytes());
        crc = hasher.sum();
    }
    Bomb {
        stream,
        inflated: (head.len() + (mib << 20) + tail.len()) as u64,
        crc,
    }
}

/// A workbook whose one sheet, at `target`, is the deflated `bomb` declared `declared` bytes.
fn bomb_workbook(target: &str, bomb: &Bomb, declared: u32) -> Vec<u8> {
    raw_workbook(
        &worksheet_relationship(target),
        vec![RawPart {
            name: format!("xl/{target}"),
            method: 8,
            crc: bomb.crc,
            data: bomb.stream.clone(),
            declared,
        }],
    )
}

const ATTACK_LIMITS: ImportLimits = ImportLimits {
    max_inflated_bytes: 8 << 20,
    ..ImportLimits::BATCH
};

#[test]
fn the_inline_string_bomb_is_a_real_worksheet_when_small_and_honest() {
    // The construction the attack below relies on, at a size calamine may read.
    let bomb = inline_string_bomb(4);
    let declared = u32::try_from(bomb.inflated).unwrap();
    let bytes = bomb_workbook("worksheets/sheet1.xml", &bomb, declared);
    assert!(bytes.len() < 16 << 10, "{}", bytes.len());
    let sheet = xlsx_to_csv_with_limits(&bytes, &ATTACK_LIMITS).unwrap();
    assert_eq!(sheet.csv.len(), (4 << 20) + 2);
    assert!(sheet.csv.starts_with("xxxx") && sheet.csv.ends_with("x\r\n"));
}

#[test]
fn a_binary_worksheet_that_understates_its_size_is_refused_at_the_budget() {
    // The attack of issue #19: a ~1 MiB workbook whose worksheet, `xl/worksheets/sheet1.bin`
    // (not an .xml part, so the old guard trusted its size), declares 4,096 bytes and holds
    // one inline string of 1 GiB.
    let bomb = inline_string_bomb(1024);
    assert!(bomb.inflated > 1 << 30);
    let bytes = bomb_workbook("worksheets/sheet1.bin", &bomb, 4096);
    assert!(bytes.len() < 1100 << 10, "{}", bytes.len());
    // The part's CRC is wrong (0): a guard that inflated the whole GiB would reach its end
    // and fail on the checksum (a damaged archive). Refusing it as too large shows it stopped
    // at the budget, 8 MiB in, as its declared 4,096 bytes left room for.
    let result = xlsx_to_csv_with_limits(&bytes, &ATTACK_LIMITS);
    assert!(
        matches!(result, Err(SheetError::InflatedTooLarge { limit }) if limit == 8 << 20),
        "{result:?}"
    );
    // The batch calculator's own limits stop it at 200 MiB in the same way (not run here: a
    // debug build inflates too slowly); what matters is that the real bytes are counted.
}

#[test]
fn a_part_that_inflates_beyond_its_declared_size_is_refused_as_damaged() {
    // Within the budget, a worksheet declared 4,096 bytes that inflates to 4 MiB.
    let bomb = inline_string_bomb(4);
    let bytes = bomb_workbook("worksheets/sheet1.xml", &bomb, 4096);
    let result = xlsx_to_csv_with_limits(&bytes, &ATTACK_LIMITS);
    assert!(
        matches!(
            result,
            Err(SheetError::Zip(zip::result::ZipError::InvalidArchive(_)))
        ),
        "{result:?}"
    );

    // A part calamine never reads by that name: an image, stored, 64 KiB declared 100 bytes.
    let sheet = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    let image = vec![0x5A_u8; 64 << 10];
    let mut lying = RawPart::honest("xl/media/image1.png", &image);
    lying.declared = 100;
    let bytes = raw_workbook(
        &worksheet_relationship("worksheets/sheet1.xml"),
        vec![
            RawPart::honest("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            lying,
        ],
    );
    let result = xlsx_to_csv(&bytes);
    assert!(
        matches!(
            result,
            Err(SheetError::Zip(zip::result::ZipError::InvalidArchive(_)))
        ),
        "{result:?}"
    );

    // Told the truth, the same image is inflated, counted, and the workbook read.
    let bytes = raw_workbook(
        &worksheet_relationship("worksheets/sheet1.xml"),
        vec![
            RawPart::honest("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            RawPart::honest("xl/media/image1.png", &image),
        ],
    );
    assert_eq!(xlsx_to_csv(&bytes).unwrap().csv, "1\r\n");
    let limits = ImportLimits {
        max_inflated_bytes: 60 << 10,
        ..ImportLimits::BATCH
    };
    assert!(matches!(
        xlsx_to_csv_with_limits(&bytes, &limits),
        Err(SheetError::InflatedTooLarge { limit }) if limit == 60 << 10
    ));
}

/// The one-sheet workbook whose relationships are `relationships`, its sheet stored as
/// `part` (a valid worksheet that calamine would read).
fn workbook_with_sheet_at(relationships: &str, part: &str) -> Vec<u8> {
    let sheet = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>");
    raw_workbook(relationships, vec![RawPart::honest(part, sheet.as_bytes())])
}

#[test]
fn a_sheet_that_is_not_an_xml_part_inside_the_package_is_refused() {
    let refused = |relationships: &str, part: &str| {
        let result = xlsx_to_csv(&workbook_with_sheet_at(relationships, part));
        matches!(result, Err(SheetError::NotAWorkbook))
    };
    let worksheet = |target: &str| worksheet_relationship(target);
    // XLSB content in an .xlsx, even small and honest.
    assert!(refused(
        &worksheet("worksheets/sheet1.bin"),
        "xl/worksheets/sheet1.bin"
    ));
    assert!(refused(
        &worksheet("/xl/worksheets/sheet1.bin"),
        "xl/worksheets/sheet1.bin"
    ));
    assert!(refused(
        &worksheet("worksheets/sheet1"),
        "xl/worksheets/sheet1"
    ));
    // calamine calls a part a sheet by its folder, whatever the relationship's type.
    assert!(refused(
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" \
         Target=\"worksheets/sheet1.bin\"/>",
        "xl/worksheets/sheet1.bin"
    ));
    // Out of `xl/`, or paths another reader would resolve elsewhere.
    assert!(refused(
        &worksheet("worksheets/../sheet1.xml"),
        "xl/worksheets/../sheet1.xml"
    ));
    assert!(refused(
        &worksheet("../worksheets/sheet1.xml"),
        "xl/../worksheets/sheet1.xml"
    ));
    assert!(refused(
        &worksheet("/worksheets/sheet1.xml"),
        "xl//worksheets/sheet1.xml"
    ));
    assert!(refused(
        &worksheet("worksheets\\sheet1.xml"),
        "xl/worksheets\\sheet1.xml"
    ));
    assert!(refused(
        &worksheet("worksheets//sheet1.xml"),
        "xl/worksheets//sheet1.xml"
    ));
    assert!(refused(
        &worksheet("file:///etc/passwd"),
        "xl/worksheets/sheet1.xml"
    ));
    // A second relationship no <sheet> names is checked as well.
    assert!(refused(
        &format!(
            "{}<Relationship Id=\"rId9\" Type=\"x/worksheet\" Target=\"worksheets/sheet2.bin\"/>",
            worksheet("worksheets/sheet1.xml")
        ),
        "xl/worksheets/sheet1.xml"
    ));

    // What Excel and other writers do write is read.
    let read = |relationships: &str, part: &str| {
        xlsx_to_csv(&workbook_with_sheet_at(relationships, part)).map(|sheet| sheet.csv)
    };
    for (target, part) in [
        ("worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
        ("/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
        ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
        ("worksheets/Sheet1.XML", "xl/worksheets/Sheet1.XML"),
    ] {
        assert_eq!(read(&worksheet(target), part).unwrap(), "7\r\n", "{target}");
    }
    // An .xlsm's macros and Excel's custom XML point elsewhere, harmlessly.
    let xlsm = format!(
        "{}<Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" \
         Target=\"vbaProject.bin\"/>\
         <Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml\" \
         Target=\"../customXml/item1.xml\"/>",
        worksheet("worksheets/sheet1.xml")
    );
    assert_eq!(read(&xlsm, "xl/worksheets/sheet1.xml").unwrap(), "7\r\n");
}

#[test]
fn two_parts_of_one_name_are_refused() {
    let sheet = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>");
    let other = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>8</v></c></row>");
    let relationships = worksheet_relationship("worksheets/sheet1.xml");
    for twin in [
        "xl/worksheets/sheet1.xml",
        "XL/Worksheets/Sheet1.xml",
        "xl\\worksheets\\sheet1.xml",
    ] {
        let bytes = raw_workbook(
            &relationships,
            vec![
                RawPart::honest("xl/worksheets/sheet1.xml", sheet.as_bytes()),
                RawPart::honest(twin, other.as_bytes()),
            ],
        );
        let result = xlsx_to_csv(&bytes);
        assert!(
            matches!(
                result,
                Err(SheetError::Zip(zip::result::ZipError::InvalidArchive(_)))
            ),
            "{twin}: {result:?}"
        );
    }
    // The same parts once each are a workbook.
    let bytes = raw_workbook(
        &relationships,
        vec![RawPart::honest(
            "xl/worksheets/sheet1.xml",
            sheet.as_bytes(),
        )],
    );
    assert_eq!(xlsx_to_csv(&bytes).unwrap().csv, "7\r\n");
}
