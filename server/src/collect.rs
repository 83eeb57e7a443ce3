//! `hashinsight collect`: the collector that runs on a farm's own network. It asks the server
//! which miners its site has, polls them with asic-rs every interval, spools each cycle on
//! disk and uploads the spool to the ingest API. Polling never waits on the upload: while the
//! server is unreachable the spool grows, and it drains, oldest first, once the server answers.

pub mod convert;
pub mod spool;
pub mod uplink;

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use collector::{Collector, CollectorConfig};
use domain::telemetry::{MAX_SAMPLES_PER_BATCH, TelemetrySample};
use tokio::sync::Notify;

use crate::cli::CollectArgs;
use spool::Spool;
use uplink::{Target, Targets, Uplink, UplinkError};

/// The targets last received, so a restart while the server is down still polls the farm.
const TARGETS_FILE: &str = "targets.json";
/// Pause between upload attempts while the server is unreachable.
const RETRY_EVERY: Duration = Duration::from_secs(5);

pub async fn command(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    let key = args.key.trim();
    if key.is_empty() {
        bail!("a collector key is required (--key or HASHINSIGHT_COLLECTOR_KEY)");
    }
    if args.interval_s == 0 || args.timeout_s == 0 || args.concurrency == 0 {
        bail!("--interval-s, --timeout-s and --concurrency must be at least 1");
    }
    let spool = Arc::new(
        Spool::open(&args.spool_dir)
            .with_context(|| format!("opening the spool {}", args.spool_dir.display()))?,
    );
    let uplink = Arc::new(Uplink::new(&args.server, key, Duration::from_secs(30))?);
    let mut targets = current_targets(&uplink, spool.dir(), None).await?;
    if let Some(site_id) = args.site
        && site_id != targets.site_id
    {
        bail!(
            "this key belongs to site {}, not site {site_id}: refusing to mix sites",
            targets.site_id
        );
    }
    tracing::info!(
        site_id = targets.site_id,
        miners = targets.miners.len(),
        server = %args.server,
        "collector started"
    );

    let wake_sender = Arc::new(Notify::new());
    let sender = tokio::spawn(send_forever(
        Arc::clone(&spool),
        Arc::clone(&uplink),
        Arc::clone(&wake_sender),
    ));
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: Duration::from_secs(args.timeout_s),
        concurrency: args.concurrency,
        interval: Duration::from_secs(args.interval_s),
        ..CollectorConfig::default()
    });
    let mut ticks = tokio::time::interval(Duration::from_secs(args.interval_s));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let shutdown = crate::shutdown::shutdown_signal();
    tokio::pin!(shutdown);
    let mut cycles = 0_u64;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = ticks.tick() => {}
        }
        if cycles > 0 {
            targets = current_targets(&uplink, spool.dir(), Some(targets)).await?;
        }
        let samples = poll_once(&mut collector, &targets).await;
        spool_cycle(&spool, &samples)?;
        wake_sender.notify_one();
        cycles += 1;
        if args.cycles.is_some_and(|limit| cycles >= limit) {
            break;
        }
    }
    sender.abort();
    // What the loop spooled is sent before leaving when the server is there; what it cannot
    // send stays on disk for the next start.
    let left = drain(&spool, &uplink).await;
    let backlog = spool.backlog()?;
    tracing::info!(
        cycles,
        waiting_batches = backlog.batches,
        waiting_bytes = backlog.bytes,
        "collector stopped"
    );
    if let Err(error) = left {
        tracing::warn!(%error, "batches left in the spool for the next start");
    }
    Ok(ExitCode::SUCCESS)
}

/// One cycle: every target once, as samples (an offline row for each miner that gave none).
pub async fn poll_once(collector: &mut Collector, targets: &Targets) -> Vec<TelemetrySample> {
    let ips: Vec<Ipv4Addr> = targets.miners.iter().map(|t| t.ip).collect();
    collector.retain(&ips);
    let report = collector.poll_cycle(&ips).await;
    let by_ip: HashMap<Ipv4Addr, &Target> = targets.miners.iter().map(|t| (t.ip, t)).collect();
    let cycle_ms = i64::try_from(report.started_at_ms).unwrap_or(i64::MAX);
    let mut samples: Vec<TelemetrySample> = report
        .samples
        .iter()
        .filter_map(|s| {
            by_ip
                .get(&s.ip)
                .map(|t| convert::telemetry(t.miner_id, s, t.nominal_w_per_th))
        })
        .collect();
    samples.extend(
        report
            .errors
            .iter()
            .filter_map(|e| by_ip.get(&e.ip))
            .map(|t| convert::offline(t.miner_id, cycle_ms)),
    );
    tracing::info!(
        answered = report.samples.len(),
        silent = report.errors.len(),
        duration_ms = u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
        "poll cycle"
    );
    samples
}

/// Writes a cycle to the spool in batches the API accepts.
pub fn spool_cycle(spool: &Spool, samples: &[TelemetrySample]) -> anyhow::Result<()> {
    let now_ms = i64::try_from(collector::now_ms()).unwrap_or(i64::MAX);
    for batch in samples.chunks(MAX_SAMPLES_PER_BATCH) {
        spool
            .push(batch, now_ms)
            .with_context(|| format!("writing to the spool {}", spool.dir().display()))?;
    }
    Ok(())
}

/// The server's list of this site's miners, remembered on disk; the remembered one when the
/// server cannot be reached (or `previous` while running). Fails only when there is neither.
async fn current_targets(
    uplink: &Uplink,
    spool_dir: &Path,
    previous: Option<Targets>,
) -> anyhow::Result<Targets> {
    let file = spool_dir.join(TARGETS_FILE);
    match uplink.targets().await {
        Ok(targets) => {
            spool::write_durably(&file, &serde_json::to_vec(&targets)?)?;
            Ok(targets)
        }
        Err(UplinkError::Unauthorized(status)) => {
            bail!("the server refused the collector key (HTTP {status})")
        }
        Err(error) => {
            if let Some(previous) = previous {
                return Ok(previous);
            }
            let remembered = std::fs::read(&file)
                .ok()
                .and_then(|json| serde_json::from_slice::<Targets>(&json).ok());
            match remembered {
                Some(targets) => {
                    tracing::warn!(%error, "server unreachable: polling the miners it last listed");
                    Ok(targets)
                }
                None => Err(error).context(format!(
                    "no miner list yet: the server must be reachable once (it is then \
                     remembered in {})",
                    file.display()
                )),
            }
        }
    }
}

/// Uploads the spool whenever woken, and retries every few seconds while anything waits.
async fn send_forever(spool: Arc<Spool>, uplink: Arc<Uplink>, wake: Arc<Notify>) {
    loop {
        match drain(&spool, &uplink).await {
            Ok(()) => wake.notified().await,
            Err(error) => {
                tracing::warn!(%error, "upload paused; the spool keeps every batch");
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(RETRY_EVERY) => {}
                }
            }
        }
    }
}

/// Sends waiting batches oldest first until the spool is empty or the server stops answering.
pub async fn drain(spool: &Spool, uplink: &Uplink) -> anyhow::Result<()> {
    for path in spool.pending()? {
        let body = Spool::read(&path)?;
        match uplink.send(body).await {
            Ok(reply) => {
                if !reply.unknown_miners.is_empty() {
                    tracing::warn!(
                        miners = ?reply.unknown_miners,
                        "the server does not know these miners for this site; their samples were not stored"
                    );
                }
                if reply.stale > 0 {
                    tracing::error!(
                        samples = reply.stale,
                        "samples older than 24 h were refused by the server (raw retention)"
                    );
                }
                Spool::acknowledge(&path)?;
            }
            Err(UplinkError::Refused { status, body }) => {
                let moved: PathBuf = spool.reject(&path, &format!("HTTP {status}: {body}"))?;
                tracing::error!(status, %body, file = %moved.display(), "batch refused; set aside");
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}
