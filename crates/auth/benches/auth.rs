//! Latency of the security primitives on the server's hot paths.
//!
//! - `password/verify_default`: one login (argon2id, m = 19,456 KiB, t = 2, p = 1).
//! - `password/hash_default`: registration or a password change.
//! - `siwe/verify`: one MetaMask sign-in (parse, checks, secp256k1 recovery).
//! - `rate_limit/check`: one limiter call (mutex + sliding log).

use std::hint::black_box;
use std::time::{Duration, Instant};

use alloy_signer::SignerSync as _;
use alloy_signer_local::PrivateKeySigner;
use auth::password::PasswordHasher;
use auth::rate_limit::RateLimiter;
use auth::siwe::{self, Expectations};
use criterion::{Criterion, criterion_group, criterion_main};
use time::macros::datetime;

fn password(c: &mut Criterion) {
    let hasher = PasswordHasher::default();
    let phc = hasher
        .hash("correct horse battery staple")
        .expect("hashing works");
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("verify_default", |b| {
        b.iter(|| assert!(hasher.verify(black_box("correct horse battery staple"), &phc)));
    });
    group.bench_function("hash_default", |b| {
        b.iter(|| hasher.hash(black_box("correct horse battery staple")));
    });
    group.finish();
}

fn siwe_verify(c: &mut Criterion) {
    // Hardhat account #0: a public test key.
    let signer: PrivateKeySigner =
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
            .parse()
            .expect("valid key");
    let nonce = "Xk3v9QpL2mZr7TsB4wYhN8cD";
    let text = siwe::build(
        "hashinsight.example",
        signer.address(),
        "https://hashinsight.example/login",
        1,
        nonce,
        datetime!(2026-01-15 10:00:00 UTC),
        Duration::from_mins(10),
        "Sign in to HashInsight.",
    )
    .to_string();
    let sig = signer
        .sign_message_sync(text.as_bytes())
        .expect("signing works");
    let sig_hex = format!("0x{}", alloy_primitives::hex::encode(sig.as_bytes()));
    let expect = Expectations {
        domain: "hashinsight.example",
        uri: "https://hashinsight.example/login",
        chain_ids: &[1],
        nonce,
        now: datetime!(2026-01-15 10:01:00 UTC),
        max_age: Duration::from_mins(10),
        clock_skew: Duration::from_mins(1),
    };
    c.bench_function("siwe/verify", |b| {
        b.iter(|| siwe::verify(black_box(&text), black_box(&sig_hex), &expect).expect("valid"));
    });
}

fn rate_limit(c: &mut Criterion) {
    // A limit high enough that the benchmark measures the accepting path; the window slides
    // with the clock so the log stays short.
    let limiter = RateLimiter::new(1_000, Duration::from_millis(1));
    let keys: Vec<String> = (0..1_000)
        .map(|i| format!("login:ip:10.0.{}.{}", i / 256, i % 256))
        .collect();
    let mut i = 0usize;
    c.bench_function("rate_limit/check", |b| {
        b.iter(|| {
            i = (i + 1) % keys.len();
            let _ = limiter.check(black_box(&keys[i]), Instant::now());
        });
    });
}

criterion_group!(benches, password, siwe_verify, rate_limit);
criterion_main!(benches);
