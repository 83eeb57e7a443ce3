//! The engine of a batch: each row validated and computed, sharing the chain walk and the
//! month paths the rows have in common.

use std::collections::HashMap;

use super::{
    BatchColumn, BatchDefaults, BatchError, BatchReport, BatchRow, BatchSummary, ModelLookup,
    RowError, RowErrorCode, RowResult, import_model,
};
use crate::calculator::{
    MAX_HASHRATE_HS_PER_MINER, MAX_INVESTMENT_USD, MAX_MINER_COUNT, MAX_POWER_W_PER_MINER,
    calculate,
};
use crate::costs::MAX_USD_PER_KWH;
use crate::projection::{MonthlyBase, btc_per_hs, chain_months, decay_factor, payback_month};
use crate::units::HS_PER_THS;
use crate::validation::{non_negative_code, positive_code, range_code};

/// Validates and computes rows one at a time, sharing everything the rows have in common.
pub(super) struct Engine<'a> {
    defaults: &'a BatchDefaults,
    lookup: ModelLookup<'a>,
    /// Lookups already made, by model name as written: a batch repeats a few models many times.
    catalogue: HashMap<String, Option<(f64, f64)>>,
    /// BTC mined per H/s of undecayed fleet in each month, net of the pool fee.
    btc_per_hs: Vec<f64>,
    /// The month paths, one per distinct decay, in order of first use so that fleet sums are
    /// reproducible; rows usually share a handful.
    decay_paths: Vec<DecayPath>,
    /// Index into `decay_paths` by decay (`f64::to_bits`).
    decay_index: HashMap<u64, usize>,
    /// Σ of every row's monthly costs, USD.
    fleet_cost_usd_month: f64,
    /// 1, 2, … months, as f64 for the payback scan.
    month_numbers: Vec<f64>,
    results: Vec<RowResult>,
    pub(super) errors: Vec<RowError>,
    rows_in_error: usize,
}

impl<'a> Engine<'a> {
    pub(super) fn new(
        defaults: &'a BatchDefaults,
        lookup: ModelLookup<'a>,
    ) -> Result<Self, BatchError> {
        let errors = defaults.validate();
        if !errors.is_empty() {
            return Err(BatchError::Defaults(errors));
        }
        let keep = defaults
            .row_input(HS_PER_THS, 1.0, 1, defaults.electricity_usd_per_kwh, 0.0)
            .pool_keep_fraction();
        let chain = chain_months(
            defaults.difficulty,
            defaults.subsidy_btc,
            defaults.fees_per_block_btc,
            &defaults.row_params(0.0),
        );
        Ok(Self {
            defaults,
            lookup,
            catalogue: HashMap::new(),
            btc_per_hs: chain.iter().map(|month| btc_per_hs(month, keep)).collect(),
            decay_paths: Vec::new(),
            decay_index: HashMap::new(),
            fleet_cost_usd_month: 0.0,
            month_numbers: (1..=defaults.months).map(f64::from).collect(),
            results: Vec::new(),
            errors: Vec::new(),
            rows_in_error: 0,
        })
    }

    /// Validates one row and, when it is valid, computes it. `unreadable` marks columns whose
    /// cell the reader could not read; the reader's errors for the row start at `first_error`.
    pub(super) fn add(
        &mut self,
        row: &Cells<'_>,
        unreadable: u8,
        first_error: usize,
    ) -> Result<(), BatchError> {
        match self.resolve(row, unreadable) {
            Some(valid) if self.errors.len() == first_error => self.compute(row, &valid),
            _ => {
                // The reader's errors came first; report the row's in column order.
                self.errors[first_error..].sort_by_key(|e| e.column as u8);
                self.rows_in_error += 1;
                Ok(())
            }
        }
    }

    /// The row's values after defaults and the catalogue, with every refused cell reported;
    /// `None` when some value is unusable (the errors say which).
    fn resolve<'r>(&mut self, row: &Cells<'r>, unreadable: u8) -> Option<Valid<'r>> {
        let mut errors = RowErrors {
            row: row.row,
            errors: &mut self.errors,
        };
        let readable = |column: BatchColumn| unreadable & column.bit() == 0;
        let model = import_model(row.model);

        let count = match row.quantity {
            None if readable(BatchColumn::Quantity) => Some(1),
            None => None,
            Some(quantity) => errors.check(BatchColumn::Quantity, whole_count(quantity)),
        };
        let mut hashrate_hs = row.hashrate_ths.map(|ths| ths * HS_PER_THS);
        let mut power_w = row.power_w;
        let need_hashrate = hashrate_hs.is_none() && readable(BatchColumn::HashrateThs);
        let need_power = power_w.is_none() && readable(BatchColumn::PowerW);
        let mut filled = false;
        if need_hashrate || need_power {
            if model.is_empty() {
                for (needed, column) in [
                    (need_hashrate, BatchColumn::HashrateThs),
                    (need_power, BatchColumn::PowerW),
                ] {
                    if needed {
                        errors.push(column, RowErrorCode::Missing);
                    }
                }
            } else {
                // `get` first: `entry` would allocate the key on every hit.
                let found = if let Some(found) = self.catalogue.get(model) {
                    *found
                } else {
                    let found = (self.lookup)(model);
                    self.catalogue.insert(model.to_owned(), found);
                    found
                };
                match found {
                    None => errors.push(BatchColumn::Model, RowErrorCode::UnknownModel),
                    Some((catalogue_hs, catalogue_w)) => {
                        filled = true;
                        if need_hashrate {
                            hashrate_hs = Some(catalogue_hs);
                        }
                        if need_power {
                            power_w = Some(catalogue_w);
                        }
                    }
                }
            }
        }
        let hashrate_hs = hashrate_hs.and_then(|hs| {
            let code = positive_code(hs, MAX_HASHRATE_HS_PER_MINER);
            errors.check(BatchColumn::HashrateThs, code.map_or(Ok(hs), Err))
        });
        let power_w = power_w.and_then(|w| {
            let code = positive_code(w, MAX_POWER_W_PER_MINER);
            errors.check(BatchColumn::PowerW, code.map_or(Ok(w), Err))
        });
        let price_usd =
            optional(row.price_usd, readable(BatchColumn::PriceUsd), 0.0).and_then(|price| {
                let code = non_negative_code(price, MAX_INVESTMENT_USD);
                errors.check(BatchColumn::PriceUsd, code.map_or(Ok(price), Err))
            });
        let usd_per_kwh = optional(
            row.electricity_usd_per_kwh,
            readable(BatchColumn::ElectricityUsdKwh),
            self.defaults.electricity_usd_per_kwh,
        )
        .and_then(|price| {
            let code = non_negative_code(price, MAX_USD_PER_KWH);
            errors.check(BatchColumn::ElectricityUsdKwh, code.map_or(Ok(price), Err))
        });
        let decay_pct = optional(
            row.decay_pct_per_month,
            readable(BatchColumn::DecayPctMonth),
            0.0,
        )
        .and_then(|decay| {
            let code = range_code(decay, 0.0, 100.0);
            errors.check(BatchColumn::DecayPctMonth, code.map_or(Ok(decay), Err))
        });

        let (count, price_usd) = (count?, price_usd?);
        #[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
        let investment_usd = price_usd * count as f64;
        if investment_usd > MAX_INVESTMENT_USD {
            errors.push(BatchColumn::PriceUsd, RowErrorCode::TooLarge);
            return None;
        }
        Some(Valid {
            model,
            count,
            hashrate_hs: hashrate_hs?,
            power_w: power_w?,
            price_usd,
            investment_usd,
            usd_per_kwh: usd_per_kwh?,
            decay_pct: decay_pct?,
            filled,
        })
    }

    fn compute(&mut self, row: &Cells<'_>, valid: &Valid<'_>) -> Result<(), BatchError> {
        let input = self.defaults.row_input(
            valid.hashrate_hs,
            valid.power_w,
            valid.count,
            valid.usd_per_kwh,
            valid.investment_usd,
        );
        let day = calculate(&input)?;
        // `project`'s months for this input (flat price, no escalation), regrouped: revenue is
        // the row's hashrate × price times the path's cumulative BTC per H/s, costs are the
        // same every month, so month m's cumulative profit is
        //   −investment + revenue weight × Σₖ≤ₘ BTC per H/s − m × monthly cost.
        let base = MonthlyBase::new(&input)?;
        let path_index = self.decay_path(valid.decay_pct);
        let path = &mut self.decay_paths[path_index];
        let revenue_weight = input.fleet_hashrate_hs() * base.uptime * input.btc_price_usd;
        let cost_usd_month = base.energy_kwh * base.usd_per_kwh + base.other_costs_usd;
        path.revenue_weight += revenue_weight;
        self.fleet_cost_usd_month += cost_usd_month;
        let cumulative_btc = &path.cumulative_btc_per_hs;
        let payback = cumulative_btc
            .iter()
            .zip(&self.month_numbers)
            .position(|(btc, month)| {
                revenue_weight * btc - month * cost_usd_month - valid.investment_usd >= 0.0
            })
            .and_then(|index| u32::try_from(index + 1).ok())
            .filter(|_| valid.investment_usd > 0.0);
        let total_btc = cumulative_btc.last().copied().unwrap_or(0.0);
        let months = self.month_numbers.last().copied().unwrap_or(0.0);
        let total_profit_usd = revenue_weight * total_btc - months * cost_usd_month;
        self.results.push(RowResult {
            row: row.row,
            model: valid.model.to_owned(),
            quantity: valid.count,
            hashrate_ths: row.hashrate_ths.unwrap_or(valid.hashrate_hs / HS_PER_THS),
            power_w: valid.power_w,
            price_usd: valid.price_usd,
            electricity_usd_per_kwh: valid.usd_per_kwh,
            decay_pct_per_month: valid.decay_pct,
            filled_from_catalogue: valid.filled,
            efficiency_j_th: day.efficiency_j_th,
            daily_btc: day.daily_btc,
            daily_revenue_usd: day.daily_revenue_usd,
            daily_electricity_usd: day.daily_electricity_usd,
            daily_profit_usd: day.daily_profit_usd,
            investment_usd: valid.investment_usd,
            total_profit_usd,
            payback_month: payback,
            roi_pct: roi_pct(total_profit_usd, valid.investment_usd),
        });
        Ok(())
    }

    /// Index of the month path of a decay in `decay_paths`, made on first use.
    fn decay_path(&mut self, decay_pct: f64) -> usize {
        let paths = &mut self.decay_paths;
        *self
            .decay_index
            .entry(decay_pct.to_bits())
            .or_insert_with(|| {
                let mut cumulative = 0.0;
                let cumulative_btc_per_hs = (1..=self.defaults.months)
                    .zip(&self.btc_per_hs)
                    .map(|(month, btc)| {
                        cumulative += decay_factor(decay_pct, month) * btc;
                        cumulative
                    })
                    .collect();
                paths.push(DecayPath {
                    cumulative_btc_per_hs,
                    revenue_weight: 0.0,
                });
                paths.len() - 1
            })
    }

    #[allow(clippy::cast_precision_loss)] // quantities are ≤ 10⁷ per row, sums exact in f64
    pub(super) fn finish(self) -> BatchReport {
        let results = self.results;
        let sum = |f: fn(&RowResult) -> f64| results.iter().map(f).sum::<f64>();
        let hashrate_ths = sum(|r| r.hashrate_ths * r.quantity as f64);
        let power_w = sum(|r| r.power_w * r.quantity as f64);
        let investment_usd = sum(|r| r.investment_usd);
        let total_profit_usd = sum(|r| r.total_profit_usd);
        // The rows' cumulative profits summed, path by path (see `compute`).
        let cumulative: Vec<f64> = self
            .month_numbers
            .iter()
            .enumerate()
            .map(|(index, month)| {
                let revenue_usd: f64 = self
                    .decay_paths
                    .iter()
                    .filter_map(|path| {
                        // Every path has one entry per month; `get` keeps that an invariant,
                        // not a possible panic.
                        let btc = path.cumulative_btc_per_hs.get(index)?;
                        Some(path.revenue_weight * btc)
                    })
                    .sum();
                revenue_usd - month * self.fleet_cost_usd_month - investment_usd
            })
            .collect();
        let summary = BatchSummary {
            rows: results.len(),
            rows_in_error: self.rows_in_error,
            miners: results.iter().map(|r| r.quantity).sum(),
            hashrate_ths,
            power_kw: power_w / 1000.0,
            efficiency_j_th: (hashrate_ths > 0.0).then(|| power_w / hashrate_ths),
            investment_usd,
            daily_btc: sum(|r| r.daily_btc),
            daily_revenue_usd: sum(|r| r.daily_revenue_usd),
            daily_electricity_usd: sum(|r| r.daily_electricity_usd),
            daily_profit_usd: sum(|r| r.daily_profit_usd),
            total_profit_usd,
            payback_month: if results.is_empty() || investment_usd <= 0.0 {
                None
            } else {
                payback_month(&cumulative)
            },
            roi_pct: roi_pct(total_profit_usd, investment_usd),
        };
        BatchReport {
            months: self.defaults.months,
            results,
            errors: self.errors,
            summary,
        }
    }
}

/// What every row with one decay shares.
struct DecayPath {
    /// For each month m: Σ over months 1..=m of the BTC that 1 H/s of new fleet mines, after
    /// decay and the pool fee.
    cumulative_btc_per_hs: Vec<f64>,
    /// Σ over the path's rows of hashrate (H/s, after uptime) × BTC price: with the cumulative
    /// above, the rows' cumulative revenue, USD.
    revenue_weight: f64,
}

/// One row's cells, borrowed from a [`BatchRow`] or straight from a CSV record.
pub(super) struct Cells<'r> {
    pub(super) row: u32,
    pub(super) model: &'r str,
    pub(super) quantity: Option<f64>,
    pub(super) hashrate_ths: Option<f64>,
    pub(super) power_w: Option<f64>,
    pub(super) price_usd: Option<f64>,
    pub(super) electricity_usd_per_kwh: Option<f64>,
    pub(super) decay_pct_per_month: Option<f64>,
}

impl<'r> From<&'r BatchRow> for Cells<'r> {
    fn from(row: &'r BatchRow) -> Self {
        Self {
            row: row.row,
            model: &row.model,
            quantity: row.quantity,
            hashrate_ths: row.hashrate_ths,
            power_w: row.power_w,
            price_usd: row.price_usd,
            electricity_usd_per_kwh: row.electricity_usd_per_kwh,
            decay_pct_per_month: row.decay_pct_per_month,
        }
    }
}

/// The row's values once valid.
struct Valid<'r> {
    model: &'r str,
    count: u64,
    hashrate_hs: f64,
    power_w: f64,
    price_usd: f64,
    investment_usd: f64,
    usd_per_kwh: f64,
    decay_pct: f64,
    filled: bool,
}

/// Collects one row's errors into the batch's list.
struct RowErrors<'e> {
    row: u32,
    errors: &'e mut Vec<RowError>,
}

impl RowErrors<'_> {
    fn push(&mut self, column: BatchColumn, code: RowErrorCode) {
        self.errors.push(RowError {
            row: self.row,
            column,
            code,
        });
    }

    /// The value, or `None` after reporting why it is refused.
    fn check<T, C: Into<RowErrorCode>>(
        &mut self,
        column: BatchColumn,
        value: Result<T, C>,
    ) -> Option<T> {
        value.map_err(|code| self.push(column, code.into())).ok()
    }
}

/// The cell's value, or `default` for an empty cell; `None` when the cell was unreadable.
fn optional(cell: Option<f64>, readable: bool, default: f64) -> Option<f64> {
    match cell {
        Some(value) => Some(value),
        None if readable => Some(default),
        None => None,
    }
}

/// A quantity as a count of miners.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // whole, 1..=10⁷ checked
#[allow(clippy::cast_precision_loss)] // MAX_MINER_COUNT = 10⁷ is exact in f64
fn whole_count(quantity: f64) -> Result<u64, RowErrorCode> {
    if !quantity.is_finite() {
        Err(RowErrorCode::NotFinite)
    } else if quantity <= 0.0 {
        Err(RowErrorCode::MustBePositive)
    } else if quantity.fract() != 0.0 {
        Err(RowErrorCode::NotAWholeNumber)
    } else if quantity > MAX_MINER_COUNT as f64 {
        Err(RowErrorCode::TooLarge)
    } else {
        Ok(quantity as u64)
    }
}

/// The projection's ROI without resale: (profit − investment) ÷ investment × 100.
fn roi_pct(total_profit_usd: f64, investment_usd: f64) -> Option<f64> {
    (investment_usd > 0.0).then(|| (total_profit_usd - investment_usd) / investment_usd * 100.0)
}
