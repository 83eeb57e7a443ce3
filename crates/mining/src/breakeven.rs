//! Break-evens: the value of one input at which the fleet's day-one profit is exactly zero
//! with every cost counted (electricity, hosting fees, maintenance), and the first projected
//! month that loses money.
//!
//! Day-one profit is linear in each of these inputs, so each break-even is solved exactly
//! rather than searched for. The calculator's own `breakeven_*` figures count electricity only;
//! these are the all-in ones.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calculator::{CalcError, CalcInput, calculate};
use crate::projection::{Projection, ProjectionError, ProjectionParams, project};
use crate::units::HS_PER_THS;

/// All break-evens of one input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Breakevens {
    /// See [`breakeven_electricity_usd_per_kwh`].
    pub electricity_usd_per_kwh: Option<f64>,
    /// See [`breakeven_btc_price_usd`].
    pub btc_price_usd: Option<f64>,
    /// See [`breakeven_hashprice_usd_th_day`].
    pub hashprice_usd_th_day: Option<f64>,
    /// See [`first_loss_month`].
    pub first_loss_month: Option<u32>,
}

/// Why a break-even cannot be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BreakevenError {
    #[error(transparent)]
    Calc(#[from] CalcError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
}

/// The average electricity price, USD/kWh, at which day-one profit is zero.
///
/// Profit falls by one kWh-worth for every USD/kWh, so the break-even is
/// effective price + profit ÷ kWh. For a time-of-use tariff it is the average price of the
/// hours run (scale the whole table to reach it). A negative value means the fleet loses money
/// even with free electricity. `None` at 0 % uptime: no energy is used, so no price balances
/// the fixed costs.
pub fn breakeven_electricity_usd_per_kwh(input: &CalcInput) -> Result<Option<f64>, CalcError> {
    let day = calculate(input)?;
    Ok((day.daily_energy_kwh > 0.0)
        .then(|| day.effective_usd_per_kwh + day.daily_profit_usd / day.daily_energy_kwh))
}

/// The BTC price, USD, at which day-one profit is zero: all daily costs ÷ BTC mined per day
/// (net of pool fee). `None` when no BTC is mined (0 % uptime, zero reward, 100 % pool fee).
pub fn breakeven_btc_price_usd(input: &CalcInput) -> Result<Option<f64>, CalcError> {
    let day = calculate(input)?;
    let costs_usd = day.daily_electricity_usd + day.daily_other_costs_usd;
    Ok((day.daily_btc > 0.0).then(|| costs_usd / day.daily_btc))
}

/// The hashprice (USD per TH/s per day, before pool fee, as the calculator reports it) at which
/// day-one profit is zero: all daily costs ÷ (effective TH/s × (1 − pool fee)). It compares
/// directly with market hashprice indices. `None` when nothing is mined (0 % uptime or 100 %
/// pool fee).
pub fn breakeven_hashprice_usd_th_day(input: &CalcInput) -> Result<Option<f64>, CalcError> {
    let day = calculate(input)?;
    let costs_usd = day.daily_electricity_usd + day.daily_other_costs_usd;
    let paid_ths = day.effective_hashrate_hs / HS_PER_THS * input.pool_keep_fraction();
    Ok((paid_ths > 0.0).then(|| costs_usd / paid_ths))
}

/// The first 1-based month whose profit is negative, or `None` if every month is profitable.
/// Month 1 is returned when the fleet loses money from the start.
pub fn first_loss_month(projection: &Projection) -> Option<u32> {
    projection
        .months
        .iter()
        .find(|m| m.profit_usd < 0.0)
        .map(|m| m.month)
}

/// Every break-even of `input`, the first loss month from a projection with `params`.
pub fn breakevens(
    input: &CalcInput,
    params: &ProjectionParams,
) -> Result<Breakevens, BreakevenError> {
    let projection = project(input, params)?;
    Ok(Breakevens {
        electricity_usd_per_kwh: breakeven_electricity_usd_per_kwh(input)?,
        btc_price_usd: breakeven_btc_price_usd(input)?,
        hashprice_usd_th_day: breakeven_hashprice_usd_th_day(input)?,
        first_loss_month: first_loss_month(&projection),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::tests::s19_pro;
    use crate::costs::{HostingFees, Tariff};

    /// A fleet with every kind of cost, so "all-in" is actually tested.
    fn loaded() -> CalcInput {
        CalcInput {
            count: 20,
            pool_fee_pct: 2.0,
            fees_per_block_btc: 0.05,
            pue: 1.05,
            uptime_pct: 95.0,
            maintenance_usd_month: 100.0,
            hosting: HostingFees {
                markup_usd_per_kwh: 0.004,
                usd_per_miner_month: 3.0,
                usd_per_kw_month: 1.5,
            },
            ..s19_pro()
        }
    }

    fn profit(input: &CalcInput) -> f64 {
        calculate(input).unwrap().daily_profit_usd
    }

    #[test]
    fn at_the_breakeven_electricity_price_profit_is_zero() {
        let price = breakeven_electricity_usd_per_kwh(&loaded())
            .unwrap()
            .unwrap();
        let at = CalcInput {
            tariff: Tariff::Flat { usd_per_kwh: price },
            ..loaded()
        };
        assert!(profit(&at).abs() < 1e-9, "{}", profit(&at));
    }

    #[test]
    fn all_in_breakeven_electricity_is_below_the_electricity_only_one() {
        let all_in = breakeven_electricity_usd_per_kwh(&loaded())
            .unwrap()
            .unwrap();
        let electricity_only = calculate(&loaded()).unwrap().breakeven_electricity_usd_kwh;
        assert!(all_in < electricity_only);
        // With no other costs they coincide.
        let bare = breakeven_electricity_usd_per_kwh(&s19_pro())
            .unwrap()
            .unwrap();
        let bare_only = calculate(&s19_pro()).unwrap().breakeven_electricity_usd_kwh;
        assert!((bare - bare_only).abs() < 1e-12);
    }

    #[test]
    fn a_time_of_use_table_scaled_to_the_breakeven_average_breaks_even() {
        let mut hourly = [0.04; 24];
        hourly[18] = 0.2;
        let tou = CalcInput {
            tariff: Tariff::TimeOfUse {
                hourly_usd_per_kwh: hourly,
            },
            ..loaded()
        };
        let target = breakeven_electricity_usd_per_kwh(&tou).unwrap().unwrap();
        let now = calculate(&tou).unwrap().effective_usd_per_kwh;
        let scaled = CalcInput {
            tariff: tou.tariff.scaled(target / now),
            ..tou
        };
        assert!(profit(&scaled).abs() < 1e-9);
    }

    #[test]
    fn at_the_breakeven_btc_price_profit_is_zero() {
        let price = breakeven_btc_price_usd(&loaded()).unwrap().unwrap();
        let at = CalcInput {
            btc_price_usd: price,
            ..loaded()
        };
        assert!(profit(&at).abs() < 1e-9, "{}", profit(&at));
    }

    #[test]
    fn the_golden_s19_breaks_even_near_67_thousand_dollars() {
        // Electricity only: 3.90 USD / 5.805129e-5 BTC.
        let price = breakeven_btc_price_usd(&s19_pro()).unwrap().unwrap();
        assert!((price - 67_181.97).abs() < 0.01, "{price}");
    }

    #[test]
    fn at_the_breakeven_hashprice_revenue_equals_costs() {
        let input = loaded();
        let hashprice = breakeven_hashprice_usd_th_day(&input).unwrap().unwrap();
        let day = calculate(&input).unwrap();
        // The hashprice scales revenue: revenue ∝ hashprice, so scale the BTC price.
        let at = CalcInput {
            btc_price_usd: input.btc_price_usd * hashprice / day.hashprice_usd_th_day,
            ..input
        };
        assert!(profit(&at).abs() < 1e-9, "{}", profit(&at));
    }

    #[test]
    fn nothing_mined_means_no_price_or_hashprice_breakeven() {
        let stopped = CalcInput {
            uptime_pct: 0.0,
            ..loaded()
        };
        assert_eq!(breakeven_btc_price_usd(&stopped).unwrap(), None);
        assert_eq!(breakeven_hashprice_usd_th_day(&stopped).unwrap(), None);
        assert_eq!(breakeven_electricity_usd_per_kwh(&stopped).unwrap(), None);
        let all_to_pool = CalcInput {
            pool_fee_pct: 100.0,
            ..loaded()
        };
        assert_eq!(breakeven_hashprice_usd_th_day(&all_to_pool).unwrap(), None);
    }

    #[test]
    fn fixed_costs_above_revenue_give_a_negative_electricity_breakeven() {
        let input = CalcInput {
            maintenance_usd_month: 1_000.0,
            ..s19_pro()
        };
        let price = breakeven_electricity_usd_per_kwh(&input).unwrap().unwrap();
        assert!(price < 0.0, "{price}");
    }

    #[test]
    fn the_first_loss_month_follows_the_rising_difficulty() {
        // Day one earns 0.74 USD/day; +5 % per retarget soon erodes it.
        let params = ProjectionParams {
            difficulty_growth_pct_per_retarget: 5.0,
            ..ProjectionParams::default()
        };
        let b = breakevens(&s19_pro(), &params).unwrap();
        let month = b.first_loss_month.unwrap();
        let projection = project(&s19_pro(), &params).unwrap();
        let profits: Vec<f64> = projection.months.iter().map(|m| m.profit_usd).collect();
        let index = usize::try_from(month - 1).unwrap();
        assert!(profits[index] < 0.0);
        assert!(profits[..index].iter().all(|p| *p >= 0.0));
    }

    #[test]
    fn a_profitable_flat_projection_has_no_loss_month() {
        let params = ProjectionParams {
            difficulty_growth_pct_per_retarget: 0.0,
            start_height: 900_000,
            months: 12,
            ..ProjectionParams::default()
        };
        assert_eq!(
            breakevens(&s19_pro(), &params).unwrap().first_loss_month,
            None
        );
    }

    #[test]
    fn invalid_inputs_are_reported_not_panicked_on() {
        let bad = CalcInput {
            btc_price_usd: f64::NAN,
            ..s19_pro()
        };
        assert!(matches!(
            breakeven_btc_price_usd(&bad),
            Err(CalcError::Invalid(_))
        ));
        assert!(matches!(
            breakevens(&bad, &ProjectionParams::default()),
            Err(BreakevenError::Projection(ProjectionError::Invalid(_)))
        ));
    }
}
