//! The alert engine: which miners are overheating, offline, slow, erroring, with a stopped fan
//! or dead boards, decided one reading at a time.
//!
//! Rules come from the original system (reference §8.4) with its defects fixed: low hashrate
//! is measured against each miner's own expected hashrate (not a fixed 50 TH/s that suits
//! one model), hardware errors by their rate of increase (the counters are cumulative and
//! reset on reboot, so a fixed total alarms forever on old miners and never on fresh ones),
//! and temperature warning and critical are one alert that escalates, not two.
//!
//! [`AlertBook::observe`] turns a [`Reading`] into [`AlertChange`]s: a condition opens an alert
//! after [`AlertRules::debounce_readings`] readings in a row, resolves it after
//! [`AlertRules::resolve_readings`] good ones, and stays silent for
//! [`AlertRules::cooldown_ms`] after resolving. An offline miner raises only
//! [`AlertKind::Offline`]: its other figures are stale, so they neither open, escalate nor
//! resolve anything.

mod book;
mod check;
mod kind;
mod reading;
mod rules;
mod slot;

pub use book::{AckError, AlertBook, OpenAlert};
pub use kind::{Acknowledgement, AlertChange, AlertKind, AlertTransition, Severity};
pub use reading::Reading;
pub use rules::{AlertRules, RulesError};
