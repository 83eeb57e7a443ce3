//! Plausibility checks on what providers return. A value that fails is rejected with a typed
//! reason and the next source is asked; nothing implausible is ever returned as good.
//!
//! The bounds are deliberately wide: they exist to catch unit mistakes, zeroes, parse accidents
//! and broken feeds (the old system divided GH/s by 1e18), not to second-guess real moves.

use crate::error::ValidationError;
use crate::network::stats::NetworkStats;

/// Lowest BTC price in USD we accept. Far below any price since 2013; catches 0, cents, sats.
pub const MIN_PLAUSIBLE_PRICE_USD: f64 = 100.0;
/// Highest BTC price in USD we accept; catches prices quoted in cents or satoshis.
pub const MAX_PLAUSIBLE_PRICE_USD: f64 = 100_000_000.0;
/// The protocol clamps each retarget to ×4 either way (Bitcoin Core `pow.cpp`).
pub const MAX_DIFFICULTY_FACTOR_PER_RETARGET: f64 = 4.0;
/// Blocks between difficulty retargets.
pub const RETARGET_INTERVAL_BLOCKS: u64 = 2_016;
/// A height may drop by a few blocks when two sources disagree or after a reorg; more than
/// this means a broken or lagging feed.
pub const MAX_HEIGHT_REGRESSION_BLOCKS: u64 = 12;
/// How far a reported hashrate may stray from the one the difficulty implies (factor either
/// way). Real estimates stay within ±30 %; a unit mistake is off by 10³ or more.
pub const MAX_HASHRATE_DIFFICULTY_FACTOR: f64 = 3.0;
/// Most fees per block (BTC) we accept as an average; the record block paid ~6.7 BTC.
pub const MAX_PLAUSIBLE_FEES_PER_BLOCK_BTC: f64 = 50.0;
/// Hashes per unit of difficulty per second at the 600 s block target: 2³² / 600.
pub const HASHES_PER_DIFFICULTY_PER_SECOND: f64 = 4_294_967_296.0 / 600.0;

pub(crate) fn finite(field: &'static str, value: f64) -> Result<f64, ValidationError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ValidationError::NotFinite { field })
    }
}

/// A BTC price in USD: finite and within [`MIN_PLAUSIBLE_PRICE_USD`]..=[`MAX_PLAUSIBLE_PRICE_USD`].
pub fn price_usd(price_usd: f64) -> Result<(), ValidationError> {
    finite("price_usd", price_usd)?;
    if (MIN_PLAUSIBLE_PRICE_USD..=MAX_PLAUSIBLE_PRICE_USD).contains(&price_usd) {
        Ok(())
    } else {
        Err(ValidationError::PriceOutOfRange { price_usd })
    }
}

/// A 24 h change in percent: finite, above −100 % and below +1000 %.
pub fn change_pct(change_pct: f64) -> Result<(), ValidationError> {
    finite("change_24h_pct", change_pct)?;
    if change_pct > -100.0 && change_pct < 1_000.0 {
        Ok(())
    } else {
        Err(ValidationError::ChangeOutOfRange { change_pct })
    }
}

/// Network statistics on their own and against the last known good value, if any.
pub fn network(
    stats: &NetworkStats,
    previous: Option<&NetworkStats>,
) -> Result<(), ValidationError> {
    finite("difficulty", stats.difficulty)?;
    finite("hashrate_hs", stats.hashrate_hs)?;
    finite("fees_per_block_btc", stats.fees_per_block_btc)?;
    if stats.difficulty <= 0.0 {
        return Err(ValidationError::NonPositiveDifficulty {
            difficulty: stats.difficulty,
        });
    }
    let implied_hs = stats.difficulty * HASHES_PER_DIFFICULTY_PER_SECOND;
    let ratio = stats.hashrate_hs / implied_hs;
    if !(1.0 / MAX_HASHRATE_DIFFICULTY_FACTOR..=MAX_HASHRATE_DIFFICULTY_FACTOR).contains(&ratio) {
        return Err(ValidationError::HashrateInconsistent {
            hashrate_hs: stats.hashrate_hs,
            implied_hs,
        });
    }
    if !(0.0..=MAX_PLAUSIBLE_FEES_PER_BLOCK_BTC).contains(&stats.fees_per_block_btc) {
        return Err(ValidationError::FeesOutOfRange {
            fees_per_block_btc: stats.fees_per_block_btc,
        });
    }
    let next = stats.retarget.next_retarget_height;
    if next <= stats.height
        || !next.is_multiple_of(RETARGET_INTERVAL_BLOCKS)
        || next - stats.height > RETARGET_INTERVAL_BLOCKS
    {
        return Err(ValidationError::RetargetInconsistent {
            height: stats.height,
            next_retarget_height: next,
        });
    }
    if let Some(change) = stats.retarget.estimated_change_pct {
        // Same ×4 clamp as the protocol: −75 % .. +300 %.
        finite("estimated_change_pct", change)?;
        if !(-75.0..=300.0).contains(&change) {
            return Err(ValidationError::ChangeOutOfRange { change_pct: change });
        }
    }
    if let Some(previous) = previous {
        against_previous(stats, previous)?;
    }
    Ok(())
}

fn against_previous(stats: &NetworkStats, previous: &NetworkStats) -> Result<(), ValidationError> {
    if stats.height + MAX_HEIGHT_REGRESSION_BLOCKS < previous.height {
        return Err(ValidationError::HeightWentBackwards {
            previous: previous.height,
            height: stats.height,
        });
    }
    if !(previous.difficulty.is_finite() && previous.difficulty > 0.0) {
        // A broken stored value must not block every future refresh.
        return Ok(());
    }
    // Each retarget between the two heights allows another ×4; at least one is allowed because
    // two sources may straddle a retarget boundary. Capped so the bound stays meaningful.
    let retargets = (stats.height / RETARGET_INTERVAL_BLOCKS)
        .saturating_sub(previous.height / RETARGET_INTERVAL_BLOCKS)
        .clamp(1, 8);
    let max_factor = MAX_DIFFICULTY_FACTOR_PER_RETARGET.powi(i32::try_from(retargets).unwrap_or(8));
    let factor = if stats.difficulty >= previous.difficulty {
        stats.difficulty / previous.difficulty
    } else {
        previous.difficulty / stats.difficulty
    };
    if factor > max_factor {
        return Err(ValidationError::DifficultyJump {
            previous: previous.difficulty,
            difficulty: stats.difficulty,
            factor,
            max_factor,
            retargets,
        });
    }
    Ok(())
}

/// A Fear & Greed index value: 0..=100.
pub fn fear_greed(value: i64) -> Result<(), ValidationError> {
    if (0..=100).contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::FearGreedOutOfRange { value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::stats::RetargetEstimate;

    fn stats(difficulty: f64, height: u64) -> NetworkStats {
        NetworkStats {
            difficulty,
            height,
            hashrate_hs: difficulty * HASHES_PER_DIFFICULTY_PER_SECOND,
            fees_per_block_btc: 0.025,
            retarget: RetargetEstimate {
                next_retarget_height: (height / 2_016 + 1) * 2_016,
                estimated_change_pct: Some(1.5),
                estimated_retarget_at_ms: 0,
            },
        }
    }

    #[test]
    fn prices_that_cannot_be_true_are_rejected() {
        assert!(price_usd(90_000.0).is_ok());
        for bad in [0.0, -5.0, f64::NAN, f64::INFINITY, 1e12, 0.9] {
            assert!(price_usd(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn difficulty_may_move_four_fold_per_retarget_but_not_more() {
        let prev = stats(1.5e14, 925_000);
        assert!(network(&stats(1.5e14 * 3.9, 925_400), Some(&prev)).is_ok());
        let err = network(&stats(1.5e15, 925_400), Some(&prev)).unwrap_err();
        assert!(
            matches!(err, ValidationError::DifficultyJump { .. }),
            "{err}"
        );
        // Two retargets later ×10 is possible (×16 allowed).
        assert!(network(&stats(1.5e15, 925_000 + 2 * 2_016), Some(&prev)).is_ok());
    }

    #[test]
    fn height_may_not_go_back_by_more_than_a_reorg() {
        let prev = stats(1.5e14, 925_000);
        assert!(network(&stats(1.5e14, 924_995), Some(&prev)).is_ok());
        let err = network(&stats(1.5e14, 924_000), Some(&prev)).unwrap_err();
        assert!(matches!(err, ValidationError::HeightWentBackwards { .. }));
    }

    #[test]
    fn a_hashrate_in_the_wrong_unit_is_caught_by_the_difficulty() {
        let mut s = stats(1.5e14, 925_000);
        s.hashrate_hs /= 1e9; // GH/s taken for H/s
        let err = network(&s, None).unwrap_err();
        assert!(matches!(err, ValidationError::HashrateInconsistent { .. }));
    }

    #[test]
    fn a_retarget_height_must_be_the_next_multiple_of_2016() {
        let mut s = stats(1.5e14, 925_000);
        s.retarget.next_retarget_height = 925_001;
        assert!(network(&s, None).is_err());
    }

    #[test]
    fn fear_greed_is_a_percentage() {
        assert!(fear_greed(0).is_ok());
        assert!(fear_greed(100).is_ok());
        assert!(fear_greed(101).is_err());
        assert!(fear_greed(-1).is_err());
    }
}
