//! Market and network data for HashInsight: BTC price, difficulty, hashrate, fees per block,
//! next retarget, Fear & Greed, and history for backfills.
//!
//! Each provider is a small client over one shared [`HttpClient`] (timeouts, bounded jittered
//! retries, `Retry-After`), every response is validated ([`validate`]), and sources are tried
//! in a fixed fallback order. [`MarketService`] keeps the latest values in memory for
//! wait-free reads, refreshes them on a timer with single-flight, shares them through a
//! [`MarketCache`] (in-process or Redis), and can start from a dated [`Snapshot`] offline.
//!
//! Units are in the names: `price_usd`, `hashrate_hs` (H/s), raw `difficulty`,
//! `fees_per_block_btc`, times as `_ms` (unix milliseconds, UTC).

pub mod cache;
pub mod endpoints;
pub mod error;
mod fallback;
pub mod fear_greed;
pub mod history;
pub mod http;
pub mod klines;
pub mod network;
pub mod price;
pub mod service;
pub mod snapshot;
pub mod sourced;
pub mod validate;

pub use cache::{MarketCache, MemoryCache, RedisCache};
pub use endpoints::MarketEndpoints;
pub use error::ValidationError;
pub use error::{
    AllSourcesFailed, CacheError, FetchError, MarketError, SnapshotError, SourceFailure,
};
pub use fear_greed::{FearGreed, fetch_fear_greed, fetch_fear_greed_history};
pub use history::{DifficultyPoint, HashratePoint, NetworkHistory, fetch_network_history};
pub use http::{HttpClient, HttpConfig};
pub use klines::{DailyCandle, fetch_daily_klines};
pub use network::{NetworkStats, RetargetEstimate, fetch_network};
pub use price::{PriceQuote, fetch_price};
pub use service::{MarketConfig, MarketService, Reading};
pub use snapshot::Snapshot;
pub use sourced::{Source, Sourced, now_ms};
