//! The state of one alert kind of one miner, and how a verdict moves it.

use serde::{Deserialize, Serialize};

use super::check::Check;
use super::{Acknowledgement, AlertRules, AlertTransition, Severity};

/// An alert that is open now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Open {
    pub(super) severity: Severity,
    pub(super) opened_at_ms: i64,
    pub(super) acknowledged: Option<Acknowledgement>,
}

/// Counters of consecutive readings plus the open alert, if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct Slot {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) open: Option<Open>,
    /// Readings in a row with the condition holding.
    #[serde(skip_serializing_if = "is_zero")]
    bad_streak: u32,
    /// Of those, readings in a row at critical severity.
    #[serde(skip_serializing_if = "is_zero")]
    critical_streak: u32,
    /// Readings in a row without the condition, while open.
    #[serde(skip_serializing_if = "is_zero")]
    good_streak: u32,
    /// When it last resolved, for the cooldown.
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_at_ms: Option<i64>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(count: &u32) -> bool {
    *count == 0
}

impl Slot {
    /// Whether nothing is remembered: such slots are left out of the stored book.
    pub(super) fn is_idle(&self) -> bool {
        *self == Self::default()
    }

    /// Moves the state by one verdict; returns the transition, if any, and the severity after it.
    pub(super) fn step(
        &mut self,
        check: Check,
        rules: &AlertRules,
        debounce: u32,
        at_ms: i64,
    ) -> Option<(AlertTransition, Severity)> {
        match check {
            Check::Unknown => None,
            Check::Good { .. } => self.good(rules, at_ms),
            Check::Bad { severity, .. } => self.bad(severity, rules, debounce, at_ms),
        }
    }

    fn good(&mut self, rules: &AlertRules, at_ms: i64) -> Option<(AlertTransition, Severity)> {
        self.bad_streak = 0;
        self.critical_streak = 0;
        let open = self.open?;
        self.good_streak = self.good_streak.saturating_add(1);
        if self.good_streak < rules.resolve_readings {
            return None;
        }
        self.open = None;
        self.good_streak = 0;
        self.resolved_at_ms = Some(at_ms);
        Some((AlertTransition::Resolved, open.severity))
    }

    fn bad(
        &mut self,
        severity: Severity,
        rules: &AlertRules,
        debounce: u32,
        at_ms: i64,
    ) -> Option<(AlertTransition, Severity)> {
        self.good_streak = 0;
        self.bad_streak = self.bad_streak.saturating_add(1);
        self.critical_streak = if severity == Severity::Critical {
            self.critical_streak.saturating_add(1)
        } else {
            0
        };
        let held_critical = self.critical_streak >= debounce;
        if let Some(open) = &mut self.open {
            // Alerts do not de-escalate: a miner that was critical stays so until it resolves.
            if open.severity == Severity::Warning && held_critical {
                open.severity = Severity::Critical;
                // A new urgency needs a new look, so an acknowledgement of the warning lapses.
                open.acknowledged = None;
                return Some((AlertTransition::Escalated, Severity::Critical));
            }
            return None;
        }
        if self.bad_streak < debounce {
            return None;
        }
        if let Some(resolved_at_ms) = self.resolved_at_ms
            && at_ms < resolved_at_ms.saturating_add(rules.cooldown_ms)
        {
            return None;
        }
        let severity = if held_critical {
            Severity::Critical
        } else {
            Severity::Warning
        };
        self.open = Some(Open {
            severity,
            opened_at_ms: at_ms,
            acknowledged: None,
        });
        Some((AlertTransition::Opened, severity))
    }
}
