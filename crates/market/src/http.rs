//! The one HTTP client every provider shares: per-request timeout, bounded retries with jittered
//! exponential back-off, `Retry-After` honoured up to a cap, and a counter of outbound requests
//! so the server can show that its traffic to providers does not grow with its users.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use reqwest::{StatusCode, header::RETRY_AFTER};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{FetchError, MarketError};

/// Timeouts and retry policy for provider requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpConfig {
    /// Whole-request timeout (connect + headers + body), milliseconds.
    pub timeout_ms: u64,
    /// Attempts per URL, first one included. Kept small: the next source is the better retry.
    pub max_attempts: u32,
    /// Back-off before the second attempt, milliseconds; doubles per attempt.
    pub backoff_base_ms: u64,
    /// Ceiling of the back-off, milliseconds.
    pub backoff_max_ms: u64,
    /// The longest `Retry-After` we wait for, milliseconds; a longer one ends the attempts at
    /// this source so the chain moves on to the next provider.
    pub retry_after_cap_ms: u64,
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout_ms: 5_000,
            max_attempts: 2,
            backoff_base_ms: 250,
            backoff_max_ms: 2_000,
            retry_after_cap_ms: 5_000,
            user_agent: concat!("HashInsight/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A provider HTTP client. Cheap to clone; clones share the connection pool and the counter.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: HttpConfig,
    requests: Arc<AtomicU64>,
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<Self, MarketError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(Duration::from_millis(config.timeout_ms))
            .build()
            .map_err(|e| MarketError::HttpClient(e.to_string()))?;
        Ok(Self {
            client,
            config,
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Requests sent to providers since this client was built, retries included.
    pub fn outbound_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `url` and decode its JSON body as `T`; a body that does not decode is
    /// [`FetchError::Malformed`].
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, FetchError> {
        let body = self.get_text(url).await?;
        serde_json::from_str(&body).map_err(|e| FetchError::malformed(url, e))
    }

    /// GET `url` with retries and return its body.
    pub async fn get_text(&self, url: &str) -> Result<String, FetchError> {
        let attempts = self.config.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let error = match self.get_once(url).await {
                Ok(body) => return Ok(body),
                Err(error) => error,
            };
            let Some(delay) = self.retry_delay(attempt, attempts, &error) else {
                return Err(error);
            };
            tracing::debug!(%url, attempt, delay_ms = delay.as_millis(), %error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn get_once(&self, url: &str) -> Result<String, FetchError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| self.transport_error(url, &e))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            // Only the delay-seconds form; an HTTP-date is rare from these APIs and is treated
            // as "no hint", which falls back to our own back-off.
            let retry_after_ms = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|secs| secs.saturating_mul(1_000));
            return Err(FetchError::RateLimited {
                url: url.to_owned(),
                retry_after_ms,
            });
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        response
            .text()
            .await
            .map_err(|e| self.transport_error(url, &e))
    }

    fn transport_error(&self, url: &str, error: &reqwest::Error) -> FetchError {
        if error.is_timeout() {
            FetchError::Timeout {
                url: url.to_owned(),
                timeout_ms: self.config.timeout_ms,
            }
        } else {
            FetchError::Transport {
                url: url.to_owned(),
                message: error.to_string(),
            }
        }
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to give up now.
    fn retry_delay(&self, attempt: u32, attempts: u32, error: &FetchError) -> Option<Duration> {
        if attempt >= attempts || !error.is_retryable() {
            return None;
        }
        if let FetchError::RateLimited {
            retry_after_ms: Some(ms),
            ..
        } = error
        {
            return (*ms <= self.config.retry_after_cap_ms).then(|| Duration::from_millis(*ms));
        }
        let exponential = self
            .config
            .backoff_base_ms
            .saturating_mul(1 << (attempt - 1).min(16));
        let ceiling = exponential.min(self.config.backoff_max_ms);
        // "Equal jitter": half fixed, half random, so replicas that failed together spread out
        // without any of them retrying instantly.
        let half = ceiling / 2;
        Some(Duration::from_millis(half + fastrand::u64(0..=half)))
    }
}

/// `base` + `path`, tolerating a trailing slash on the configured base URL.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(config: HttpConfig) -> HttpClient {
        HttpClient::new(config).unwrap()
    }

    fn timeout() -> FetchError {
        FetchError::Timeout {
            url: "u".into(),
            timeout_ms: 1,
        }
    }

    #[test]
    fn backoff_is_jittered_between_half_and_the_full_exponential_step() {
        let c = client(HttpConfig {
            max_attempts: 10,
            backoff_base_ms: 100,
            backoff_max_ms: 1_000,
            ..HttpConfig::default()
        });
        for _ in 0..100 {
            let d1 = c.retry_delay(1, 10, &timeout()).unwrap().as_millis();
            assert!((50..=100).contains(&d1), "{d1}");
            let d3 = c.retry_delay(3, 10, &timeout()).unwrap().as_millis();
            assert!((200..=400).contains(&d3), "{d3}");
            let d9 = c.retry_delay(9, 10, &timeout()).unwrap().as_millis();
            assert!((500..=1_000).contains(&d9), "{d9}");
        }
    }

    #[test]
    fn no_retry_after_the_last_attempt_or_for_client_errors() {
        let c = client(HttpConfig::default());
        assert!(c.retry_delay(3, 3, &timeout()).is_none());
        let not_found = FetchError::Status {
            url: "u".into(),
            status: 404,
        };
        assert!(c.retry_delay(1, 3, &not_found).is_none());
        let malformed = FetchError::malformed("u", "x");
        assert!(c.retry_delay(1, 3, &malformed).is_none());
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let c = client(HttpConfig {
            retry_after_cap_ms: 5_000,
            ..HttpConfig::default()
        });
        let limited = |ms| FetchError::RateLimited {
            url: "u".into(),
            retry_after_ms: Some(ms),
        };
        assert_eq!(
            c.retry_delay(1, 3, &limited(2_000)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(c.retry_delay(1, 3, &limited(60_000)), None);
    }

    #[test]
    fn join_tolerates_a_trailing_slash() {
        assert_eq!(join("http://x/", "/a"), "http://x/a");
        assert_eq!(join("http://x", "/a"), "http://x/a");
    }
}
