//! Which IPv4 addresses may be a miner's: the one rule the miner form, the imports (web and
//! CLI), the server's own poller and the targets handed to collectors all apply, so that a
//! miner row can never turn the server into a port scanner of its own machine or of the cloud
//! metadata service (issue #19).
//!
//! Refused, whatever the caller: loopback `127.0.0.0/8`, "this network" `0.0.0.0/8`,
//! link-local `169.254.0.0/16` (cloud metadata at 169.254.169.254), multicast `224.0.0.0/4`,
//! reserved `240.0.0.0/4` and broadcast `255.255.255.255`, plus the addresses the server itself
//! listens on. The private ranges (`10/8`, `172.16/12`, `192.168/16`, `100.64/10`) are where
//! miners live and stay allowed. A lab or the simulator opens a reserved range on purpose with
//! an allow-list (`[poll] allow_networks`); the server's own addresses stay refused even then.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Why an address cannot be a miner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressRefusal {
    #[error("a loopback address (127.0.0.0/8)")]
    Loopback,
    #[error("an unspecified address (0.0.0.0/8)")]
    Unspecified,
    #[error("a link-local address (169.254.0.0/16, cloud metadata)")]
    LinkLocal,
    #[error("a multicast address (224.0.0.0/4)")]
    Multicast,
    #[error("a reserved address (240.0.0.0/4)")]
    Reserved,
    #[error("the broadcast address")]
    Broadcast,
    #[error("an address of this server")]
    ServerOwn,
}

impl AddressRefusal {
    /// The stable code, as serde writes it, for logs and reports.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Unspecified => "unspecified",
            Self::LinkLocal => "link_local",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
            Self::Broadcast => "broadcast",
            Self::ServerOwn => "server_own",
        }
    }
}

/// The fixed part of the rule: the range `ip` is in that no miner lives in, or `None`.
pub fn reserved_range(ip: Ipv4Addr) -> Option<AddressRefusal> {
    let [first, second, ..] = ip.octets();
    if ip.is_broadcast() {
        Some(AddressRefusal::Broadcast)
    } else if first == 127 {
        Some(AddressRefusal::Loopback)
    } else if first == 0 {
        Some(AddressRefusal::Unspecified)
    } else if first == 169 && second == 254 {
        Some(AddressRefusal::LinkLocal)
    } else if (224..=239).contains(&first) {
        Some(AddressRefusal::Multicast)
    } else if first >= 240 {
        Some(AddressRefusal::Reserved)
    } else {
        None
    }
}

/// An IPv4 network in CIDR notation (`127.90.0.0/16`; a bare address is a `/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Network {
    base: Ipv4Addr,
    prefix: u8,
}

/// Why a CIDR was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NetworkError {
    #[error("{0:?} is not an IPv4 network such as 127.90.0.0/16")]
    Syntax(String),
    #[error("{0:?}: the prefix length must be 0 to 32")]
    Prefix(String),
    #[error("{text:?} has host bits set; the network is {network}")]
    HostBits { text: String, network: Ipv4Network },
}

impl Ipv4Network {
    /// The network of `prefix` bits that holds `base`, whose host bits must be zero.
    pub fn new(base: Ipv4Addr, prefix: u8) -> Option<Self> {
        let network = Self { base, prefix };
        (prefix <= 32 && u32::from(base) & !network.mask() == 0).then_some(network)
    }

    /// The fewest networks that hold exactly `first..=last` (the demo farm's addresses);
    /// none when `last` comes before `first`.
    pub fn covering(first: Ipv4Addr, last: Ipv4Addr) -> Vec<Self> {
        let (mut start, end) = (u64::from(u32::from(first)), u64::from(u32::from(last)));
        let mut networks = Vec::new();
        while start <= end {
            // The largest block that starts here and ends inside the range.
            let mut host_bits = start.trailing_zeros().min(32);
            while start + (1 << host_bits) - 1 > end {
                host_bits -= 1;
            }
            let base = Ipv4Addr::from(u32::try_from(start).unwrap_or(u32::MAX));
            networks.push(Self::masked(
                base,
                u8::try_from(32 - host_bits).unwrap_or(32),
            ));
            start += 1 << host_bits;
        }
        networks
    }

    /// The network of `prefix` bits around `ip` (its host bits cleared).
    fn masked(ip: Ipv4Addr, prefix: u8) -> Self {
        let prefix = prefix.min(32);
        let network = Self { base: ip, prefix };
        Self {
            base: Ipv4Addr::from(u32::from(ip) & network.mask()),
            prefix,
        }
    }

    pub const fn base(self) -> Ipv4Addr {
        self.base
    }

    pub const fn prefix(self) -> u8 {
        self.prefix
    }

    fn mask(self) -> u32 {
        u32::MAX
            .checked_shl(32 - u32::from(self.prefix))
            .unwrap_or(0)
    }

    pub fn contains(self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == u32::from(self.base)
    }
}

impl fmt::Display for Ipv4Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

impl FromStr for Ipv4Network {
    type Err = NetworkError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let (address, prefix_text) = trimmed.split_once('/').unwrap_or((trimmed, "32"));
        let base: Ipv4Addr = address
            .parse()
            .map_err(|_| NetworkError::Syntax(text.to_owned()))?;
        // Only the canonical spelling: no `/016`, `/+16` or `/ 16`.
        let prefix = match prefix_text.parse::<u8>() {
            Ok(prefix) if prefix <= 32 && prefix.to_string() == prefix_text => prefix,
            _ => return Err(NetworkError::Prefix(text.to_owned())),
        };
        Self::new(base, prefix).ok_or_else(|| NetworkError::HostBits {
            text: text.to_owned(),
            network: Self::masked(base, prefix),
        })
    }
}

impl Serialize for Ipv4Network {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ipv4Network {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The rule with its configuration: the networks opened on purpose and the server's own
/// addresses. The default allows nothing reserved and knows no own address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    allow: Vec<Ipv4Network>,
    own: Vec<Ipv4Addr>,
}

impl AddressPolicy {
    pub fn new(allow: impl IntoIterator<Item = Ipv4Network>) -> Self {
        Self {
            allow: allow.into_iter().collect(),
            own: Vec::new(),
        }
    }

    /// Opens one more network (the demo farm's).
    pub fn allow(&mut self, network: Ipv4Network) {
        if !self.allow.contains(&network) {
            self.allow.push(network);
        }
    }

    /// Refuses one more address as the server's own; the unspecified address (listening on
    /// every interface) names no single address and is refused anyway.
    pub fn own(&mut self, ip: Ipv4Addr) {
        if !ip.is_unspecified() && !self.own.contains(&ip) {
            self.own.push(ip);
        }
    }

    pub fn allowed_networks(&self) -> &[Ipv4Network] {
        &self.allow
    }

    pub fn own_addresses(&self) -> &[Ipv4Addr] {
        &self.own
    }

    /// Whether `ip` may be a miner's: see the module's documentation.
    pub fn check(&self, ip: Ipv4Addr) -> Result<(), AddressRefusal> {
        is_pollable(ip, self)
    }
}

/// Whether a miner at `ip` may be stored and polled under `policy`: the server's own addresses
/// never; the reserved ranges only inside an allowed network; anything else yes.
pub fn is_pollable(ip: Ipv4Addr, policy: &AddressPolicy) -> Result<(), AddressRefusal> {
    if policy.own.contains(&ip) {
        return Err(AddressRefusal::ServerOwn);
    }
    match reserved_range(ip) {
        Some(refusal) if !policy.allow.iter().any(|n| n.contains(ip)) => Err(refusal),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Ipv4Addr {
        text.parse().unwrap()
    }

    fn net(text: &str) -> Ipv4Network {
        text.parse().unwrap()
    }

    #[test]
    fn the_reserved_ranges_are_refused_by_their_names() {
        let strict = AddressPolicy::default();
        for (address, refusal) in [
            ("127.0.0.1", AddressRefusal::Loopback),
            ("127.0.0.5", AddressRefusal::Loopback),
            ("127.255.255.254", AddressRefusal::Loopback),
            ("0.0.0.0", AddressRefusal::Unspecified),
            ("0.1.2.3", AddressRefusal::Unspecified),
            ("169.254.169.254", AddressRefusal::LinkLocal),
            ("169.254.0.1", AddressRefusal::LinkLocal),
            ("224.0.0.1", AddressRefusal::Multicast),
            ("239.255.255.255", AddressRefusal::Multicast),
            ("240.0.0.1", AddressRefusal::Reserved),
            ("254.1.1.1", AddressRefusal::Reserved),
            ("255.255.255.255", AddressRefusal::Broadcast),
        ] {
            assert_eq!(is_pollable(ip(address), &strict), Err(refusal), "{address}");
        }
    }

    #[test]
    fn the_networks_miners_live_in_stay_allowed() {
        let strict = AddressPolicy::default();
        for address in [
            "10.0.12.7",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.20",
            "100.64.0.1",
            "100.127.255.254",
            "1.2.3.4",
            "126.255.255.255",
            "128.0.0.1",
            "169.253.255.255",
            "169.255.0.1",
            "223.255.255.255",
        ] {
            assert_eq!(is_pollable(ip(address), &strict), Ok(()), "{address}");
        }
    }

    #[test]
    fn an_allowed_network_opens_only_itself() {
        let lab = AddressPolicy::new([net("127.90.0.0/16")]);
        assert_eq!(lab.check(ip("127.90.0.1")), Ok(()));
        assert_eq!(lab.check(ip("127.90.255.255")), Ok(()));
        assert_eq!(lab.check(ip("127.91.0.1")), Err(AddressRefusal::Loopback));
        assert_eq!(lab.check(ip("127.0.0.5")), Err(AddressRefusal::Loopback));
        assert_eq!(
            lab.check(ip("169.254.169.254")),
            Err(AddressRefusal::LinkLocal)
        );
    }

    #[test]
    fn the_servers_own_address_is_refused_even_when_allowed() {
        let mut policy = AddressPolicy::new([net("127.0.0.0/8"), net("10.0.0.0/8")]);
        policy.own(ip("10.0.0.5"));
        policy.own(ip("127.0.0.1"));
        policy.own(Ipv4Addr::UNSPECIFIED);
        assert_eq!(policy.own_addresses(), [ip("10.0.0.5"), ip("127.0.0.1")]);
        assert_eq!(policy.check(ip("10.0.0.5")), Err(AddressRefusal::ServerOwn));
        assert_eq!(
            policy.check(ip("127.0.0.1")),
            Err(AddressRefusal::ServerOwn)
        );
        assert_eq!(policy.check(ip("10.0.0.6")), Ok(()));
        assert_eq!(policy.check(ip("127.0.0.2")), Ok(()));
    }

    #[test]
    fn networks_parse_strictly_and_print_back() {
        assert_eq!(net("127.90.0.0/16").to_string(), "127.90.0.0/16");
        assert_eq!(net(" 10.1.2.3 ").to_string(), "10.1.2.3/32");
        assert_eq!(net("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert!(net("0.0.0.0/0").contains(ip("255.255.255.255")));
        assert!(!net("10.0.0.0/31").contains(ip("10.0.0.2")));
        for bad in [
            "",
            "127.90.0.0/",
            "127.90/16",
            "localhost",
            "127.90.0.0/33",
            "::1/128",
        ] {
            assert!(bad.parse::<Ipv4Network>().is_err(), "{bad:?}");
        }
        for bad in ["127.90.0.0/016", "127.90.0.0/+16", "127.90.0.0/ 16"] {
            assert!(
                matches!(bad.parse::<Ipv4Network>(), Err(NetworkError::Prefix(_))),
                "{bad:?}"
            );
        }
        let host_bits = "127.90.0.1/16".parse::<Ipv4Network>().unwrap_err();
        assert_eq!(
            host_bits.to_string(),
            "\"127.90.0.1/16\" has host bits set; the network is 127.90.0.0/16"
        );
        let json: Vec<Ipv4Network> = serde_json::from_str(r#"["127.90.0.0/16"]"#).unwrap();
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            r#"["127.90.0.0/16"]"#
        );
        assert!(serde_json::from_str::<Vec<Ipv4Network>>(r#"["127.90.0.0/99"]"#).is_err());
    }

    #[test]
    fn a_range_is_covered_exactly() {
        let names = |first: &str, last: &str| -> Vec<String> {
            Ipv4Network::covering(ip(first), ip(last))
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            names("127.90.0.1", "127.90.0.24"),
            [
                "127.90.0.1/32",
                "127.90.0.2/31",
                "127.90.0.4/30",
                "127.90.0.8/29",
                "127.90.0.16/29",
                "127.90.0.24/32"
            ]
        );
        assert_eq!(names("127.90.0.1", "127.90.0.1"), ["127.90.0.1/32"]);
        assert_eq!(names("127.90.0.0", "127.90.255.255"), ["127.90.0.0/16"]);
        assert_eq!(names("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
        assert_eq!(
            names("255.255.255.254", "255.255.255.255"),
            ["255.255.255.254/31"]
        );
        assert!(names("127.90.0.2", "127.90.0.1").is_empty());
        let mut policy = AddressPolicy::default();
        for network in Ipv4Network::covering(ip("127.90.0.1"), ip("127.90.0.24")) {
            policy.allow(network);
        }
        for last in 1..=24 {
            assert_eq!(policy.check(Ipv4Addr::new(127, 90, 0, last)), Ok(()));
        }
        for outside in [0, 25, 31, 255] {
            assert!(policy.check(Ipv4Addr::new(127, 90, 0, outside)).is_err());
        }
    }

    #[test]
    fn refusals_have_stable_codes() {
        for refusal in [
            AddressRefusal::Loopback,
            AddressRefusal::Unspecified,
            AddressRefusal::LinkLocal,
            AddressRefusal::Multicast,
            AddressRefusal::Reserved,
            AddressRefusal::Broadcast,
            AddressRefusal::ServerOwn,
        ] {
            assert_eq!(
                serde_json::to_string(&refusal).unwrap(),
                format!("\"{}\"", refusal.code())
            );
        }
    }
}
