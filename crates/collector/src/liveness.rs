//! Which miners count as online: a miner is offline once it has given no data for a while
//! (5 minutes by default), not on its first missed poll, so one slow answer does not page anyone.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Default silence after which a miner is offline.
pub const DEFAULT_OFFLINE_AFTER: Duration = Duration::from_mins(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Gave data within the offline window.
    Online,
    /// Silent for longer than the window (or never answered since polling began that long ago).
    Offline,
    /// Never answered, but polling began too recently to call it offline.
    Pending,
}

/// The presence rule on its own, so it can be tested with made-up clocks.
///
/// `first_polled_ms` is when the collector first asked this miner; a miner that has never
/// answered becomes offline a full window after that, like one that stopped answering.
pub fn presence(
    last_seen_ms: Option<u64>,
    first_polled_ms: u64,
    now_ms: u64,
    offline_after: Duration,
) -> Presence {
    let window_ms = u64::try_from(offline_after.as_millis()).unwrap_or(u64::MAX);
    match last_seen_ms {
        Some(seen) if now_ms.saturating_sub(seen) <= window_ms => Presence::Online,
        Some(_) => Presence::Offline,
        None if now_ms.saturating_sub(first_polled_ms) > window_ms => Presence::Offline,
        None => Presence::Pending,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerLiveness {
    pub first_polled_ms: u64,
    pub last_seen_ms: Option<u64>,
}

/// Last time each polled miner gave data.
#[derive(Debug, Clone)]
pub struct Liveness {
    offline_after: Duration,
    miners: HashMap<Ipv4Addr, MinerLiveness>,
}

impl Liveness {
    pub fn new(offline_after: Duration) -> Self {
        Self {
            offline_after,
            miners: HashMap::new(),
        }
    }

    /// Note that `ip` was asked at `at_ms` (keeps the first time only).
    pub fn polled(&mut self, ip: Ipv4Addr, at_ms: u64) {
        self.miners.entry(ip).or_insert(MinerLiveness {
            first_polled_ms: at_ms,
            last_seen_ms: None,
        });
    }

    /// Note that `ip` gave data at `at_ms`.
    pub fn seen(&mut self, ip: Ipv4Addr, at_ms: u64) {
        let entry = self.miners.entry(ip).or_insert(MinerLiveness {
            first_polled_ms: at_ms,
            last_seen_ms: None,
        });
        entry.last_seen_ms = Some(entry.last_seen_ms.map_or(at_ms, |s| s.max(at_ms)));
    }

    pub fn get(&self, ip: Ipv4Addr) -> Option<MinerLiveness> {
        self.miners.get(&ip).copied()
    }

    /// `None` for a miner the collector has never polled.
    pub fn presence(&self, ip: Ipv4Addr, now_ms: u64) -> Option<Presence> {
        let m = self.miners.get(&ip)?;
        Some(presence(
            m.last_seen_ms,
            m.first_polled_ms,
            now_ms,
            self.offline_after,
        ))
    }

    /// Every known miner that is offline at `now_ms`, sorted by address.
    pub fn offline(&self, now_ms: u64) -> Vec<Ipv4Addr> {
        let mut ips: Vec<Ipv4Addr> = self
            .miners
            .keys()
            .copied()
            .filter(|&ip| self.presence(ip, now_ms) == Some(Presence::Offline))
            .collect();
        ips.sort_unstable();
        ips
    }

    /// Forget miners no longer in the farm, so the map does not grow with address churn.
    pub fn retain(&mut self, keep: impl Fn(Ipv4Addr) -> bool) {
        self.miners.retain(|&ip, _| keep(ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN_MS: u64 = 60_000;
    const IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    #[test]
    fn seen_within_five_minutes_is_online_and_after_is_offline() {
        let w = DEFAULT_OFFLINE_AFTER;
        let seen = 1_000_000;
        assert_eq!(presence(Some(seen), 0, seen, w), Presence::Online);
        assert_eq!(
            presence(Some(seen), 0, seen + 5 * MIN_MS, w),
            Presence::Online
        );
        assert_eq!(
            presence(Some(seen), 0, seen + 5 * MIN_MS + 1, w),
            Presence::Offline
        );
    }

    #[test]
    fn never_seen_is_pending_for_one_window_then_offline() {
        let w = DEFAULT_OFFLINE_AFTER;
        assert_eq!(presence(None, 0, 4 * MIN_MS, w), Presence::Pending);
        assert_eq!(presence(None, 0, 6 * MIN_MS, w), Presence::Offline);
    }

    #[test]
    fn a_clock_going_backwards_does_not_make_a_miner_offline() {
        assert_eq!(
            presence(Some(10 * MIN_MS), 0, MIN_MS, DEFAULT_OFFLINE_AFTER),
            Presence::Online
        );
    }

    #[test]
    fn tracker_follows_polls_and_readings() {
        let mut l = Liveness::new(DEFAULT_OFFLINE_AFTER);
        let other = Ipv4Addr::new(10, 0, 0, 2);
        assert_eq!(l.presence(IP, 0), None);
        l.polled(IP, 0);
        l.polled(other, 0);
        l.seen(IP, MIN_MS);
        l.polled(IP, 2 * MIN_MS);
        assert_eq!(l.get(IP).unwrap().first_polled_ms, 0);
        assert_eq!(l.presence(IP, 5 * MIN_MS), Some(Presence::Online));
        assert_eq!(l.presence(other, 5 * MIN_MS), Some(Presence::Pending));
        assert_eq!(l.offline(7 * MIN_MS), vec![IP, other]);
        l.seen(IP, 7 * MIN_MS);
        assert_eq!(l.offline(7 * MIN_MS), vec![other]);
        l.retain(|ip| ip == IP);
        assert_eq!(l.presence(other, 7 * MIN_MS), None);
    }
}
