//! Shared by the integration tests: the batch's market assumptions and a small catalogue.

#![allow(dead_code)] // each test binary uses its own part
#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::io::{Cursor, Read};

use mining::batch::{BatchDefaults, BatchReport, calculate_batch_csv};

pub fn defaults() -> BatchDefaults {
    BatchDefaults {
        btc_price_usd: 80_000.0,
        difficulty: 119.12e12,
        subsidy_btc: 3.125,
        fees_per_block_btc: 0.0,
        pool_fee_pct: 0.0,
        electricity_usd_per_kwh: 0.05,
        months: 36,
        difficulty_growth_pct_per_retarget: 1.5,
        start_height: 925_000,
    }
}

/// `(hashrate_hs, power_w)` of one miner.
pub fn catalogue(model: &str) -> Option<(f64, f64)> {
    match model.to_lowercase().as_str() {
        "s19 pro" => Some((110e12, 3250.0)),
        "s21" => Some((200e12, 3500.0)),
        "m50s" => Some((126e12, 3276.0)),
        "t19" => Some((88e12, 3150.0)),
        _ => None,
    }
}

pub fn run(csv: &str) -> BatchReport {
    calculate_batch_csv(csv, &defaults(), &catalogue).unwrap()
}

/// The text of one part of a ZIP archive (an XLSX's XML).
pub fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}
