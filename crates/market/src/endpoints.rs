//! Base URLs of every provider, configurable so tests and air-gapped users can point them at a
//! local server or a mirror. Paths are fixed by each provider's API and appended in the clients.

use serde::{Deserialize, Serialize};

/// Base URLs (scheme + host, optional path prefix, no trailing path) of each provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketEndpoints {
    /// `CoinGecko` public API, serves `/api/v3/simple/price`.
    pub coingecko: String,
    /// Binance spot API, serves `/api/v3/ticker/24hr` and `/api/v3/klines`.
    pub binance: String,
    /// OKX, serves `/api/v5/market/ticker`.
    pub okx: String,
    /// mempool.space (or a self-hosted mempool), serves `/api/...`.
    pub mempool: String,
    /// blockchain.info's JSON API host, serves `/stats`.
    pub blockchain_info: String,
    /// alternative.me, serves `/fng/`.
    pub alternative_me: String,
}

impl Default for MarketEndpoints {
    fn default() -> Self {
        Self {
            coingecko: "https://api.coingecko.com".to_owned(),
            binance: "https://api.binance.com".to_owned(),
            okx: "https://www.okx.com".to_owned(),
            mempool: "https://mempool.space".to_owned(),
            blockchain_info: "https://api.blockchain.info".to_owned(),
            alternative_me: "https://api.alternative.me".to_owned(),
        }
    }
}

impl MarketEndpoints {
    /// Every provider at one base URL: a local mock or a caching proxy that serves all paths.
    /// (The providers' paths do not collide, so one server can answer for all of them.)
    pub fn all_at(base: &str) -> Self {
        Self {
            coingecko: base.to_owned(),
            binance: base.to_owned(),
            okx: base.to_owned(),
            mempool: base.to_owned(),
            blockchain_info: base.to_owned(),
            alternative_me: base.to_owned(),
        }
    }
}
