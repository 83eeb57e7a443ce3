//! The thresholds and timings of the alert engine.

use domain::fleet::TemperatureLimits;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Thresholds and timings. [`Default`] gives the reference's figures (§8.4) and ours where it
/// had none; a site may override them, so they are checked with [`AlertRules::validate`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertRules {
    /// Hottest sensor above this opens a temperature warning, °C.
    pub temp_warning_c: f64,
    /// Above this, critical, °C.
    pub temp_critical_c: f64,
    /// Silence after which a miner is offline, ms.
    pub offline_after_ms: i64,
    /// Hashrate below this share of the expected hashrate (0..=1) is low.
    pub hashrate_min_ratio: f64,
    /// Hardware errors rising faster than this, per hour, alert. 60/h is one a minute held
    /// over the debounce readings: healthy chips stay far below it, a failing board far above.
    pub hw_errors_per_hour: f64,
    /// Readings in a row a condition must hold to open an alert (offline excepted: its own
    /// [`Self::offline_after_ms`] of silence already is its debounce).
    pub debounce_readings: u32,
    /// Good readings in a row that resolve an open alert.
    pub resolve_readings: u32,
    /// After a resolve, the same miner and kind stay silent this long, ms.
    pub cooldown_ms: i64,
}

impl Default for AlertRules {
    fn default() -> Self {
        let limits = TemperatureLimits::default();
        Self {
            temp_warning_c: limits.warning_c,
            temp_critical_c: limits.critical_c,
            offline_after_ms: 5 * 60 * 1000,
            hashrate_min_ratio: 0.8,
            hw_errors_per_hour: 60.0,
            debounce_readings: 2,
            resolve_readings: 3,
            cooldown_ms: 30 * 60 * 1000,
        }
    }
}

/// Which rule is out of range. Codes are the field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RulesError {
    #[error("temperature thresholds must lie in 0..=150 °C with warning below critical")]
    Temperatures,
    #[error("offline_after_ms must be at least one second")]
    OfflineAfter,
    #[error("hashrate_min_ratio must lie in (0, 1]")]
    HashrateRatio,
    #[error("hw_errors_per_hour must be a positive number")]
    HwErrorRate,
    #[error("debounce_readings and resolve_readings must be at least 1")]
    Readings,
    #[error("cooldown_ms must not be negative")]
    Cooldown,
}

impl AlertRules {
    /// The temperature thresholds, as the overview and the miner table apply them.
    pub const fn temperature_limits(&self) -> TemperatureLimits {
        TemperatureLimits {
            warning_c: self.temp_warning_c,
            critical_c: self.temp_critical_c,
        }
    }

    pub fn validate(&self) -> Result<(), RulesError> {
        let temp_ok = |c: f64| (0.0..=150.0).contains(&c);
        if !(temp_ok(self.temp_warning_c)
            && temp_ok(self.temp_critical_c)
            && self.temp_warning_c < self.temp_critical_c)
        {
            return Err(RulesError::Temperatures);
        }
        if self.offline_after_ms < 1_000 {
            return Err(RulesError::OfflineAfter);
        }
        if !(self.hashrate_min_ratio > 0.0 && self.hashrate_min_ratio <= 1.0) {
            return Err(RulesError::HashrateRatio);
        }
        if !(self.hw_errors_per_hour.is_finite() && self.hw_errors_per_hour > 0.0) {
            return Err(RulesError::HwErrorRate);
        }
        if self.debounce_readings == 0 || self.resolve_readings == 0 {
            return Err(RulesError::Readings);
        }
        if self.cooldown_ms < 0 {
            return Err(RulesError::Cooldown);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_figures_and_valid() {
        let rules = AlertRules::default();
        assert_eq!(rules.validate(), Ok(()));
        assert_eq!((rules.temp_warning_c, rules.temp_critical_c), (75.0, 85.0));
        assert_eq!(rules.offline_after_ms, 300_000);
        assert_eq!(rules.cooldown_ms, 1_800_000);
    }

    #[test]
    fn each_out_of_range_rule_is_named() {
        let base = AlertRules::default();
        let cases = [
            (
                AlertRules {
                    temp_warning_c: 90.0,
                    ..base
                },
                RulesError::Temperatures,
            ),
            (
                AlertRules {
                    temp_critical_c: f64::NAN,
                    ..base
                },
                RulesError::Temperatures,
            ),
            (
                AlertRules {
                    offline_after_ms: 0,
                    ..base
                },
                RulesError::OfflineAfter,
            ),
            (
                AlertRules {
                    hashrate_min_ratio: 0.0,
                    ..base
                },
                RulesError::HashrateRatio,
            ),
            (
                AlertRules {
                    hashrate_min_ratio: 1.5,
                    ..base
                },
                RulesError::HashrateRatio,
            ),
            (
                AlertRules {
                    hw_errors_per_hour: f64::INFINITY,
                    ..base
                },
                RulesError::HwErrorRate,
            ),
            (
                AlertRules {
                    debounce_readings: 0,
                    ..base
                },
                RulesError::Readings,
            ),
            (
                AlertRules {
                    resolve_readings: 0,
                    ..base
                },
                RulesError::Readings,
            ),
            (
                AlertRules {
                    cooldown_ms: -1,
                    ..base
                },
                RulesError::Cooldown,
            ),
        ];
        for (rules, error) in cases {
            assert_eq!(rules.validate(), Err(error), "{rules:?}");
        }
    }

    #[test]
    fn partial_settings_fill_in_the_defaults() {
        let rules: AlertRules = serde_json::from_str(r#"{"temp_warning_c": 70}"#).unwrap();
        assert_eq!(
            rules,
            AlertRules {
                temp_warning_c: 70.0,
                ..AlertRules::default()
            }
        );
    }
}
