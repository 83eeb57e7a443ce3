//! Provenance: every value says where it came from and when it was fetched, so the UI can label
//! a snapshot or a stale value instead of passing it off as live.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[serde(rename = "coingecko")]
    CoinGecko,
    Binance,
    Okx,
    MempoolSpace,
    BlockchainInfo,
    AlternativeMe,
    /// The dated snapshot shipped with the app (offline start).
    Snapshot,
    /// The caller's own last stored value (e.g. the newest database row).
    Stored,
}

impl Source {
    /// The provider's name as users know it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CoinGecko => "CoinGecko",
            Self::Binance => "Binance",
            Self::Okx => "OKX",
            Self::MempoolSpace => "mempool.space",
            Self::BlockchainInfo => "blockchain.info",
            Self::AlternativeMe => "alternative.me",
            Self::Snapshot => "snapshot",
            Self::Stored => "stored",
        }
    }

    /// Whether the value came from a provider just now rather than from a file or database.
    pub const fn is_live(self) -> bool {
        !matches!(self, Self::Snapshot | Self::Stored)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value with its source and the time it was fetched (unix milliseconds, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
    pub fetched_at_ms: i64,
}

impl<T> Sourced<T> {
    pub const fn new(value: T, source: Source, fetched_at_ms: i64) -> Self {
        Self {
            value,
            source,
            fetched_at_ms,
        }
    }

    /// Milliseconds since the fetch; 0 if `now_ms` is before it (clock skew between replicas).
    pub fn age_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.fetched_at_ms).max(0)
    }

    /// Whether the value is older than `max_age_ms` at `now_ms`.
    pub fn is_stale(&self, now_ms: i64, max_age_ms: i64) -> bool {
        self.age_ms(now_ms) > max_age_ms
    }

    /// The same value relabelled, keeping its original fetch time (a snapshot stays dated).
    #[must_use]
    pub fn relabel(self, source: Source) -> Self {
        Self { source, ..self }
    }
}

pub use domain::clock::unix_now_ms as now_ms;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_is_time_since_fetch_and_never_negative() {
        let v = Sourced::new(1.0, Source::CoinGecko, 1_000);
        assert_eq!(v.age_ms(61_000), 60_000);
        assert_eq!(v.age_ms(500), 0);
    }

    #[test]
    fn a_value_is_stale_only_past_its_max_age() {
        let v = Sourced::new(1.0, Source::Binance, 0);
        assert!(!v.is_stale(60_000, 60_000));
        assert!(v.is_stale(60_001, 60_000));
    }

    #[test]
    fn source_serialises_in_snake_case() {
        let json = serde_json::to_string(&Source::MempoolSpace).unwrap();
        assert_eq!(json, "\"mempool_space\"");
        assert!(!Source::Snapshot.is_live());
        assert!(Source::Okx.is_live());
    }

    #[test]
    fn relabel_keeps_the_original_fetch_time() {
        let v = Sourced::new(2.0, Source::CoinGecko, 42).relabel(Source::Snapshot);
        assert_eq!(v.source, Source::Snapshot);
        assert_eq!(v.fetched_at_ms, 42);
    }
}
