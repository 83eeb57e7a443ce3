//! What an alert is about, how bad it is, and what happened to it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The conditions alerted on. Codes are stable: they are stored and translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Hottest sensor above the warning, then the critical, threshold. °C.
    Temperature,
    /// No answer for [`super::AlertRules::offline_after_ms`]. Value: silence, ms.
    Offline,
    /// Hashrate below a share of the miner's expected hashrate. H/s.
    HashrateLow,
    /// Hardware errors rising faster than a rate. Errors per hour.
    HardwareErrors,
    /// A fan at 0 rpm while hashing. rpm.
    FanStopped,
    /// Fewer hashboards hashing than fitted. Boards.
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
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How urgent an alert is. Ordered: `Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

/// What an event did to its alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Opened,
    /// A warning became critical (temperature only).
    Escalated,
    Resolved,
}

/// A change the server stores and notifies about.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    pub miner_id: i64,
    pub kind: AlertKind,
    /// The alert's severity after the transition (for a resolve, the one it had).
    pub severity: Severity,
    pub transition: Transition,
    /// The reading's time, unix ms.
    pub at_ms: i64,
    /// The reading's figure, in the unit of the kind (see [`AlertKind`]).
    pub value: f64,
    /// The threshold it was compared with, same unit.
    pub threshold: f64,
}

/// Who acknowledged an open alert, and when (unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub by_user_id: i64,
    pub at_ms: i64,
}
