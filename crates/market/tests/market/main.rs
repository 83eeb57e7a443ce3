//! One integration-test binary: the real clients and service against local HTTP servers
//! (wiremock) serving recorded-style provider responses from `tests/fixtures/`, and the Redis
//! backend against a real Redis.

// Helpers outside `#[test]` fns panic on purpose (clippy.toml only exempts test fns); the
// skip notice must reach the terminal; fixture arithmetic casts small counts.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation
)]

mod fear_greed;
mod helpers;
mod history;
mod klines;
mod network;
mod price;
mod redis_cache;
mod service;
