//! Polling from the server itself, for sites whose miners the server can reach (`[poll]
//! sites`, or every site without a collector key under `[poll] auto`): the same asic-rs engine
//! as `hashinsight collect`, but the samples go straight into the one ingest path
//! (`crate::ingest`, validation included) instead of over the ingest API. Each site is one task on the runtime; polling is
//! asynchronous I/O with bounded concurrency and a per-miner timeout, so the web server never
//! waits on it. Farms the server cannot reach run the standalone collector instead; a site
//! should have one or the other.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use collector::{Collector, CollectorConfig};
use store::Store;
use tokio::task::{AbortHandle, JoinHandle, JoinSet};

use crate::addresses::MinerAddresses;
use crate::alerts::Alerting;
use crate::collect::poll_once;
use crate::collect::uplink::Targets;
use crate::ingest::record_polled;
use crate::jobs::poll_settings::PollSettings;
use crate::live::LiveHub;

/// What every site's task writes to, owned so each task can hold its own.
#[derive(Clone)]
struct Shared {
    store: Arc<dyn Store>,
    alerts: Arc<Alerting>,
    live: LiveHub,
    addresses: Arc<MinerAddresses>,
}

/// The server's polling: one task per polled site, kept in step with the site list, until the
/// handle is aborted (at shutdown), which stops every site's task with it.
pub fn spawn(
    settings: &PollSettings,
    store: Arc<dyn Store>,
    alerts: Arc<Alerting>,
    live: &LiveHub,
    addresses: Arc<MinerAddresses>,
) -> JoinHandle<()> {
    let shared = Shared {
        store,
        alerts,
        live: live.clone(),
        addresses,
    };
    tokio::spawn(supervise(settings.clone(), shared))
}

async fn supervise(settings: PollSettings, shared: Shared) {
    // Dropped with this future when the supervisor is aborted, which aborts every site's task.
    let mut tasks = JoinSet::new();
    let mut running: HashMap<i64, AbortHandle> = HashMap::new();
    let mut refresh = tokio::time::interval(settings.site_list_refresh());
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        refresh.tick().await;
        let wanted = match polled_sites(&settings, &*shared.store).await {
            Ok(wanted) => wanted,
            Err(error) => {
                tracing::warn!(%error, "could not read the sites to poll; keeping the current ones");
                continue;
            }
        };
        running.retain(|site_id, task| {
            let keep = wanted.contains(site_id);
            if !keep {
                task.abort();
                tracing::info!(
                    site_id,
                    "no longer polling the site (deleted, or it has a collector key)"
                );
            }
            keep
        });
        for site_id in wanted {
            running.entry(site_id).or_insert_with(|| {
                let (shared, settings) = (shared.clone(), settings.clone());
                tasks.spawn(async move {
                    let sinks = Sinks {
                        ingest: crate::ingest::Sinks {
                            store: &*shared.store,
                            alerts: &shared.alerts,
                            live: &shared.live,
                        },
                        addresses: &shared.addresses,
                    };
                    poll_site(site_id, &settings, sinks).await;
                })
            });
        }
        // Reap the aborted tasks so the set does not grow with every site ever deleted.
        while tasks.try_join_next().is_some() {}
    }
}

/// The configured sites, plus under `auto` every site without a usable collector key.
async fn polled_sites(settings: &PollSettings, store: &dyn Store) -> anyhow::Result<BTreeSet<i64>> {
    let mut sites: BTreeSet<i64> = settings.sites.iter().copied().collect();
    if settings.auto {
        sites.extend(store.sites_without_collector().await?);
    }
    Ok(sites)
}

/// Where a cycle's samples go.
#[derive(Clone, Copy)]
pub struct Sinks<'a> {
    pub ingest: crate::ingest::Sinks<'a>,
    /// Miners whose address the rule refuses are never contacted (rows stored before it).
    pub addresses: &'a MinerAddresses,
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

/// One cycle: the site's approved miners now, polled once, and their readings through the one
/// ingest path (validated, stored batch by batch, told to open pages, run through the alerts). A miner whose address the rule refuses
/// is not contacted and gets no reading (logged once, with why).
pub async fn cycle(
    site_id: i64,
    collector: &mut Collector,
    sinks: Sinks<'_>,
) -> anyhow::Result<usize> {
    let Sinks { ingest, addresses } = sinks;
    let stored = ingest.store.miner_targets(site_id).await?;
    let screened = addresses.screen(site_id, &stored, "server");
    if !screened.refused.is_empty() {
        tracing::debug!(
            site_id,
            not_polled = screened.refused.len(),
            reason = "address refused",
            "poll cycle skips miners"
        );
    }
    let targets = Targets {
        site_id,
        miners: screened.targets,
    };
    let samples = poll_once(collector, &targets).await;
    Ok(record_polled(ingest, site_id, &samples, domain::clock::unix_now_ms()).await?)
}
