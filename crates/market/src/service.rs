//! The market service: holds the latest price, network state and Fear & Greed index in memory,
//! refreshes them on timers in one background task, and never makes a reader wait on the
//! network when a value exists.
//!
//! - Reads ([`MarketService::price`] …) take a read lock and clone a small struct: no await.
//! - Refreshes are single-flight: concurrent callers share one outbound fetch and its outcome.
//! - Stale-while-revalidate: a failed refresh keeps the last good value, flagged `stale`.
//! - Replicas share values through the [`MarketCache`]: a refresh first adopts a value another
//!   replica fetched within the refresh interval, so outbound traffic does not grow with the
//!   number of replicas, let alone users.

use std::{
    future::Future,
    sync::{
        Arc, PoisonError, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio::time::MissedTickBehavior;

use crate::{
    FearGreed, HttpClient, HttpConfig, MarketCache, MarketEndpoints, MemoryCache, NetworkStats,
    PriceQuote, Snapshot, Source, Sourced,
    cache::{get_json, put_json},
    error::{AllSourcesFailed, MarketError},
    fear_greed, network, price,
    sourced::now_ms,
};

/// Refresh cadence and providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketConfig {
    pub endpoints: MarketEndpoints,
    pub http: HttpConfig,
    /// Milliseconds between price refreshes. For all three intervals, 0 disables the periodic
    /// refresh of that value in [`MarketService::run`].
    pub price_refresh_ms: u64,
    /// Milliseconds between network refreshes (a block every ~10 min; retargets every ~2 weeks).
    pub network_refresh_ms: u64,
    /// Milliseconds between Fear & Greed refreshes (the index changes once a day).
    pub fear_greed_refresh_ms: u64,
    /// A value older than this many of its refresh intervals reads as stale, and this is also
    /// its TTL in the shared cache.
    pub stale_after_intervals: u32,
    /// With no value at all, the shortest time between two on-demand fetch attempts, so a cold
    /// start during an outage does not send one request per reader.
    pub cold_retry_ms: u64,
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            endpoints: MarketEndpoints::default(),
            http: HttpConfig::default(),
            price_refresh_ms: 60_000,
            network_refresh_ms: 600_000,
            fear_greed_refresh_ms: 3_600_000,
            stale_after_intervals: 3,
            cold_retry_ms: 10_000,
        }
    }
}

/// A value as a reader gets it: the value with its provenance, and whether it is stale (the
/// last refresh failed, or it is older than `stale_after_intervals` refresh intervals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading<T> {
    pub sourced: Sourced<T>,
    pub stale: bool,
}

/// The latest value of one quantity plus the single-flight machinery around it.
struct Slot<T> {
    state: RwLock<SlotState<T>>,
    /// Held for the duration of a refresh; waiters share the holder's outcome.
    flight: tokio::sync::Mutex<()>,
    /// Completed refreshes; a waiter that sees it move knows someone refreshed for it.
    completed: AtomicU64,
}

struct SlotState<T> {
    value: Option<Sourced<T>>,
    last_outcome: Option<Result<Sourced<T>, AllSourcesFailed>>,
    /// The last refresh failed; the value (if any) is the last good one.
    failing: bool,
    last_attempt_ms: Option<i64>,
}

impl<T: Clone> Slot<T> {
    fn new() -> Self {
        Self {
            state: RwLock::new(SlotState {
                value: None,
                last_outcome: None,
                failing: false,
                last_attempt_ms: None,
            }),
            flight: tokio::sync::Mutex::new(()),
            completed: AtomicU64::new(0),
        }
    }

    // A poisoned lock means a panic while a small struct was being assigned; the struct is
    // still whole, so carry on with it rather than take the service down.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, SlotState<T>> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, SlotState<T>> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn reading(&self, now_ms: i64, stale_after_ms: i64) -> Option<Reading<T>> {
        let guard = self.read();
        let sourced = guard.value.clone()?;
        let stale = guard.failing || sourced.is_stale(now_ms, stale_after_ms);
        Some(Reading { sourced, stale })
    }

    fn value(&self) -> Option<Sourced<T>> {
        self.read().value.clone()
    }

    fn fetched_at_ms(&self) -> Option<i64> {
        self.read().value.as_ref().map(|v| v.fetched_at_ms)
    }

    /// Record a refresh's outcome. A failure keeps the last good value.
    fn complete(&self, outcome: Result<Sourced<T>, AllSourcesFailed>, attempted_at_ms: i64) {
        {
            let mut state = self.write();
            match &outcome {
                Ok(value) => {
                    state.value = Some(value.clone());
                    state.failing = false;
                }
                Err(_) => state.failing = true,
            }
            state.last_outcome = Some(outcome);
            state.last_attempt_ms = Some(attempted_at_ms);
        }
        self.completed.fetch_add(1, Ordering::Release);
    }

    /// Put `value` in if it is newer than what is there (seeding never overwrites fresher data).
    fn offer(&self, value: Sourced<T>) {
        let mut state = self.write();
        let newer = state
            .value
            .as_ref()
            .is_none_or(|current| value.fetched_at_ms > current.fetched_at_ms);
        if newer {
            state.value = Some(value);
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Price,
    Network,
    FearGreed,
}

impl Kind {
    /// Key in the shared cache (the Redis backend adds its namespace prefix).
    const fn key(self) -> &'static str {
        match self {
            Self::Price => "price",
            Self::Network => "network",
            Self::FearGreed => "fear_greed",
        }
    }
}

struct Inner {
    config: MarketConfig,
    client: HttpClient,
    cache: Arc<dyn MarketCache>,
    price: Slot<PriceQuote>,
    network: Slot<NetworkStats>,
    fear_greed: Slot<FearGreed>,
}

/// Latest market and network values with background refresh. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct MarketService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MarketService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketService")
            .field("config", &self.inner.config)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

impl MarketService {
    /// A service with the in-process cache.
    pub fn new(config: MarketConfig) -> Result<Self, MarketError> {
        Self::with_cache(config, Arc::new(MemoryCache::new()))
    }

    /// A service sharing values through `cache` (e.g. a [`crate::RedisCache`]).
    pub fn with_cache(
        config: MarketConfig,
        cache: Arc<dyn MarketCache>,
    ) -> Result<Self, MarketError> {
        let client = HttpClient::new(config.http.clone())?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                client,
                cache,
                price: Slot::new(),
                network: Slot::new(),
                fear_greed: Slot::new(),
            }),
        })
    }

    pub fn config(&self) -> &MarketConfig {
        &self.inner.config
    }

    /// The provider client, for the history functions (its requests are counted too).
    pub fn client(&self) -> &HttpClient {
        &self.inner.client
    }

    /// Requests sent to providers by this service since it was built, retries included.
    pub fn outbound_requests(&self) -> u64 {
        self.inner.client.outbound_requests()
    }

    // ---- reads: no await, no network -------------------------------------------------------

    /// The latest BTC price, if any value is known.
    pub fn price(&self) -> Option<Reading<PriceQuote>> {
        self.inner.price.reading(
            now_ms(),
            self.stale_after_ms(self.inner.config.price_refresh_ms),
        )
    }

    /// The latest network state, if any value is known.
    pub fn network(&self) -> Option<Reading<NetworkStats>> {
        self.inner.network.reading(
            now_ms(),
            self.stale_after_ms(self.inner.config.network_refresh_ms),
        )
    }

    /// The latest Fear & Greed index, if any value is known.
    pub fn fear_greed(&self) -> Option<Reading<FearGreed>> {
        self.inner.fear_greed.reading(
            now_ms(),
            self.stale_after_ms(self.inner.config.fear_greed_refresh_ms),
        )
    }

    /// Every latest value, dated, for writing the shipped snapshot file.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            taken_at_ms: now_ms(),
            price: self.inner.price.value(),
            network: self.inner.network.value(),
            fear_greed: self.inner.fear_greed.value(),
        }
    }

    // ---- seeding -----------------------------------------------------------------------------

    /// Start from the shipped snapshot: its values, labelled [`Source::Snapshot`] with their
    /// original dates. Values newer than the snapshot's are kept.
    pub fn seed(&self, snapshot: &Snapshot) {
        self.offer_all(snapshot, Source::Snapshot);
    }

    /// Start from the caller's own last stored values (e.g. database rows), labelled
    /// [`Source::Stored`]. Values newer than these are kept.
    pub fn restore(&self, stored: &Snapshot) {
        self.offer_all(stored, Source::Stored);
    }

    fn offer_all(&self, snapshot: &Snapshot, source: Source) {
        if let Some(v) = snapshot.price {
            self.inner.price.offer(v.relabel(source));
        }
        if let Some(v) = snapshot.network {
            self.inner.network.offer(v.relabel(source));
        }
        if let Some(v) = &snapshot.fear_greed {
            self.inner.fear_greed.offer(v.clone().relabel(source));
        }
    }

    // ---- on-demand reads ---------------------------------------------------------------------

    /// The latest price; fetches only when no value is known at all (cold start without a
    /// snapshot), and then at most once per `cold_retry_ms` however many readers ask.
    pub async fn price_or_fetch(&self) -> Result<Reading<PriceQuote>, AllSourcesFailed> {
        if let Some(reading) = self.price() {
            return Ok(reading);
        }
        self.cold_fetch(&self.inner.price, Self::refresh_price)
            .await?;
        self.price().ok_or_else(|| no_value("BTC price"))
    }

    /// The latest network state; fetches only when none is known (see [`Self::price_or_fetch`]).
    pub async fn network_or_fetch(&self) -> Result<Reading<NetworkStats>, AllSourcesFailed> {
        if let Some(reading) = self.network() {
            return Ok(reading);
        }
        self.cold_fetch(&self.inner.network, Self::refresh_network)
            .await?;
        self.network().ok_or_else(|| no_value("network stats"))
    }

    async fn cold_fetch<'a, T, F, Fut>(
        &'a self,
        slot: &Slot<T>,
        refresh: F,
    ) -> Result<(), AllSourcesFailed>
    where
        T: Clone,
        F: FnOnce(&'a Self) -> Fut,
        Fut: Future<Output = Result<Sourced<T>, AllSourcesFailed>>,
    {
        let recent_failure = {
            let state = slot.read();
            match (&state.last_outcome, state.last_attempt_ms) {
                (Some(Err(e)), Some(at)) => (now_ms().saturating_sub(at)
                    < i64::try_from(self.inner.config.cold_retry_ms).unwrap_or(i64::MAX))
                .then(|| e.clone()),
                _ => None,
            }
        };
        if let Some(error) = recent_failure {
            return Err(error);
        }
        refresh(self).await.map(|_| ())
    }

    // ---- refreshes: single-flight ------------------------------------------------------------

    /// Fetch the price now (`CoinGecko` → Binance → OKX). Concurrent callers share one fetch. On
    /// failure the last good value stays, marked stale, and every source's error is returned.
    pub async fn refresh_price(&self) -> Result<Sourced<PriceQuote>, AllSourcesFailed> {
        let inner = &*self.inner;
        self.refresh(
            Kind::Price,
            &inner.price,
            inner.config.price_refresh_ms,
            |_| price::fetch_price(&inner.client, &inner.config.endpoints),
        )
        .await
    }

    /// Fetch the network state now (mempool.space → blockchain.info), validated against the
    /// last known value. Single-flight and stale-keeping as [`Self::refresh_price`].
    pub async fn refresh_network(&self) -> Result<Sourced<NetworkStats>, AllSourcesFailed> {
        let inner = &*self.inner;
        self.refresh(
            Kind::Network,
            &inner.network,
            inner.config.network_refresh_ms,
            |previous: Option<Sourced<NetworkStats>>| async move {
                // A shipped snapshot is a dated estimate, not an observation: checking a live
                // answer against it could refuse every refresh if the estimate were off.
                let observed = previous.filter(|p| p.source != Source::Snapshot);
                network::fetch_network(
                    &inner.client,
                    &inner.config.endpoints,
                    observed.as_ref().map(|p| &p.value),
                )
                .await
            },
        )
        .await
    }

    /// Fetch the Fear & Greed index now (alternative.me).
    pub async fn refresh_fear_greed(&self) -> Result<Sourced<FearGreed>, AllSourcesFailed> {
        let inner = &*self.inner;
        self.refresh(
            Kind::FearGreed,
            &inner.fear_greed,
            inner.config.fear_greed_refresh_ms,
            |_| fear_greed::fetch_fear_greed(&inner.client, &inner.config.endpoints.alternative_me),
        )
        .await
    }

    async fn refresh<T, F, Fut>(
        &self,
        kind: Kind,
        slot: &Slot<T>,
        refresh_ms: u64,
        fetch: F,
    ) -> Result<Sourced<T>, AllSourcesFailed>
    where
        T: Clone + Serialize + DeserializeOwned + Send + Sync,
        F: FnOnce(Option<Sourced<T>>) -> Fut,
        Fut: Future<Output = Result<Sourced<T>, AllSourcesFailed>>,
    {
        let seen = slot.completed.load(Ordering::Acquire);
        let _flight = slot.flight.lock().await;
        if slot.completed.load(Ordering::Acquire) != seen {
            // Someone refreshed while we queued: their outcome is ours, no second request.
            if let Some(outcome) = slot.read().last_outcome.clone() {
                return outcome;
            }
        }
        let started_ms = now_ms();
        let shared = self.shared::<T>(kind).await;
        let refresh_ms = i64::try_from(refresh_ms).unwrap_or(i64::MAX);
        let local_at = slot.fetched_at_ms().unwrap_or(i64::MIN);
        if let Some(shared) = &shared
            && shared.fetched_at_ms > local_at
            && shared.age_ms(started_ms) < refresh_ms
        {
            // Another replica fetched it within the interval: adopt, send nothing.
            slot.complete(Ok(shared.clone()), started_ms);
            return Ok(shared.clone());
        }
        let outcome = fetch(slot.value()).await;
        match &outcome {
            Ok(value) => self.publish(kind, value, refresh_ms).await,
            Err(error) => {
                tracing::warn!(what = kind.key(), %error, "refresh failed; keeping the last good value");
                // Better than ours, if another replica got through more recently.
                if let Some(shared) = shared {
                    slot.offer(shared);
                }
            }
        }
        slot.complete(outcome.clone(), started_ms);
        outcome
    }

    async fn shared<T: DeserializeOwned>(&self, kind: Kind) -> Option<Sourced<T>> {
        match get_json(self.inner.cache.as_ref(), kind.key()).await {
            Ok(value) => value,
            Err(error) => {
                tracing::warn!(what = kind.key(), %error, "shared cache read failed");
                None
            }
        }
    }

    async fn publish<T: Serialize + Sync>(&self, kind: Kind, value: &Sourced<T>, refresh_ms: i64) {
        let ttl_ms = u64::try_from(self.stale_after_ms_i(refresh_ms)).unwrap_or(u64::MAX);
        if let Err(error) = put_json(
            self.inner.cache.as_ref(),
            kind.key(),
            value,
            Duration::from_millis(ttl_ms),
        )
        .await
        {
            tracing::warn!(what = kind.key(), %error, "shared cache write failed");
        }
    }

    fn stale_after_ms(&self, refresh_ms: u64) -> i64 {
        self.stale_after_ms_i(i64::try_from(refresh_ms).unwrap_or(i64::MAX))
    }

    fn stale_after_ms_i(&self, refresh_ms: i64) -> i64 {
        refresh_ms.saturating_mul(i64::from(self.inner.config.stale_after_intervals.max(1)))
    }

    // ---- background task ---------------------------------------------------------------------

    /// Refresh every value on its interval (the first refresh at once) until `shutdown`
    /// completes. The caller spawns it: `tokio::spawn(service.clone().run(shutdown))`.
    /// Failures are logged and the last good values kept; the loop never ends on its own.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let config = &self.inner.config;
        let loops = async {
            tokio::join!(
                every(config.price_refresh_ms, || self.refresh_price()),
                every(config.network_refresh_ms, || self.refresh_network()),
                every(config.fear_greed_refresh_ms, || self.refresh_fear_greed()),
            );
        };
        // Dropping the loops on shutdown cancels any refresh in flight; that is safe because a
        // refresh only publishes after its fetch has completed.
        tokio::select! {
            () = shutdown => tracing::info!("market refresh stopped"),
            () = loops => {}
        }
    }
}

async fn every<T, F, Fut>(period_ms: u64, mut refresh: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AllSourcesFailed>>,
{
    if period_ms == 0 {
        // 0 disables this refresh (e.g. Fear & Greed not wanted); never a busy loop.
        return std::future::pending().await;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(period_ms));
    // After a long outage or a suspended VM, one refresh, not a burst of catch-up requests.
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // The outcome is already recorded and logged by the refresh itself.
        let _ = refresh().await;
    }
}

fn no_value(what: &'static str) -> AllSourcesFailed {
    AllSourcesFailed {
        what,
        failures: Vec::new(),
    }
}
