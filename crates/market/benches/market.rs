//! Warm-cache read latency of the market service: what the calculator's prefill pays per page
//! view (latest price + network state, no network I/O).

// A benchmark binary: panicking on a broken fixture is the right failure.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use market::{MarketConfig, MarketService, Snapshot};

fn warm_service() -> MarketService {
    let service = MarketService::new(MarketConfig::default()).unwrap();
    let snapshot = Snapshot::from_json(include_str!("../tests/fixtures/snapshot.json")).unwrap();
    service.seed(&snapshot);
    service
}

fn reads(c: &mut Criterion) {
    let service = warm_service();
    c.bench_function("price_read_warm", |b| {
        b.iter(|| black_box(&service).price());
    });
    c.bench_function("network_read_warm", |b| {
        b.iter(|| black_box(&service).network());
    });
    c.bench_function("calculator_prefill_warm", |b| {
        b.iter(|| {
            let service = black_box(&service);
            (service.price(), service.network())
        });
    });
}

criterion_group!(benches, reads);
criterion_main!(benches);
