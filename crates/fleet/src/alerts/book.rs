//! Alert state of a whole fleet, kept between polling cycles.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::check::{Check, HwSample, check};
use super::slot::Slot;
use super::{Acknowledgement, AlertChange, AlertKind, AlertRules, Reading, Severity};

/// The state of every miner × alert kind: open alerts, streaks and cooldowns. Serialisable so
/// the server can store it and pick up where it left off after a restart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertBook {
    miners: HashMap<i64, MinerAlerts>,
}

/// One miner's alert state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct MinerAlerts {
    /// The newest reading observed: older or repeated readings (a collector resending a batch)
    /// are ignored.
    last_at_ms: Option<i64>,
    /// The first reading observed: the offline clock of a miner that has never answered.
    first_at_ms: Option<i64>,
    hw: Option<HwSample>,
    /// One slot per kind, in [`AlertKind::ALL`] order; stored as a map of the busy ones.
    #[serde(with = "busy_slots")]
    slots: [Slot; AlertKind::ALL.len()],
}

/// The slots of a miner as a map from kind to slot, idle ones left out: most miners are
/// healthy, and a book of 20,000 should not store 120,000 empty slots.
mod busy_slots {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{AlertKind, Slot};

    pub(super) fn serialize<S: Serializer>(
        slots: &[Slot; AlertKind::ALL.len()],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let busy: BTreeMap<AlertKind, &Slot> = AlertKind::ALL
            .into_iter()
            .zip(slots)
            .filter(|(_, slot)| !slot.is_idle())
            .collect();
        busy.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[Slot; AlertKind::ALL.len()], D::Error> {
        let busy = BTreeMap::<AlertKind, Slot>::deserialize(deserializer)?;
        let mut slots = [Slot::default(); AlertKind::ALL.len()];
        for (kind, slot) in busy {
            slots[kind as usize] = slot;
        }
        Ok(slots)
    }
}

/// An alert that is open, as the app lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAlert {
    pub miner_id: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub opened_at_ms: i64,
    pub acknowledged: Option<Acknowledgement>,
}

/// Why an acknowledgement was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AckError {
    /// The alert resolved (or never opened) meanwhile.
    #[error("no open {kind} alert for miner {miner_id}")]
    NotOpen { miner_id: i64, kind: AlertKind },
}

impl AlertBook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one reading and returns what changed: alerts opened, escalated or resolved.
    /// `rules` should have passed [`AlertRules::validate`].
    pub fn observe(&mut self, rules: &AlertRules, reading: &Reading) -> Vec<AlertChange> {
        let mut events = Vec::new();
        self.observe_into(rules, reading, &mut events);
        events
    }

    /// [`Self::observe`] appending to a caller's vector, so a cycle over a whole fleet
    /// allocates once.
    pub fn observe_into(
        &mut self,
        rules: &AlertRules,
        reading: &Reading,
        events: &mut Vec<AlertChange>,
    ) {
        let miner = self.miners.entry(reading.miner_id).or_default();
        if miner.last_at_ms.is_some_and(|last| reading.at_ms <= last) {
            return;
        }
        miner.last_at_ms = Some(reading.at_ms);
        let first_at_ms = *miner.first_at_ms.get_or_insert(reading.at_ms);
        let since_ms = reading.last_seen_ms.unwrap_or(first_at_ms);
        for (index, kind) in AlertKind::ALL.into_iter().enumerate() {
            let verdict = check(kind, rules, reading, since_ms, miner.hw);
            // Offline needs no debounce: its own minutes of silence already are one.
            let debounce = if kind == AlertKind::Offline {
                1
            } else {
                rules.debounce_readings
            };
            let Some((transition, severity)) =
                miner.slots[index].step(verdict, rules, debounce, reading.at_ms)
            else {
                continue;
            };
            let (Check::Good { value, threshold }
            | Check::Bad {
                value, threshold, ..
            }) = verdict
            else {
                continue;
            };
            events.push(AlertChange {
                miner_id: reading.miner_id,
                kind,
                severity,
                transition,
                at_ms: reading.at_ms,
                value,
                threshold,
            });
        }
        if let Some(count) = reading.hardware_errors.filter(|_| reading.online) {
            miner.hw = Some(HwSample {
                count,
                at_ms: reading.at_ms,
            });
        }
    }

    /// Marks an open alert as seen by a user. It still resolves by itself; an escalation
    /// clears the mark. Acknowledging twice keeps the first acknowledgement.
    pub fn acknowledge(
        &mut self,
        miner_id: i64,
        kind: AlertKind,
        by_user_id: i64,
        at_ms: i64,
    ) -> Result<(), AckError> {
        let open = self
            .miners
            .get_mut(&miner_id)
            .and_then(|miner| miner.slots[kind as usize].open.as_mut())
            .ok_or(AckError::NotOpen { miner_id, kind })?;
        open.acknowledged
            .get_or_insert(Acknowledgement { by_user_id, at_ms });
        Ok(())
    }

    /// Every open alert, in no particular order.
    pub fn open_alerts(&self) -> impl Iterator<Item = OpenAlert> + '_ {
        self.miners.iter().flat_map(|(&miner_id, miner)| {
            AlertKind::ALL
                .into_iter()
                .zip(&miner.slots)
                .filter_map(move |(kind, slot)| {
                    slot.open.map(|open| OpenAlert {
                        miner_id,
                        kind,
                        severity: open.severity,
                        opened_at_ms: open.opened_at_ms,
                        acknowledged: open.acknowledged,
                    })
                })
        })
    }

    /// The open alert of this miner and kind, if any.
    pub fn open_alert(&self, miner_id: i64, kind: AlertKind) -> Option<OpenAlert> {
        let open = self.miners.get(&miner_id)?.slots[kind as usize].open?;
        Some(OpenAlert {
            miner_id,
            kind,
            severity: open.severity,
            opened_at_ms: open.opened_at_ms,
            acknowledged: open.acknowledged,
        })
    }

    /// Drops a miner that left the inventory, open alerts included.
    pub fn forget(&mut self, miner_id: i64) {
        self.miners.remove(&miner_id);
    }

    /// Miners with any state.
    pub fn len(&self) -> usize {
        self.miners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.miners.is_empty()
    }
}
