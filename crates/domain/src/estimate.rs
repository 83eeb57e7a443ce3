//! The home page's quick estimate: text fields in, figures out, through `mining`.

use mining::{RevenueError, RevenueInput, daily_btc, hashprice_usd_per_th_day};

/// Subsidy of the current epoch (blocks 840,000–1,049,999).
const CURRENT_SUBSIDY_BTC: f64 = 3.125;

/// What the quick estimate shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub daily_btc: f64,
    pub daily_revenue_usd: f64,
    pub hashprice_usd_per_th_day: f64,
}

/// Which field is wrong and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimateError {
    Hashrate,
    BtcPrice,
    Difficulty,
    Reward,
    PoolFee,
}

impl From<RevenueError> for EstimateError {
    fn from(err: RevenueError) -> Self {
        match err {
            RevenueError::Hashrate => Self::Hashrate,
            RevenueError::Difficulty => Self::Difficulty,
            RevenueError::Reward => Self::Reward,
            RevenueError::PoolFee => Self::PoolFee,
        }
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// Parses the three fields (hashrate in TH/s, price in USD, raw difficulty) and computes.
pub fn estimate(
    hashrate_ths: &str,
    btc_price_usd: &str,
    difficulty: &str,
) -> Result<Estimate, EstimateError> {
    let hashrate_ths = number(hashrate_ths).ok_or(EstimateError::Hashrate)?;
    let btc_price_usd = number(btc_price_usd)
        .filter(|p| *p >= 0.0)
        .ok_or(EstimateError::BtcPrice)?;
    let difficulty = number(difficulty).ok_or(EstimateError::Difficulty)?;
    let input = RevenueInput {
        hashrate_hs: hashrate_ths * 1e12,
        difficulty,
        subsidy_btc: CURRENT_SUBSIDY_BTC,
        fees_per_block_btc: 0.0,
        pool_fee_pct: 0.0,
    };
    let btc = daily_btc(&input)?;
    Ok(Estimate {
        daily_btc: btc,
        daily_revenue_usd: btc * btc_price_usd,
        hashprice_usd_per_th_day: hashprice_usd_per_th_day(
            difficulty,
            CURRENT_SUBSIDY_BTC,
            0.0,
            btc_price_usd,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_fields_give_revenue_at_the_price() {
        let e = estimate("110", "80,000", "119.12e12").unwrap();
        assert!((e.daily_btc - 5.805_8e-5).abs() < 1e-8);
        assert!((e.daily_revenue_usd - e.daily_btc * 80_000.0).abs() < 1e-9);
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(estimate("abc", "1", "1"), Err(EstimateError::Hashrate));
        assert_eq!(estimate("0", "1", "1"), Err(EstimateError::Hashrate));
        assert_eq!(estimate("1", "-5", "1"), Err(EstimateError::BtcPrice));
        assert_eq!(estimate("1", "1", "NaN"), Err(EstimateError::Difficulty));
        assert_eq!(estimate("1", "1", "0"), Err(EstimateError::Difficulty));
    }
}
