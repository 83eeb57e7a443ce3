//! Typed errors: what one source can do wrong ([`FetchError`]), what a whole fallback chain
//! reports when every source failed ([`AllSourcesFailed`]), and the cache and setup errors.

use std::fmt;

use crate::Source;

/// Why one request to one provider produced no usable value.
///
/// Cloneable so that the callers sharing one single-flight refresh all receive the same outcome.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: no answer within {timeout_ms} ms")]
    Timeout { url: String, timeout_ms: u64 },
    #[error("{url}: request failed: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    /// HTTP 429. `retry_after_ms` is the provider's `Retry-After`, when it sent one in seconds.
    #[error("{url}: rate limited (HTTP 429, retry after {retry_after_ms:?} ms)")]
    RateLimited {
        url: String,
        retry_after_ms: Option<u64>,
    },
    /// The body was not the JSON (or plain number) the provider documents.
    #[error("{url}: malformed response: {message}")]
    Malformed { url: String, message: String },
    /// The body parsed but the value cannot be true (price 0, difficulty ×10, wrong unit…).
    #[error("{url}: implausible value: {error}")]
    Implausible { url: String, error: ValidationError },
}

impl FetchError {
    /// Whether another attempt at the same URL may succeed: network trouble, 5xx and 429 may
    /// pass; a 4xx, a malformed body or an absurd value will come back the same.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } | Self::RateLimited { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            Self::Malformed { .. } | Self::Implausible { .. } => false,
        }
    }

    pub(crate) fn malformed(url: &str, message: impl fmt::Display) -> Self {
        Self::Malformed {
            url: url.to_owned(),
            message: message.to_string(),
        }
    }

    pub(crate) fn implausible(url: &str, error: ValidationError) -> Self {
        Self::Implausible {
            url: url.to_owned(),
            error,
        }
    }
}

/// One source's failure inside a fallback chain.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFailure {
    pub source: Source,
    pub error: FetchError,
}

/// Every source of a fallback chain failed; lists each one's reason in the order tried.
///
/// The service keeps serving its last good value (marked stale) when it gets this.
#[derive(Debug, Clone, PartialEq)]
pub struct AllSourcesFailed {
    /// What was being fetched, e.g. "BTC price".
    pub what: &'static str,
    pub failures: Vec<SourceFailure>,
}

impl fmt::Display for AllSourcesFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "every source of {} failed", self.what)?;
        for (i, failure) in self.failures.iter().enumerate() {
            let sep = if i == 0 { ": " } else { "; " };
            write!(f, "{sep}{}: {}", failure.source, failure.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for AllSourcesFailed {}

/// A shared-cache operation failed. The service logs these and carries on with its own copy:
/// the cache is an optimisation, never the only place a value lives.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {timeout_ms} ms")]
    Timeout { timeout_ms: u64 },
    #[error("cached value for {key} is not valid JSON: {message}")]
    Decode { key: String, message: String },
    #[error("value for {key} could not be encoded: {message}")]
    Encode { key: String, message: String },
}

/// The service or a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error("HTTP client: {0}")]
    HttpClient(String),
}

/// A snapshot file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Why a value was judged implausible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error("{field} is not a finite number")]
    NotFinite { field: &'static str },
    #[error("{field} is not positive")]
    NotPositive { field: &'static str },
    #[error("price {price_usd} USD is outside the plausible range")]
    PriceOutOfRange { price_usd: f64 },
    #[error("24 h change of {change_pct} % is impossible")]
    ChangeOutOfRange { change_pct: f64 },
    #[error("difficulty {difficulty} is not positive")]
    NonPositiveDifficulty { difficulty: f64 },
    #[error(
        "difficulty moved ×{factor:.2} ({previous} → {difficulty}); at most ×{max_factor} is \
         possible over {retargets} retarget(s)"
    )]
    DifficultyJump {
        previous: f64,
        difficulty: f64,
        factor: f64,
        max_factor: f64,
        retargets: u64,
    },
    #[error("height went back from {previous} to {height}")]
    HeightWentBackwards { previous: u64, height: u64 },
    #[error(
        "hashrate {hashrate_hs:e} H/s disagrees with the {implied_hs:e} H/s the difficulty \
         implies (wrong unit?)"
    )]
    HashrateInconsistent { hashrate_hs: f64, implied_hs: f64 },
    #[error("average fees of {fees_per_block_btc} BTC per block are implausible")]
    FeesOutOfRange { fees_per_block_btc: f64 },
    #[error("next retarget height {next_retarget_height} is not a retarget after {height}")]
    RetargetInconsistent {
        height: u64,
        next_retarget_height: u64,
    },
    #[error("fear & greed value {value} is outside 0..=100")]
    FearGreedOutOfRange { value: i64 },
    #[error("candle opening at {open_time_ms}: {reason}")]
    CandleInconsistent {
        open_time_ms: i64,
        reason: &'static str,
    },
}
