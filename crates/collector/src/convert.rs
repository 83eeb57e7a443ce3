//! asic-rs `MinerData` → [`Sample`]: the only place that knows asic-rs's unit types.

use std::net::Ipv4Addr;

use asic_rs::core::data::board::BoardData;
use asic_rs::core::data::hashrate::{HashRate, HashRateUnit};
use asic_rs::core::data::message::{MessageSeverity, MinerMessage as AsicMessage};
use asic_rs::core::data::miner::MinerData;
use asic_rs::core::data::pool::PoolData;

use crate::sample::{BoardSample, MinerMessage, Sample, Severity};

/// Hashes per second in one TH/s.
const HS_PER_THS: f64 = 1e12;

/// Normalise one reading. `nominal_w_per_th` prices hashrate into watts when the miner reports
/// no power (many stock firmwares before 2022 do not).
pub fn sample_from_data(
    ip: Ipv4Addr,
    taken_at_ms: u64,
    data: &MinerData,
    nominal_w_per_th: f64,
) -> Sample {
    let total_hs = data.hashrate.as_ref().map(hashrate_hs);
    let (power_w, power_estimated) = power_w(
        data.wattage.map(|w| w.as_watts()),
        total_hs,
        nominal_w_per_th,
    );
    let board_temps: Vec<f64> = data
        .hashboards
        .iter()
        .filter_map(|b| b.board_temperature.map(|t| t.as_celsius()))
        .collect();
    let chip_temps: Vec<f64> = data.hashboards.iter().flat_map(chip_temps_c).collect();
    let pools: Vec<&PoolData> = data.pools.iter().flat_map(|g| &g.pools).collect();
    let pool = pools
        .iter()
        .find(|p| p.active == Some(true))
        .or_else(|| pools.first());
    let device = &data.device_info;

    Sample {
        ip,
        taken_at_ms,
        online: true,
        make: non_empty(&device.make),
        model: non_empty(&device.model),
        firmware: non_empty(&device.firmware),
        firmware_version: data.firmware_version.clone(),
        // Upper case, as printed on the miner's label and in Bitmain's web UI.
        mac: data.mac.map(|m| m.to_string().to_uppercase()),
        serial_number: data.serial_number.clone(),
        hashrate_hs: total_hs,
        expected_hashrate_hs: data.expected_hashrate.as_ref().map(hashrate_hs),
        power_w,
        power_estimated,
        board_temp_max_c: max(&board_temps),
        board_temp_avg_c: mean(&board_temps),
        chip_temp_max_c: max(&chip_temps),
        chip_temp_avg_c: mean(&chip_temps),
        fans_rpm: data
            .fans
            .iter()
            .filter_map(|f| f.rpm.map(|r| rpm(r.as_rpm())))
            .collect(),
        boards: data.hashboards.iter().map(board_sample).collect(),
        pool_url: pool.and_then(|p| p.url.as_ref()).map(ToString::to_string),
        pool_user: pool.and_then(|p| p.user.clone()),
        accepted_shares: sum(pools.iter().map(|p| p.accepted_shares)),
        rejected_shares: sum(pools.iter().map(|p| p.rejected_shares)),
        uptime_s: data.uptime.map(|u| u.as_secs()),
        is_mining: data.is_mining,
        messages: data.messages.iter().map(message).collect(),
    }
}

/// asic-rs hashrates carry their own unit (TH/s for SHA-256 by default); storage wants H/s.
pub fn hashrate_hs(hashrate: &HashRate) -> f64 {
    hashrate.clone().as_unit(HashRateUnit::Hash).value
}

/// Reported watts win; otherwise nominal W/TH × hashrate, flagged as an estimate.
pub fn power_w(
    reported_w: Option<f64>,
    hashrate_hs: Option<f64>,
    nominal_w_per_th: f64,
) -> (Option<f64>, bool) {
    match (reported_w, hashrate_hs) {
        (Some(w), _) => (Some(w), false),
        (None, Some(hs)) => (Some(hs / HS_PER_THS * nominal_w_per_th), true),
        (None, None) => (None, false),
    }
}

/// True when the reading holds at least one live measurement. asic-rs never fails `get_data`: a
/// miner that answers garbage or refuses connections still yields a `MinerData`, only empty.
pub fn has_reading(data: &MinerData) -> bool {
    data.hashrate.is_some()
        || data.uptime.is_some()
        || data.wattage.is_some()
        || data.fans.iter().any(|f| f.rpm.is_some())
        || data.hashboards.iter().any(|b| b.hashrate.is_some())
}

fn board_sample(board: &BoardData) -> BoardSample {
    BoardSample {
        position: board.position,
        hashrate_hs: board.hashrate.as_ref().map(hashrate_hs),
        active: board.active,
        working_chips: board.working_chips,
        expected_chips: board.expected_chips,
        board_temp_c: board.board_temperature.map(|t| t.as_celsius()),
        chip_temp_c: max(&chip_temps_c(board)),
    }
}

/// Every chip-side sensor of a board: the inlet/outlet pair newer firmwares report, and
/// per-chip readings where the backend has them.
fn chip_temps_c(board: &BoardData) -> Vec<f64> {
    [board.inlet_chip_temperature, board.outlet_chip_temperature]
        .into_iter()
        .flatten()
        .chain(board.chips.iter().filter_map(|c| c.temperature))
        .map(|t| t.as_celsius())
        .collect()
}

fn message(m: &AsicMessage) -> MinerMessage {
    MinerMessage {
        severity: match m.severity {
            MessageSeverity::Error => Severity::Error,
            MessageSeverity::Warning => Severity::Warning,
            MessageSeverity::Info => Severity::Info,
        },
        code: m.code,
        text: m.message.clone(),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

// Fan speeds are whole numbers on every firmware; f64 → u32 saturates, and negatives mean junk.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn rpm(value: f64) -> u32 {
    value.max(0.0).round() as u32
}

fn sum(values: impl Iterator<Item = Option<u64>>) -> Option<u64> {
    values.flatten().reduce(u64::saturating_add)
}

fn max(values: &[f64]) -> Option<f64> {
    values.iter().copied().reduce(f64::max)
}

#[allow(clippy::cast_precision_loss)] // a handful of sensors
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests;
