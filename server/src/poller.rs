//! Polling from the server itself, for sites whose miners the server can reach (`[poll]
//! sites`): the same asic-rs engine as `hashinsight collect`, but the samples go straight to
//! the store and the alert engine instead of through the ingest API. Each site is one task on
//! the runtime; polling is asynchronous I/O with bounded concurrency and a per-miner timeout,
//! so the web server never waits on it. Farms the server cannot reach run the standalone
//! collector instead; a site should have one or the other.

use std::sync::Arc;
use std::time::Duration;

use app::ssr::Store;
use collector::{Collector, CollectorConfig};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use crate::alerts::Alerting;
use crate::collect::uplink::{Target, Targets};
use crate::collect::{BATCH_SAMPLES, poll_once};
use crate::live::{Change, LiveHub};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollSettings {
    /// Sites the server polls itself; empty (the default) polls none.
    pub sites: Vec<i64>,
    pub interval_s: u64,
    /// How long one miner may take to answer.
    pub timeout_s: u64,
    /// Miners polled at once, per site.
    pub concurrency: usize,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self {
            sites: Vec::new(),
            interval_s: 60,
            timeout_s: 10,
            concurrency: 256,
        }
    }
}

impl PollSettings {
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.interval_s == 0 || self.timeout_s == 0 || self.concurrency == 0 {
            anyhow::bail!("[poll] interval_s, timeout_s and concurrency must be at least 1");
        }
        Ok(())
    }
}

/// One task per configured site, until the handles are aborted (at shutdown).
pub fn spawn(
    settings: &PollSettings,
    store: Arc<dyn Store>,
    alerts: Arc<Alerting>,
    live: &LiveHub,
) -> Vec<JoinHandle<()>> {
    settings
        .sites
        .iter()
        .map(|site_id| {
            let (store, alerts, live, settings, site_id) = (
                store.clone(),
                alerts.clone(),
                live.clone(),
                settings.clone(),
                *site_id,
            );
            tokio::spawn(async move {
                let sinks = Sinks {
                    store: &*store,
                    alerts: &alerts,
                    live: &live,
                };
                poll_site(site_id, &settings, sinks).await;
            })
        })
        .collect()
}

/// Where a cycle's samples go.
#[derive(Clone, Copy)]
pub struct Sinks<'a> {
    pub store: &'a dyn Store,
    pub alerts: &'a Alerting,
    pub live: &'a LiveHub,
}

async fn poll_site(site_id: i64, settings: &PollSettings, sinks: Sinks<'_>) {
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: Duration::from_secs(settings.timeout_s),
        concurrency: settings.concurrency,
        interval: Duration::from_secs(settings.interval_s),
        ..CollectorConfig::default()
    });
    let mut ticks = tokio::time::interval(Duration::from_secs(settings.interval_s));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(
        site_id,
        interval_s = settings.interval_s,
        "polling the site from the server"
    );
    loop {
        ticks.tick().await;
        if let Err(error) = cycle(site_id, &mut collector, sinks).await {
            tracing::warn!(site_id, %error, "poll cycle failed; trying again next interval");
        }
    }
}

/// One cycle: the site's approved miners now, polled once, stored batch by batch and run
/// through the alert engine, then told to open pages.
pub async fn cycle(
    site_id: i64,
    collector: &mut Collector,
    sinks: Sinks<'_>,
) -> anyhow::Result<usize> {
    let Sinks {
        store,
        alerts,
        live,
    } = sinks;
    let miners = store
        .miner_targets(site_id)
        .await?
        .into_iter()
        .filter_map(|(miner_id, ip)| ip.parse().ok().map(|ip| Target { miner_id, ip }))
        .collect();
    let targets = Targets { site_id, miners };
    let samples = poll_once(collector, &targets).await;
    let now_ms = app::market::unix_now_ms();
    for batch in samples.chunks(BATCH_SAMPLES) {
        store.ingest_samples(site_id, batch, now_ms).await?;
        live.publish(site_id, Change::Telemetry, now_ms);
        if let Err(error) = alerts.observe_samples(site_id, batch, now_ms).await {
            tracing::error!(site_id, %error, "alerts: batch not evaluated");
        }
    }
    Ok(samples.len())
}
