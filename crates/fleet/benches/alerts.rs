//! One polling cycle of the alert engine over 20,000 miners.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fleet::alerts::{AlertBook, AlertRules, Reading};

const MINERS: i64 = 20_000;
const MINUTE_MS: i64 = 60_000;

/// Miner `id` at cycle `cycle`: mostly healthy, one in 50 hot, one in 100 offline, one in 200
/// with a dead board, so every rule and some transitions run.
fn reading(id: i64, cycle: i64) -> Reading {
    let at_ms = cycle * MINUTE_MS;
    let online = id % 100 != 0;
    Reading {
        miner_id: id,
        at_ms,
        online,
        is_mining: true,
        hashrate_hs: Some(if id % 70 == 0 { 100e12 } else { 200e12 }),
        expected_hashrate_hs: Some(200e12),
        temp_max_c: Some(if id % 50 == 0 {
            80.0 + f64::from(u8::try_from(cycle % 10).unwrap_or(0))
        } else {
            65.0
        }),
        fan_min_rpm: Some(4_000),
        boards_total: Some(3),
        boards_active: Some(if id % 200 == 0 { 2 } else { 3 }),
        hardware_errors: Some(
            u64::try_from(cycle).unwrap_or(0) * if id % 90 == 0 { 10 } else { 0 },
        ),
        last_seen_ms: Some(if online { at_ms } else { 0 }),
    }
}

fn bench(c: &mut Criterion) {
    let rules = AlertRules::default();
    let mut book = AlertBook::new();
    let mut events = Vec::new();
    // Warm up: every miner known, alerts open where due.
    for cycle in 1..10 {
        for id in 0..MINERS {
            book.observe_into(&rules, &reading(id, cycle), &mut events);
        }
    }
    let readings: Vec<Vec<Reading>> = (10..40)
        .map(|cycle| (0..MINERS).map(|id| reading(id, cycle)).collect())
        .collect();
    let mut group = c.benchmark_group("alerts");
    group.bench_function("observe_20000_miners_one_cycle", |b| {
        let cycles = i64::try_from(readings.len()).unwrap_or(1);
        let mut next: i64 = 0;
        b.iter_batched_ref(
            || {
                // Each iteration a newer cycle than the last (older ones are ignored): the
                // prepared cycles repeat, shifted forward in time on each lap.
                next += 1;
                let shift_ms = (next / cycles) * cycles * MINUTE_MS;
                let index = usize::try_from(next % cycles).unwrap_or(0);
                let mut cycle = readings[index].clone();
                for reading in &mut cycle {
                    reading.at_ms += shift_ms;
                    if reading.online {
                        reading.last_seen_ms = Some(reading.at_ms);
                    }
                }
                cycle
            },
            |cycle| {
                events.clear();
                for reading in cycle.iter() {
                    book.observe_into(&rules, black_box(reading), &mut events);
                }
                events.len()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
