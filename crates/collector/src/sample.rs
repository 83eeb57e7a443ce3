//! The normalised reading of one miner: plain numbers in SI-style units named in each field, so
//! storage and charts never see asic-rs's unit-carrying types.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// One miner's reading at one moment.
///
/// `Option` fields are `None` when the miner (or its asic-rs backend) does not report them;
/// zero is a real reading (a sleeping miner hashes 0 H/s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub ip: Ipv4Addr,
    /// When the reading completed, Unix time in milliseconds (the collector's clock, not the
    /// miner's, which is often wrong on farm networks).
    pub taken_at_ms: u64,
    /// True when the miner answered with data. [`Sample::offline`] builds the `false` rows a
    /// store can write for miners that have gone quiet.
    pub online: bool,
    pub make: Option<String>,
    pub model: Option<String>,
    /// Firmware family as asic-rs names it, e.g. `AntMiner Stock`.
    pub firmware: Option<String>,
    /// Version string the firmware reports (stock Antminers report their build date).
    pub firmware_version: Option<String>,
    pub mac: Option<String>,
    pub serial_number: Option<String>,
    pub hashrate_hs: Option<f64>,
    /// What the firmware calls nominal for this unit.
    pub expected_hashrate_hs: Option<f64>,
    pub power_w: Option<f64>,
    /// True when the miner reported no power and `power_w` is nominal W/TH × hashrate.
    pub power_estimated: bool,
    pub board_temp_max_c: Option<f64>,
    pub board_temp_avg_c: Option<f64>,
    pub chip_temp_max_c: Option<f64>,
    pub chip_temp_avg_c: Option<f64>,
    /// Fans that reported a speed, in position order.
    pub fans_rpm: Vec<u32>,
    pub boards: Vec<BoardSample>,
    /// URL of the pool the miner is hashing on (the active one, else the first configured).
    pub pool_url: Option<String>,
    pub pool_user: Option<String>,
    /// Shares over every configured pool since the miner's last restart.
    pub accepted_shares: Option<u64>,
    pub rejected_shares: Option<u64>,
    pub uptime_s: Option<u64>,
    /// False when the hashing process is paused (sleep mode), even if the miner is up.
    pub is_mining: bool,
    pub messages: Vec<MinerMessage>,
}

impl Sample {
    /// A row recording that `ip` gave no data: every measurement absent.
    pub fn offline(ip: Ipv4Addr, taken_at_ms: u64) -> Self {
        Self {
            ip,
            taken_at_ms,
            online: false,
            make: None,
            model: None,
            firmware: None,
            firmware_version: None,
            mac: None,
            serial_number: None,
            hashrate_hs: None,
            expected_hashrate_hs: None,
            power_w: None,
            power_estimated: false,
            board_temp_max_c: None,
            board_temp_avg_c: None,
            chip_temp_max_c: None,
            chip_temp_avg_c: None,
            fans_rpm: Vec::new(),
            boards: Vec::new(),
            pool_url: None,
            pool_user: None,
            accepted_shares: None,
            rejected_shares: None,
            uptime_s: None,
            is_mining: false,
            messages: Vec::new(),
        }
    }
}

/// One hash board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSample {
    /// 0-based chain index as the firmware numbers it.
    pub position: u8,
    pub hashrate_hs: Option<f64>,
    /// False for a board that neither hashes nor reports chips (dead or disabled).
    pub active: Option<bool>,
    pub working_chips: Option<u16>,
    pub expected_chips: Option<u16>,
    pub board_temp_c: Option<f64>,
    /// Hottest chip sensor on the board (outlet side where the firmware splits them).
    pub chip_temp_c: Option<f64>,
}

/// A message the firmware shows, e.g. a board error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerMessage {
    pub severity: Severity,
    pub code: u64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}
