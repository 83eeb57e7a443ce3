//! `[poll]`: which sites the server polls itself, how often, how fast, and which reserved
//! networks may still hold miners. Read by the configuration and by the poller.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Under `[poll] auto`, how often at most the site list is read again: a site created in the
/// browser is polled within this (or the poll interval, when shorter).
const SITE_LIST_REFRESH: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollSettings {
    /// Sites the server polls itself; empty (the default) polls none.
    pub sites: Vec<i64>,
    /// Also poll every site no usable collector key writes to, sites created later included;
    /// a site stops being polled when it is deleted or a collector key is made for it.
    pub auto: bool,
    pub interval_s: u64,
    /// How long one miner may take to answer.
    pub timeout_s: u64,
    /// Miners polled at once, per site.
    pub concurrency: usize,
    /// Networks (CIDR, e.g. `127.90.0.0/16`) whose reserved addresses (loopback, link-local,
    /// multicast, …) may still be miners': for labs and the simulator. Empty (the default)
    /// allows none; the demo farm's own addresses are allowed while it runs, and the server's
    /// own address never is (`fleet::address`).
    pub allow_networks: Vec<fleet::address::Ipv4Network>,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self {
            sites: Vec::new(),
            auto: false,
            interval_s: 60,
            timeout_s: 10,
            concurrency: 256,
            allow_networks: Vec::new(),
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

    pub(crate) fn site_list_refresh(&self) -> Duration {
        SITE_LIST_REFRESH.min(Duration::from_secs(self.interval_s))
    }
}
