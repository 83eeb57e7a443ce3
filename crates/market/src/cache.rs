//! The shared cache behind the service: JSON values under namespaced keys with a TTL. In one
//! process the in-memory backend is enough; with several replicas the Redis backend lets them
//! share one provider fetch instead of each making its own.

use std::{
    collections::HashMap,
    fmt,
    future::Future,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use redis::aio::ConnectionManager;
use serde::{Serialize, de::DeserializeOwned};

use crate::error::CacheError;

/// A key-value store of JSON text with expiry.
#[async_trait]
pub trait MarketCache: Send + Sync + fmt::Debug {
    /// The JSON stored under `key`, unless absent or expired.
    async fn get_raw(&self, key: &str) -> Result<Option<String>, CacheError>;
    /// Store `json` under `key` for `ttl`.
    async fn set_raw(&self, key: &str, json: String, ttl: Duration) -> Result<(), CacheError>;
}

/// Read and decode a JSON value.
pub async fn get_json<T: DeserializeOwned>(
    cache: &dyn MarketCache,
    key: &str,
) -> Result<Option<T>, CacheError> {
    let Some(json) = cache.get_raw(key).await? else {
        return Ok(None);
    };
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| CacheError::Decode {
            key: key.to_owned(),
            message: e.to_string(),
        })
}

/// Encode and store a JSON value.
pub async fn put_json<T: Serialize + Sync>(
    cache: &dyn MarketCache,
    key: &str,
    value: &T,
    ttl: Duration,
) -> Result<(), CacheError> {
    let json = serde_json::to_string(value).map_err(|e| CacheError::Encode {
        key: key.to_owned(),
        message: e.to_string(),
    })?;
    cache.set_raw(key, json, ttl).await
}

/// In-process backend: a map behind a mutex, entries expire lazily on read.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryCache {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl MarketCache for MemoryCache {
    async fn get_raw(&self, key: &str) -> Result<Option<String>, CacheError> {
        // A poisoned lock only means another thread panicked mid-insert of a whole String;
        // the map itself is still consistent.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(key) {
            Some((json, expires)) if *expires > Instant::now() => Ok(Some(json.clone())),
            Some(_) => {
                entries.remove(key);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn set_raw(&self, key: &str, json: String, ttl: Duration) -> Result<(), CacheError> {
        let expires = Instant::now() + ttl;
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), (json, expires));
        Ok(())
    }
}

/// How long a Redis command may take before the service gives up on the shared cache for this
/// refresh and carries on with its own values.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// Redis backend: `SET key json PX ttl` under `prefix`, so one Redis can serve several
/// deployments (and tests) without collisions. The connection manager reconnects by itself;
/// every command is bounded by [`REDIS_TIMEOUT`] so a hung Redis cannot stall a refresh.
#[derive(Clone)]
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
}

async fn bounded<T>(
    command: impl Future<Output = Result<T, redis::RedisError>>,
) -> Result<T, CacheError> {
    match tokio::time::timeout(REDIS_TIMEOUT, command).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(CacheError::Timeout {
            timeout_ms: u64::try_from(REDIS_TIMEOUT.as_millis()).unwrap_or(u64::MAX),
        }),
    }
}

impl fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password, so only the prefix is shown.
        f.debug_struct("RedisCache")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisCache {
    /// Connect to `url` (`redis://host:port/db`); keys become `{prefix}{key}`, e.g. prefix
    /// `"hashinsight:market:"`.
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let connection = bounded(ConnectionManager::new(client)).await?;
        Ok(Self {
            connection,
            prefix: prefix.into(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

#[async_trait]
impl MarketCache for RedisCache {
    async fn get_raw(&self, key: &str) -> Result<Option<String>, CacheError> {
        let mut connection = self.connection.clone();
        let mut command = redis::cmd("GET");
        command.arg(self.key(key));
        bounded(command.query_async::<Option<String>>(&mut connection)).await
    }

    async fn set_raw(&self, key: &str, json: String, ttl: Duration) -> Result<(), CacheError> {
        let mut connection = self.connection.clone();
        // Redis rejects PX 0, and a sub-millisecond TTL is a configuration slip: keep 1 ms.
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut command = redis::cmd("SET");
        command.arg(self.key(key)).arg(json).arg("PX").arg(ttl_ms);
        bounded(command.query_async::<()>(&mut connection)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_entries_expire_after_their_ttl() {
        let cache = MemoryCache::new();
        put_json(&cache, "k", &42_u32, Duration::from_millis(30))
            .await
            .unwrap();
        assert_eq!(get_json::<u32>(&cache, "k").await.unwrap(), Some(42));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(get_json::<u32>(&cache, "k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_value_that_is_not_the_expected_json_is_a_decode_error() {
        let cache = MemoryCache::new();
        cache
            .set_raw("k", "not json".into(), Duration::from_secs(5))
            .await
            .unwrap();
        let err = get_json::<u32>(&cache, "k").await.unwrap_err();
        assert!(matches!(err, CacheError::Decode { .. }), "{err}");
    }
}
