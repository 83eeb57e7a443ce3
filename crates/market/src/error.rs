//! Typed errors: what one source can do wrong ([`FetchError`]), what a whole fallback chain
//! reports when every source failed ([`AllSourcesFailed`]), and the cache and setup errors.

use std::fmt;

use crate::{Source, validate::ValidationError};

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
