//! A collector reading as the ingest API's sample: the per-board detail folded into the
//! figures the fleet pages and alerts use, and every value kept inside the API's bounds.

use collector::{Sample, Severity};
use domain::telemetry::TelemetrySample;

/// The longest firmware message the API stores.
const MESSAGE_CHARS: usize = 500;
/// Pool URLs and the other free text the API bounds.
const URL_CHARS: usize = 255;
const TEXT_CHARS: usize = 100;

/// `sample` of miner `miner_id`, as uploaded. A power the collector estimated at its default
/// efficiency is estimated again at `nominal_w_per_th`, the miner's own model's, when known.
pub fn telemetry(miner_id: i64, sample: &Sample, nominal_w_per_th: Option<f64>) -> TelemetrySample {
    let mut out = offline(miner_id, to_i64(sample.taken_at_ms));
    if !sample.online {
        return out;
    }
    out.online = true;
    out.is_mining = sample.is_mining;
    out.hashrate_hs = finite(sample.hashrate_hs);
    out.expected_hashrate_hs = finite(sample.expected_hashrate_hs);
    let power_w = match nominal_w_per_th {
        Some(nominal) if sample.power_estimated => {
            collector::power_w(None, sample.hashrate_hs, nominal).0
        }
        _ => sample.power_w,
    };
    out.power_w = finite(power_w);
    out.power_estimated = sample.power_estimated && out.power_w.is_some();
    // Chips run hotter than the board sensors: the hottest of either is what protects a miner.
    out.temp_max_c = max_of(
        [sample.chip_temp_max_c, sample.board_temp_max_c]
            .into_iter()
            .flatten(),
    );
    out.temp_avg_c = finite(sample.chip_temp_avg_c.or(sample.board_temp_avg_c));
    out.fan_min_rpm = sample.fans_rpm.iter().copied().min();
    out.fan_max_rpm = sample.fans_rpm.iter().copied().max();
    if !sample.boards.is_empty() {
        out.boards_total = u8::try_from(sample.boards.len()).ok();
        let active = sample
            .boards
            .iter()
            .filter(|b| match b.active {
                Some(active) => active,
                None => b.hashrate_hs.is_some_and(|h| h > 0.0),
            })
            .count();
        out.boards_active = u8::try_from(active).ok();
    }
    out.pool_url = bounded(sample.pool_url.as_deref(), URL_CHARS);
    out.pool_user = bounded(sample.pool_user.as_deref(), TEXT_CHARS);
    out.accepted_shares = sample.accepted_shares;
    out.rejected_shares = sample.rejected_shares;
    out.uptime_s = sample.uptime_s;
    out.firmware_version = bounded(sample.firmware_version.as_deref(), TEXT_CHARS);
    out.model_reported = bounded(sample.model.as_deref(), TEXT_CHARS);
    out.message = sample
        .messages
        .iter()
        .min_by_key(|m| match m.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        })
        .and_then(|m| bounded(Some(&m.text), MESSAGE_CHARS));
    out
}

/// Miner `miner_id` did not answer at `taken_at_ms`.
pub fn offline(miner_id: i64, taken_at_ms: i64) -> TelemetrySample {
    TelemetrySample {
        miner_id,
        taken_at_ms,
        ..TelemetrySample::default()
    }
}

fn to_i64(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite() && *v >= 0.0)
}

fn max_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.filter(|v| v.is_finite()).reduce(f64::max)
}

fn bounded(text: Option<&str>, chars: usize) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(chars).collect())
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use collector::{BoardSample, MinerMessage};

    use super::*;

    fn board(position: u8, hashrate_hs: Option<f64>, active: Option<bool>) -> BoardSample {
        BoardSample {
            position,
            hashrate_hs,
            active,
            working_chips: None,
            expected_chips: None,
            board_temp_c: None,
            chip_temp_c: None,
        }
    }

    fn reading() -> Sample {
        let mut sample = Sample::offline(Ipv4Addr::new(127, 1, 0, 1), 1_700_000_000_123);
        sample.online = true;
        sample.is_mining = true;
        sample.hashrate_hs = Some(110e12);
        sample.expected_hashrate_hs = Some(112e12);
        sample.power_w = Some(3_245.0);
        sample.board_temp_max_c = Some(61.0);
        sample.chip_temp_max_c = Some(77.5);
        sample.chip_temp_avg_c = Some(70.0);
        sample.fans_rpm = vec![5_880, 6_000, 0, 5_940];
        sample.boards = vec![
            board(0, Some(37e12), Some(true)),
            board(1, Some(0.0), Some(false)),
            board(2, Some(36e12), None),
        ];
        sample.pool_url = Some(format!(
            "stratum+tcp://pool.example:3333/{}",
            "x".repeat(400)
        ));
        sample.messages = vec![
            MinerMessage {
                severity: Severity::Info,
                code: 1,
                text: "fan check".into(),
            },
            MinerMessage {
                severity: Severity::Error,
                code: 2,
                text: "chain 1 lost".into(),
            },
        ];
        sample
    }

    #[test]
    fn a_reading_keeps_its_figures_and_folds_the_boards_and_fans() {
        let t = telemetry(42, &reading(), Some(21.5));
        assert_eq!((t.miner_id, t.taken_at_ms), (42, 1_700_000_000_123));
        assert!(t.online && t.is_mining);
        assert_eq!(t.hashrate_hs, Some(110e12));
        assert_eq!(t.expected_hashrate_hs, Some(112e12));
        assert_eq!(t.power_w, Some(3_245.0));
        assert!(!t.power_estimated);
        assert_eq!(t.temp_max_c, Some(77.5), "the chips are the hottest sensor");
        assert_eq!(t.temp_avg_c, Some(70.0));
        assert_eq!((t.fan_min_rpm, t.fan_max_rpm), (Some(0), Some(6_000)));
        assert_eq!((t.boards_total, t.boards_active), (Some(3), Some(2)));
        assert_eq!(
            t.pool_url.as_ref().map(|u| u.chars().count()),
            Some(URL_CHARS)
        );
        assert_eq!(t.message.as_deref(), Some("chain 1 lost"));
    }

    #[test]
    fn a_silent_miner_is_an_offline_row_without_figures() {
        let mut sample = reading();
        sample.online = false;
        let t = telemetry(7, &sample, None);
        assert!(!t.online);
        assert_eq!(t.hashrate_hs, None);
        assert_eq!(t.temp_max_c, None);
        assert_eq!(t, offline(7, 1_700_000_000_123));
    }

    #[test]
    fn values_outside_the_api_bounds_are_dropped_not_sent() {
        let mut sample = reading();
        sample.hashrate_hs = Some(f64::NAN);
        sample.power_w = Some(-1.0);
        sample.power_estimated = true;
        let t = telemetry(1, &sample, Some(21.5));
        assert_eq!(t.hashrate_hs, None);
        assert_eq!(t.power_w, None);
        assert!(!t.power_estimated, "no estimate flag without a power value");
    }

    #[test]
    fn an_estimated_power_is_priced_at_the_miners_own_model() {
        let mut sample = reading();
        // What the collector made of a miner that reports no power: 110 TH/s at its default.
        sample.power_w = Some(110.0 * 29.5);
        sample.power_estimated = true;
        let t = telemetry(3, &sample, Some(17.5));
        assert!((t.power_w.unwrap() - 110.0 * 17.5).abs() < 1e-6);
        assert!(t.power_estimated);
        // Without a catalogue model the collector's estimate stands, still marked.
        let t = telemetry(3, &sample, None);
        assert_eq!(t.power_w, Some(110.0 * 29.5));
        assert!(t.power_estimated);
        // A reported power is never replaced.
        let t = telemetry(3, &reading(), Some(17.5));
        assert_eq!((t.power_w, t.power_estimated), (Some(3_245.0), false));
    }
}
