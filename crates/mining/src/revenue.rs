//! Expected mining revenue from hashrate and difficulty.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::units::SECONDS_PER_DAY;

/// Expected hashes to find a block at difficulty 1 (Bitcoin's difficulty-1 target is ~2³²).
pub const HASHES_PER_DIFFICULTY: f64 = 4_294_967_296.0;

/// What a miner contributes and what the network demands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RevenueInput {
    /// The miner's hashrate, H/s.
    pub hashrate_hs: f64,
    /// Network difficulty, raw (e.g. 1.4e14), never "T".
    pub difficulty: f64,
    /// Block subsidy, BTC.
    pub subsidy_btc: f64,
    /// Average transaction fees per block, BTC.
    pub fees_per_block_btc: f64,
    /// Pool fee, percent of revenue (2.5 means 2.5 %).
    pub pool_fee_pct: f64,
}

/// Why an input cannot produce a revenue figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RevenueError {
    #[error("hashrate must be a positive, finite number")]
    Hashrate,
    #[error("difficulty must be a positive, finite number")]
    Difficulty,
    #[error("block reward must be zero or more")]
    Reward,
    #[error("pool fee must be between 0 and 100 percent")]
    PoolFee,
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Expected BTC per day, net of the pool fee.
///
/// BTC/day = H · 86,400 · (subsidy + fees) / (D · 2³²) · (1 − pool fee).
/// Source: the expected number of hashes per block is D · 2³² (Bitcoin wiki, "Difficulty").
pub fn daily_btc(input: &RevenueInput) -> Result<f64, RevenueError> {
    if !positive(input.hashrate_hs) {
        return Err(RevenueError::Hashrate);
    }
    if !positive(input.difficulty) {
        return Err(RevenueError::Difficulty);
    }
    let reward_btc = input.subsidy_btc + input.fees_per_block_btc;
    if !(reward_btc.is_finite() && input.subsidy_btc >= 0.0 && input.fees_per_block_btc >= 0.0) {
        return Err(RevenueError::Reward);
    }
    if !(0.0..=100.0).contains(&input.pool_fee_pct) {
        return Err(RevenueError::PoolFee);
    }
    let gross_btc = input.hashrate_hs * SECONDS_PER_DAY * reward_btc
        / (input.difficulty * HASHES_PER_DIFFICULTY);
    Ok(gross_btc * (1.0 - input.pool_fee_pct / 100.0))
}

/// Hashprice: USD earned per TH/s per day at this difficulty and price, before pool fee.
pub fn hashprice_usd_per_th_day(
    difficulty: f64,
    subsidy_btc: f64,
    fees_per_block_btc: f64,
    btc_price_usd: f64,
) -> Result<f64, RevenueError> {
    let btc = daily_btc(&RevenueInput {
        hashrate_hs: 1e12,
        difficulty,
        subsidy_btc,
        fees_per_block_btc,
        pool_fee_pct: 0.0,
    })?;
    Ok(btc * btc_price_usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s19_pro() -> RevenueInput {
        RevenueInput {
            hashrate_hs: 110e12,
            difficulty: 119.12e12,
            subsidy_btc: 3.125,
            fees_per_block_btc: 0.0,
            pool_fee_pct: 0.0,
        }
    }

    #[test]
    fn an_s19_pro_mines_the_textbook_amount() {
        // 110e12 · 86400 · 3.125 / (119.12e12 · 2^32) = 5.8058e-5 BTC/day
        let btc = daily_btc(&s19_pro()).unwrap();
        assert!((btc - 5.805_8e-5).abs() < 1e-8, "{btc}");
    }

    #[test]
    fn pool_fee_reduces_revenue_proportionally() {
        let gross = daily_btc(&s19_pro()).unwrap();
        let net = daily_btc(&RevenueInput {
            pool_fee_pct: 2.5,
            ..s19_pro()
        })
        .unwrap();
        assert!((net - gross * 0.975).abs() < 1e-15);
    }

    #[test]
    fn revenue_is_linear_in_hashrate() {
        let one = daily_btc(&s19_pro()).unwrap();
        let ten = daily_btc(&RevenueInput {
            hashrate_hs: 1100e12,
            ..s19_pro()
        })
        .unwrap();
        assert!((ten / one - 10.0).abs() < 1e-12);
    }

    #[test]
    fn zero_negative_or_nan_inputs_are_refused() {
        let zero_h = RevenueInput {
            hashrate_hs: 0.0,
            ..s19_pro()
        };
        assert_eq!(daily_btc(&zero_h), Err(RevenueError::Hashrate));
        let neg_d = RevenueInput {
            difficulty: -1.0,
            ..s19_pro()
        };
        assert_eq!(daily_btc(&neg_d), Err(RevenueError::Difficulty));
        let nan_d = RevenueInput {
            difficulty: f64::NAN,
            ..s19_pro()
        };
        assert_eq!(daily_btc(&nan_d), Err(RevenueError::Difficulty));
        let fee = RevenueInput {
            pool_fee_pct: 101.0,
            ..s19_pro()
        };
        assert_eq!(daily_btc(&fee), Err(RevenueError::PoolFee));
    }

    #[test]
    fn hashprice_is_revenue_of_one_terahash() {
        let hp = hashprice_usd_per_th_day(119.12e12, 3.125, 0.0, 80_000.0).unwrap();
        let per_th = daily_btc(&s19_pro()).unwrap() / 110.0 * 80_000.0;
        assert!((hp - per_th).abs() < 1e-9);
    }
}
