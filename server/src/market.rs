//! Market data inside `serve`: the refresh service from `crates/market`, started from the
//! shipped dated snapshot so the app works with no network, refreshed in the background, shared
//! through Redis when `REDIS_URL` is set, and read by pages (the calculator's prefill) and by
//! `GET /api/v1/market` without ever waiting on a provider.

use std::sync::Arc;
use std::time::Duration;

use app::ssr::MarketFeed;
use domain::market::{MarketNow, MarketValue, Provenance, Retarget};
use market::{MarketService, Reading, RedisCache, Snapshot, Source, now_ms};
use store::Store;
use tokio::task::JoinHandle;

use crate::config::MarketSettings;

pub mod backfill;
pub mod history;

/// The dated values the app starts from when it has never reached a provider (offline start).
/// The UI labels them "snapshot" with their date.
pub const SHIPPED_SNAPSHOT: &str = include_str!("../data/market-snapshot.json");

/// Keys in the shared cache: one namespace per application.
const REDIS_PREFIX: &str = "hashinsight:market:";

/// The running service and its refresh task.
pub struct Market {
    pub service: MarketService,
    task: Option<JoinHandle<()>>,
    recorder: Option<JoinHandle<()>>,
}

impl Market {
    /// Builds the service, seeds it with the shipped snapshot and, when enabled, starts the
    /// background refresh.
    pub async fn start(settings: &MarketSettings) -> anyhow::Result<Self> {
        let service = match &settings.redis_url {
            Some(url) => {
                let cache = RedisCache::connect(url.expose(), REDIS_PREFIX).await?;
                MarketService::with_cache(settings.feed.clone(), Arc::new(cache))?
            }
            None => MarketService::new(settings.feed.clone())?,
        };
        service.seed(&Snapshot::from_json(SHIPPED_SNAPSHOT)?);
        let task = settings
            .enabled
            .then(|| tokio::spawn(service.clone().run(std::future::pending::<()>())));
        Ok(Self {
            service,
            task,
            recorder: None,
        })
    }

    /// Keeps today's row of the network history up to date from the live values, once per
    /// network refresh (only while refreshing: a snapshot is not history).
    pub fn record_history(&mut self, store: Arc<dyn Store>) {
        if self.task.is_none() {
            return;
        }
        let service = self.service.clone();
        let every = Duration::from_millis(service.config().network_refresh_ms.max(60_000));
        self.recorder = Some(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await; // the first tick is immediate: let the first refresh land
            loop {
                ticks.tick().await;
                let Some(day) = history::today_from_live(&service, now_ms()) else {
                    continue;
                };
                if let Err(err) = store.upsert_network_days(&[day]).await {
                    tracing::warn!(error = %err, "network history: today's row not stored");
                }
            }
        }));
    }

    /// Stops the background refresh (at shutdown).
    pub fn stop(&mut self) {
        for task in [self.task.take(), self.recorder.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

impl Drop for Market {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The pages' view of the service.
pub struct Feed(pub MarketService);

impl MarketFeed for Feed {
    fn now(&self) -> MarketNow {
        market_now(&self.0, now_ms())
    }
}

fn value<T>(reading: &Reading<T>, now: i64, pick: impl Fn(&T) -> f64) -> MarketValue {
    let sourced = &reading.sourced;
    MarketValue {
        value: pick(&sourced.value),
        source: sourced.source.name().to_owned(),
        provenance: match sourced.source {
            Source::Snapshot => Provenance::Snapshot,
            Source::Stored => Provenance::Stored,
            _ => Provenance::Live,
        },
        fetched_at_ms: sourced.fetched_at_ms,
        age_ms: sourced.age_ms(now),
        stale: reading.stale,
    }
}

/// The values pages prefill, with their sources and ages at `now` (unix ms).
pub fn market_now(service: &MarketService, now: i64) -> MarketNow {
    let price = service.price();
    let network = service.network();
    let fear_greed = service.fear_greed();
    MarketNow {
        // Derived from the stored history by the server function that reads the store.
        difficulty_growth_pct_month: None,
        fear_greed: fear_greed
            .as_ref()
            .map(|r| value(r, now, |f| f64::from(f.value))),
        btc_price_usd: price.as_ref().map(|r| value(r, now, |p| p.price_usd)),
        difficulty: network.as_ref().map(|r| value(r, now, |n| n.difficulty)),
        fees_per_block_btc: network
            .as_ref()
            .map(|r| value(r, now, |n| n.fees_per_block_btc)),
        network_hashrate_hs: network.as_ref().map(|r| value(r, now, |n| n.hashrate_hs)),
        height: network.as_ref().map(|r| r.sourced.value.height),
        price_change_24h_pct: price.as_ref().and_then(|r| r.sourced.value.change_24h_pct),
        retarget: network.as_ref().map(|r| {
            let estimate = &r.sourced.value.retarget;
            Retarget {
                next_retarget_height: estimate.next_retarget_height,
                estimated_change_pct: estimate.estimated_change_pct,
                estimated_retarget_at_ms: estimate.estimated_retarget_at_ms,
            }
        }),
    }
}
