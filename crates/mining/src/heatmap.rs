//! Sensitivity heatmap: the profit of one fleet over a grid of BTC prices × electricity prices.
//!
//! Each cell is what [`crate::project`] would report for the input moved to that cell (see
//! [`cell_inputs`]), but the grid is not computed by projecting every cell. The chain (difficulty
//! path, halvings), the fleet's decaying hashrate and its energy are the same in every cell, and
//! profit is linear in both prices:
//!
//! `total profit(p, e) = p · Σₘ btcₘ · wₘ − e · Σₘ kwhₘ · escₘ − Σₘ otherₘ`,
//!
//! with wₘ the price path relative to its start and escₘ the electricity escalation. The three
//! sums are computed once, so a cell costs two multiplications whatever the horizon.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calculator::{CalcError, CalcInput, MAX_BTC_PRICE_USD, calculate};
use crate::costs::{CostError, MAX_USD_PER_KWH, Tariff};
use crate::projection::{
    MonthlyBase, PricePath, ProjectionError, ProjectionParams, btc_per_hs, chain_months,
    decay_factor, escalation_factor,
};
use crate::validation::{
    Checker, FieldError, FieldErrorCode, non_negative_code, positive_code, range_code,
};

/// Steps per axis by default. Odd, so the middle cell is exactly the base case.
pub const DEFAULT_HEATMAP_STEPS: usize = 21;
/// Default half-width of each axis around its base value, percent: ±50 % covers a typical
/// year's BTC price range and the spread between cheap and expensive hosting offers.
pub const DEFAULT_HEATMAP_SPREAD_PCT: f64 = 50.0;
/// Most steps per axis (40,000 cells): far more than a screen can show.
pub const MAX_HEATMAP_STEPS: usize = 200;

/// The values of the two axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapAxes {
    /// BTC prices of the grid's rows, USD: the price of month 1, the rest of the price path
    /// scaled with it. 1 to [`MAX_HEATMAP_STEPS`] values, each 0 < x ≤ [`MAX_BTC_PRICE_USD`].
    pub btc_prices_usd: Vec<f64>,
    /// Electricity prices of the grid's columns, USD/kWh: the average price of the kWh used in
    /// month 1 (for a time-of-use tariff, the table scaled to this average), escalated as the
    /// projection says. 1 to [`MAX_HEATMAP_STEPS`] values, each 0 ≤ x ≤ [`MAX_USD_PER_KWH`].
    pub electricity_usd_per_kwh: Vec<f64>,
}

/// Profit for every cell. Row `i` is `btc_prices_usd[i]`, column `j` is
/// `electricity_usd_per_kwh[j]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heatmap {
    /// The rows' BTC prices, USD.
    pub btc_prices_usd: Vec<f64>,
    /// The columns' electricity prices, USD/kWh.
    pub electricity_usd_per_kwh: Vec<f64>,
    /// Months in the horizon.
    pub months: u32,
    /// `[i][j]`: profit summed over the horizon, USD, as [`crate::Projection::total_profit_usd`]
    /// (operations only: no investment, no resale).
    pub total_profit_usd: Vec<Vec<f64>>,
    /// `[i][j]`: day-one profit, USD per day, as [`crate::DailyFigures::daily_profit_usd`].
    pub day_one_profit_usd: Vec<Vec<f64>>,
}

/// Why a heatmap cannot be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HeatmapError {
    /// Every refused field: the input's, the parameters', then the axes' (`axes.*`).
    #[error("{} invalid input field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    // The three below cannot happen after validation; they exist so nothing has to unwrap.
    #[error(transparent)]
    Calc(#[from] CalcError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Cost(#[from] CostError),
}

/// `steps` values evenly spaced from `center × (1 − spread)` to `center × (1 + spread)`; the
/// center alone when `steps` is 1.
#[allow(clippy::cast_precision_loss)] // steps ≤ MAX_HEATMAP_STEPS, exact in f64
pub fn evenly_spaced(center: f64, spread_pct: f64, steps: usize) -> Vec<f64> {
    if steps <= 1 {
        return vec![center; steps];
    }
    let spread = spread_pct / 100.0;
    let last = (steps - 1) as f64;
    (0..steps)
        .map(|i| center * (1.0 - spread + 2.0 * spread * (i as f64) / last))
        .collect()
}

impl HeatmapAxes {
    /// Axes centred on the input's BTC price and effective electricity price, each spanning
    /// ± `spread_pct` in `steps` values. 0 ≤ `spread_pct` < 100, so prices stay positive;
    /// 1 ≤ steps ≤ [`MAX_HEATMAP_STEPS`]. With free electricity the electricity axis is all
    /// zeros: give explicit values instead.
    pub fn around(
        input: &CalcInput,
        btc_steps: usize,
        electricity_steps: usize,
        spread_pct: f64,
    ) -> Result<Self, HeatmapError> {
        let mut check = Checker::default();
        check.extend(input.validate());
        match range_code(spread_pct, 0.0, 100.0) {
            Some(code) => check.push("axes.spread_pct", code),
            // 100 % would take the BTC axis to zero, which no price can be.
            None if spread_pct >= 100.0 => {
                check.push("axes.spread_pct", FieldErrorCode::OutOfRange);
            }
            None => {}
        }
        check_steps(&mut check, "axes.btc_prices_usd", btc_steps);
        check_steps(
            &mut check,
            "axes.electricity_usd_per_kwh",
            electricity_steps,
        );
        let errors = check.finish();
        if !errors.is_empty() {
            return Err(HeatmapError::Invalid(errors));
        }
        let base_usd_per_kwh = input.tariff.effective_usd_per_kwh(input.uptime_pct)?;
        Ok(Self {
            btc_prices_usd: evenly_spaced(input.btc_price_usd, spread_pct, btc_steps),
            electricity_usd_per_kwh: evenly_spaced(base_usd_per_kwh, spread_pct, electricity_steps),
        })
    }

    /// [`HeatmapAxes::around`] with [`DEFAULT_HEATMAP_STEPS`] and
    /// [`DEFAULT_HEATMAP_SPREAD_PCT`].
    pub fn default_around(input: &CalcInput) -> Result<Self, HeatmapError> {
        Self::around(
            input,
            DEFAULT_HEATMAP_STEPS,
            DEFAULT_HEATMAP_STEPS,
            DEFAULT_HEATMAP_SPREAD_PCT,
        )
    }

    /// Every refused axis, one error per axis.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut check = Checker::default();
        let axes = [
            ("axes.btc_prices_usd", &self.btc_prices_usd),
            (
                "axes.electricity_usd_per_kwh",
                &self.electricity_usd_per_kwh,
            ),
        ];
        for (field, values) in axes {
            let before = check_steps(&mut check, field, values.len());
            let bad = values.iter().find_map(|v| {
                if field == "axes.btc_prices_usd" {
                    positive_code(*v, MAX_BTC_PRICE_USD)
                } else {
                    non_negative_code(*v, MAX_USD_PER_KWH)
                }
            });
            if let (true, Some(code)) = (before, bad) {
                check.push(field, code);
            }
        }
        check.finish()
    }
}

/// Reports a step count outside 1..=[`MAX_HEATMAP_STEPS`]; whether it was fine.
fn check_steps(check: &mut Checker, field: &'static str, steps: usize) -> bool {
    if steps == 0 {
        check.push(field, FieldErrorCode::Empty);
        false
    } else if steps > MAX_HEATMAP_STEPS {
        check.push(field, FieldErrorCode::TooLarge);
        false
    } else {
        true
    }
}

/// The input and parameters one cell stands for: month 1's BTC price `btc_price_usd` (a
/// scenario path scaled by the same factor, as [`crate::projection::scenarios`] does), and a flat
/// tariff at `electricity_usd_per_kwh`, which costs exactly what a time-of-use table scaled to
/// that average would. [`crate::project`] on them gives the cell's figures.
pub fn cell_inputs(
    input: &CalcInput,
    params: &ProjectionParams,
    btc_price_usd: f64,
    electricity_usd_per_kwh: f64,
) -> (CalcInput, ProjectionParams) {
    let price_path = match &params.price_path {
        PricePath::Scenario(prices) => {
            let factor = btc_price_usd / input.btc_price_usd;
            PricePath::Scenario(prices.iter().map(|p| p * factor).collect())
        }
        other => other.clone(),
    };
    (
        CalcInput {
            btc_price_usd,
            tariff: Tariff::Flat {
                usd_per_kwh: electricity_usd_per_kwh,
            },
            ..input.clone()
        },
        ProjectionParams {
            price_path,
            ..params.clone()
        },
    )
}

/// The profit of every cell of `axes` for the fleet `input` projected with `params`.
pub fn heatmap(
    input: &CalcInput,
    params: &ProjectionParams,
    axes: &HeatmapAxes,
) -> Result<Heatmap, HeatmapError> {
    let mut check = Checker::default();
    check.extend(input.validate());
    check.extend(params.validate());
    check.extend(axes.validate());
    let errors = check.finish();
    if !errors.is_empty() {
        return Err(HeatmapError::Invalid(errors));
    }

    // Everything that does not depend on the two prices, summed over the horizon once.
    let base = MonthlyBase::new(input)?;
    let chain = chain_months(
        input.difficulty,
        input.subsidy_btc,
        input.fees_per_block_btc,
        params,
    );
    let mut btc_weighted = 0.0; // Σ BTCₘ · priceₘ / price₁: revenue per USD of month-1 price
    let mut kwh_escalated = 0.0; // Σ kWhₘ · escₘ: electricity cost per USD/kWh of month 1
    let mut other_costs_usd = 0.0;
    for (month, stretch) in (1..=params.months).zip(&chain) {
        let hashrate_hs = input.fleet_hashrate_hs()
            * decay_factor(params.hashrate_decay_pct_per_month, month)
            * base.uptime;
        let btc_mined = hashrate_hs * btc_per_hs(stretch, base.keep);
        btc_weighted += btc_mined * params.btc_price_usd(input, month) / input.btc_price_usd;
        kwh_escalated +=
            base.energy_kwh * escalation_factor(params.electricity_escalation_pct_per_month, month);
        other_costs_usd += base.other_costs_usd;
    }
    let day = calculate(input)?;

    let total_profit_usd = axes
        .btc_prices_usd
        .iter()
        .map(|p| {
            let revenue_usd = p * btc_weighted;
            axes.electricity_usd_per_kwh
                .iter()
                .map(|e| revenue_usd - e * kwh_escalated - other_costs_usd)
                .collect()
        })
        .collect();
    // The same expression as the calculator's, so a day-one cell matches it to the bit.
    let day_one_profit_usd = axes
        .btc_prices_usd
        .iter()
        .map(|p| {
            let revenue_usd = day.daily_btc * p;
            axes.electricity_usd_per_kwh
                .iter()
                .map(|e| revenue_usd - day.daily_energy_kwh * e - day.daily_other_costs_usd)
                .collect()
        })
        .collect();
    Ok(Heatmap {
        btc_prices_usd: axes.btc_prices_usd.clone(),
        electricity_usd_per_kwh: axes.electricity_usd_per_kwh.clone(),
        months: params.months,
        total_profit_usd,
        day_one_profit_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::tests::s19_pro;
    use crate::costs::HostingFees;
    use crate::projection::project;

    /// Closeness relative to the size of the money involved: a cell at break-even has a profit
    /// near zero made of large revenue and cost, so a bare relative error would be meaningless.
    fn close(a: f64, b: f64, scale: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * scale.abs().max(a.abs()).max(b.abs()).max(1e-300)
    }

    /// A fleet and parameters with every term moving: decay, escalation, a halving, fees.
    fn busy() -> (CalcInput, ProjectionParams) {
        let mut hourly = [0.04; 24];
        for hour in &mut hourly[17..21] {
            *hour = 0.12;
        }
        let input = CalcInput {
            count: 50,
            pool_fee_pct: 2.0,
            fees_per_block_btc: 0.04,
            pue: 1.08,
            uptime_pct: 95.0,
            maintenance_usd_month: 120.0,
            hosting: HostingFees {
                markup_usd_per_kwh: 0.003,
                usd_per_miner_month: 4.0,
                usd_per_kw_month: 2.0,
            },
            tariff: Tariff::TimeOfUse {
                hourly_usd_per_kwh: hourly,
            },
            investment_usd: 100_000.0,
            ..s19_pro()
        };
        let params = ProjectionParams {
            price_path: PricePath::PctPerMonth(1.5),
            hashrate_decay_pct_per_month: 0.8,
            electricity_escalation_pct_per_month: 0.4,
            halving_difficulty_drop_pct: Some(10.0),
            ..ProjectionParams::default()
        };
        (input, params)
    }

    fn assert_every_cell_matches_a_full_projection(input: &CalcInput, params: &ProjectionParams) {
        let axes = HeatmapAxes::around(input, 20, 20, 50.0).unwrap();
        let map = heatmap(input, params, &axes).unwrap();
        assert_eq!(map.total_profit_usd.len(), 20);
        for (i, p) in axes.btc_prices_usd.iter().enumerate() {
            assert_eq!(map.total_profit_usd[i].len(), 20);
            for (j, e) in axes.electricity_usd_per_kwh.iter().enumerate() {
                let (cell_input, cell_params) = cell_inputs(input, params, *p, *e);
                let full = project(&cell_input, &cell_params).unwrap();
                let scale = full.total_revenue_usd + full.total_costs_usd;
                let got = map.total_profit_usd[i][j];
                assert!(
                    close(got, full.total_profit_usd, scale, 1e-6),
                    "cell ({i}, {j}): {got} vs {}",
                    full.total_profit_usd
                );
                let day = calculate(&cell_input).unwrap();
                let day_scale = day.daily_revenue_usd + day.daily_electricity_usd;
                assert!(close(
                    map.day_one_profit_usd[i][j],
                    day.daily_profit_usd,
                    day_scale,
                    1e-12
                ));
            }
        }
    }

    #[test]
    fn every_cell_equals_a_full_projection_of_that_cell() {
        let (input, params) = busy();
        assert_every_cell_matches_a_full_projection(&input, &params);
    }

    #[test]
    fn a_flat_self_mined_fleet_matches_too() {
        assert_every_cell_matches_a_full_projection(&s19_pro(), &ProjectionParams::default());
    }

    #[test]
    fn a_scenario_price_path_scales_with_the_row_price() {
        let (input, params) = busy();
        let params = ProjectionParams {
            price_path: PricePath::Scenario(vec![70_000.0, 90_000.0, 120_000.0]),
            ..params
        };
        assert_every_cell_matches_a_full_projection(&input, &params);
    }

    #[test]
    fn the_middle_cell_of_the_default_grid_is_the_base_case() {
        let (input, params) = busy();
        let axes = HeatmapAxes::default_around(&input).unwrap();
        assert_eq!(axes.btc_prices_usd.len(), DEFAULT_HEATMAP_STEPS);
        let mid = DEFAULT_HEATMAP_STEPS / 2;
        let map = heatmap(&input, &params, &axes).unwrap();
        let full = project(&input, &params).unwrap();
        let scale = full.total_revenue_usd + full.total_costs_usd;
        assert!(close(
            map.total_profit_usd[mid][mid],
            full.total_profit_usd,
            scale,
            1e-9
        ));
    }

    #[test]
    fn axes_span_plus_minus_the_spread_evenly() {
        let values = evenly_spaced(100.0, 50.0, 5);
        let expected = [50.0, 75.0, 100.0, 125.0, 150.0];
        for (v, x) in values.iter().zip(expected) {
            assert!((v - x).abs() < 1e-12, "{values:?}");
        }
        assert_eq!(evenly_spaced(7.0, 50.0, 1), vec![7.0]);
        assert!(evenly_spaced(7.0, 50.0, 0).is_empty());
    }

    #[test]
    fn profit_rises_with_the_btc_price_and_falls_with_electricity() {
        let (input, params) = busy();
        let axes = HeatmapAxes::around(&input, 4, 4, 40.0).unwrap();
        let map = heatmap(&input, &params, &axes).unwrap();
        for i in 0..4 {
            for j in 1..4 {
                assert!(map.total_profit_usd[i][j] < map.total_profit_usd[i][j - 1]);
                assert!(map.total_profit_usd[j][i] > map.total_profit_usd[j - 1][i]);
            }
        }
    }

    #[test]
    fn bad_axes_and_inputs_are_reported_together() {
        use FieldErrorCode as C;
        let input = CalcInput {
            pue: 0.5,
            ..s19_pro()
        };
        let axes = HeatmapAxes {
            btc_prices_usd: vec![50_000.0, 0.0],
            electricity_usd_per_kwh: vec![0.05; MAX_HEATMAP_STEPS + 1],
        };
        let Err(HeatmapError::Invalid(errors)) =
            heatmap(&input, &ProjectionParams::default(), &axes)
        else {
            panic!("expected validation errors");
        };
        let pairs: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            pairs,
            vec![
                ("pue", C::OutOfRange),
                ("axes.btc_prices_usd", C::MustBePositive),
                ("axes.electricity_usd_per_kwh", C::TooLarge),
            ]
        );
        let empty = HeatmapAxes {
            btc_prices_usd: vec![],
            electricity_usd_per_kwh: vec![f64::NAN],
        };
        let codes: Vec<_> = empty.validate().iter().map(|e| e.code).collect();
        assert_eq!(codes, vec![C::Empty, C::NotFinite]);
    }

    #[test]
    fn a_spread_of_a_hundred_percent_or_more_is_refused() {
        let Err(HeatmapError::Invalid(errors)) = HeatmapAxes::around(&s19_pro(), 3, 3, 100.0)
        else {
            panic!("expected validation errors");
        };
        assert_eq!(errors[0].field, "axes.spread_pct");
    }
}
