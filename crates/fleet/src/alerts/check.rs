//! Each rule applied to one reading: does its condition hold, not hold, or is it unknowable?

use serde::{Deserialize, Serialize};

use super::{AlertKind, AlertRules, Reading, Severity};

/// A rule's verdict on one reading, with the figure and threshold compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Check {
    /// The figure is missing or stale (miner offline, paused, or a counter just reset): the
    /// alert's state is left as it is.
    Unknown,
    Good {
        value: f64,
        threshold: f64,
    },
    Bad {
        severity: Severity,
        value: f64,
        threshold: f64,
    },
}

/// The previous hardware-error counter, to turn the cumulative count into a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct HwSample {
    pub(super) count: u64,
    pub(super) at_ms: i64,
}

const MS_PER_HOUR: f64 = 3_600_000.0;

/// The verdict of `kind` on `reading`. `since_ms` is when the miner was last heard from (or
/// first polled, if never), `hw` the previous hardware-error sample.
pub(super) fn check(
    kind: AlertKind,
    rules: &AlertRules,
    reading: &Reading,
    since_ms: i64,
    hw: Option<HwSample>,
) -> Check {
    if kind == AlertKind::Offline {
        return offline(rules, reading, since_ms);
    }
    if !reading.online {
        return Check::Unknown;
    }
    match kind {
        AlertKind::Temperature => temperature(rules, reading),
        AlertKind::HashrateLow => hashrate(rules, reading),
        AlertKind::HardwareErrors => hardware_errors(rules, reading, hw),
        AlertKind::FanStopped => fan(reading),
        AlertKind::DeadBoards => boards(reading),
        AlertKind::Offline => Check::Unknown,
    }
}

#[allow(clippy::cast_precision_loss)] // ms and counts far below 2^52
fn offline(rules: &AlertRules, reading: &Reading, since_ms: i64) -> Check {
    let threshold = rules.offline_after_ms as f64;
    if reading.online {
        return Check::Good {
            value: 0.0,
            threshold,
        };
    }
    let silence_ms = reading.at_ms.saturating_sub(since_ms);
    if silence_ms < rules.offline_after_ms {
        // Quiet, but not for long enough to call it offline, nor to call it back.
        return Check::Unknown;
    }
    Check::Bad {
        severity: Severity::Critical,
        value: silence_ms as f64,
        threshold,
    }
}

fn temperature(rules: &AlertRules, reading: &Reading) -> Check {
    let Some(value) = reading.temp_max_c.filter(|c| c.is_finite()) else {
        return Check::Unknown;
    };
    let limits = rules.temperature_limits();
    let (severity, threshold) = match limits.severity(value) {
        Some(Severity::Critical) => (Severity::Critical, limits.critical_c),
        Some(Severity::Warning) => (Severity::Warning, limits.warning_c),
        None => {
            return Check::Good {
                value,
                threshold: limits.warning_c,
            };
        }
    };
    Check::Bad {
        severity,
        value,
        threshold,
    }
}

/// Only while hashing: a paused miner is slow on purpose.
fn hashrate(rules: &AlertRules, reading: &Reading) -> Check {
    let (Some(value), Some(expected)) = (reading.hashrate_hs, reading.expected_hashrate_hs) else {
        return Check::Unknown;
    };
    if !(reading.is_mining && value.is_finite() && expected.is_finite() && expected > 0.0) {
        return Check::Unknown;
    }
    let threshold = expected * rules.hashrate_min_ratio;
    verdict(value < threshold, Severity::Warning, value, threshold)
}

/// The counter's rise since the previous sample, per hour. A counter lower than before means
/// the miner rebooted: that reading has no rate, and the next one measures from it.
#[allow(clippy::cast_precision_loss)] // counts and ms far below 2^52
fn hardware_errors(rules: &AlertRules, reading: &Reading, hw: Option<HwSample>) -> Check {
    let (Some(count), Some(previous)) = (reading.hardware_errors, hw) else {
        return Check::Unknown;
    };
    let elapsed_ms = reading.at_ms - previous.at_ms;
    if count < previous.count || elapsed_ms <= 0 {
        return Check::Unknown;
    }
    let value = (count - previous.count) as f64 * MS_PER_HOUR / elapsed_ms as f64;
    let threshold = rules.hw_errors_per_hour;
    verdict(value > threshold, Severity::Warning, value, threshold)
}

/// Only while hashing: firmware stops the fans of a sleeping miner.
fn fan(reading: &Reading) -> Check {
    let Some(rpm) = reading.fan_min_rpm.filter(|_| reading.is_mining) else {
        return Check::Unknown;
    };
    verdict(rpm == 0, Severity::Critical, f64::from(rpm), 0.0)
}

/// Only while hashing: a sleeping miner reports its boards idle.
fn boards(reading: &Reading) -> Check {
    let (Some(total), Some(active)) = (reading.boards_total, reading.boards_active) else {
        return Check::Unknown;
    };
    if !reading.is_mining || total == 0 {
        return Check::Unknown;
    }
    verdict(
        active < total,
        Severity::Warning,
        f64::from(active),
        f64::from(total),
    )
}

fn verdict(bad: bool, severity: Severity, value: f64, threshold: f64) -> Check {
    if bad {
        Check::Bad {
            severity,
            value,
            threshold,
        }
    } else {
        Check::Good { value, threshold }
    }
}
