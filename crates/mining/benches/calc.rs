//! Timing of the hot paths: one calculation, a 36-month projection, a 5,000-row batch and a
//! 20 × 20 heatmap over 36 months. Goals (issue): the batch ≤ 3 ms and the heatmap well under
//! one 60 Hz frame (16 ms), natively.
//!
//! Run with `cargo bench -p mining --bench calc`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mining::batch::{BatchDefaults, calculate_batch_csv};
use mining::costs::{HostingFees, Tariff};
use mining::heatmap::{HeatmapAxes, heatmap};
use mining::projection::{ProjectionParams, project};
use mining::{CalcInput, calculate};

/// A small hosted fleet of S19 Pros with every cost term set, so nothing is skipped.
fn fleet() -> CalcInput {
    CalcInput {
        hashrate_hs: 110e12,
        power_w: 3250.0,
        count: 100,
        difficulty: 119.12e12,
        subsidy_btc: 3.125,
        fees_per_block_btc: 0.04,
        pool_fee_pct: 2.0,
        btc_price_usd: 80_000.0,
        network_hashrate_hs: Some(900e18),
        tariff: Tariff::Flat { usd_per_kwh: 0.05 },
        pue: 1.05,
        uptime_pct: 97.0,
        maintenance_usd_month: 300.0,
        hosting: HostingFees {
            markup_usd_per_kwh: 0.004,
            usd_per_miner_month: 3.0,
            usd_per_kw_month: 1.0,
        },
        host_site_cost_usd_per_kwh: Some(0.045),
        investment_usd: 250_000.0,
    }
}

fn params() -> ProjectionParams {
    ProjectionParams {
        hashrate_decay_pct_per_month: 1.0,
        electricity_escalation_pct_per_month: 0.2,
        ..ProjectionParams::default()
    }
}

fn catalogue(model: &str) -> Option<(f64, f64)> {
    match model {
        "Antminer S19 Pro" => Some((110e12, 3250.0)),
        "Antminer S21" => Some((200e12, 3500.0)),
        "Whatsminer M50S" => Some((126e12, 3276.0)),
        "Antminer T19" => Some((88e12, 3150.0)),
        "Whatsminer M30S++" => Some((112e12, 3472.0)),
        _ => None,
    }
}

/// 5,000 data rows cycled from a few realistic ones: explicit specs, catalogue-filled specs,
/// a quoted name, empty cells taking defaults, and a few decays shared between rows.
fn batch_csv(rows: usize) -> String {
    const TEMPLATES: [&str; 8] = [
        "Antminer S19 Pro,10,110,3250,2500,0.05,1",
        "Antminer S21,4,,,3200,0.045,0.5",
        "Whatsminer M50S,6,126,3276,2200,,1",
        "Antminer T19,12,,,1800,0.06,1.5",
        "\"Antminer S19 Pro, used\",20,104,3250,900,0.04,1.5",
        "Antminer S21,2,200,3500,3200,0.035,",
        "Whatsminer M30S++,8,,,1100,0.05,1",
        "Antminer S21,1,,,,,",
    ];
    let mut text = String::from(
        "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month\r\n",
    );
    for template in TEMPLATES.iter().cycle().take(rows) {
        text.push_str(template);
        text.push_str("\r\n");
    }
    text
}

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

fn benches(c: &mut Criterion) {
    let input = fleet();
    let params = params();
    c.bench_function("calculate", |b| {
        b.iter(|| calculate(black_box(&input)));
    });
    c.bench_function("project_36_months", |b| {
        b.iter(|| project(black_box(&input), black_box(&params)));
    });

    let text = batch_csv(5_000);
    let defaults = defaults();
    let report = calculate_batch_csv(&text, &defaults, &catalogue).expect("valid defaults");
    assert_eq!(report.results.len(), 5_000, "{:?}", report.errors.first());
    c.bench_function("batch_csv_5000_rows", |b| {
        b.iter(|| calculate_batch_csv(black_box(&text), &defaults, &catalogue));
    });

    let axes = HeatmapAxes::around(&input, 20, 20, 50.0).expect("valid input");
    c.bench_function("heatmap_20x20_36_months", |b| {
        b.iter(|| heatmap(black_box(&input), black_box(&params), black_box(&axes)));
    });
    // The naive way, each cell a full projection: what the shared sums save.
    c.bench_function("heatmap_20x20_36_months_naive", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for p in &axes.btc_prices_usd {
                for e in &axes.electricity_usd_per_kwh {
                    let (cell_input, cell_params) =
                        mining::heatmap::cell_inputs(&input, &params, *p, *e);
                    if let Ok(projection) = project(&cell_input, &cell_params) {
                        total += projection.total_profit_usd;
                    }
                }
            }
            total
        });
    });
}

criterion_group! {
    name = calc;
    // Short windows: the machine has 2 cores shared with other builds, and these paths are
    // microseconds to milliseconds, so 3 s of samples is plenty for a stable median.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(calc);
