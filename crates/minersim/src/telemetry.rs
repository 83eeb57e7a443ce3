//! What a miner reports at an instant: hashrate per board, temperatures, fans, power, shares.
//! Pure arithmetic on the miner's state, so every transport (RPC, web) reports the same numbers.

use std::time::Instant;

use crate::noise::signed_unit;
use crate::state::{MinerShared, MinerState, SimMiner, WorkMode};

/// cgminer's short window: the "5s" hashrate changes once per window.
const NOISE_WINDOW_S: u64 = 5;
/// Pool share difficulty (shown as "512K" by stock firmware).
pub const SHARE_DIFFICULTY: f64 = 524_288.0;
/// About 0.3 % of shares come back rejected on a healthy miner.
const REJECT_RATIO: f64 = 0.003;
/// A sleeping S19 draws only its control board.
const SLEEP_POWER_W: f64 = 15.0;

#[derive(Debug, Clone, PartialEq)]
pub struct BoardTelemetry {
    pub hashrate_ghs: f64,
    pub ideal_hashrate_ghs: f64,
    pub working_chips: u32,
    pub frequency_mhz: u32,
    /// Four PCB sensors per board, as stock firmware lists them ("73-45-64-65").
    pub pcb_temperatures_c: [u32; 4],
    pub chip_temperatures_c: [u32; 4],
    pub hardware_errors: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Telemetry {
    pub uptime_s: u64,
    pub mode: WorkMode,
    pub hashrate_ghs: f64,
    /// Average since boot, over hashing time only.
    pub hashrate_avg_ghs: f64,
    pub ideal_hashrate_ghs: f64,
    pub boards: Vec<BoardTelemetry>,
    pub fans_rpm: Vec<u32>,
    pub power_w: f64,
    pub accepted_shares: u64,
    pub rejected_shares: u64,
    pub hashing_s: f64,
}

impl Telemetry {
    pub fn is_hashing(&self) -> bool {
        self.mode != WorkMode::Sleep
    }

    pub fn max_chip_temperature_c(&self) -> u32 {
        self.boards
            .iter()
            .flat_map(|b| b.chip_temperatures_c)
            .max()
            .unwrap_or(0)
    }
}

fn mode_factor(mode: WorkMode) -> (f64, f64) {
    // (hashrate factor, power factor): low-power mode trades hashrate for efficiency.
    match mode {
        WorkMode::Normal => (1.0, 1.0),
        WorkMode::High => (1.1, 1.18),
        WorkMode::Low => (0.75, 0.68),
        WorkMode::Sleep => (0.0, 0.0),
    }
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub(crate) fn sample(miner: &MinerShared, state: &MinerState, now: Instant) -> Telemetry {
    let profile = &miner.profile;
    let index = u64::from(miner.identity.index);
    let seed = miner.seed;
    let uptime_s = now.saturating_duration_since(state.boot_at).as_secs();
    let tick = uptime_s / NOISE_WINDOW_S;
    let (rate_factor, power_factor) = mode_factor(state.mode);
    let decay = (1.0 - miner.decay_per_hour * uptime_s as f64 / 3600.0).max(0.0);
    let ideal_total_ghs = profile.nominal_hashrate_ths * 1000.0;
    let ideal_board_ghs = ideal_total_ghs / profile.boards as f64;
    let hashing = state.mode != WorkMode::Sleep;
    let heat = if state.overheating { 25.0 } else { 0.0 };

    let boards: Vec<BoardTelemetry> = (0..profile.boards)
        .map(|b| {
            let board = b as u64;
            let dead = state.dead_board == Some(b);
            // Each board keeps its own small bias (binning), plus noise that moves every window.
            let bias = 0.015 * signed_unit(&[seed, index, board, 0xB1A5]);
            let jitter = 0.02 * signed_unit(&[seed, index, board, tick, 0x7A7E]);
            let hashrate_ghs = if dead || !hashing {
                0.0
            } else {
                ideal_board_ghs * rate_factor * decay * (1.0 + bias + jitter)
            };
            let base_c = if hashing && !dead { 62.0 + heat } else { 30.0 };
            let temps = |channel: u64, offset: f64| {
                std::array::from_fn(|sensor| {
                    let n = signed_unit(&[seed, index, board, sensor as u64, tick, channel]);
                    (base_c + offset + 5.0 * n).round().max(0.0) as u32
                })
            };
            BoardTelemetry {
                hashrate_ghs,
                ideal_hashrate_ghs: ideal_board_ghs,
                working_chips: if dead { 0 } else { profile.chips_per_board },
                frequency_mhz: if dead { 0 } else { profile.frequency_mhz },
                pcb_temperatures_c: temps(0x9CB, 0.0),
                chip_temperatures_c: temps(0xC41, 5.0),
                hardware_errors: if hashing { uptime_s / 270 } else { 0 },
            }
        })
        .collect();

    let hashrate_ghs: f64 = boards.iter().map(|b| b.hashrate_ghs).sum();
    let fans_rpm = (0..profile.fans)
        .map(|f| {
            if !hashing {
                return 0;
            }
            let n = signed_unit(&[seed, index, f as u64, tick, 0xFA4]);
            let base = if state.overheating { 6_000.0 } else { 5_500.0 };
            let pwm = state.fan_manual_pwm.map_or(1.0, |p| f64::from(p) / 100.0);
            ((base + 300.0 * n) * pwm).round() as u32
        })
        .collect();
    let power_w = if hashing {
        let n = 0.01 * signed_unit(&[seed, index, tick, 0x9A3]);
        profile.nominal_power_w * power_factor * (1.0 + n)
    } else {
        SLEEP_POWER_W
    };

    let hashing_s = state.hashing_s(now);
    // Shares found so far at the nominal rate: hashes / (difficulty * 2^32).
    let expected_shares = ideal_total_ghs * rate_factor.max(1.0) * 1e9 * hashing_s
        / (SHARE_DIFFICULTY * 4_294_967_296.0);
    let all_shares = expected_shares.floor() as u64;
    let rejected_shares = (expected_shares * REJECT_RATIO).floor() as u64;
    let hashrate_avg_ghs = if hashing_s > 0.0 {
        ideal_total_ghs * rate_factor * decay * (1.0 + 0.004 * signed_unit(&[seed, index, 0xA6]))
    } else {
        0.0
    };

    Telemetry {
        uptime_s,
        mode: state.mode,
        hashrate_ghs,
        hashrate_avg_ghs,
        ideal_hashrate_ghs: ideal_total_ghs,
        boards,
        fans_rpm,
        power_w,
        accepted_shares: all_shares - rejected_shares,
        rejected_shares,
        hashing_s,
    }
}

impl MinerShared {
    pub fn telemetry(&self, now: Instant) -> Telemetry {
        sample(self, &self.lock(), now)
    }
}

impl SimMiner {
    /// What the miner would report right now.
    pub fn telemetry(&self) -> Telemetry {
        self.shared.telemetry(Instant::now())
    }
}
