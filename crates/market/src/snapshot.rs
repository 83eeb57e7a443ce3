//! A dated copy of the latest values, as JSON: shipped with the app so it starts and works with
//! no network at all, and written by the server to refresh that file. Values keep their original
//! `fetched_at_ms`, so the UI can say "snapshot of 25 Nov 2026".

use serde::{Deserialize, Serialize};

use crate::{FearGreed, NetworkStats, PriceQuote, Sourced, error::SnapshotError};

/// The latest known value of each quantity at `taken_at_ms`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When the snapshot was written, unix ms.
    pub taken_at_ms: i64,
    pub price: Option<Sourced<PriceQuote>>,
    pub network: Option<Sourced<NetworkStats>>,
    pub fear_greed: Option<Sourced<FearGreed>>,
}

impl Snapshot {
    pub fn from_json(json: &str) -> Result<Self, SnapshotError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Pretty JSON, for a file people may read.
    pub fn to_json(&self) -> Result<String, SnapshotError> {
        Ok(serde_json::to_string_pretty(self)?)
    }
}
