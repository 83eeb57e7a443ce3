//! One polling result of one miner, as the alert engine needs it.

use serde::{Deserialize, Serialize};

/// The figures of one poll. Optional figures are the ones some firmware does not report; a
/// missing figure neither opens nor resolves its alert.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub miner_id: i64,
    /// When the poll happened, unix ms.
    pub at_ms: i64,
    /// Whether the miner answered this poll.
    pub online: bool,
    /// Whether it is hashing (false while paused or curtailed, even when it answers).
    pub is_mining: bool,
    pub hashrate_hs: Option<f64>,
    /// What this miner should do: its model's nominal rate, or what its firmware says.
    pub expected_hashrate_hs: Option<f64>,
    pub temp_max_c: Option<f64>,
    pub fan_min_rpm: Option<u32>,
    pub boards_total: Option<u32>,
    pub boards_active: Option<u32>,
    /// The cumulative counter since the miner's last boot.
    pub hardware_errors: Option<u64>,
    /// The last poll it answered, unix ms; `None` if it never has.
    pub last_seen_ms: Option<i64>,
}
