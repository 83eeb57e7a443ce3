//! The calculator: one day of a fleet of identical miners, every figure the profitability page
//! shows, from one validated input.
//!
//! Conventions: "daily" figures are for one calendar day at the given uptime; uptime
//! (curtailment) scales hashrate, revenue and energy alike. Money is USD, energy kWh, hashrate
//! H/s. The difficulty method (hashrate ÷ difficulty) is the primary estimate of BTC mined; the
//! network-share method is reported only as a cross-check (see
//! [`DailyFigures::network_method_daily_btc`]).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::costs::{
    self, CostError, HostingFees, MAX_PUE, MAX_USD_PER_KWH, Tariff, efficiency_j_per_th,
    hashcost_usd_per_th_day, per_day_usd,
};
use crate::hosting::{self, HostingError, HostingFigures, HostingSplit, HostingUsage};
use crate::revenue::{self, HASHES_PER_DIFFICULTY, RevenueError, RevenueInput};
use crate::units::{DAYS_PER_MONTH, HS_PER_THS};
use crate::validation::{Checker, FieldError, FieldErrorCode, non_negative_code, positive_code};

/// Largest hashrate of one miner, H/s (1 ZH/s; today's largest ASICs are below 1 PH/s).
pub const MAX_HASHRATE_HS_PER_MINER: f64 = 1e21;
/// Largest power of one miner, W (1 MW; a whole container entered as one "miner" fits).
pub const MAX_POWER_W_PER_MINER: f64 = 1e6;
/// Largest number of miners in one calculation (the whole network is a few million ASICs).
pub const MAX_MINER_COUNT: u64 = 10_000_000;
/// Largest BTC price, USD.
pub const MAX_BTC_PRICE_USD: f64 = 1e9;
/// Smallest difficulty: consensus never lets it go below 1.
pub const MIN_DIFFICULTY: f64 = 1.0;
/// Largest difficulty consensus allows: the difficulty-1 target (0xFFFF × 2²⁰⁸) ÷ the smallest
/// target (1) ≈ 2.7e67.
pub const MAX_DIFFICULTY: f64 = 2.695_953_529_101_131e67;
/// Largest block subsidy, BTC (the first epoch's).
pub const MAX_SUBSIDY_BTC: f64 = 50.0;
/// Largest transaction fees per block, BTC: the whole 21 M supply, an upper bound nobody meets.
pub const MAX_FEES_PER_BLOCK_BTC: f64 = 21e6;
/// Largest network hashrate, H/s (10¹² EH/s).
pub const MAX_NETWORK_HASHRATE_HS: f64 = 1e30;
/// Largest monthly cost (maintenance), USD.
pub const MAX_USD_PER_MONTH: f64 = 1e12;
/// Largest per-miner or per-kW monthly hosting fee, USD.
pub const MAX_FEE_USD_PER_UNIT_MONTH: f64 = 1e6;
/// Largest investment, USD.
pub const MAX_INVESTMENT_USD: f64 = 1e13;
/// Blocks per day at the 600 s target spacing; used only by the network-share method.
pub const BLOCKS_PER_DAY: f64 = 144.0;
/// Bitcoin's target block spacing, s.
pub const TARGET_BLOCK_TIME_S: f64 = 600.0;

/// Everything one calculation needs. Per-miner values are for one machine; `count` identical
/// machines are computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalcInput {
    /// Hashrate of one miner, H/s. 0 < x ≤ [`MAX_HASHRATE_HS_PER_MINER`].
    pub hashrate_hs: f64,
    /// Power of one miner at the wall, W. 0 < x ≤ [`MAX_POWER_W_PER_MINER`].
    pub power_w: f64,
    /// Number of miners. 1 ≤ n ≤ [`MAX_MINER_COUNT`].
    pub count: u64,
    /// Network difficulty, raw (e.g. 1.19e14, never "T").
    /// [`MIN_DIFFICULTY`] ≤ x ≤ [`MAX_DIFFICULTY`].
    pub difficulty: f64,
    /// Block subsidy, BTC. 0 ≤ x ≤ [`MAX_SUBSIDY_BTC`].
    pub subsidy_btc: f64,
    /// Average transaction fees per block, BTC. 0 ≤ x ≤ [`MAX_FEES_PER_BLOCK_BTC`].
    pub fees_per_block_btc: f64,
    /// Pool fee, percent of mined BTC. 0 ≤ x ≤ 100.
    pub pool_fee_pct: f64,
    /// BTC price, USD. 0 < x ≤ [`MAX_BTC_PRICE_USD`].
    pub btc_price_usd: f64,
    /// Network hashrate estimate, H/s, for the cross-check only; `None` when unknown.
    /// 0 < x ≤ [`MAX_NETWORK_HASHRATE_HS`].
    pub network_hashrate_hs: Option<f64>,
    /// Electricity price the miner's owner pays. Each price 0 ≤ x ≤ [`MAX_USD_PER_KWH`].
    pub tariff: Tariff,
    /// Site overhead factor (PUE): site energy ÷ miner energy. 1 ≤ x ≤ [`MAX_PUE`].
    pub pue: f64,
    /// Share of the day the miners run (100 − curtailment), percent. 0 ≤ x ≤ 100.
    pub uptime_pct: f64,
    /// Maintenance for the whole fleet, USD per month. 0 ≤ x ≤ [`MAX_USD_PER_MONTH`].
    pub maintenance_usd_month: f64,
    /// Hosting fees paid on top of the tariff (all zero for self-mining).
    /// Markup 0 ≤ x ≤ [`MAX_USD_PER_KWH`]; monthly fees 0 ≤ x ≤ [`MAX_FEE_USD_PER_UNIT_MONTH`].
    pub hosting: HostingFees,
    /// The host's own energy cost, USD/kWh, when the host's side of the contract is wanted
    /// (see [`crate::hosting`]); `None` for self-mining. 0 ≤ x ≤ [`MAX_USD_PER_KWH`].
    pub host_site_cost_usd_per_kwh: Option<f64>,
    /// Up-front investment (machines, installation), USD. 0 ≤ x ≤ [`MAX_INVESTMENT_USD`].
    pub investment_usd: f64,
}

/// One day of the fleet. USD, kWh and BTC are for the whole fleet unless the name says
/// "per TH" (`_th_day`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DailyFigures {
    /// Fleet hashrate averaged over the day: per-miner × count × uptime, H/s.
    pub effective_hashrate_hs: f64,
    /// BTC mined per day before the pool fee, after uptime (difficulty method).
    pub daily_btc_gross: f64,
    /// BTC mined per day net of the pool fee, after uptime (difficulty method):
    /// H · 86,400 · (subsidy + fees) / (D · 2³²) · uptime · (1 − pool fee).
    pub daily_btc: f64,
    /// The pool fee, USD per day.
    pub daily_pool_fee_usd: f64,
    /// `daily_btc × btc_price_usd`.
    pub daily_revenue_usd: f64,
    /// Site energy per day including PUE, kWh: power × count × 24 × uptime × PUE / 1000.
    pub daily_energy_kwh: f64,
    /// Average price of the kWh used at this uptime (see [`Tariff::effective_usd_per_kwh`]).
    pub effective_usd_per_kwh: f64,
    /// `daily_energy_kwh × effective_usd_per_kwh`.
    pub daily_electricity_usd: f64,
    /// Hosting markup on the kWh plus per-miner and per-kW fees for one day.
    pub daily_hosting_fees_usd: f64,
    /// Maintenance for one day (monthly ÷ 30.4375).
    pub daily_maintenance_usd: f64,
    /// `daily_hosting_fees_usd + daily_maintenance_usd`.
    pub daily_other_costs_usd: f64,
    /// `daily_revenue_usd − daily_electricity_usd − daily_other_costs_usd`, exactly.
    pub daily_profit_usd: f64,
    /// Machine efficiency, J/TH.
    pub efficiency_j_th: f64,
    /// The electricity price at which revenue after pool fee just pays for electricity,
    /// USD/kWh: revenue ÷ kWh. Electricity only: hosting fees and maintenance are left out
    /// (the all-in figure is [`crate::breakeven::breakeven_electricity_usd_per_kwh`]). It does
    /// not depend on uptime, because revenue and energy both scale with it.
    pub breakeven_electricity_usd_kwh: f64,
    /// The BTC price at which revenue just pays for electricity, USD: electricity cost ÷ BTC
    /// mined. Electricity only, like the figure above. `None` when no BTC is mined per running
    /// day (zero reward or a 100 % pool fee).
    pub breakeven_btc_price_usd: Option<f64>,
    /// Hashprice: USD earned by 1 TH/s in a day, before pool fee (industry convention).
    pub hashprice_usd_th_day: f64,
    /// Hashvalue: BTC earned by 1 TH/s in a day, before pool fee.
    pub hashvalue_btc_th_day: f64,
    /// Hashcost: electricity cost of running 1 TH/s of this machine for a day, USD
    /// (see [`costs::hashcost_usd_per_th_day`]).
    pub hashcost_usd_th_day: f64,
    /// Cross-check: BTC per day from the share of the network hashrate,
    /// H / N · 144 · (subsidy + fees), after uptime and BEFORE the pool fee; `None` when the
    /// network hashrate is unknown.
    ///
    /// It differs from the difficulty method because N is itself only an estimate, inferred
    /// from how fast recent blocks came (a noisy sample of a few hundred blocks), and 144
    /// blocks a day holds only when blocks average exactly 600 s. The difficulty is exact and
    /// is what the protocol uses to pay miners, so the difficulty method is the primary one.
    pub network_method_daily_btc: Option<f64>,
    /// (network method − difficulty method) ÷ difficulty method × 100, both before pool fee so
    /// the fee does not bias the comparison (it biased the old system's by 2.5 points).
    /// Equals (D · 2³² / (600 · N) − 1) × 100.
    pub network_method_difference_pct: Option<f64>,
    /// Host and client money for the day when `host_site_cost_usd_per_kwh` is given. The
    /// client pays the tariff plus the hosting fees to the host.
    pub hosting_split: Option<HostingFigures>,
}

/// Why the calculator cannot produce figures.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CalcError {
    /// Every refused field, in declaration order.
    #[error("{} invalid input field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    // The three below cannot happen after validation; they exist so nothing has to unwrap.
    #[error(transparent)]
    Revenue(#[from] RevenueError),
    #[error(transparent)]
    Cost(#[from] CostError),
    #[error(transparent)]
    Hosting(#[from] HostingError),
}

impl CalcInput {
    /// Every refused field. An empty list means [`calculate`] will succeed.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut check = Checker::default();
        check.positive("hashrate_hs", self.hashrate_hs, MAX_HASHRATE_HS_PER_MINER);
        check.positive("power_w", self.power_w, MAX_POWER_W_PER_MINER);
        if self.count == 0 {
            check.push("count", FieldErrorCode::MustBePositive);
        } else if self.count > MAX_MINER_COUNT {
            check.push("count", FieldErrorCode::TooLarge);
        }
        match positive_code(self.difficulty, MAX_DIFFICULTY) {
            Some(code) => check.push("difficulty", code),
            None if self.difficulty < MIN_DIFFICULTY => {
                check.push("difficulty", FieldErrorCode::OutOfRange);
            }
            None => {}
        }
        check.range("subsidy_btc", self.subsidy_btc, 0.0, MAX_SUBSIDY_BTC);
        check.non_negative(
            "fees_per_block_btc",
            self.fees_per_block_btc,
            MAX_FEES_PER_BLOCK_BTC,
        );
        check.range("pool_fee_pct", self.pool_fee_pct, 0.0, 100.0);
        check.positive("btc_price_usd", self.btc_price_usd, MAX_BTC_PRICE_USD);
        if let Some(network_hs) = self.network_hashrate_hs {
            check.positive("network_hashrate_hs", network_hs, MAX_NETWORK_HASHRATE_HS);
        }
        let (tariff_field, prices) = match &self.tariff {
            Tariff::Flat { usd_per_kwh } => {
                ("tariff.usd_per_kwh", std::slice::from_ref(usd_per_kwh))
            }
            Tariff::TimeOfUse { hourly_usd_per_kwh } => {
                ("tariff.hourly_usd_per_kwh", hourly_usd_per_kwh.as_slice())
            }
        };
        // One error for the whole table: the field has no per-hour name.
        if let Some(code) = prices
            .iter()
            .find_map(|p| non_negative_code(*p, MAX_USD_PER_KWH))
        {
            check.push(tariff_field, code);
        }
        check.range("pue", self.pue, 1.0, MAX_PUE);
        check.range("uptime_pct", self.uptime_pct, 0.0, 100.0);
        check.non_negative(
            "maintenance_usd_month",
            self.maintenance_usd_month,
            MAX_USD_PER_MONTH,
        );
        check.non_negative(
            "hosting.markup_usd_per_kwh",
            self.hosting.markup_usd_per_kwh,
            MAX_USD_PER_KWH,
        );
        check.non_negative(
            "hosting.usd_per_miner_month",
            self.hosting.usd_per_miner_month,
            MAX_FEE_USD_PER_UNIT_MONTH,
        );
        check.non_negative(
            "hosting.usd_per_kw_month",
            self.hosting.usd_per_kw_month,
            MAX_FEE_USD_PER_UNIT_MONTH,
        );
        if let Some(site_cost) = self.host_site_cost_usd_per_kwh {
            check.non_negative("host_site_cost_usd_per_kwh", site_cost, MAX_USD_PER_KWH);
        }
        check.non_negative("investment_usd", self.investment_usd, MAX_INVESTMENT_USD);
        check.finish()
    }

    /// Fleet hashrate at full uptime: per-miner × count, H/s.
    #[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
    pub fn fleet_hashrate_hs(&self) -> f64 {
        self.hashrate_hs * self.count as f64
    }

    /// The revenue input for the whole fleet at full uptime, before pool fee.
    pub(crate) fn fleet_revenue_input(&self) -> RevenueInput {
        RevenueInput {
            hashrate_hs: self.fleet_hashrate_hs(),
            difficulty: self.difficulty,
            subsidy_btc: self.subsidy_btc,
            fees_per_block_btc: self.fees_per_block_btc,
            pool_fee_pct: 0.0,
        }
    }

    /// Share of mined BTC the owner keeps after the pool fee, 0..=1.
    pub(crate) fn pool_keep_fraction(&self) -> f64 {
        1.0 - self.pool_fee_pct / 100.0
    }
}

/// One day of the fleet. Validates first and returns every refused field at once.
#[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
pub fn calculate(input: &CalcInput) -> Result<DailyFigures, CalcError> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(CalcError::Invalid(errors));
    }
    let count = input.count as f64;
    let uptime = input.uptime_pct / 100.0;
    let keep = input.pool_keep_fraction();

    // BTC: computed at full uptime, then scaled, so 0 % uptime gives 0 instead of an error.
    let full_day_gross_btc = revenue::daily_btc(&input.fleet_revenue_input())?;
    let daily_btc_gross = full_day_gross_btc * uptime;
    let daily_btc = daily_btc_gross * keep;
    let daily_revenue_usd = daily_btc * input.btc_price_usd;
    let daily_pool_fee_usd = (daily_btc_gross - daily_btc) * input.btc_price_usd;

    // Energy and its cost.
    let daily_energy_kwh =
        costs::daily_energy_kwh(input.power_w, input.uptime_pct, input.pue)? * count;
    let effective_usd_per_kwh = input.tariff.effective_usd_per_kwh(input.uptime_pct)?;
    let daily_electricity_usd = daily_energy_kwh * effective_usd_per_kwh;

    // Other costs.
    let contracted_kw = costs::contracted_kw(input.power_w, input.count);
    let one_day_months = 1.0 / DAYS_PER_MONTH;
    let daily_hosting_fees_usd =
        input
            .hosting
            .cost_usd(daily_energy_kwh, input.count, contracted_kw, one_day_months)?;
    let daily_maintenance_usd = per_day_usd(input.maintenance_usd_month);
    let daily_other_costs_usd = daily_hosting_fees_usd + daily_maintenance_usd;
    let daily_profit_usd = daily_revenue_usd - daily_electricity_usd - daily_other_costs_usd;

    // Break-evens per running day, so uptime (which scales both sides) cancels out.
    let running_day_kwh = costs::daily_energy_kwh(input.power_w, 100.0, input.pue)? * count;
    let running_day_net_btc = full_day_gross_btc * keep;
    let breakeven_electricity_usd_kwh = running_day_net_btc * input.btc_price_usd / running_day_kwh;
    let breakeven_btc_price_usd = (running_day_net_btc > 0.0)
        .then(|| running_day_kwh * effective_usd_per_kwh / running_day_net_btc);

    // Per-TH figures.
    let hashvalue_btc_th_day = revenue::daily_btc(&RevenueInput {
        hashrate_hs: HS_PER_THS,
        ..input.fleet_revenue_input()
    })?;
    let hashprice_usd_th_day = hashvalue_btc_th_day * input.btc_price_usd;
    let efficiency_j_th = efficiency_j_per_th(input.power_w, input.hashrate_hs)?;
    let hashcost_usd_th_day =
        hashcost_usd_per_th_day(efficiency_j_th, effective_usd_per_kwh, input.pue)?;

    // Cross-check by network share.
    let reward_btc = input.subsidy_btc + input.fees_per_block_btc;
    let effective_hashrate_hs = input.fleet_hashrate_hs() * uptime;
    let network_method_daily_btc = input
        .network_hashrate_hs
        .map(|network_hs| effective_hashrate_hs / network_hs * BLOCKS_PER_DAY * reward_btc);
    // The ratio of the two methods is D·2³²/(600·N) whatever the hashrate and reward, so the
    // difference is defined even when both are zero.
    let network_method_difference_pct = input.network_hashrate_hs.map(|network_hs| {
        (input.difficulty * HASHES_PER_DIFFICULTY / (TARGET_BLOCK_TIME_S * network_hs) - 1.0)
            * 100.0
    });

    let hosting_split = match input.host_site_cost_usd_per_kwh {
        None => None,
        Some(site_cost_usd_per_kwh) => Some(hosting::split(
            &HostingSplit {
                client_price_usd_per_kwh: effective_usd_per_kwh + input.hosting.markup_usd_per_kwh,
                site_cost_usd_per_kwh,
                usd_per_miner_month: input.hosting.usd_per_miner_month,
                usd_per_kw_month: input.hosting.usd_per_kw_month,
            },
            &HostingUsage {
                energy_kwh: daily_energy_kwh,
                miner_count: input.count,
                contracted_kw,
                months: one_day_months,
                mining_revenue_usd: daily_revenue_usd,
                client_maintenance_usd: daily_maintenance_usd,
            },
        )?),
    };

    Ok(DailyFigures {
        effective_hashrate_hs,
        daily_btc_gross,
        daily_btc,
        daily_pool_fee_usd,
        daily_revenue_usd,
        daily_energy_kwh,
        effective_usd_per_kwh,
        daily_electricity_usd,
        daily_hosting_fees_usd,
        daily_maintenance_usd,
        daily_other_costs_usd,
        daily_profit_usd,
        efficiency_j_th,
        breakeven_electricity_usd_kwh,
        breakeven_btc_price_usd,
        hashprice_usd_th_day,
        hashvalue_btc_th_day,
        hashcost_usd_th_day,
        network_method_daily_btc,
        network_method_difference_pct,
        hosting_split,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
    }

    /// One Antminer S19 Pro at the old system's defaults, self-mined, no fees of any kind.
    pub(crate) fn s19_pro() -> CalcInput {
        CalcInput {
            hashrate_hs: 110e12,
            power_w: 3250.0,
            count: 1,
            difficulty: 119.12e12,
            subsidy_btc: 3.125,
            fees_per_block_btc: 0.0,
            pool_fee_pct: 0.0,
            btc_price_usd: 80_000.0,
            network_hashrate_hs: None,
            tariff: Tariff::Flat { usd_per_kwh: 0.05 },
            pue: 1.0,
            uptime_pct: 100.0,
            maintenance_usd_month: 0.0,
            hosting: HostingFees::NONE,
            host_site_cost_usd_per_kwh: None,
            investment_usd: 0.0,
        }
    }

    #[test]
    fn golden_s19_pro_day() {
        let f = calculate(&s19_pro()).unwrap();
        // 110e12 · 86,400 · 3.125 / (119.12e12 · 2³²) = 5.805129e-5 BTC (often quoted
        // rounded as 5.8058e-5, which is 0.01 % off).
        assert!(
            close(f.daily_btc_gross, 5.805_129e-5, 1e-6),
            "{}",
            f.daily_btc_gross
        );
        assert!(close(f.daily_btc, f.daily_btc_gross, 1e-15));
        assert!(
            close(f.daily_revenue_usd, 4.644_10, 1e-6),
            "{}",
            f.daily_revenue_usd
        );
        assert!(close(f.daily_energy_kwh, 78.0, 1e-12));
        assert!(close(f.daily_electricity_usd, 3.9, 1e-12));
        assert!(
            close(f.daily_profit_usd, 0.744_10, 1e-5),
            "{}",
            f.daily_profit_usd
        );
        assert!(close(f.efficiency_j_th, 29.545_454_545, 1e-9));
        assert!(close(f.hashcost_usd_th_day, 3.9 / 110.0, 1e-12));
        assert!(close(
            f.hashprice_usd_th_day,
            f.daily_revenue_usd / 110.0,
            1e-12
        ));
        assert!(close(f.hashvalue_btc_th_day, f.daily_btc / 110.0, 1e-12));
        // 4.64410 USD / 78 kWh
        assert!(close(f.breakeven_electricity_usd_kwh, 0.059_539_8, 1e-6));
        // 3.9 USD / 5.805129e-5 BTC
        let be_price = f.breakeven_btc_price_usd.unwrap();
        assert!(close(be_price, 67_181.97, 1e-6), "{be_price}");
    }

    #[test]
    fn pool_fee_reduces_btc_and_revenue_but_not_costs() {
        let gross = calculate(&s19_pro()).unwrap();
        let net = calculate(&CalcInput {
            pool_fee_pct: 2.5,
            ..s19_pro()
        })
        .unwrap();
        assert!(close(net.daily_btc, gross.daily_btc * 0.975, 1e-12));
        assert!(close(net.daily_btc_gross, gross.daily_btc_gross, 1e-15));
        assert!(close(
            net.daily_pool_fee_usd,
            gross.daily_revenue_usd * 0.025,
            1e-9
        ));
        assert!(close(
            net.daily_electricity_usd,
            gross.daily_electricity_usd,
            1e-15
        ));
    }

    #[test]
    fn count_multiplies_every_fleet_figure() {
        let one = calculate(&s19_pro()).unwrap();
        let hundred = calculate(&CalcInput {
            count: 100,
            ..s19_pro()
        })
        .unwrap();
        assert!(close(hundred.daily_btc, one.daily_btc * 100.0, 1e-12));
        assert!(close(
            hundred.daily_energy_kwh,
            one.daily_energy_kwh * 100.0,
            1e-12
        ));
        assert!(close(
            hundred.daily_profit_usd,
            one.daily_profit_usd * 100.0,
            1e-9
        ));
        // Per-TH and break-even figures do not depend on fleet size.
        assert!(close(
            hundred.hashcost_usd_th_day,
            one.hashcost_usd_th_day,
            1e-12
        ));
        assert!(close(
            hundred.breakeven_electricity_usd_kwh,
            one.breakeven_electricity_usd_kwh,
            1e-12
        ));
    }

    #[test]
    fn curtailment_scales_revenue_and_energy_together() {
        let full = calculate(&s19_pro()).unwrap();
        let half = calculate(&CalcInput {
            uptime_pct: 50.0,
            ..s19_pro()
        })
        .unwrap();
        assert!(close(half.daily_btc, full.daily_btc / 2.0, 1e-12));
        assert!(close(
            half.daily_energy_kwh,
            full.daily_energy_kwh / 2.0,
            1e-12
        ));
        assert!(close(half.effective_hashrate_hs, 55e12, 1e-12));
        assert!(close(
            half.breakeven_electricity_usd_kwh,
            full.breakeven_electricity_usd_kwh,
            1e-12
        ));
    }

    #[test]
    fn zero_uptime_yields_zero_output_and_still_defined_break_evens() {
        let f = calculate(&CalcInput {
            uptime_pct: 0.0,
            maintenance_usd_month: 30.4375,
            ..s19_pro()
        })
        .unwrap();
        assert!(f.daily_btc.abs() < 1e-300 && f.daily_energy_kwh.abs() < 1e-300);
        assert!(close(f.daily_profit_usd, -1.0, 1e-12));
        assert!(f.breakeven_electricity_usd_kwh.is_finite());
        assert!(f.breakeven_btc_price_usd.is_some());
    }

    #[test]
    fn time_of_use_curtailment_runs_the_cheapest_hours() {
        let mut hourly = [0.04; 24];
        for hour in &mut hourly[17..21] {
            *hour = 0.30;
        }
        let input = CalcInput {
            tariff: Tariff::TimeOfUse {
                hourly_usd_per_kwh: hourly,
            },
            uptime_pct: 100.0 * 20.0 / 24.0,
            ..s19_pro()
        };
        let f = calculate(&input).unwrap();
        assert!(close(f.effective_usd_per_kwh, 0.04, 1e-12));
        assert!(close(f.daily_electricity_usd, 3.25 * 20.0 * 0.04, 1e-12));
    }

    #[test]
    fn pue_raises_energy_and_hashcost() {
        let f = calculate(&CalcInput {
            pue: 1.1,
            ..s19_pro()
        })
        .unwrap();
        assert!(close(f.daily_energy_kwh, 85.8, 1e-12));
        assert!(close(f.hashcost_usd_th_day, 3.9 * 1.1 / 110.0, 1e-12));
    }

    #[test]
    fn profit_is_revenue_minus_every_cost() {
        let input = CalcInput {
            count: 10,
            pool_fee_pct: 2.0,
            fees_per_block_btc: 0.1,
            maintenance_usd_month: 50.0,
            hosting: HostingFees {
                markup_usd_per_kwh: 0.01,
                usd_per_miner_month: 5.0,
                usd_per_kw_month: 3.0,
            },
            ..s19_pro()
        };
        let f = calculate(&input).unwrap();
        let fees = 780.0 * 0.01 + (50.0 + 32.5 * 3.0) / DAYS_PER_MONTH;
        assert!(close(f.daily_hosting_fees_usd, fees, 1e-12));
        assert!(close(f.daily_maintenance_usd, 50.0 / DAYS_PER_MONTH, 1e-12));
        let expected =
            f.daily_revenue_usd - f.daily_electricity_usd - fees - f.daily_maintenance_usd;
        assert!(close(f.daily_profit_usd, expected, 1e-12));
    }

    #[test]
    fn the_network_method_is_a_before_fee_cross_check() {
        let input = CalcInput {
            network_hashrate_hs: Some(900e18),
            pool_fee_pct: 2.5,
            ..s19_pro()
        };
        let f = calculate(&input).unwrap();
        // 110e12 / 900e18 · 144 · 3.125 = 5.5e-5 BTC
        let network = f.network_method_daily_btc.unwrap();
        assert!(close(network, 5.5e-5, 1e-12), "{network}");
        let diff = f.network_method_difference_pct.unwrap();
        let expected = (network / f.daily_btc_gross - 1.0) * 100.0;
        assert!(close(diff, expected, 1e-9), "{diff} vs {expected}");
        assert!(close(diff, -5.256_2, 1e-4), "{diff}");
        let unknown = calculate(&s19_pro()).unwrap();
        assert_eq!(unknown.network_method_daily_btc, None);
        assert_eq!(unknown.network_method_difference_pct, None);
    }

    #[test]
    fn methods_agree_when_the_network_hashrate_matches_the_difficulty() {
        let implied_hs = 119.12e12 * HASHES_PER_DIFFICULTY / 600.0;
        let f = calculate(&CalcInput {
            network_hashrate_hs: Some(implied_hs),
            ..s19_pro()
        })
        .unwrap();
        assert!(f.network_method_difference_pct.unwrap().abs() < 1e-9);
    }

    #[test]
    fn hosting_split_is_reported_and_the_client_side_matches_the_profit() {
        let input = CalcInput {
            count: 10,
            tariff: Tariff::Flat { usd_per_kwh: 0.06 },
            hosting: HostingFees {
                markup_usd_per_kwh: 0.005,
                usd_per_miner_month: 5.0,
                usd_per_kw_month: 1.0,
            },
            maintenance_usd_month: 20.0,
            host_site_cost_usd_per_kwh: Some(0.045),
            ..s19_pro()
        };
        let f = calculate(&input).unwrap();
        let split = f.hosting_split.unwrap();
        assert!(close(split.client_profit_usd, f.daily_profit_usd, 1e-9));
        let spread = (0.065 - 0.045) * 780.0 + (50.0 + 32.5) / DAYS_PER_MONTH;
        assert!(close(split.host_profit_usd, spread, 1e-9), "{split:?}");
        assert_eq!(calculate(&s19_pro()).unwrap().hosting_split, None);
    }

    #[test]
    fn validation_reports_every_bad_field_at_once() {
        use FieldErrorCode as C;
        let input = CalcInput {
            hashrate_hs: f64::NAN,
            power_w: 0.0,
            count: 0,
            difficulty: 0.5,
            pool_fee_pct: 101.0,
            btc_price_usd: 2e9,
            uptime_pct: -1.0,
            pue: 0.9,
            tariff: Tariff::Flat { usd_per_kwh: -0.1 },
            network_hashrate_hs: Some(f64::INFINITY),
            ..s19_pro()
        };
        let errors = input.validate();
        let pairs: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            pairs,
            vec![
                ("hashrate_hs", C::NotFinite),
                ("power_w", C::MustBePositive),
                ("count", C::MustBePositive),
                ("difficulty", C::OutOfRange),
                ("pool_fee_pct", C::OutOfRange),
                ("btc_price_usd", C::TooLarge),
                ("network_hashrate_hs", C::NotFinite),
                ("tariff.usd_per_kwh", C::MustBeNonNegative),
                ("pue", C::OutOfRange),
                ("uptime_pct", C::OutOfRange),
            ]
        );
        assert_eq!(calculate(&input), Err(CalcError::Invalid(errors)));
    }

    #[test]
    fn absurd_sizes_are_too_large() {
        let input = CalcInput {
            hashrate_hs: 2e21,
            power_w: 2e6,
            count: MAX_MINER_COUNT + 1,
            ..s19_pro()
        };
        let codes: Vec<_> = input.validate().iter().map(|e| e.code).collect();
        assert_eq!(codes, vec![FieldErrorCode::TooLarge; 3]);
    }

    #[test]
    fn a_bad_hour_in_a_time_of_use_table_is_one_error() {
        let mut hourly = [0.05; 24];
        hourly[2] = f64::NAN;
        hourly[5] = -1.0;
        let input = CalcInput {
            tariff: Tariff::TimeOfUse {
                hourly_usd_per_kwh: hourly,
            },
            ..s19_pro()
        };
        assert_eq!(
            input.validate(),
            vec![FieldError {
                field: "tariff.hourly_usd_per_kwh",
                code: FieldErrorCode::NotFinite
            }]
        );
    }

    #[test]
    fn a_valid_input_has_no_errors() {
        assert!(s19_pro().validate().is_empty());
    }

    #[test]
    fn zero_reward_has_no_breakeven_btc_price() {
        let f = calculate(&CalcInput {
            subsidy_btc: 0.0,
            ..s19_pro()
        })
        .unwrap();
        assert_eq!(f.breakeven_btc_price_usd, None);
        assert!(f.breakeven_electricity_usd_kwh.abs() < 1e-300);
    }
}
