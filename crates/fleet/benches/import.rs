//! Parse and validate a 20,000-row inventory from CSV and from XLSX.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fleet::import::{InventoryFile, MAX_ROWS, ModelCatalogue, import};
use rust_xlsxwriter::Workbook;

const MODELS: [&str; 4] = [
    "Antminer S19 Pro",
    "Antminer S21",
    "Whatsminer M50S",
    "Avalon A1466",
];

/// One row of a realistic inventory: every column filled, models and customers varied.
fn cells(index: usize) -> [String; 7] {
    let [_, a, b, c] = u32::try_from(index).unwrap_or(0).to_be_bytes();
    [
        MODELS[index % MODELS.len()].to_owned(),
        format!("ZXB{index:08}"),
        format!("10.{a}.{b}.{c}"),
        format!("02:00:00:{a:02X}:{b:02X}:{c:02X}"),
        format!("R{:03}-{:02}", index / 40, index % 40),
        format!("Customer {}", index % 57),
        "active".to_owned(),
    ]
}

const HEADERS: [&str; 7] = [
    "型号",
    "序列号",
    "IP地址",
    "MAC地址",
    "机架",
    "客户",
    "状态",
];

fn csv_file() -> Vec<u8> {
    let mut text = HEADERS.join(",");
    text.push_str("\r\n");
    for index in 0..MAX_ROWS {
        text.push_str(&cells(index).join(","));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

fn xlsx_file() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in (0_u16..).zip(HEADERS) {
        sheet.write_string(0, col, header).expect("header");
    }
    for (row, index) in (1_u32..).zip(0..MAX_ROWS) {
        for (col, cell) in (0_u16..).zip(cells(index)) {
            sheet.write_string(row, col, cell).expect("cell");
        }
    }
    workbook.save_to_buffer().expect("workbook")
}

fn bench(c: &mut Criterion) {
    let catalogue = ModelCatalogue::new(MODELS);
    let csv = csv_file();
    let xlsx = xlsx_file();
    let mut group = c.benchmark_group("import_20000_rows");
    group.sample_size(20);
    group.bench_function("csv", |b| {
        b.iter(|| import(InventoryFile::Csv(black_box(&csv)), &catalogue).map(|r| r.rows.len()));
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| import(InventoryFile::Xlsx(black_box(&xlsx)), &catalogue).map(|r| r.rows.len()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
