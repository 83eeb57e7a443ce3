//! Month-by-month projection of a fleet: difficulty growth at each retarget, halvings at their
//! block heights, a BTC price path, hardware decay, electricity escalation, and the investment
//! figures (ROI, NPV, IRR, payback) computed from the resulting cash flows.
//!
//! The chain is modelled block by block in height: a month of [`DAYS_PER_MONTH`] days holds
//! `DAYS_PER_MONTH × 86,400 / block_time_s` blocks (4,383 at 600 s). Difficulty changes at
//! heights that are multiples of [`RETARGET_INTERVAL_BLOCKS`], the subsidy halves at multiples
//! of [`HALVING_INTERVAL_BLOCKS`], and each month adds up the stretches between those heights,
//! so a halving in the middle of a month counts pro rata. (The old system divided profit by a
//! growth factor per month and "halved" only at months 48, 96…, so a halving never fell inside
//! its 36-month horizon.)

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calculator::{CalcError, CalcInput, MAX_BTC_PRICE_USD, MAX_DIFFICULTY, MIN_DIFFICULTY};
use crate::calculator::{MAX_INVESTMENT_USD, TARGET_BLOCK_TIME_S};
use crate::costs::{self, CostError};
use crate::hosting::{self, HostingError, HostingSplit, HostingUsage};
use crate::revenue::HASHES_PER_DIFFICULTY;
use crate::subsidy::HALVING_INTERVAL_BLOCKS;
use crate::units::{DAYS_PER_MONTH, SECONDS_PER_DAY};
use crate::validation::{Checker, FieldError, FieldErrorCode};

/// Months projected by default: three years, the usual depreciation period of an ASIC.
pub const DEFAULT_MONTHS: u32 = 36;
/// Longest projection, months. Beyond ten years every input is guesswork.
pub const MAX_MONTHS: u32 = 120;
/// Blocks between two difficulty retargets.
pub const RETARGET_INTERVAL_BLOCKS: u64 = 2016;
/// Default difficulty growth per retarget, percent.
///
/// 1.5 % per retarget is about +47 % a year (26.1 retargets a year). It sits within the range
/// of recent history (roughly +100 % in 2023, +50 % in 2024, +40 % in 2025 — public difficulty
/// charts, rounded), leaning on the more recent, slower years as hashrate growth matures. The
/// old system used 2 % per retarget (+68 %/year). Callers should expose it: it is the input
/// that moves a projection most after the BTC price.
pub const DEFAULT_DIFFICULTY_GROWTH_PCT_PER_RETARGET: f64 = 1.5;
/// Default first block height of the projection: a late-2025 tip, so that defaults alone put
/// the 1,050,000 halving in the right month. Callers should pass the live tip + 1.
pub const DEFAULT_START_HEIGHT: u64 = 925_000;
/// Default discount rate for NPV, percent per year: a common hurdle rate for mining capex.
pub const DEFAULT_DISCOUNT_RATE_PCT_PER_YEAR: f64 = 10.0;
/// Smallest change of one retarget, percent: consensus limits a retarget to a factor of 4.
pub const MIN_RETARGET_CHANGE_PCT: f64 = -75.0;
/// Largest change of one retarget, percent (factor 4).
pub const MAX_RETARGET_CHANGE_PCT: f64 = 300.0;
/// Shortest average block time accepted, s (also bounds the work per projected month).
pub const MIN_BLOCK_TIME_S: f64 = 60.0;
/// Longest average block time accepted, s.
pub const MAX_BLOCK_TIME_S: f64 = 3_600.0;
/// Highest start height accepted (far beyond the last halving, and exact in f64).
pub const MAX_START_HEIGHT: u64 = 100_000_000;
/// Largest monthly change of the BTC price or the electricity price, percent.
pub const MAX_PCT_PER_MONTH: f64 = 100.0;
/// Largest discount rate, percent per year.
pub const MAX_DISCOUNT_RATE_PCT_PER_YEAR: f64 = 1_000.0;

/// How the BTC price moves month by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricePath {
    /// The input's price every month.
    Flat,
    /// The input's price in month 1, then compounded by this percentage each month
    /// (−100 ≤ x ≤ [`MAX_PCT_PER_MONTH`]).
    PctPerMonth(f64),
    /// One price per month, USD, from month 1; the last value holds for later months.
    /// Must not be empty; each 0 < x ≤ [`MAX_BTC_PRICE_USD`].
    Scenario(Vec<f64>),
}

/// The assumptions of a projection. [`ProjectionParams::default`] documents every default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectionParams {
    /// Months to project, 1 ≤ n ≤ [`MAX_MONTHS`]; default [`DEFAULT_MONTHS`].
    pub months: u32,
    /// Difficulty change at every retarget, percent; default
    /// [`DEFAULT_DIFFICULTY_GROWTH_PCT_PER_RETARGET`]. Within the consensus limits
    /// [`MIN_RETARGET_CHANGE_PCT`]..=[`MAX_RETARGET_CHANGE_PCT`].
    pub difficulty_growth_pct_per_retarget: f64,
    /// Difficulty drop at the first retarget after a halving (miners that no longer pay
    /// switch off), percent, 0..=75; it replaces that retarget's growth. `None` (default): no
    /// special drop.
    pub halving_difficulty_drop_pct: Option<f64>,
    /// Height of the first block of month 1 (chain tip + 1); default [`DEFAULT_START_HEIGHT`].
    pub start_height: u64,
    /// Average block time, s; default 600 (the target). Sets how fast heights, and with them
    /// retargets and halvings, arrive. [`MIN_BLOCK_TIME_S`]..=[`MAX_BLOCK_TIME_S`].
    pub block_time_s: f64,
    /// BTC price path; default flat.
    pub price_path: PricePath,
    /// Loss of fleet hashrate per month from ageing and failures, percent, 0..=100; power is
    /// assumed unchanged (failing boards still draw power, so this is the conservative view).
    /// Default 0: set it from the fleet's own failure history.
    pub hashrate_decay_pct_per_month: f64,
    /// Electricity price change per month, percent, −100..=100, applied to the tariff and the
    /// host's site cost; hosting fees and maintenance stay constant. Default 0.
    pub electricity_escalation_pct_per_month: f64,
    /// What the machines sell for at the end, USD; added to the last month's cash flow.
    /// Default 0.
    pub resale_value_usd: f64,
    /// Discount rate for NPV, percent per year, 0..=[`MAX_DISCOUNT_RATE_PCT_PER_YEAR`];
    /// default [`DEFAULT_DISCOUNT_RATE_PCT_PER_YEAR`].
    pub discount_rate_pct_per_year: f64,
}

impl Default for ProjectionParams {
    fn default() -> Self {
        Self {
            months: DEFAULT_MONTHS,
            difficulty_growth_pct_per_retarget: DEFAULT_DIFFICULTY_GROWTH_PCT_PER_RETARGET,
            halving_difficulty_drop_pct: None,
            start_height: DEFAULT_START_HEIGHT,
            block_time_s: TARGET_BLOCK_TIME_S,
            price_path: PricePath::Flat,
            hashrate_decay_pct_per_month: 0.0,
            electricity_escalation_pct_per_month: 0.0,
            resale_value_usd: 0.0,
            discount_rate_pct_per_year: DEFAULT_DISCOUNT_RATE_PCT_PER_YEAR,
        }
    }
}

/// One projected month. Money in USD for the whole fleet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// 1-based month index.
    pub month: u32,
    /// Whether a halving height falls inside this month.
    pub halving_in_month: bool,
    /// Effective difficulty of the month: the time-weighted harmonic mean of the difficulties
    /// in force, i.e. the constant difficulty that would mine the same BTC.
    pub difficulty: f64,
    /// Block subsidy averaged over the month's blocks, BTC (between the two values in a
    /// halving month).
    pub subsidy_btc: f64,
    /// BTC price of the month, USD.
    pub btc_price_usd: f64,
    /// Fleet hashrate after decay and uptime, H/s.
    pub hashrate_hs: f64,
    /// BTC mined in the month, net of the pool fee.
    pub btc_mined: f64,
    /// `btc_mined × btc_price_usd`.
    pub revenue_usd: f64,
    /// Energy at the (escalated) tariff.
    pub electricity_usd: f64,
    /// Hosting fees and maintenance.
    pub other_costs_usd: f64,
    /// Client view: `revenue_usd − electricity_usd − other_costs_usd`.
    pub profit_usd: f64,
    /// Host's margin (see [`crate::hosting`]) when the input has a host site cost.
    pub host_profit_usd: Option<f64>,
    /// `profit_usd`, plus the resale value in the last month.
    pub cash_flow_usd: f64,
    /// −investment + the sum of `profit_usd` up to this month. Operations only: the resale
    /// value is not counted, so payback never depends on selling the machines.
    pub cumulative_profit_usd: f64,
}

/// A projection and its investment figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// One entry per month, month 1 first.
    pub months: Vec<MonthFigures>,
    /// Sum of `btc_mined`.
    pub total_btc: f64,
    /// Sum of `revenue_usd`.
    pub total_revenue_usd: f64,
    /// Sum of electricity and other costs.
    pub total_costs_usd: f64,
    /// Sum of `profit_usd` (without the resale value).
    pub total_profit_usd: f64,
    /// Sum of `host_profit_usd` when the host side is computed.
    pub total_host_profit_usd: Option<f64>,
    /// The resale value assumed at the end, USD.
    pub resale_value_usd: f64,
    /// (total profit + resale − investment) ÷ investment × 100; `None` when there is no
    /// investment.
    pub roi_pct: Option<f64>,
    /// −investment + Σ cash flow / (1 + r)^m with r the monthly equivalent of the yearly
    /// discount rate, USD.
    pub npv_usd: f64,
    /// Internal rate of return, annualised, percent; `None` when the cash flows do not change
    /// sign (see [`irr_pct_year`]).
    pub irr_pct_year: Option<f64>,
    /// First month whose `cumulative_profit_usd` ≥ 0. `None` means the investment is not
    /// recovered within the horizon, or that there is none to recover; there is deliberately no extrapolated estimate (the old
    /// system silently fell back to investment ÷ first-month profit).
    pub payback_month: Option<u32>,
}

/// Why a projection cannot be made.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProjectionError {
    /// Every refused field of the input and then of the parameters.
    #[error("{} invalid input field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    // The three below cannot happen after validation; they exist so nothing has to unwrap.
    #[error(transparent)]
    Calc(#[from] CalcError),
    #[error(transparent)]
    Cost(#[from] CostError),
    #[error(transparent)]
    Hosting(#[from] HostingError),
}

impl ProjectionParams {
    /// Every refused parameter. An empty list (together with a valid [`CalcInput`]) means
    /// [`project`] will succeed.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut check = Checker::default();
        if !(1..=MAX_MONTHS).contains(&self.months) {
            check.push("months", FieldErrorCode::OutOfRange);
        }
        check.range(
            "difficulty_growth_pct_per_retarget",
            self.difficulty_growth_pct_per_retarget,
            MIN_RETARGET_CHANGE_PCT,
            MAX_RETARGET_CHANGE_PCT,
        );
        if let Some(drop_pct) = self.halving_difficulty_drop_pct {
            check.range(
                "halving_difficulty_drop_pct",
                drop_pct,
                0.0,
                -MIN_RETARGET_CHANGE_PCT,
            );
        }
        if self.start_height > MAX_START_HEIGHT {
            check.push("start_height", FieldErrorCode::TooLarge);
        }
        check.range(
            "block_time_s",
            self.block_time_s,
            MIN_BLOCK_TIME_S,
            MAX_BLOCK_TIME_S,
        );
        match &self.price_path {
            PricePath::Flat => {}
            PricePath::PctPerMonth(pct) => {
                check.range("price_path.pct_per_month", *pct, -100.0, MAX_PCT_PER_MONTH);
            }
            PricePath::Scenario(prices) => {
                if prices.is_empty() {
                    check.push("price_path.scenario", FieldErrorCode::Empty);
                } else if let Some(code) = prices
                    .iter()
                    .find_map(|p| crate::validation::positive_code(*p, MAX_BTC_PRICE_USD))
                {
                    check.push("price_path.scenario", code);
                }
            }
        }
        check.range(
            "hashrate_decay_pct_per_month",
            self.hashrate_decay_pct_per_month,
            0.0,
            100.0,
        );
        check.range(
            "electricity_escalation_pct_per_month",
            self.electricity_escalation_pct_per_month,
            -100.0,
            MAX_PCT_PER_MONTH,
        );
        check.non_negative(
            "resale_value_usd",
            self.resale_value_usd,
            MAX_INVESTMENT_USD,
        );
        check.range(
            "discount_rate_pct_per_year",
            self.discount_rate_pct_per_year,
            0.0,
            MAX_DISCOUNT_RATE_PCT_PER_YEAR,
        );
        check.finish()
    }

    /// BTC price in 1-based `month`, USD.
    pub(crate) fn btc_price_usd(&self, input: &CalcInput, month: u32) -> f64 {
        let elapsed = f64::from(month.saturating_sub(1));
        match &self.price_path {
            PricePath::Flat => input.btc_price_usd,
            PricePath::PctPerMonth(pct) => input.btc_price_usd * (1.0 + pct / 100.0).powf(elapsed),
            PricePath::Scenario(prices) => {
                let index = usize::try_from(month.saturating_sub(1)).unwrap_or(usize::MAX);
                prices
                    .get(index)
                    .or(prices.last())
                    .copied()
                    .unwrap_or(input.btc_price_usd)
            }
        }
    }
}

/// The chain as the projection walks it, height by height.
struct Chain {
    height: f64,
    difficulty: f64,
    subsidy_btc: f64,
    growth_factor: f64,
    /// Factor of the first retarget after a halving, when a drop is assumed.
    halving_factor: Option<f64>,
    drop_pending: bool,
}

/// What one month of chain contributes, before the fleet's hashrate is applied.
pub(crate) struct MonthChain {
    /// Σ seconds × (subsidy + fees) / difficulty over the month's stretches.
    pub(crate) reward_seconds_per_difficulty: f64,
    /// Σ seconds / difficulty.
    seconds_per_difficulty: f64,
    seconds: f64,
    /// Σ blocks × subsidy.
    subsidy_blocks: f64,
    blocks: f64,
    halving: bool,
}

impl Chain {
    /// Walks the chain up to `end_height`, splitting at every retarget and halving.
    #[allow(clippy::cast_precision_loss)] // both intervals are small integers
    fn advance_to(&mut self, end_height: f64, block_time_s: f64, fees_btc: f64) -> MonthChain {
        let retarget = RETARGET_INTERVAL_BLOCKS as f64;
        let halving = HALVING_INTERVAL_BLOCKS as f64;
        let mut month = MonthChain {
            reward_seconds_per_difficulty: 0.0,
            seconds_per_difficulty: 0.0,
            seconds: 0.0,
            subsidy_blocks: 0.0,
            blocks: 0.0,
            halving: false,
        };
        while self.height < end_height {
            // Both are integers strictly above the current height, so every pass advances.
            let next_retarget = ((self.height / retarget).floor() + 1.0) * retarget;
            let next_halving = ((self.height / halving).floor() + 1.0) * halving;
            let stretch_end = end_height.min(next_retarget).min(next_halving);
            let blocks = stretch_end - self.height;
            let seconds = blocks * block_time_s;
            month.reward_seconds_per_difficulty +=
                seconds * (self.subsidy_btc + fees_btc) / self.difficulty;
            month.seconds_per_difficulty += seconds / self.difficulty;
            month.seconds += seconds;
            month.subsidy_blocks += blocks * self.subsidy_btc;
            month.blocks += blocks;
            self.height = stretch_end;
            // Retarget before halving: a retarget at a halving height measured pre-halving
            // blocks, so the drop shows at the next one.
            if self.height >= next_retarget {
                let factor = match (self.drop_pending, self.halving_factor) {
                    (true, Some(drop_factor)) => drop_factor,
                    _ => self.growth_factor,
                };
                self.drop_pending = false;
                // Consensus keeps difficulty within these bounds whatever the growth assumed.
                self.difficulty = (self.difficulty * factor).clamp(MIN_DIFFICULTY, MAX_DIFFICULTY);
            }
            if self.height >= next_halving {
                self.subsidy_btc /= 2.0;
                self.drop_pending = self.halving_factor.is_some();
                month.halving = true;
            }
        }
        month
    }
}

/// The chain side of every month of a projection, month 1 first.
///
/// It depends only on the starting difficulty, subsidy and fees and on the chain parameters
/// (height, block time, growth, halving drop, months), not on the fleet, the prices or the
/// costs, so callers that project many fleets or prices on one chain (batch, heatmap) walk it
/// once. Expects validated values.
#[allow(clippy::cast_precision_loss)] // heights ≤ 10⁸ are exact in f64
pub(crate) fn chain_months(
    difficulty: f64,
    subsidy_btc: f64,
    fees_per_block_btc: f64,
    params: &ProjectionParams,
) -> Vec<MonthChain> {
    let blocks_per_month = DAYS_PER_MONTH * SECONDS_PER_DAY / params.block_time_s;
    let start_height = params.start_height as f64;
    let mut chain = Chain {
        height: start_height,
        difficulty,
        subsidy_btc,
        growth_factor: 1.0 + params.difficulty_growth_pct_per_retarget / 100.0,
        halving_factor: params
            .halving_difficulty_drop_pct
            .map(|drop_pct| 1.0 - drop_pct / 100.0),
        drop_pending: false,
    };
    (1..=params.months)
        .map(|month| {
            // Computed from the start each month so rounding does not accumulate.
            let end_height = start_height + f64::from(month) * blocks_per_month;
            chain.advance_to(end_height, params.block_time_s, fees_per_block_btc)
        })
        .collect()
}

/// Fleet hashrate left in 1-based `month` per H/s of the new fleet: (1 − decay)^(month − 1).
///
/// One formula for [`project`], the batch and the heatmap, so their figures agree to the bit.
pub(crate) fn decay_factor(decay_pct_per_month: f64, month: u32) -> f64 {
    (1.0 - decay_pct_per_month / 100.0).powf(f64::from(month.saturating_sub(1)))
}

/// Electricity price in 1-based `month` per USD/kWh of month 1: (1 + escalation)^(month − 1).
pub(crate) fn escalation_factor(escalation_pct_per_month: f64, month: u32) -> f64 {
    (1.0 + escalation_pct_per_month / 100.0).powf(f64::from(month.saturating_sub(1)))
}

/// BTC mined in a month by 1 H/s that runs the whole month (before decay and uptime), net of
/// the pool fee: the same expression [`project`] applies to the fleet's hashrate.
pub(crate) fn btc_per_hs(stretch: &MonthChain, keep: f64) -> f64 {
    stretch.reward_seconds_per_difficulty / HASHES_PER_DIFFICULTY * keep
}

/// Validates the input and the parameters together.
pub(crate) fn validate_all(
    input: &CalcInput,
    params: &ProjectionParams,
) -> Result<(), ProjectionError> {
    let mut check = Checker::default();
    check.extend(input.validate());
    check.extend(params.validate());
    let errors = check.finish();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ProjectionError::Invalid(errors))
    }
}

/// What stays the same every month, computed once.
pub(crate) struct MonthlyBase {
    pub(crate) uptime: f64,
    pub(crate) keep: f64,
    /// Site energy of one month, kWh.
    pub(crate) energy_kwh: f64,
    /// Effective tariff before escalation, USD/kWh.
    pub(crate) usd_per_kwh: f64,
    contracted_kw: f64,
    /// Hosting fees and maintenance of one month, USD.
    pub(crate) other_costs_usd: f64,
}

impl MonthlyBase {
    /// Energy (power does not decay), the base tariff and the fixed fees of one month.
    #[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
    pub(crate) fn new(input: &CalcInput) -> Result<Self, ProjectionError> {
        let energy_kwh = costs::daily_energy_kwh(input.power_w, input.uptime_pct, input.pue)?
            * input.count as f64
            * DAYS_PER_MONTH;
        let contracted_kw = costs::contracted_kw(input.power_w, input.count);
        let hosting_fees_usd =
            input
                .hosting
                .cost_usd(energy_kwh, input.count, contracted_kw, 1.0)?;
        Ok(Self {
            uptime: input.uptime_pct / 100.0,
            keep: input.pool_keep_fraction(),
            energy_kwh,
            usd_per_kwh: input.tariff.effective_usd_per_kwh(input.uptime_pct)?,
            contracted_kw,
            other_costs_usd: hosting_fees_usd + input.maintenance_usd_month,
        })
    }
}

/// One month's figures from the chain stretch it covers. The cumulative profit and the cash
/// flow are left at the month's own profit; [`project`] fills them in.
fn month_figures(
    input: &CalcInput,
    params: &ProjectionParams,
    base: &MonthlyBase,
    month: u32,
    stretch: &MonthChain,
) -> Result<MonthFigures, ProjectionError> {
    let hashrate_hs = input.fleet_hashrate_hs()
        * decay_factor(params.hashrate_decay_pct_per_month, month)
        * base.uptime;
    let btc_mined = hashrate_hs * btc_per_hs(stretch, base.keep);
    let btc_price_usd = params.btc_price_usd(input, month);
    let revenue_usd = btc_mined * btc_price_usd;

    let escalation = escalation_factor(params.electricity_escalation_pct_per_month, month);
    let usd_per_kwh = base.usd_per_kwh * escalation;
    let electricity_usd = base.energy_kwh * usd_per_kwh;
    let profit_usd = revenue_usd - electricity_usd - base.other_costs_usd;

    let host_profit_usd = match input.host_site_cost_usd_per_kwh {
        None => None,
        Some(site_cost) => Some(
            hosting::split(
                &HostingSplit {
                    client_price_usd_per_kwh: usd_per_kwh + input.hosting.markup_usd_per_kwh,
                    site_cost_usd_per_kwh: site_cost * escalation,
                    usd_per_miner_month: input.hosting.usd_per_miner_month,
                    usd_per_kw_month: input.hosting.usd_per_kw_month,
                },
                &HostingUsage {
                    energy_kwh: base.energy_kwh,
                    miner_count: input.count,
                    contracted_kw: base.contracted_kw,
                    months: 1.0,
                    mining_revenue_usd: revenue_usd,
                    client_maintenance_usd: input.maintenance_usd_month,
                },
            )?
            .host_profit_usd,
        ),
    };

    Ok(MonthFigures {
        month,
        halving_in_month: stretch.halving,
        difficulty: stretch.seconds / stretch.seconds_per_difficulty,
        subsidy_btc: stretch.subsidy_blocks / stretch.blocks,
        btc_price_usd,
        hashrate_hs,
        btc_mined,
        revenue_usd,
        electricity_usd,
        other_costs_usd: base.other_costs_usd,
        profit_usd,
        host_profit_usd,
        cash_flow_usd: profit_usd,
        cumulative_profit_usd: profit_usd,
    })
}

/// Projects the fleet described by `input` month by month.
pub fn project(
    input: &CalcInput,
    params: &ProjectionParams,
) -> Result<Projection, ProjectionError> {
    validate_all(input, params)?;
    let base = MonthlyBase::new(input)?;
    let chain = chain_months(
        input.difficulty,
        input.subsidy_btc,
        input.fees_per_block_btc,
        params,
    );

    let mut months = Vec::with_capacity(chain.len());
    let mut cumulative_profit_usd = -input.investment_usd;
    for (month, stretch) in (1..=params.months).zip(&chain) {
        let mut figures = month_figures(input, params, &base, month, stretch)?;
        cumulative_profit_usd += figures.profit_usd;
        figures.cumulative_profit_usd = cumulative_profit_usd;
        if month == params.months {
            figures.cash_flow_usd += params.resale_value_usd;
        }
        months.push(figures);
    }

    let sum = |f: fn(&MonthFigures) -> f64| months.iter().map(f).sum::<f64>();
    let total_profit_usd = sum(|m| m.profit_usd);
    let cash_flows: Vec<f64> = months.iter().map(|m| m.cash_flow_usd).collect();
    let cumulative: Vec<f64> = months.iter().map(|m| m.cumulative_profit_usd).collect();
    Ok(Projection {
        total_btc: sum(|m| m.btc_mined),
        total_revenue_usd: sum(|m| m.revenue_usd),
        total_costs_usd: sum(|m| m.electricity_usd + m.other_costs_usd),
        total_profit_usd,
        total_host_profit_usd: input
            .host_site_cost_usd_per_kwh
            .map(|_| sum(|m| m.host_profit_usd.unwrap_or(0.0))),
        resale_value_usd: params.resale_value_usd,
        roi_pct: (input.investment_usd > 0.0).then(|| {
            (total_profit_usd + params.resale_value_usd - input.investment_usd)
                / input.investment_usd
                * 100.0
        }),
        npv_usd: npv_usd(
            input.investment_usd,
            &cash_flows,
            params.discount_rate_pct_per_year,
        ),
        irr_pct_year: irr_pct_year(input.investment_usd, &cash_flows),
        // Nothing to pay back without an investment: not "month 1".
        payback_month: (input.investment_usd > 0.0)
            .then(|| payback_month(&cumulative))
            .flatten(),
        months,
    })
}

/// Net present value, USD: −investment + Σₘ `cash_flow`ₘ / (1 + r)^m for m = 1, 2, … with r the
/// monthly rate equivalent to `discount_rate_pct_per_year`: (1 + yearly)^(1/12) − 1.
pub fn npv_usd(
    investment_usd: f64,
    monthly_cash_flows_usd: &[f64],
    discount_rate_pct_per_year: f64,
) -> f64 {
    let monthly_factor = (1.0 + discount_rate_pct_per_year / 100.0).powf(1.0 / 12.0);
    let mut discount = 1.0;
    let mut npv = -investment_usd;
    for cash_flow in monthly_cash_flows_usd {
        discount /= monthly_factor;
        npv += cash_flow * discount;
    }
    npv
}

/// Internal rate of return of −investment at month 0 followed by the monthly cash flows,
/// annualised as (1 + monthly)¹² − 1, percent.
///
/// Found by bisection on the monthly rate between −99.9999 % and +1,000 % per month. `None`
/// without an investment (a rate of return on nothing is meaningless, even when later months
/// turn negative, after a halving say), when the cash flows never change sign (never any
/// income), or when no rate in that bracket brings the value to zero.
pub fn irr_pct_year(investment_usd: f64, monthly_cash_flows_usd: &[f64]) -> Option<f64> {
    if investment_usd.is_nan() || investment_usd <= 0.0 {
        return None;
    }
    let flows: Vec<f64> = std::iter::once(-investment_usd)
        .chain(monthly_cash_flows_usd.iter().copied())
        .collect();
    let has_positive = flows.iter().any(|c| *c > 0.0);
    let has_negative = flows.iter().any(|c| *c < 0.0);
    if !(has_positive && has_negative) {
        return None;
    }
    // Future value at the horizon: Σ cₖ · g^(n−k) with g = 1 + monthly rate, by Horner's rule.
    // It has the sign of the NPV for every g > 0 but cannot overflow for g near 0, where the
    // NPV's (1 + r)^−m would.
    let future_value = |g: f64| flows.iter().fold(0.0, |acc, c| acc * g + c);
    let (mut lo, mut hi) = (1e-6, 11.0);
    let (fv_lo, fv_hi) = (future_value(lo), future_value(hi));
    let lo_positive = fv_lo.is_sign_positive();
    if !(fv_lo.is_finite() && fv_hi.is_finite()) || lo_positive == fv_hi.is_sign_positive() {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        // An exact zero counts as positive; bisection then converges on it all the same.
        if future_value(mid).is_sign_positive() == lo_positive {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let growth_per_month = 0.5 * (lo + hi);
    Some((growth_per_month.powi(12) - 1.0) * 100.0)
}

/// First 1-based month whose cumulative profit is ≥ 0, or `None` if none is.
pub fn payback_month(cumulative_profit_usd: &[f64]) -> Option<u32> {
    let index = cumulative_profit_usd.iter().position(|c| *c >= 0.0)?;
    u32::try_from(index + 1).ok()
}

/// How a scenario departs from the base case.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScenarioShift {
    /// Every BTC price (start and path) is multiplied by this.
    pub price_factor: f64,
    /// Difficulty growth g becomes g + (factor − 1)·|g|: ×factor for growth, and in the same
    /// (worse for bear, better for bull) direction when difficulty is assumed to fall. Clamped
    /// to the consensus limits.
    pub difficulty_growth_factor: f64,
}

/// Bear case: prices 30 % lower, difficulty growing 1.5 × as fast. A ±30 % price band is about
/// one standard deviation of BTC's yearly moves in calm years, a conventional stress band.
pub const BEAR_SHIFT: ScenarioShift = ScenarioShift {
    price_factor: 0.7,
    difficulty_growth_factor: 1.5,
};

/// Bull case: prices 30 % higher, difficulty growing half as fast.
pub const BULL_SHIFT: ScenarioShift = ScenarioShift {
    price_factor: 1.3,
    difficulty_growth_factor: 0.5,
};

/// Three projections side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenarios {
    pub bear: Projection,
    pub base: Projection,
    pub bull: Projection,
}

/// The input and parameters moved by `shift`.
fn shifted(
    input: &CalcInput,
    params: &ProjectionParams,
    shift: ScenarioShift,
) -> (CalcInput, ProjectionParams) {
    let growth = params.difficulty_growth_pct_per_retarget;
    let price_path = match &params.price_path {
        PricePath::Scenario(prices) => {
            PricePath::Scenario(prices.iter().map(|p| p * shift.price_factor).collect())
        }
        other => other.clone(),
    };
    (
        CalcInput {
            btc_price_usd: input.btc_price_usd * shift.price_factor,
            ..input.clone()
        },
        ProjectionParams {
            difficulty_growth_pct_per_retarget: (growth
                + (shift.difficulty_growth_factor - 1.0) * growth.abs())
            .clamp(MIN_RETARGET_CHANGE_PCT, MAX_RETARGET_CHANGE_PCT),
            price_path,
            ..params.clone()
        },
    )
}

/// Bear, base and bull projections with [`BEAR_SHIFT`] and [`BULL_SHIFT`].
pub fn scenarios(
    input: &CalcInput,
    params: &ProjectionParams,
) -> Result<Scenarios, ProjectionError> {
    scenarios_with(input, params, BEAR_SHIFT, BULL_SHIFT)
}

/// Bear, base and bull projections with custom shifts.
pub fn scenarios_with(
    input: &CalcInput,
    params: &ProjectionParams,
    bear: ScenarioShift,
    bull: ScenarioShift,
) -> Result<Scenarios, ProjectionError> {
    // Validate the base first so errors name the user's own values, not shifted ones.
    let base = project(input, params)?;
    let (bear_input, bear_params) = shifted(input, params, bear);
    let (bull_input, bull_params) = shifted(input, params, bull);
    Ok(Scenarios {
        bear: project(&bear_input, &bear_params)?,
        base,
        bull: project(&bull_input, &bull_params)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::{calculate, tests::s19_pro};
    use crate::costs::{HostingFees, Tariff};

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
    }

    /// Nothing moves: no growth, flat price, far from a halving, start on a retarget.
    fn still() -> ProjectionParams {
        ProjectionParams {
            difficulty_growth_pct_per_retarget: 0.0,
            start_height: 2016 * 430, // 866,880: between halvings
            months: 12,
            discount_rate_pct_per_year: 0.0,
            ..ProjectionParams::default()
        }
    }

    #[test]
    fn defaults_are_three_years_at_600_seconds() {
        let p = ProjectionParams::default();
        assert_eq!(p.months, 36);
        assert!(close(p.block_time_s, 600.0, 0.0));
        assert!(p.validate().is_empty());
    }

    #[test]
    fn with_nothing_moving_a_month_is_the_day_times_the_average_month() {
        let input = CalcInput {
            pool_fee_pct: 2.0,
            maintenance_usd_month: 10.0,
            ..s19_pro()
        };
        let day = calculate(&input).unwrap();
        let projection = project(&input, &still()).unwrap();
        assert_eq!(projection.months.len(), 12);
        for m in &projection.months {
            assert!(close(m.btc_mined, day.daily_btc * DAYS_PER_MONTH, 1e-12));
            assert!(close(
                m.profit_usd,
                day.daily_profit_usd * DAYS_PER_MONTH,
                1e-9
            ));
            assert!(close(m.difficulty, 119.12e12, 1e-12));
            assert!(close(m.subsidy_btc, 3.125, 0.0));
            assert!(!m.halving_in_month);
        }
    }

    #[test]
    fn difficulty_rises_at_each_retarget_not_smoothly() {
        let params = ProjectionParams {
            difficulty_growth_pct_per_retarget: 10.0,
            months: 1,
            ..still()
        };
        let projection = project(&s19_pro(), &params).unwrap();
        // 4,383 blocks: 2,016 at D, 2,016 at 1.1 D, 351 at 1.21 D.
        let per_d = 2016.0 + 2016.0 / 1.1 + 351.0 / 1.21;
        let expected_btc = calculate(&s19_pro()).unwrap().daily_btc / 144.0 * per_d;
        let m = projection.months[0];
        assert!(close(m.btc_mined, expected_btc, 1e-12), "{m:?}");
        assert!(close(m.difficulty, 119.12e12 * 4383.0 / per_d, 1e-12));
    }

    #[test]
    fn the_halving_switches_the_subsidy_pro_rata_in_its_month() {
        let params = ProjectionParams {
            start_height: 1_050_000 - 2_000,
            months: 2,
            ..still()
        };
        let projection = project(&s19_pro(), &params).unwrap();
        let (m1, m2) = (projection.months[0], projection.months[1]);
        assert!(m1.halving_in_month && !m2.halving_in_month);
        let avg = (2000.0 * 3.125 + 2383.0 * 1.5625) / 4383.0;
        assert!(close(m1.subsidy_btc, avg, 1e-12), "{}", m1.subsidy_btc);
        assert!(close(m2.subsidy_btc, 1.5625, 0.0));
        let full = calculate(&s19_pro()).unwrap().daily_btc * DAYS_PER_MONTH;
        assert!(close(m1.btc_mined, full * avg / 3.125, 1e-12));
        assert!(close(m2.btc_mined, full / 2.0, 1e-12));
    }

    #[test]
    fn from_the_default_height_the_next_halving_falls_in_month_29() {
        // (1,050,000 − 925,000) / 4,383 blocks per month = 28.5 months.
        let projection = project(&s19_pro(), &ProjectionParams::default()).unwrap();
        let halving_months: Vec<u32> = projection
            .months
            .iter()
            .filter(|m| m.halving_in_month)
            .map(|m| m.month)
            .collect();
        assert_eq!(halving_months, vec![29]);
    }

    #[test]
    fn slower_blocks_push_the_halving_later() {
        let params = ProjectionParams {
            block_time_s: 660.0,
            ..ProjectionParams::default()
        };
        let projection = project(&s19_pro(), &params).unwrap();
        // 3,984.5 blocks a month: 125,000 blocks take 31.4 months.
        let halving = projection.months.iter().find(|m| m.halving_in_month);
        assert_eq!(halving.map(|m| m.month), Some(32));
    }

    #[test]
    fn a_halving_drop_replaces_the_next_retargets_growth() {
        // Start 100 blocks before a halving that is 336 blocks before a retarget
        // (1,050,000 = 2016 × 520 + 1,680).
        let base = ProjectionParams {
            start_height: 1_050_000 - 100,
            months: 1,
            difficulty_growth_pct_per_retarget: 0.0,
            ..still()
        };
        let drop = ProjectionParams {
            halving_difficulty_drop_pct: Some(20.0),
            ..base.clone()
        };
        let without = project(&s19_pro(), &base).unwrap().months[0];
        let with = project(&s19_pro(), &drop).unwrap().months[0];
        // 100 + 336 blocks at D, then 3,947 blocks at 0.8 D.
        let per_d = 436.0 + 3947.0 / 0.8;
        assert!(close(with.difficulty, 119.12e12 * 4383.0 / per_d, 1e-12));
        assert!(close(without.difficulty, 119.12e12, 1e-12));
    }

    #[test]
    fn difficulty_never_falls_below_the_consensus_minimum() {
        let input = CalcInput {
            difficulty: 2.0,
            ..s19_pro()
        };
        let params = ProjectionParams {
            difficulty_growth_pct_per_retarget: -75.0,
            ..still()
        };
        let projection = project(&input, &params).unwrap();
        let last = projection.months.last().unwrap();
        assert!(close(last.difficulty, 1.0, 1e-12));
        assert!(projection.total_btc.is_finite());
    }

    #[test]
    fn price_paths_compound_or_follow_the_scenario_and_hold_its_last_value() {
        let pct = ProjectionParams {
            price_path: PricePath::PctPerMonth(10.0),
            ..still()
        };
        let p = project(&s19_pro(), &pct).unwrap();
        assert!(close(p.months[0].btc_price_usd, 80_000.0, 0.0));
        assert!(close(p.months[2].btc_price_usd, 80_000.0 * 1.21, 1e-12));
        let scenario = ProjectionParams {
            price_path: PricePath::Scenario(vec![90_000.0, 100_000.0]),
            ..still()
        };
        let prices: Vec<f64> = project(&s19_pro(), &scenario)
            .unwrap()
            .months
            .iter()
            .map(|m| m.btc_price_usd)
            .collect();
        assert!(close(prices[0], 90_000.0, 0.0));
        assert!(prices[1..].iter().all(|p| close(*p, 100_000.0, 0.0)));
    }

    #[test]
    fn hashrate_decays_geometrically_and_power_does_not() {
        let params = ProjectionParams {
            hashrate_decay_pct_per_month: 1.0,
            ..still()
        };
        let p = project(&s19_pro(), &params).unwrap();
        assert!(close(
            p.months[2].btc_mined,
            p.months[0].btc_mined * 0.99 * 0.99,
            1e-12
        ));
        assert!(close(
            p.months[2].electricity_usd,
            p.months[0].electricity_usd,
            1e-15
        ));
    }

    #[test]
    fn electricity_escalates_and_fees_do_not() {
        let input = CalcInput {
            hosting: HostingFees {
                markup_usd_per_kwh: 0.0,
                usd_per_miner_month: 20.0,
                usd_per_kw_month: 0.0,
            },
            ..s19_pro()
        };
        let params = ProjectionParams {
            electricity_escalation_pct_per_month: 2.0,
            ..still()
        };
        let p = project(&input, &params).unwrap();
        assert!(close(
            p.months[1].electricity_usd,
            p.months[0].electricity_usd * 1.02,
            1e-12
        ));
        assert!(close(p.months[1].other_costs_usd, 20.0, 1e-12));
    }

    #[test]
    fn cumulative_profit_starts_from_minus_the_investment_and_resale_is_cash_not_profit() {
        let input = CalcInput {
            investment_usd: 1_000.0,
            ..s19_pro()
        };
        let params = ProjectionParams {
            resale_value_usd: 500.0,
            ..still()
        };
        let p = project(&input, &params).unwrap();
        let first = p.months[0];
        assert!(close(
            first.cumulative_profit_usd,
            first.profit_usd - 1_000.0,
            1e-12
        ));
        let last = p.months.last().unwrap();
        assert!(close(last.cash_flow_usd, last.profit_usd + 500.0, 1e-12));
        assert!(close(
            last.cumulative_profit_usd,
            p.total_profit_usd - 1_000.0,
            1e-9
        ));
        let roi = p.roi_pct.unwrap();
        assert!(close(
            roi,
            (p.total_profit_usd + 500.0 - 1_000.0) / 10.0,
            1e-12
        ));
        assert!(close(
            p.total_profit_usd,
            p.total_revenue_usd - p.total_costs_usd,
            1e-9
        ));
    }

    #[test]
    fn payback_is_the_first_month_the_cumulative_turns_non_negative() {
        let monthly = project(&s19_pro(), &still()).unwrap().months[0].profit_usd;
        let input = CalcInput {
            investment_usd: monthly * 4.5,
            ..s19_pro()
        };
        let p = project(&input, &still()).unwrap();
        assert_eq!(p.payback_month, Some(5));
    }

    #[test]
    fn an_investment_not_recovered_in_the_horizon_has_no_payback_month() {
        let input = CalcInput {
            investment_usd: 1e6,
            ..s19_pro()
        };
        let p = project(&input, &still()).unwrap();
        assert_eq!(p.payback_month, None);
        assert!(p.months.iter().all(|m| m.cumulative_profit_usd < 0.0));
    }

    #[test]
    fn no_investment_means_no_roi_and_no_irr() {
        let p = project(&s19_pro(), &still()).unwrap();
        assert_eq!(p.roi_pct, None);
        assert_eq!(p.irr_pct_year, None);
        assert_eq!(p.payback_month, None, "nothing to pay back");
        // Months that turn negative after a halving change the flows' sign, but a rate of
        // return on no investment stays undefined (it read −99 %).
        assert_eq!(irr_pct_year(0.0, &[10.0, 10.0, -5.0, -5.0]), None);
        assert_eq!(irr_pct_year(f64::NAN, &[10.0, -5.0]), None);
    }

    #[test]
    fn npv_discounts_each_month_at_the_monthly_equivalent_rate() {
        assert!(close(npv_usd(100.0, &[50.0, 60.0], 0.0), 10.0, 1e-12));
        let r = 1.1_f64.powf(1.0 / 12.0);
        let expected = -100.0 + 50.0 / r + 60.0 / (r * r);
        assert!(close(npv_usd(100.0, &[50.0, 60.0], 10.0), expected, 1e-12));
        // Twelve monthly flows of 0 and then 110 at a 10 % yearly rate are worth 100 today.
        let mut flows = vec![0.0; 11];
        flows.push(110.0);
        assert!(npv_usd(100.0, &flows, 10.0).abs() < 1e-9);
    }

    #[test]
    fn irr_of_ten_percent_a_month_annualises_by_compounding() {
        let irr = irr_pct_year(100.0, &[110.0]).unwrap();
        assert!(close(irr, (1.1_f64.powi(12) - 1.0) * 100.0, 1e-9), "{irr}");
        // 10 %/year: invest 100, get 110 after twelve months.
        let mut flows = vec![0.0; 11];
        flows.push(110.0);
        assert!(close(irr_pct_year(100.0, &flows).unwrap(), 10.0, 1e-9));
    }

    #[test]
    fn irr_is_none_without_a_sign_change() {
        assert_eq!(irr_pct_year(0.0, &[10.0, 10.0]), None);
        assert_eq!(irr_pct_year(100.0, &[-10.0, -10.0]), None);
        assert_eq!(irr_pct_year(0.0, &[]), None);
    }

    #[test]
    fn irr_handles_a_near_total_loss() {
        let irr = irr_pct_year(100.0, &[1.0]).unwrap();
        assert!(close(irr, (0.01_f64.powi(12) - 1.0) * 100.0, 1e-6), "{irr}");
    }

    #[test]
    fn the_projection_irr_sets_its_npv_to_zero() {
        let monthly = project(&s19_pro(), &still()).unwrap().months[0].profit_usd;
        let input = CalcInput {
            investment_usd: monthly * 6.0,
            ..s19_pro()
        };
        let p = project(&input, &still()).unwrap();
        let irr = p.irr_pct_year.unwrap();
        let flows: Vec<f64> = p.months.iter().map(|m| m.cash_flow_usd).collect();
        assert!(npv_usd(input.investment_usd, &flows, irr).abs() < 1e-6 * input.investment_usd);
    }

    #[test]
    fn host_profit_is_reported_when_the_site_cost_is_known() {
        let input = CalcInput {
            tariff: Tariff::Flat { usd_per_kwh: 0.06 },
            host_site_cost_usd_per_kwh: Some(0.05),
            ..s19_pro()
        };
        let p = project(&input, &still()).unwrap();
        let kwh = 78.0 * DAYS_PER_MONTH;
        assert!(close(
            p.months[0].host_profit_usd.unwrap(),
            0.01 * kwh,
            1e-9
        ));
        assert!(close(p.total_host_profit_usd.unwrap(), 0.12 * kwh, 1e-9));
        assert_eq!(
            project(&s19_pro(), &still()).unwrap().total_host_profit_usd,
            None
        );
    }

    #[test]
    fn scenarios_order_bear_below_base_below_bull() {
        let s = scenarios(&s19_pro(), &ProjectionParams::default()).unwrap();
        assert!(s.bear.total_profit_usd < s.base.total_profit_usd);
        assert!(s.base.total_profit_usd < s.bull.total_profit_usd);
        assert!(close(s.bear.months[0].btc_price_usd, 56_000.0, 1e-12));
        assert!(close(s.bull.months[0].btc_price_usd, 104_000.0, 1e-12));
    }

    #[test]
    fn a_falling_difficulty_falls_faster_in_the_bull_case() {
        let params = ProjectionParams {
            difficulty_growth_pct_per_retarget: -2.0,
            ..still()
        };
        let s = scenarios(&s19_pro(), &params).unwrap();
        let last = |p: &Projection| p.months.last().unwrap().difficulty;
        assert!(last(&s.bull) < last(&s.base));
        assert!(last(&s.bear) > last(&s.base));
    }

    #[test]
    fn validation_lists_input_and_parameter_errors_together() {
        use FieldErrorCode as C;
        let input = CalcInput {
            power_w: -1.0,
            ..s19_pro()
        };
        let params = ProjectionParams {
            months: 0,
            block_time_s: 1.0,
            price_path: PricePath::Scenario(vec![]),
            discount_rate_pct_per_year: f64::NAN,
            ..ProjectionParams::default()
        };
        let Err(ProjectionError::Invalid(errors)) = project(&input, &params) else {
            panic!("expected validation errors");
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("power_w", C::MustBePositive),
                ("months", C::OutOfRange),
                ("block_time_s", C::OutOfRange),
                ("price_path.scenario", C::Empty),
                ("discount_rate_pct_per_year", C::NotFinite),
            ]
        );
        let too_long = ProjectionParams {
            months: 121,
            ..ProjectionParams::default()
        };
        assert_eq!(too_long.validate().len(), 1);
    }
}
