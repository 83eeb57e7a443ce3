//! The network page's figures, derived from the market values with `mining`: hashprice, the
//! next halving and when it should come, from the block times the retarget estimate implies.

use mining::subsidy::{next_halving_height, subsidy_btc_at_height};

use crate::market::MarketNow;

/// Bitcoin's target block interval, used when no recent block times are known.
const TARGET_BLOCK_MS: f64 = 600_000.0;

/// Figures of the network page; `None` where an input is unknown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkFigures {
    /// USD per TH/s per day, before pool fee, with the current subsidy and fees.
    pub hashprice_usd_th_day: Option<f64>,
    /// Block subsidy at the current height, BTC.
    pub subsidy_btc: Option<f64>,
    pub next_halving_height: Option<u64>,
    pub blocks_to_halving: Option<u64>,
    /// Average block interval the retarget estimate implies, milliseconds.
    pub block_interval_ms: Option<f64>,
    /// Estimated time of the next halving, unix ms.
    pub halving_at_ms: Option<i64>,
}

impl NetworkFigures {
    pub fn of(market: &MarketNow) -> Self {
        let height = market.height;
        let subsidy_btc = height.map(subsidy_btc_at_height);
        let hashprice_usd_th_day = match (&market.difficulty, &market.btc_price_usd, subsidy_btc) {
            (Some(difficulty), Some(price), Some(subsidy)) => {
                let fees = market.fees_per_block_btc.as_ref().map_or(0.0, |f| f.value);
                mining::revenue::hashprice_usd_per_th_day(
                    difficulty.value,
                    subsidy,
                    fees,
                    price.value,
                )
                .ok()
            }
            _ => None,
        };
        let next_halving = height.map(next_halving_height);
        let blocks_to_halving = height.zip(next_halving).map(|(h, n)| n - h);
        // Recent block times: the provider's estimate of the retarget date spreads the blocks
        // left to it over the time left.
        let block_interval_ms = match (market.retarget, height, &market.difficulty) {
            (Some(retarget), Some(height), Some(difficulty))
                if retarget.next_retarget_height > height =>
            {
                #[allow(clippy::cast_precision_loss)] // block counts and ms spans fit f64
                let interval = (retarget.estimated_retarget_at_ms - difficulty.fetched_at_ms)
                    as f64
                    / (retarget.next_retarget_height - height) as f64;
                (interval > 0.0).then_some(interval)
            }
            _ => None,
        };
        let halving_at_ms =
            blocks_to_halving
                .zip(market.difficulty.as_ref())
                .map(|(blocks, difficulty)| {
                    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                    let ms = blocks as f64 * block_interval_ms.unwrap_or(TARGET_BLOCK_MS);
                    #[allow(clippy::cast_possible_truncation)]
                    let at = difficulty.fetched_at_ms + ms as i64;
                    at
                });
        Self {
            hashprice_usd_th_day,
            subsidy_btc,
            next_halving_height: next_halving,
            blocks_to_halving,
            block_interval_ms,
            halving_at_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{MarketValue, Provenance, Retarget};

    fn value(value: f64, fetched_at_ms: i64) -> MarketValue {
        MarketValue {
            value,
            source: "mempool.space".to_owned(),
            provenance: Provenance::Live,
            fetched_at_ms,
            age_ms: 0,
            stale: false,
        }
    }

    fn market() -> MarketNow {
        MarketNow {
            btc_price_usd: Some(value(80_000.0, 0)),
            difficulty: Some(value(119.12e12, 1_000_000)),
            fees_per_block_btc: Some(value(0.0, 1_000_000)),
            height: Some(925_000),
            retarget: Some(Retarget {
                next_retarget_height: 925_344,
                estimated_change_pct: Some(3.4),
                // 344 blocks at 9.5 minutes each.
                estimated_retarget_at_ms: 1_000_000 + 344 * 570_000,
            }),
            ..MarketNow::default()
        }
    }

    #[test]
    fn the_halving_comes_after_the_blocks_left_at_recent_block_times() {
        let figures = NetworkFigures::of(&market());
        assert_eq!(figures.next_halving_height, Some(1_050_000));
        assert_eq!(figures.blocks_to_halving, Some(125_000));
        assert_eq!(figures.block_interval_ms, Some(570_000.0));
        assert_eq!(figures.halving_at_ms, Some(1_000_000 + 125_000 * 570_000));
        assert_eq!(figures.subsidy_btc, Some(3.125));
    }

    #[test]
    fn hashprice_is_the_calculators_for_one_th() {
        let figures = NetworkFigures::of(&market());
        // 1 TH/s · 86400 · 3.125 / (119.12e12 · 2^32) BTC a day at 80,000 USD.
        let expected = 1e12 * 86_400.0 * 3.125 / (119.12e12 * 4_294_967_296.0) * 80_000.0;
        let hashprice = figures.hashprice_usd_th_day.unwrap();
        assert!(
            (hashprice - expected).abs() < 1e-12,
            "{hashprice} vs {expected}"
        );
    }

    #[test]
    fn without_an_estimate_the_target_interval_is_used_and_unknowns_stay_unknown() {
        let mut m = market();
        m.retarget = None;
        let figures = NetworkFigures::of(&m);
        assert_eq!(figures.block_interval_ms, None);
        assert_eq!(figures.halving_at_ms, Some(1_000_000 + 125_000 * 600_000));
        let empty = NetworkFigures::of(&MarketNow::default());
        assert_eq!(empty.hashprice_usd_th_day, None);
        assert_eq!(empty.halving_at_ms, None);
    }
}
