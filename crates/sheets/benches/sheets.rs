//! Timing of a 5,000-row farm sheet both ways: read as CSV (and computed, the product goal
//! being results on screen within 100 ms of the file being read) and a 5,000-row report
//! written as XLSX.
//!
//! Run with `cargo bench -p sheets --bench sheets`.

// A bench is a test harness: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::Cursor;
use std::time::Duration;

use calamine::{DataType as _, Reader, Xlsx};
use criterion::{Criterion, criterion_group, criterion_main};
use mining::batch::{BatchDefaults, BatchReport, calculate_batch_csv};
use rust_xlsxwriter::{Workbook, Worksheet};
use sheets::{BatchLabels, batch_report_xlsx, xlsx_to_csv};

const ROWS: u32 = 5_000;

fn defaults() -> BatchDefaults {
    BatchDefaults {
        btc_price_usd: 80_000.0,
        difficulty: 119.12e12,
        subsidy_btc: 3.125,
        fees_per_block_btc: 0.04,
        pool_fee_pct: 2.0,
        electricity_usd_per_kwh: 0.05,
        months: 36,
        difficulty_growth_pct_per_retarget: 1.5,
        start_height: 925_000,
    }
}

fn catalogue(model: &str) -> Option<(f64, f64)> {
    match model {
        "S19 Pro" => Some((110e12, 3250.0)),
        "S21" => Some((200e12, 3500.0)),
        "M50S" => Some((126e12, 3276.0)),
        _ => None,
    }
}

/// A farm inventory: every column the batch reads plus a note, with the catalogue filling
/// hashrate and power on a third of the rows, as a real sheet mixes both.
fn farm_xlsx() -> Vec<u8> {
    let mut sheet = Worksheet::new();
    let headers = [
        "model",
        "quantity",
        "hashrate_ths",
        "power_w",
        "price_usd",
        "electricity_usd_kwh",
        "decay_pct_month",
        "notes",
    ];
    for (col, header) in (0..).zip(headers) {
        sheet.write_string(0, col, header).unwrap();
    }
    let models = ["S19 Pro", "S21", "M50S"];
    for row in 1..=ROWS {
        let i = f64::from(row);
        sheet
            .write_string(row, 0, models[row as usize % 3])
            .unwrap();
        sheet.write_number(row, 1, f64::from(1 + row % 20)).unwrap();
        if row % 3 != 0 {
            sheet.write_number(row, 2, 100.0 + i % 50.0).unwrap();
            sheet.write_number(row, 3, 3000.0 + i % 500.0).unwrap();
        }
        sheet.write_number(row, 4, 1500.0 + i % 2000.0).unwrap();
        sheet
            .write_number(row, 5, 0.03 + (i % 7.0) * 0.005)
            .unwrap();
        sheet.write_number(row, 6, (i % 4.0) * 0.5).unwrap();
        sheet
            .write_string(row, 7, format!("rack {}, slot {}", row / 40, row % 40))
            .unwrap();
    }
    let mut workbook = Workbook::new();
    workbook.push_worksheet(sheet);
    workbook.save_to_buffer().unwrap()
}

fn report(csv: &str) -> BatchReport {
    let report = calculate_batch_csv(csv, &defaults(), &catalogue).unwrap();
    assert_eq!(report.results.len(), ROWS as usize);
    report
}

fn benches(c: &mut Criterion) {
    let xlsx = farm_xlsx();
    let csv = xlsx_to_csv(&xlsx).unwrap().csv;
    let report = report(&csv);
    let labels = BatchLabels::english();

    c.bench_function("xlsx_to_csv 5000 rows", |b| {
        b.iter(|| xlsx_to_csv(black_box(&xlsx)).unwrap());
    });
    c.bench_function("xlsx_to_csv + calculate_batch_csv 5000 rows", |b| {
        b.iter(|| {
            let sheet = xlsx_to_csv(black_box(&xlsx)).unwrap();
            calculate_batch_csv(&sheet.csv, &defaults(), &catalogue).unwrap()
        });
    });
    // calamine alone, to see what the guard and the CSV writing add to its own parsing.
    c.bench_function("calamine cells only 5000 rows", |b| {
        b.iter(|| {
            let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(black_box(&xlsx[..]))).unwrap();
            let mut reader = workbook.worksheet_cells_reader("Sheet1").unwrap();
            let mut cells = 0_usize;
            while let Some(cell) = reader.next_cell().unwrap() {
                cells += usize::from(!cell.get_value().is_empty());
            }
            cells
        });
    });
    c.bench_function("batch_report_xlsx 5000 rows", |b| {
        b.iter(|| batch_report_xlsx(black_box(&report), &labels).unwrap());
    });
}

criterion_group! {
    name = sheets;
    // Two shared cores: short runs, as in the mining crate's benches.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(sheets);
