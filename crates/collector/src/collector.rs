//! The polling engine: reads every miner of a farm once per cycle, at bounded concurrency, each
//! under its own deadline, reusing asic-rs miner handles between cycles.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use asic_rs::MinerFactory;
use asic_rs::core::traits::entry::FirmwareEntry;
use asic_rs::core::traits::miner::Miner;
use asic_rs::core::util::DEFAULT_RPC_TIMEOUT;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::{CollectorConfig, HandleCache};
use crate::convert::{has_reading, sample_from_data};
use crate::error::{PollError, PollErrorKind};
use crate::fields::{self, Fields};
use crate::liveness::{Liveness, Presence};
use crate::probe::{self, Ports};
use crate::sample::Sample;

/// How long the after-failure port check may take; loopback and LAN refusals are instant.
const PROBE_WAIT: Duration = Duration::from_secs(1);
/// asic-rs gets its own identification deadline a little past ours, so ours always decides
/// (and a silent miner is reported as a timeout, not as unidentified).
const IDENTIFICATION_MARGIN: Duration = Duration::from_secs(1);

/// What one cycle produced.
#[derive(Debug, Clone, Serialize)]
pub struct CycleReport {
    /// Unix time in milliseconds when the cycle began.
    pub started_at_ms: u64,
    pub duration: Duration,
    /// One per miner that answered, in completion order.
    pub samples: Vec<Sample>,
    /// One per miner that did not.
    pub errors: Vec<PollError>,
    /// `get_miner` calls made this cycle: one per miner not already identified.
    pub identifications: usize,
    /// Polled miners that have been silent past the offline window, sorted.
    pub offline: Vec<Ipv4Addr>,
}

impl CycleReport {
    pub fn sample(&self, ip: Ipv4Addr) -> Option<&Sample> {
        self.samples.iter().find(|s| s.ip == ip)
    }

    pub fn error(&self, ip: Ipv4Addr) -> Option<&PollError> {
        self.errors.iter().find(|e| e.ip == ip)
    }
}

/// Polls miners with asic-rs. Remembers what identification found between cycles (the handle
/// itself or its firmware, see [`HandleCache`]), since identification costs several round trips
/// plus asic-rs's 300 ms wait for non-stock firmware, and each miner's identity (see
/// [`crate::fields`]).
pub struct Collector {
    config: CollectorConfig,
    factory: Arc<MinerFactory>,
    miners: HashMap<Ipv4Addr, Remembered>,
    /// asic-rs's firmware list, to find the entry an identified miner came from.
    firmwares: Arc<[Arc<dyn FirmwareEntry>]>,
    liveness: Liveness,
    identifications: u64,
}

impl Collector {
    pub fn new(config: CollectorConfig) -> Self {
        // With `HandleCache::Keep`, identified miners keep their idle HTTP connections
        // (reqwest's pool outlives a 60 s interval), so open files grow with the farm, not
        // only with concurrency.
        // Raising the soft limit to the hard one is best effort: a failure shows up later as
        // connect errors, which are reported per miner.
        if let Err(error) = rlimit::increase_nofile_limit(u64::MAX) {
            tracing::warn!(%error, "could not raise the open-file limit");
        }
        let factory = MinerFactory::new()
            .with_identification_timeout(config.miner_timeout + IDENTIFICATION_MARGIN)
            .with_concurrent_limit(config.concurrency.max(1));
        Self {
            liveness: Liveness::new(config.offline_after),
            config,
            factory: Arc::new(factory),
            miners: HashMap::new(),
            firmwares: asic_rs::factory::default_firmware_registry().into(),
            identifications: 0,
        }
    }

    pub fn config(&self) -> &CollectorConfig {
        &self.config
    }

    /// When each polled miner last gave data.
    pub fn liveness(&self) -> &Liveness {
        &self.liveness
    }

    /// Total `get_miner` calls since the collector started.
    pub fn identifications(&self) -> u64 {
        self.identifications
    }

    /// Miners identified and remembered (handle or firmware).
    pub fn identified_count(&self) -> usize {
        self.miners.len()
    }

    /// The cached asic-rs handle for `ip`, to pause, resume or restart the miner. Only with
    /// [`HandleCache::Keep`]; otherwise identify with asic-rs's `MinerFactory` when needed.
    pub fn miner(&self, ip: Ipv4Addr) -> Option<Arc<dyn Miner>> {
        match &self.miners.get(&ip)?.known {
            Known::Handle(miner) => Some(Arc::clone(miner)),
            Known::Firmware(_) => None,
        }
    }

    /// Drop everything known about miners outside `ips` (removed from the farm).
    pub fn retain(&mut self, ips: &[Ipv4Addr]) {
        let keep: HashSet<Ipv4Addr> = ips.iter().copied().collect();
        self.miners.retain(|ip, _| keep.contains(ip));
        self.liveness.retain(|ip| keep.contains(&ip));
    }

    /// Read every miner in `ips` once. Never fails as a whole: each miner ends up either as a
    /// sample or as an error, within `miner_timeout` of its turn coming.
    pub async fn poll_cycle(&mut self, ips: &[Ipv4Addr]) -> CycleReport {
        let started = Instant::now();
        let started_at_ms = now_ms();
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        let mut task_ips = HashMap::new();
        let mut report = CycleReport {
            started_at_ms,
            duration: Duration::ZERO,
            samples: Vec::with_capacity(ips.len()),
            errors: Vec::new(),
            identifications: 0,
            offline: Vec::new(),
        };
        let mut queued = HashSet::with_capacity(ips.len());

        for &ip in ips {
            if !queued.insert(ip) {
                continue;
            }
            self.liveness.polled(ip, started_at_ms);
            // Waiting for a permit before spawning keeps at most `concurrency` tasks (and their
            // sockets) alive; finished results are absorbed meanwhile so memory stays flat.
            let permit = loop {
                tokio::select! {
                    permit = Arc::clone(&permits).acquire_owned() => {
                        break permit.expect("the semaphore is never closed");
                    }
                    Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                        self.absorb(done, &mut task_ips, &mut report);
                    }
                }
            };
            let cached = self.miners.get(&ip).cloned();
            if cached.is_none() {
                report.identifications += 1;
                self.identifications += 1;
            }
            let job = Job {
                ip,
                cached,
                factory: Arc::clone(&self.factory),
                firmwares: Arc::clone(&self.firmwares),
                handles: self.config.handles,
                timeout: self.config.miner_timeout,
                nominal_w_per_th: self.config.nominal_w_per_th,
                identity_every_ms: duration_ms(self.config.identity_every),
            };
            let handle = tasks.spawn(async move {
                let _permit = permit;
                job.run().await
            });
            task_ips.insert(handle.id(), ip);
        }
        while let Some(done) = tasks.join_next_with_id().await {
            self.absorb(done, &mut task_ips, &mut report);
        }

        let now = now_ms();
        report.offline = queued
            .into_iter()
            .filter(|&ip| self.liveness.presence(ip, now) == Some(Presence::Offline))
            .collect();
        report.offline.sort_unstable();
        report.duration = started.elapsed();
        report
    }

    fn absorb(
        &mut self,
        done: Result<(tokio::task::Id, Outcome), tokio::task::JoinError>,
        task_ips: &mut HashMap<tokio::task::Id, Ipv4Addr>,
        report: &mut CycleReport,
    ) {
        let outcome = match done {
            Ok((id, outcome)) => {
                task_ips.remove(&id);
                outcome
            }
            Err(error) => {
                // Only a panic inside asic-rs gets here; the miner is re-identified next time.
                let ip = task_ips
                    .remove(&error.id())
                    .expect("every task's address is recorded");
                Outcome {
                    ip,
                    result: Err(PollError::new(
                        ip,
                        PollErrorKind::ReadError,
                        format!("reading panicked: {error}"),
                    )),
                }
            }
        };
        match outcome.result {
            Ok(reading) => {
                match reading.remembered {
                    Some(remembered) => self.miners.insert(outcome.ip, remembered),
                    // Nothing to reuse (a rebuilt handle whose firmware is not in the
                    // registry): identified afresh next cycle.
                    None => self.miners.remove(&outcome.ip),
                };
                self.liveness.seen(outcome.ip, reading.sample.taken_at_ms);
                report.samples.push(reading.sample);
            }
            Err(error) => {
                // A miner that failed may have been swapped, re-flashed or re-addressed:
                // identify it afresh next cycle rather than trust the old handle.
                self.miners.remove(&outcome.ip);
                report.errors.push(error);
            }
        }
    }
}

/// What the collector remembers about a miner that answered.
#[derive(Clone)]
struct Remembered {
    known: Known,
    identity: Identity,
}

/// How to reach an identified miner again without discovery.
#[derive(Clone)]
enum Known {
    Handle(Arc<dyn Miner>),
    Firmware(Arc<dyn FirmwareEntry>),
}

/// The fields that say which machine answers, as last read from it.
#[derive(Clone)]
struct Identity {
    mac: Option<String>,
    serial_number: Option<String>,
    firmware_version: Option<String>,
    /// When they were read; 0 when the miner gave none, so they are asked for again.
    read_at_ms: u64,
    /// The miner's uptime at its latest read: a lower one later means it restarted.
    uptime_s: Option<u64>,
}

impl Identity {
    fn of(sample: &Sample) -> Self {
        let any = sample.mac.is_some()
            || sample.serial_number.is_some()
            || sample.firmware_version.is_some();
        Self {
            mac: sample.mac.clone(),
            serial_number: sample.serial_number.clone(),
            firmware_version: sample.firmware_version.clone(),
            read_at_ms: if any { sample.taken_at_ms } else { 0 },
            uptime_s: sample.uptime_s,
        }
    }

    fn is_due(&self, now_ms: u64, every_ms: u64) -> bool {
        now_ms.saturating_sub(self.read_at_ms) >= every_ms
    }

    /// A restart is when a firmware upgrade takes effect, and what a machine swapped in at the
    /// same address looks like from here.
    fn restarted_before(&self, sample: &Sample) -> bool {
        matches!((self.uptime_s, sample.uptime_s), (Some(before), Some(now)) if now < before)
    }

    fn fill(&self, sample: &mut Sample) {
        sample.mac.clone_from(&self.mac);
        sample.serial_number.clone_from(&self.serial_number);
        sample.firmware_version.clone_from(&self.firmware_version);
    }
}

/// One miner's work in one cycle, owned so it can run on any worker thread.
struct Job {
    ip: Ipv4Addr,
    cached: Option<Remembered>,
    factory: Arc<MinerFactory>,
    firmwares: Arc<[Arc<dyn FirmwareEntry>]>,
    handles: HandleCache,
    timeout: Duration,
    nominal_w_per_th: f64,
    identity_every_ms: u64,
}

struct Outcome {
    ip: Ipv4Addr,
    result: Result<Reading, PollError>,
}

struct Reading {
    sample: Sample,
    /// What to remember for the next cycle.
    remembered: Option<Remembered>,
}

impl Job {
    async fn run(self) -> Outcome {
        let ip = self.ip;
        let timeout = self.timeout;
        let result = match tokio::time::timeout(timeout, self.read()).await {
            Ok(result) => result,
            Err(_) => Err(PollError::new(
                ip,
                PollErrorKind::Timeout,
                format!("no answer within {timeout:?}"),
            )),
        };
        Outcome { ip, result }
    }

    async fn read(self) -> Result<Reading, PollError> {
        let ip = self.ip;
        let started = Instant::now();
        let (cached_known, known_identity) = match self.cached {
            Some(Remembered { known, identity }) => (Some(known), Some(identity)),
            None => (None, None),
        };
        let (miner, known) = match cached_known {
            Some(Known::Handle(miner)) => (Arc::clone(&miner), Some(Known::Handle(miner))),
            Some(Known::Firmware(firmware)) => {
                match firmware.build_miner(IpAddr::V4(ip), None).await {
                    Ok(miner) => (Arc::from(miner), Some(Known::Firmware(firmware))),
                    Err(_) => return Err(classify_empty_reading(ip, started.elapsed()).await),
                }
            }
            None => (identify(&self.factory, ip).await?, None),
        };
        let known_identity =
            known_identity.filter(|id| !id.is_due(now_ms(), self.identity_every_ms));
        let wanted = if known_identity.is_some() {
            Fields::Live
        } else {
            Fields::LiveAndIdentity
        };
        let asked = Instant::now();
        let data = miner.get_data_filtered(fields::excluded(wanted)).await;
        if !has_reading(&data) {
            return Err(classify_empty_reading(ip, asked.elapsed()).await);
        }
        let mut sample = sample_from_data(ip, now_ms(), &data, self.nominal_w_per_th);
        let identity = match known_identity {
            Some(identity) if !identity.restarted_before(&sample) => {
                identity.fill(&mut sample);
                Identity {
                    uptime_s: sample.uptime_s,
                    ..identity
                }
            }
            Some(_) => {
                let data = miner
                    .get_data_filtered(fields::excluded(Fields::Identity))
                    .await;
                let read = sample_from_data(ip, sample.taken_at_ms, &data, self.nominal_w_per_th);
                let identity = Identity {
                    uptime_s: sample.uptime_s,
                    ..Identity::of(&read)
                };
                identity.fill(&mut sample);
                identity
            }
            None => Identity::of(&sample),
        };
        let known = known.or_else(|| remember(miner, self.handles, &self.firmwares));
        let remembered = known.map(|known| Remembered { known, identity });
        Ok(Reading { sample, remembered })
    }
}

fn remember(
    miner: Arc<dyn Miner>,
    handles: HandleCache,
    firmwares: &[Arc<dyn FirmwareEntry>],
) -> Option<Known> {
    match handles {
        HandleCache::Keep => Some(Known::Handle(miner)),
        HandleCache::Rebuild => {
            // asic-rs names a miner's firmware as its registry entry displays itself.
            let name = miner.get_device_info().firmware;
            firmwares
                .iter()
                .find(|f| f.to_string() == name)
                .map(|f| Known::Firmware(Arc::clone(f)))
        }
    }
}

async fn identify(factory: &MinerFactory, ip: Ipv4Addr) -> Result<Arc<dyn Miner>, PollError> {
    match factory.get_miner(IpAddr::V4(ip)).await {
        Ok(Some(miner)) => Ok(Arc::from(miner)),
        Ok(None) => Err(match probe::check(ip, PROBE_WAIT).await {
            Ports::Open => PollError::new(
                ip,
                PollErrorKind::Unidentified,
                "a miner port answers but asic-rs does not recognise the device",
            ),
            Ports::Closed => unreachable(ip),
            Ports::Unknown(error) => local_failure(ip, &error),
        }),
        Err(error) => Err(PollError::new(
            ip,
            PollErrorKind::Unidentified,
            format!("identification failed: {error}"),
        )),
    }
}

/// asic-rs returns an empty `MinerData` rather than an error, whatever went wrong; tell the
/// causes apart from how long it took and whether anything still listens.
async fn classify_empty_reading(ip: Ipv4Addr, took: Duration) -> PollError {
    if took >= DEFAULT_RPC_TIMEOUT {
        return PollError::new(
            ip,
            PollErrorKind::Timeout,
            format!("asic-rs gave up after {took:?} without an answer"),
        );
    }
    match probe::check(ip, PROBE_WAIT).await {
        Ports::Open => PollError::new(
            ip,
            PollErrorKind::ReadError,
            "the miner answered but none of its replies could be read",
        ),
        Ports::Closed => unreachable(ip),
        Ports::Unknown(error) => local_failure(ip, &error),
    }
}

fn unreachable(ip: Ipv4Addr) -> PollError {
    PollError::new(
        ip,
        PollErrorKind::Unreachable,
        "no miner port accepts connections",
    )
}

/// The collector's own host failed (typically out of descriptors): not the miner's fault, so
/// not "unreachable"; reported as a read error that names the cause.
fn local_failure(ip: Ipv4Addr, error: &std::io::Error) -> PollError {
    PollError::new(
        ip,
        PollErrorKind::ReadError,
        format!("could not read the miner, collector host error: {error}"),
    )
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Unix time in milliseconds; 0 if the clock is before 1970 (a misconfigured host), which the
/// offline rule then treats as "long ago" rather than failing the cycle.
pub fn now_ms() -> u64 {
    u64::try_from(domain::clock::unix_now_ms()).unwrap_or(0)
}
