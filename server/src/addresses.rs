//! Which miners this server lets anyone contact: the address rule (`fleet::address`) with this
//! server's configuration — `[poll] allow_networks`, the demo farm's own addresses, the
//! address it listens on — applied where a miner is stored (the form, the web and CLI imports)
//! and again where one would be polled (the server's poller, the targets handed to
//! collectors), so rows stored before the rule existed are never contacted either.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use fleet::address::{AddressPolicy, AddressRefusal, Ipv4Network};

use crate::collect::uplink::Target;
use crate::config::Settings;
use crate::demo::DemoSettings;
use crate::jobs::poll_settings::PollSettings;

/// The rule as this server applies it: the allow-list, the demo farm's addresses when it
/// runs, and the server's own address `listen` (unless it listens on every interface).
pub fn policy(poll: &PollSettings, demo: &DemoSettings, listen: IpAddr) -> AddressPolicy {
    let mut policy = AddressPolicy::new(poll.allow_networks.iter().copied());
    if demo.miners > 0 {
        let last = u32::from(demo.base).saturating_add(demo.miners - 1);
        for network in Ipv4Network::covering(demo.base, Ipv4Addr::from(last)) {
            policy.allow(network);
        }
    }
    let own = match listen {
        IpAddr::V4(ip) => Some(ip),
        IpAddr::V6(ip) => ip.to_ipv4_mapped(),
    };
    if let Some(ip) = own {
        policy.own(ip);
    }
    policy
}

/// The policy of a command run from the shell with these settings (the CLI import): the
/// server's configured address when there is one.
pub fn policy_of_settings(settings: &Settings) -> AddressPolicy {
    let listen = settings
        .server
        .addr
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |addr| addr.ip());
    policy(&settings.poll, &settings.demo, listen)
}

/// A stored miner that will not be contacted, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub miner_id: i64,
    pub ip: Ipv4Addr,
    pub reason: AddressRefusal,
}

/// A site's stored targets, sorted into those that may be polled and those that may not.
#[derive(Debug, Default)]
pub struct Screened {
    pub targets: Vec<Target>,
    pub refused: Vec<Refused>,
}

/// The policy, and the refused miners already logged, so that a poller running every few
/// seconds says so once per miner and address, not every cycle.
#[derive(Debug, Default)]
pub struct MinerAddresses {
    policy: Arc<AddressPolicy>,
    logged: Mutex<HashSet<(i64, Ipv4Addr)>>,
}

impl MinerAddresses {
    pub fn new(policy: AddressPolicy) -> Self {
        Self {
            policy: Arc::new(policy),
            logged: Mutex::default(),
        }
    }

    /// The policy, for the request context of the server functions.
    pub fn policy(&self) -> &Arc<AddressPolicy> {
        &self.policy
    }

    pub fn check(&self, ip: Ipv4Addr) -> Result<(), AddressRefusal> {
        self.policy.check(ip)
    }

    /// The site's stored targets that may be polled; each refused one is logged the first
    /// time it is seen (by `poller`: the server's poller or the collector targets).
    pub fn screen(
        &self,
        site_id: i64,
        stored: &[domain::fleet::MinerTarget],
        poller: &'static str,
    ) -> Screened {
        let mut screened = Screened::default();
        for target in stored.iter().filter_map(Target::of) {
            match self.policy.check(target.ip) {
                Ok(()) => screened.targets.push(target),
                Err(reason) => screened.refused.push(Refused {
                    miner_id: target.miner_id,
                    ip: target.ip,
                    reason,
                }),
            }
        }
        if !screened.refused.is_empty() {
            let mut logged = self
                .logged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for refused in &screened.refused {
                if logged.insert((refused.miner_id, refused.ip)) {
                    tracing::warn!(
                        site_id,
                        miner_id = refused.miner_id,
                        ip = %refused.ip,
                        reason = refused.reason.code(),
                        poller,
                        "miner not polled: its address is {} (see [poll] allow_networks)",
                        refused.reason
                    );
                }
            }
        }
        screened
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    fn stored(miner_id: i64, ip: &str) -> domain::fleet::MinerTarget {
        domain::fleet::MinerTarget {
            miner_id,
            ip: ip.to_owned(),
            nominal_w_per_th: None,
        }
    }

    #[test]
    fn the_demo_farm_and_the_allow_list_open_their_addresses_only() {
        let poll = PollSettings {
            allow_networks: vec!["127.64.0.0/16".parse().unwrap()],
            ..PollSettings::default()
        };
        let demo = DemoSettings {
            miners: 3,
            ..DemoSettings::default()
        };
        let policy = policy(&poll, &demo, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5)));
        for open in ["127.64.3.4", "127.90.0.1", "127.90.0.3", "10.0.0.6"] {
            assert_eq!(policy.check(open.parse().unwrap()), Ok(()), "{open}");
        }
        for (shut, reason) in [
            ("127.90.0.4", AddressRefusal::Loopback),
            ("127.0.0.5", AddressRefusal::Loopback),
            ("10.0.0.5", AddressRefusal::ServerOwn),
        ] {
            assert_eq!(policy.check(shut.parse().unwrap()), Err(reason), "{shut}");
        }
        let no_demo = self::policy(
            &PollSettings::default(),
            &DemoSettings::default(),
            IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        );
        assert!(no_demo.check(Ipv4Addr::new(127, 90, 0, 1)).is_err());
        assert!(no_demo.own_addresses().is_empty());
        let mapped = self::policy(
            &PollSettings::default(),
            &DemoSettings::default(),
            IpAddr::V6(Ipv4Addr::new(192, 168, 1, 2).to_ipv6_mapped()),
        );
        assert_eq!(mapped.own_addresses(), [Ipv4Addr::new(192, 168, 1, 2)]);
    }

    #[test]
    fn refused_targets_are_screened_out() {
        let addresses = MinerAddresses::new(AddressPolicy::default());
        let screened = addresses.screen(
            1,
            &[
                stored(1, "10.0.0.1"),
                stored(2, "127.0.0.5"),
                stored(3, "169.254.169.254"),
                stored(4, "not an address"),
            ],
            "test",
        );
        let polled: Vec<i64> = screened.targets.iter().map(|t| t.miner_id).collect();
        assert_eq!(polled, [1]);
        let refused: Vec<(i64, AddressRefusal)> = screened
            .refused
            .iter()
            .map(|r| (r.miner_id, r.reason))
            .collect();
        assert_eq!(
            refused,
            [
                (2, AddressRefusal::Loopback),
                (3, AddressRefusal::LinkLocal)
            ]
        );
        // Logged once: the second cycle finds them in the book.
        let again = addresses.screen(1, &[stored(2, "127.0.0.5")], "test");
        assert_eq!(again.refused.len(), 1);
        assert_eq!(addresses.logged.lock().unwrap().len(), 2);
    }
}
