//! Collector settings and their defaults.

use std::time::Duration;

use crate::liveness::DEFAULT_OFFLINE_AFTER;

/// How the collector polls.
#[derive(Debug, Clone)]
pub struct CollectorConfig {
    /// Longest one miner may take per cycle, identification included. A miner over it gets a
    /// timeout error and never holds up the rest of the cycle.
    pub miner_timeout: Duration,
    /// Miners read at once. Each read opens a few sockets at a time (RPC plus the web API), so
    /// this also bounds the collector's open files.
    pub concurrency: usize,
    /// Time between the starts of two cycles in [`crate::Collector::run`].
    pub interval: Duration,
    /// Silence after which a miner counts as offline.
    pub offline_after: Duration,
    /// What to keep of an identified miner between cycles.
    pub handles: HandleCache,
    /// W/TH used to estimate power for miners that report none (S19 Pro: 3250 W / 110 TH/s).
    pub nominal_w_per_th: f64,
    /// How often a miner's MAC, serial and firmware version are read again. Between those reads
    /// they come from memory; a miner whose uptime went down (restarted, re-flashed, or another
    /// machine at its address) is read again at once.
    pub identity_every: Duration,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        Self {
            miner_timeout: Duration::from_secs(10),
            concurrency: 256,
            interval: Duration::from_mins(1),
            offline_after: DEFAULT_OFFLINE_AFTER,
            nominal_w_per_th: 29.5,
            handles: HandleCache::Keep,
            identity_every: Duration::from_hours(1),
        }
    }
}

/// What the collector keeps of an identified miner between cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HandleCache {
    /// Keep asic-rs's miner handle: the cheapest cycle, but each handle holds its own HTTP
    /// client (140–190 KB) and its idle keep-alive connections: 2 sockets on a stock Antminer
    /// (the two web requests of a read run at once) until its web server closes them, after 5 s
    /// on stock firmware. Open files therefore grow with the miners read in the last 5 s.
    #[default]
    Keep,
    /// Keep only which firmware answered and rebuild the handle each cycle (skipping
    /// discovery): memory and sockets stay bounded by `concurrency`, at the price of the
    /// model/version requests `build_miner` makes every cycle.
    Rebuild,
}
