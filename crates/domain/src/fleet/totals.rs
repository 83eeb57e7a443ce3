//! A hosting client's miners in sum, as the client portal shows them: how many answer, their
//! hashrate against what the firmware expects, power and energy, and what that hashrate earns
//! at today's network figures (the `mining` crate's formula, so the portal and the calculator
//! agree).

use serde::{Deserialize, Serialize};

use super::query::MinerRow;
use crate::market::{MarketNow, MarketValue};
use crate::telemetry::FleetSpan;

/// Subsidy assumed when the market data carry no block height (the reward since April 2024).
const FALLBACK_SUBSIDY_BTC: f64 = 3.125;

/// The sum of a client's miners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerTotals {
    pub customer_name: String,
    pub miners: u64,
    /// Answered within the last five minutes.
    pub online: u64,
    pub hashrate_hs: f64,
    pub expected_hashrate_hs: f64,
    pub power_w: f64,
    /// At least one power figure is the model's nominal W/TH × hashrate, not a reading.
    pub power_estimated: bool,
    /// `None` without market data.
    pub earnings: Option<Earnings>,
    /// The last 24 hours of rolled-up readings: how often the miners answered and the
    /// energy they used.
    pub last_day: FleetSpan,
}

/// What the current hashrate earns per day, before pool fees and hosting charges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Earnings {
    pub btc_day: f64,
    pub usd_day: f64,
    pub hashprice_usd_th_day: f64,
    /// The price and difficulty used, with their sources and ages.
    pub btc_price: MarketValue,
    pub difficulty: MarketValue,
}

impl CustomerTotals {
    /// Adds one page of the miner table.
    pub fn add(&mut self, rows: &[MinerRow]) {
        for row in rows {
            self.miners += 1;
            if !row.online {
                continue;
            }
            self.online += 1;
            self.hashrate_hs += row.hashrate_hs.unwrap_or(0.0);
            self.expected_hashrate_hs += row.expected_hashrate_hs.unwrap_or(0.0);
            self.power_w += row.power_w.unwrap_or(0.0);
            self.power_estimated |= row.power_estimated && row.power_w.is_some();
        }
    }

    /// Energy at the current power for a whole day, kWh.
    pub fn energy_kwh_day(&self) -> f64 {
        self.power_w * 24.0 / 1_000.0
    }
}

/// Daily earnings of `hashrate_hs` at the market's price, difficulty, fees and the subsidy of
/// its block height; `None` when price or difficulty is missing.
pub fn earnings(hashrate_hs: f64, market: &MarketNow) -> Option<Earnings> {
    let btc_price = market.btc_price_usd.clone()?;
    let difficulty = market.difficulty.clone()?;
    let subsidy_btc = market
        .height
        .map_or(FALLBACK_SUBSIDY_BTC, mining::subsidy::subsidy_btc_at_height);
    let fees_btc = market.fees_per_block_btc.as_ref().map_or(0.0, |f| f.value);
    let hashprice_usd_th_day = mining::revenue::hashprice_usd_per_th_day(
        difficulty.value,
        subsidy_btc,
        fees_btc,
        btc_price.value,
    )
    .ok()?;
    let btc_day = if hashrate_hs > 0.0 {
        mining::revenue::daily_btc(&mining::revenue::RevenueInput {
            hashrate_hs,
            difficulty: difficulty.value,
            subsidy_btc,
            fees_per_block_btc: fees_btc,
            pool_fee_pct: 0.0,
        })
        .ok()?
    } else {
        0.0
    };
    Some(Earnings {
        btc_day,
        usd_day: btc_day * btc_price.value,
        hashprice_usd_th_day,
        btc_price,
        difficulty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{Approval, Miner, MinerStatus};
    use crate::market::Provenance;

    fn row(online: bool, hashrate_ths: f64, power_w: Option<f64>, estimated: bool) -> MinerRow {
        MinerRow {
            miner: Miner {
                miner_id: 1,
                site_id: 1,
                customer_id: Some(1),
                asic_model_id: None,
                model_name: "Antminer S21".into(),
                serial: "SN".into(),
                ip: "10.0.0.1".into(),
                mac: None,
                rack: String::new(),
                status: MinerStatus::Active,
                approval: Approval::Approved,
                approval_note: None,
                approved_by_user_id: None,
                created_at_ms: 0,
                updated_at_ms: 0,
            },
            customer_name: None,
            online,
            hashrate_hs: Some(hashrate_ths * 1e12),
            expected_hashrate_hs: Some(200e12),
            power_w,
            power_estimated: estimated,
            temp_max_c: None,
            last_seen_ms: Some(0),
        }
    }

    fn value(value: f64) -> MarketValue {
        MarketValue {
            value,
            source: "test".into(),
            provenance: Provenance::Live,
            fetched_at_ms: 0,
            age_ms: 0,
            stale: false,
        }
    }

    #[test]
    fn only_answering_miners_add_hashrate_and_power() {
        let mut totals = CustomerTotals::default();
        totals.add(&[
            row(true, 200.0, Some(3_500.0), false),
            row(true, 190.0, Some(3_400.0), true),
        ]);
        // An offline miner's last reading is history, not current hashrate.
        totals.add(&[row(false, 180.0, Some(3_300.0), false)]);
        assert_eq!((totals.miners, totals.online), (3, 2));
        assert!((totals.hashrate_hs - 390e12).abs() < 1.0);
        assert!((totals.expected_hashrate_hs - 400e12).abs() < 1.0);
        assert!((totals.power_w - 6_900.0).abs() < 1e-9);
        assert!(totals.power_estimated);
        assert!((totals.energy_kwh_day() - 165.6).abs() < 1e-9);
    }

    #[test]
    fn earnings_follow_the_calculators_formula() {
        let market = MarketNow {
            btc_price_usd: Some(value(80_000.0)),
            difficulty: Some(value(119.12e12)),
            fees_per_block_btc: Some(value(0.0)),
            height: Some(900_000),
            ..MarketNow::default()
        };
        let earned = earnings(110e12, &market).unwrap();
        // H · 86,400 · 3.125 / (D · 2³²): the reference S19 Pro at 119.12 T earns ≈ 0.0000581 BTC.
        let expected_btc = 110e12 * 86_400.0 * 3.125 / (119.12e12 * 4_294_967_296.0);
        assert!((earned.btc_day - expected_btc).abs() < 1e-15);
        assert!((earned.usd_day - expected_btc * 80_000.0).abs() < 1e-9);
        assert!((earned.hashprice_usd_th_day * 110.0 - earned.usd_day).abs() < 1e-9);
        // After the 2028 halving the same hashrate earns half.
        let later = MarketNow {
            height: Some(1_050_000),
            ..market.clone()
        };
        let halved = earnings(110e12, &later).unwrap();
        assert!((halved.btc_day * 2.0 - earned.btc_day).abs() < 1e-15);
        assert!(earnings(0.0, &market).unwrap().btc_day.abs() < f64::EPSILON);
        assert_eq!(earnings(110e12, &MarketNow::default()), None);
    }
}
