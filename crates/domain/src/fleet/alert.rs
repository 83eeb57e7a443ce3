//! Alerts as the engine, the store, the API and the pages all name them: what an alert is
//! about, how bad it is, what happened to it. The engine that opens and resolves them is the
//! `fleet` crate's (server only); these are its results, stored and listed.

use serde::{Deserialize, Serialize};

/// What an alert is about. Codes are the `fleet` engine's, stored in `alert.kind` and used as
/// translation keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Hottest sensor above the warning, then the critical, threshold. Value in °C.
    Temperature,
    /// No answer for five minutes. Value: silence in ms.
    Offline,
    /// Hashrate below a share of the expected. Value in H/s.
    HashrateLow,
    /// Hardware errors rising too fast. Value in errors per hour.
    HardwareErrors,
    /// A fan at 0 rpm while hashing. Value in rpm.
    FanStopped,
    /// Fewer hashboards hashing than fitted. Value in boards.
    DeadBoards,
}

impl AlertKind {
    pub const ALL: [Self; 6] = [
        Self::Temperature,
        Self::Offline,
        Self::HashrateLow,
        Self::HardwareErrors,
        Self::FanStopped,
        Self::DeadBoards,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Temperature => "temperature",
            Self::Offline => "offline",
            Self::HashrateLow => "hashrate_low",
            Self::HardwareErrors => "hardware_errors",
            Self::FanStopped => "fan_stopped",
            Self::DeadBoards => "dead_boards",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

impl std::fmt::Display for AlertKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The hottest-sensor temperatures that make a miner hot (a warning) and critical, °C: the
/// alert engine's thresholds (`[alerts] temp_warning_c`, `temp_critical_c`), which the site
/// overview's counts and the miner table's colours follow too. Above a limit, not at it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemperatureLimits {
    pub warning_c: f64,
    pub critical_c: f64,
}

impl Default for TemperatureLimits {
    /// The reference's figures (§8.4).
    fn default() -> Self {
        Self {
            warning_c: 75.0,
            critical_c: 85.0,
        }
    }
}

impl TemperatureLimits {
    /// How bad `temp_c` is: `None` below the warning limit (or not a number).
    pub fn severity(&self, temp_c: f64) -> Option<Severity> {
        if temp_c > self.critical_c {
            Some(Severity::Critical)
        } else if temp_c > self.warning_c {
            Some(Severity::Warning)
        } else {
            None
        }
    }
}

/// How urgent an alert is. Ordered: `Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

impl Severity {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Warning, Self::Critical]
            .into_iter()
            .find(|severity| severity.code() == code)
    }
}

/// One alert, open or past, with what the list shows of its miner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub alert_id: i64,
    pub site_id: i64,
    pub miner_id: i64,
    pub miner_serial: String,
    pub miner_ip: String,
    pub rack: String,
    pub kind: AlertKind,
    pub severity: Severity,
    pub opened_at_ms: i64,
    pub escalated_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    /// The reading that opened or escalated it, in the kind's unit (see [`AlertKind`]).
    pub value: f64,
    pub threshold: f64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at_ms: Option<i64>,
    /// When the e-mail about it went out.
    pub notified_at_ms: Option<i64>,
}

impl Alert {
    pub fn is_open(&self) -> bool {
        self.resolved_at_ms.is_none()
    }
}

/// Which alerts to list. The API fills `customer_id` for clients, whatever they ask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertQuery {
    pub site_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// One miner's alerts only.
    pub miner_id: Option<i64>,
    /// Only open ones (the default view), or the history too.
    pub open_only: bool,
    pub limit: u32,
}

/// The most alerts one list returns: the page shows the most urgent first, and a site with
/// more open than this has one problem (its network), not a thousand.
pub const MAX_LISTED_ALERTS: u32 = 200;

/// Alerts of a list, and how many matched in all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertList {
    pub alerts: Vec<Alert>,
    pub total: u64,
}

/// A site's open alerts by severity, for its overview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAlertCounts {
    pub warning: u32,
    pub critical: u32,
}

/// An alert change the engine produced, as the store records it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlertChange {
    pub miner_id: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub transition: AlertTransition,
    pub at_ms: i64,
    pub value: f64,
    pub threshold: f64,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertTransition {
    Opened,
    Escalated,
    Resolved,
}

/// A value of `kind` as the list shows it: °C, minutes, TH/s, errors per hour, rpm, boards.
pub fn format_value(kind: AlertKind, value: f64) -> String {
    match kind {
        AlertKind::Temperature => format!("{value:.1} °C"),
        AlertKind::Offline => format!("{:.0} min", value / 60_000.0),
        AlertKind::HashrateLow => format!("{:.1} TH/s", value / 1e12),
        AlertKind::HardwareErrors => format!("{value:.0} /h"),
        AlertKind::FanStopped => format!("{value:.0} rpm"),
        AlertKind::DeadBoards => format!("{value:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in AlertKind::ALL {
            assert_eq!(AlertKind::from_code(kind.code()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
        }
        assert_eq!(Severity::from_code("critical"), Some(Severity::Critical));
        assert_eq!(AlertKind::from_code("smoke"), None);
    }

    #[test]
    fn values_carry_their_units() {
        assert_eq!(format_value(AlertKind::Temperature, 86.04), "86.0 °C");
        assert_eq!(format_value(AlertKind::Offline, 420_000.0), "7 min");
        assert_eq!(format_value(AlertKind::HashrateLow, 61.26e12), "61.3 TH/s");
    }
}
