//! The batch calculator: many rows of miners (a farm's inventory or a purchase plan, usually a
//! spreadsheet) computed on one set of network and market assumptions. Each row gets its day
//! and its payback, the fleet gets a summary, and the results export back to CSV.
//!
//! Input is CSV text with a header row (see [`calculate_batch_csv`]) or rows already read from
//! another format (see [`calculate_batch`], e.g. for an XLSX reader), so both feed one engine.
//! A bad cell never stops the batch: it is reported by spreadsheet row and column, and every
//! other row is still computed.
//!
//! Every row shares the chain (difficulty path, halvings) of the defaults, so it is walked once
//! per batch, and rows with the same decay share its cumulative BTC per H/s, which leaves a
//! row's horizon a few multiplications. A row's day is [`calculate`]'s for that row, and its
//! payback, profit and ROI are [`crate::project`]'s to rounding (see
//! [`BatchDefaults::row_input`] and [`BatchDefaults::row_params`]).

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calculator::{CalcError, CalcInput};
use crate::costs::{HostingFees, Tariff};
use crate::csv::{self, CsvError, CsvRecord};
use crate::projection::{ProjectionError, ProjectionParams};
use crate::units::HS_PER_THS;
use crate::validation::{FieldError, FieldErrorCode};

mod engine;
mod export;

use engine::{Cells, Engine};
pub use export::{EXPORT_COLUMNS, to_csv};

/// Most data rows in one batch. A large farm's whole inventory is a few thousand rows; the cap
/// bounds the work and memory of one request (100,000 rows compute in well under 100 ms).
pub const MAX_BATCH_ROWS: usize = 100_000;

/// A column of the batch input. Its CSV header is [`BatchColumn::name`] or an alias (see
/// [`BatchColumn::from_header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchColumn {
    /// Model name, looked up in the catalogue when hashrate or power is empty.
    Model,
    /// Number of identical miners in the row; empty means 1.
    Quantity,
    /// Hashrate of one miner, TH/s.
    HashrateThs,
    /// Power of one miner at the wall, W.
    PowerW,
    /// Price of one miner, USD; empty means no investment.
    PriceUsd,
    /// Electricity price, USD/kWh; empty means [`BatchDefaults::electricity_usd_per_kwh`].
    ElectricityUsdKwh,
    /// Hashrate lost per month, percent; empty means 0.
    DecayPctMonth,
}

/// Header aliases after normalisation (see [`BatchColumn::from_header`]). Chinese headers are
/// the ones the old system's template and Chinese spreadsheets use.
const HEADER_ALIASES: [(&str, BatchColumn); 27] = [
    ("model", BatchColumn::Model),
    ("miner_model", BatchColumn::Model),
    ("型号", BatchColumn::Model),
    ("机型", BatchColumn::Model),
    ("quantity", BatchColumn::Quantity),
    ("qty", BatchColumn::Quantity),
    ("count", BatchColumn::Quantity),
    ("数量", BatchColumn::Quantity),
    ("台数", BatchColumn::Quantity),
    ("hashrate_ths", BatchColumn::HashrateThs),
    ("hashrate", BatchColumn::HashrateThs),
    ("算力", BatchColumn::HashrateThs),
    ("power_w", BatchColumn::PowerW),
    ("power", BatchColumn::PowerW),
    ("功耗", BatchColumn::PowerW),
    ("price_usd", BatchColumn::PriceUsd),
    ("price", BatchColumn::PriceUsd),
    ("价格", BatchColumn::PriceUsd),
    ("单价", BatchColumn::PriceUsd),
    ("electricity_usd_kwh", BatchColumn::ElectricityUsdKwh),
    ("electricity_usd_per_kwh", BatchColumn::ElectricityUsdKwh),
    ("电价", BatchColumn::ElectricityUsdKwh),
    // "Electricity (USD/kWh)": the header our own XLSX export writes.
    ("electricity", BatchColumn::ElectricityUsdKwh),
    ("decay_pct_month", BatchColumn::DecayPctMonth),
    ("decay_pct_per_month", BatchColumn::DecayPctMonth),
    ("衰减", BatchColumn::DecayPctMonth),
    // "Decay (%/month)": the header our own XLSX export writes.
    ("decay", BatchColumn::DecayPctMonth),
];

impl BatchColumn {
    /// Every column, in the order errors within a row are reported.
    pub const ALL: [Self; 7] = [
        Self::Model,
        Self::Quantity,
        Self::HashrateThs,
        Self::PowerW,
        Self::PriceUsd,
        Self::ElectricityUsdKwh,
        Self::DecayPctMonth,
    ];

    /// The canonical CSV header, also used by [`to_csv`].
    pub const fn name(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Quantity => "quantity",
            Self::HashrateThs => "hashrate_ths",
            Self::PowerW => "power_w",
            Self::PriceUsd => "price_usd",
            Self::ElectricityUsdKwh => "electricity_usd_kwh",
            Self::DecayPctMonth => "decay_pct_month",
        }
    }

    /// The column a header names, or `None` for a column the batch does not use.
    ///
    /// Case-insensitive, surrounding spaces ignored, spaces and hyphens read as underscores,
    /// and a trailing unit in parentheses dropped, so "Hashrate (TH/s)" and "算力（TH/s）"
    /// both name [`BatchColumn::HashrateThs`]. Short aliases carry the column's unit: a
    /// "hashrate" column is TH/s, a "price" USD.
    pub fn from_header(header: &str) -> Option<Self> {
        let mut name = header.trim();
        if let Some(open) = name.find(['(', '（']) {
            name = name[..open].trim_end();
        }
        let name = name.to_lowercase().replace([' ', '-'], "_");
        HEADER_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, column)| *column)
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for BatchColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why one cell is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Error)]
pub enum RowErrorCode {
    /// Empty where a value is needed (hashrate or power with no model to look up).
    #[error("is missing")]
    Missing,
    /// Text that is not a number.
    #[error("is not a number")]
    NotANumber,
    /// A quantity with a fractional part.
    #[error("must be a whole number")]
    NotAWholeNumber,
    /// A model the catalogue does not know, when hashrate or power has to come from it.
    #[error("is not a known model")]
    UnknownModel,
    /// A number too large for f64 (e.g. 1e999).
    #[error("must be a finite number")]
    NotFinite,
    /// Zero or negative where only a positive value makes sense.
    #[error("must be greater than zero")]
    MustBePositive,
    /// Negative where zero is the smallest sensible value.
    #[error("must be zero or more")]
    MustBeNonNegative,
    /// Outside the column's range.
    #[error("is outside the allowed range")]
    OutOfRange,
    /// Above the column's largest plausible value (the calculator's limits).
    #[error("is implausibly large")]
    TooLarge,
}

impl From<FieldErrorCode> for RowErrorCode {
    fn from(code: FieldErrorCode) -> Self {
        match code {
            FieldErrorCode::NotFinite => Self::NotFinite,
            FieldErrorCode::MustBePositive => Self::MustBePositive,
            FieldErrorCode::MustBeNonNegative => Self::MustBeNonNegative,
            FieldErrorCode::OutOfRange => Self::OutOfRange,
            FieldErrorCode::TooLarge => Self::TooLarge,
            FieldErrorCode::Empty => Self::Missing,
        }
    }
}

/// One refused cell, located as a spreadsheet shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Error)]
#[error("row {row}: {column} {code}")]
pub struct RowError {
    /// Spreadsheet row number: the header is row 1, the first data row row 2.
    pub row: u32,
    pub column: BatchColumn,
    pub code: RowErrorCode,
}

/// The assumptions every row shares. Field names and ranges are those of [`CalcInput`] and
/// [`ProjectionParams`]; [`BatchDefaults::validate`] reports them by these names.
///
/// Rows are self-mined at 100 % uptime, PUE 1, with no hosting fees or maintenance, a flat BTC
/// price and no electricity escalation: the figures a purchase comparison needs. A site with
/// overheads uses the single calculator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BatchDefaults {
    /// BTC price, USD, flat over the horizon.
    pub btc_price_usd: f64,
    /// Network difficulty now, raw.
    pub difficulty: f64,
    /// Block subsidy now, BTC; halvings follow from `start_height`.
    pub subsidy_btc: f64,
    /// Average transaction fees per block, BTC.
    pub fees_per_block_btc: f64,
    /// Pool fee, percent of mined BTC.
    pub pool_fee_pct: f64,
    /// Electricity price for rows that leave theirs empty, USD/kWh.
    pub electricity_usd_per_kwh: f64,
    /// Months in the payback horizon, 1..=[`crate::projection::MAX_MONTHS`].
    pub months: u32,
    /// Difficulty change at every retarget, percent.
    pub difficulty_growth_pct_per_retarget: f64,
    /// Height of the first block of month 1 (chain tip + 1).
    pub start_height: u64,
}

impl BatchDefaults {
    /// Every refused default. Empty means every valid row computes.
    pub fn validate(&self) -> Vec<FieldError> {
        // The probe's own values (one 1 TH/s miner of 1 W, no investment) are always valid,
        // so every error is a default's; the rules are the calculator's and projection's own.
        let probe = self.row_input(HS_PER_THS, 1.0, 1, self.electricity_usd_per_kwh, 0.0);
        let mut errors = probe.validate();
        errors.extend(self.row_params(0.0).validate());
        for error in &mut errors {
            if error.field == "tariff.usd_per_kwh" {
                error.field = "electricity_usd_per_kwh";
            }
        }
        errors
    }

    /// The calculator input of one row: `count` miners of `hashrate_hs` and `power_w`, a flat
    /// tariff, `investment_usd` (price × count) and the shared defaults. [`calculate`] on it
    /// gives the row's day.
    pub fn row_input(
        &self,
        hashrate_hs: f64,
        power_w: f64,
        count: u64,
        electricity_usd_per_kwh: f64,
        investment_usd: f64,
    ) -> CalcInput {
        CalcInput {
            hashrate_hs,
            power_w,
            count,
            difficulty: self.difficulty,
            subsidy_btc: self.subsidy_btc,
            fees_per_block_btc: self.fees_per_block_btc,
            pool_fee_pct: self.pool_fee_pct,
            btc_price_usd: self.btc_price_usd,
            network_hashrate_hs: None,
            tariff: Tariff::Flat {
                usd_per_kwh: electricity_usd_per_kwh,
            },
            pue: 1.0,
            uptime_pct: 100.0,
            maintenance_usd_month: 0.0,
            hosting: HostingFees::NONE,
            host_site_cost_usd_per_kwh: None,
            investment_usd,
        }
    }

    /// The projection parameters of a row with this decay. [`crate::project`] on them and
    /// [`BatchDefaults::row_input`] gives the row's payback and ROI.
    pub fn row_params(&self, decay_pct_per_month: f64) -> ProjectionParams {
        ProjectionParams {
            months: self.months,
            difficulty_growth_pct_per_retarget: self.difficulty_growth_pct_per_retarget,
            start_height: self.start_height,
            hashrate_decay_pct_per_month: decay_pct_per_month,
            ..ProjectionParams::default()
        }
    }
}

/// One row as read from a spreadsheet, before validation. `None` is an empty cell.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BatchRow {
    /// Spreadsheet row number, used only to report errors (header = row 1).
    pub row: u32,
    /// Model name; may be empty when hashrate and power are both given.
    pub model: String,
    /// Number of miners, a whole number 1..=[`MAX_MINER_COUNT`]; empty means 1.
    pub quantity: Option<f64>,
    /// Hashrate of one miner, TH/s; empty means the catalogue's for `model`.
    pub hashrate_ths: Option<f64>,
    /// Power of one miner, W; empty means the catalogue's for `model`.
    pub power_w: Option<f64>,
    /// Price of one miner, USD, ≥ 0; empty means 0 (no investment, so no ROI).
    pub price_usd: Option<f64>,
    /// Electricity price, USD/kWh, 0..=[`MAX_USD_PER_KWH`]; empty means the default.
    pub electricity_usd_per_kwh: Option<f64>,
    /// Hashrate lost per month, percent, 0..=100; empty means 0.
    pub decay_pct_per_month: Option<f64>,
}

/// The figures of one computed row, for its whole quantity unless the name says per miner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowResult {
    /// Spreadsheet row number.
    pub row: u32,
    pub model: String,
    pub quantity: u64,
    /// Hashrate of one miner as used, TH/s (the cell's, or the catalogue's).
    pub hashrate_ths: f64,
    /// Power of one miner as used, W.
    pub power_w: f64,
    /// Price of one miner, USD.
    pub price_usd: f64,
    /// Electricity price as used, USD/kWh.
    pub electricity_usd_per_kwh: f64,
    /// Hashrate decay as used, percent per month.
    pub decay_pct_per_month: f64,
    /// Whether hashrate or power came from the catalogue.
    pub filled_from_catalogue: bool,
    /// Machine efficiency, J/TH.
    pub efficiency_j_th: f64,
    /// BTC mined per day, net of the pool fee.
    pub daily_btc: f64,
    pub daily_revenue_usd: f64,
    pub daily_electricity_usd: f64,
    pub daily_profit_usd: f64,
    /// Price × quantity, USD.
    pub investment_usd: f64,
    /// Profit summed over the horizon, USD (operations only).
    pub total_profit_usd: f64,
    /// First month whose cumulative profit covers the investment; `None` when not within the
    /// horizon or without an investment, as in [`crate::Projection::payback_month`].
    pub payback_month: Option<u32>,
    /// (total profit − investment) ÷ investment × 100; `None` without an investment.
    pub roi_pct: Option<f64>,
}

/// Totals over the computed rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BatchSummary {
    /// Rows computed.
    pub rows: usize,
    /// Rows with at least one error (not computed).
    pub rows_in_error: usize,
    /// Σ quantity.
    pub miners: u64,
    /// Σ hashrate × quantity, TH/s.
    pub hashrate_ths: f64,
    /// Σ power × quantity, kW.
    pub power_kw: f64,
    /// Fleet efficiency, J/TH: total power ÷ total hashrate, so each row weighs by its
    /// hashrate. `None` when no row computed.
    pub efficiency_j_th: Option<f64>,
    pub investment_usd: f64,
    pub daily_btc: f64,
    pub daily_revenue_usd: f64,
    pub daily_electricity_usd: f64,
    pub daily_profit_usd: f64,
    /// Σ of the rows' profit over the horizon, USD.
    pub total_profit_usd: f64,
    /// First month whose fleet cumulative profit (−Σ investment + Σ monthly profits of every
    /// row) is ≥ 0; `None` when not within the horizon or no row computed.
    pub payback_month: Option<u32>,
    /// (total profit − investment) ÷ investment × 100; `None` without an investment.
    pub roi_pct: Option<f64>,
}

/// Everything a batch produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    /// Months in the horizon.
    pub months: u32,
    /// Computed rows, in input order.
    pub results: Vec<RowResult>,
    /// Refused cells, by row then column.
    pub errors: Vec<RowError>,
    pub summary: BatchSummary,
}

/// Why a whole batch cannot be computed. Bad cells are not among these: they are
/// [`BatchReport::errors`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BatchError {
    /// Every refused default, by [`BatchDefaults`] field name.
    #[error("{} invalid default(s)", .0.len())]
    Defaults(Vec<FieldError>),
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The text has no non-blank row.
    #[error("the file has no header row")]
    NoHeader,
    /// No header names a batch column: likely another delimiter or a file of another kind.
    #[error("no column of the header is recognised (expected e.g. model, quantity, hashrate_ths)")]
    NoKnownColumn,
    /// Two headers name the same column.
    #[error("column {0} appears more than once")]
    DuplicateColumn(BatchColumn),
    #[error("more than {MAX_BATCH_ROWS} rows")]
    TooManyRows,
    // The two below cannot happen after validation; they exist so nothing has to unwrap.
    #[error(transparent)]
    Calc(#[from] CalcError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
}

/// Looks a model up in the catalogue: `(hashrate_hs, power_w)` of one miner.
pub type ModelLookup<'a> = &'a dyn Fn(&str) -> Option<(f64, f64)>;

/// Computes already-read rows (e.g. from an XLSX reader). Hashrate and power left empty are
/// filled from `lookup` by model name.
pub fn calculate_batch(
    rows: &[BatchRow],
    defaults: &BatchDefaults,
    lookup: ModelLookup<'_>,
) -> Result<BatchReport, BatchError> {
    if rows.len() > MAX_BATCH_ROWS {
        return Err(BatchError::TooManyRows);
    }
    let mut engine = Engine::new(defaults, lookup)?;
    for row in rows {
        let first_error = engine.errors.len();
        engine.add(&Cells::from(row), 0, first_error)?;
    }
    Ok(engine.finish())
}

/// Computes a CSV text (RFC 4180, see [`crate::csv`]) with a header row.
///
/// Columns are found by header (see [`BatchColumn::from_header`]) in any order; other columns
/// are ignored and a missing column is read as empty cells. Blank rows are skipped but
/// counted, so row numbers match the spreadsheet. Numbers may carry thousands separators
/// ("3,250" in a quoted cell), prices a leading "$" and decay a trailing "%".
pub fn calculate_batch_csv(
    text: &str,
    defaults: &BatchDefaults,
    lookup: ModelLookup<'_>,
) -> Result<BatchReport, BatchError> {
    let mut engine = Engine::new(defaults, lookup)?;
    let mut records = csv::records(text).filter(|record| !matches!(record, Ok(r) if r.is_blank()));
    let header = records.next().ok_or(BatchError::NoHeader)??;
    let columns = header_columns(&header)?;
    let mut count = 0_usize;
    for record in records {
        let record = record?;
        count += 1;
        if count > MAX_BATCH_ROWS {
            return Err(BatchError::TooManyRows);
        }
        let first_error = engine.errors.len();
        let (row, unreadable) = read_row(&record, &columns, &mut engine.errors);
        engine.add(&row, unreadable, first_error)?;
    }
    Ok(engine.finish())
}

/// Field index of each column, in [`BatchColumn::ALL`] order.
type ColumnIndex = [Option<usize>; BatchColumn::ALL.len()];

fn header_columns(header: &CsvRecord<'_>) -> Result<ColumnIndex, BatchError> {
    let mut columns: ColumnIndex = [None; BatchColumn::ALL.len()];
    for (index, name) in header.fields.iter().enumerate() {
        if let Some(column) = BatchColumn::from_header(name) {
            let slot = &mut columns[column as usize];
            if slot.is_some() {
                return Err(BatchError::DuplicateColumn(column));
            }
            *slot = Some(index);
        }
    }
    if columns.iter().all(Option::is_none) {
        return Err(BatchError::NoKnownColumn);
    }
    Ok(columns)
}

/// One CSV record as a row's cells, reporting cells that are not numbers. Returns the set of
/// such columns (a bit per [`BatchColumn`]) so the engine neither reports them missing nor
/// fills them from the catalogue.
fn read_row<'r>(
    record: &'r CsvRecord<'_>,
    columns: &ColumnIndex,
    errors: &mut Vec<RowError>,
) -> (Cells<'r>, u8) {
    let cell = |column: BatchColumn| {
        columns[column as usize]
            .and_then(|index| record.fields.get(index))
            .map_or("", |field| field.as_ref())
    };
    let mut unreadable = 0_u8;
    let mut number = |column: BatchColumn| match parse_number(cell(column), column) {
        Ok(value) => value,
        Err(code) => {
            errors.push(RowError {
                row: record.row,
                column,
                code,
            });
            unreadable |= column.bit();
            None
        }
    };
    let row = Cells {
        row: record.row,
        model: cell(BatchColumn::Model),
        quantity: number(BatchColumn::Quantity),
        hashrate_ths: number(BatchColumn::HashrateThs),
        power_w: number(BatchColumn::PowerW),
        price_usd: number(BatchColumn::PriceUsd),
        electricity_usd_per_kwh: number(BatchColumn::ElectricityUsdKwh),
        decay_pct_per_month: number(BatchColumn::DecayPctMonth),
    };
    (row, unreadable)
}

/// A cell as a number: `Ok(None)` when empty. Spreadsheet decorations are accepted where they
/// cannot change the meaning: "1,234.5" thousands grouping, "$" before a USD price, "%" after
/// a decay. Words such as "inf" or "NaN" that Rust's parser would take are refused.
fn parse_number(cell: &str, column: BatchColumn) -> Result<Option<f64>, RowErrorCode> {
    let mut text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match column {
        BatchColumn::PriceUsd | BatchColumn::ElectricityUsdKwh => {
            text = text.strip_prefix('$').map_or(text, str::trim_start);
        }
        BatchColumn::DecayPctMonth => text = text.strip_suffix('%').map_or(text, str::trim_end),
        _ => {}
    }
    let ungrouped;
    if text.contains(',') {
        ungrouped = ungroup(text).ok_or(RowErrorCode::NotANumber)?;
        text = &ungrouped;
    }
    let numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b'e' | b'E'));
    if !numeric {
        return Err(RowErrorCode::NotANumber);
    }
    let value: f64 = text.parse().map_err(|_| RowErrorCode::NotANumber)?;
    if value.is_finite() {
        Ok(Some(value))
    } else {
        Err(RowErrorCode::NotFinite)
    }
}

/// "1,234,567.8" without its separators; `None` unless every group after the first has
/// exactly three digits (so "1,5", a decimal comma, is not silently read as 15).
fn ungroup(text: &str) -> Option<String> {
    let unsigned = text.trim_start_matches(['+', '-']);
    let integer = unsigned.split('.').next().unwrap_or(unsigned);
    let mut groups = integer.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    let fraction_has_comma =
        unsigned.len() > integer.len() && unsigned[integer.len()..].contains(',');
    (first_ok && rest_ok && !fraction_has_comma).then(|| text.replace(',', ""))
}

/// A model name as exported: behind an apostrophe when a spreadsheet would otherwise run it
/// as a formula ([`csv::defused`]). [`import_model`] removes exactly that prefix.
fn export_model(model: &str) -> String {
    csv::defused(model).into_owned()
}

/// A model name as read: trimmed, and without the apostrophe [`export_model`] adds.
fn import_model(model: &str) -> &str {
    csv::undefused(model.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::calculate;
    use crate::projection::project;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
    }

    /// The golden S19 Pro's market (see the calculator's tests), 36 months from late 2025.
    fn defaults() -> BatchDefaults {
        BatchDefaults {
            btc_price_usd: 80_000.0,
            difficulty: 119.12e12,
            subsidy_btc: 3.125,
            fees_per_block_btc: 0.0,
            pool_fee_pct: 0.0,
            electricity_usd_per_kwh: 0.05,
            months: 36,
            difficulty_growth_pct_per_retarget: 1.5,
            start_height: 925_000,
        }
    }

    fn catalogue(model: &str) -> Option<(f64, f64)> {
        match model.to_lowercase().as_str() {
            "antminer s19 pro" | "s19 pro" => Some((110e12, 3250.0)),
            "antminer s21" | "s21" => Some((200e12, 3500.0)),
            "whatsminer m50s" | "m50s" => Some((126e12, 3276.0)),
            "antminer t19" | "t19" => Some((88e12, 3150.0)),
            "broken" => Some((-1.0, 3000.0)),
            _ => None,
        }
    }

    fn run(text: &str) -> BatchReport {
        calculate_batch_csv(text, &defaults(), &catalogue).unwrap()
    }

    fn errors(report: &BatchReport) -> Vec<(u32, BatchColumn, RowErrorCode)> {
        report
            .errors
            .iter()
            .map(|e| (e.row, e.column, e.code))
            .collect()
    }

    #[test]
    fn a_full_row_matches_the_calculator_and_the_projection() {
        let report = run(
            "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month\n\
             S19 Pro,10,110,3250,2500,0.06,1.5\n",
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let r = &report.results[0];
        assert_eq!((r.row, r.model.as_str(), r.quantity), (2, "S19 Pro", 10));
        let input = defaults().row_input(110e12, 3250.0, 10, 0.06, 25_000.0);
        let day = calculate(&input).unwrap();
        assert!(close(r.daily_btc, day.daily_btc, 1e-15));
        assert!(close(r.daily_revenue_usd, day.daily_revenue_usd, 1e-15));
        assert!(close(r.daily_electricity_usd, 10.0 * 78.0 * 0.06, 1e-12));
        assert!(close(r.daily_profit_usd, day.daily_profit_usd, 1e-15));
        assert!(close(r.efficiency_j_th, 3250.0 / 110.0, 1e-12));
        assert!(close(r.investment_usd, 25_000.0, 0.0));
        let full = project(&input, &defaults().row_params(1.5)).unwrap();
        assert_eq!(r.payback_month, full.payback_month);
        assert!(close(r.total_profit_usd, full.total_profit_usd, 1e-12));
        assert!(close(r.roi_pct.unwrap(), full.roi_pct.unwrap(), 1e-12));
        assert!(!r.filled_from_catalogue);
    }

    #[test]
    fn every_rows_payback_and_roi_equal_its_own_projection() {
        // Decays shared and not shared, cheap and dear power: paybacks early, late and never.
        let report = run(
            "model,quantity,price_usd,electricity_usd_kwh,decay_pct_month\n\
             S21,3,3200,0.03,0\n\
             S21,5,3200,0.03,0\n\
             S19 Pro,2,900,0.04,1\n\
             M50S,1,2200,0.05,1\n\
             T19,4,1800,0.07,2\n\
             S19 Pro,1,100,0.02,0.5\n",
        );
        assert_eq!(report.results.len(), 6);
        let mut paybacks = Vec::new();
        for r in &report.results {
            let (hs, w) = catalogue(&r.model).unwrap();
            let input = defaults().row_input(hs, w, r.quantity, r.electricity_usd_per_kwh, {
                #[allow(clippy::cast_precision_loss)]
                let count = r.quantity as f64;
                r.price_usd * count
            });
            let full = project(&input, &defaults().row_params(r.decay_pct_per_month)).unwrap();
            assert_eq!(r.payback_month, full.payback_month, "row {}", r.row);
            assert!(close(r.total_profit_usd, full.total_profit_usd, 1e-12));
            assert!(close(r.roi_pct.unwrap(), full.roi_pct.unwrap(), 1e-12));
            paybacks.push(r.payback_month);
        }
        assert!(paybacks.contains(&None) && paybacks.iter().any(Option::is_some));
    }

    #[test]
    fn chinese_headers_with_units_in_any_order_are_recognised() {
        let report = run(
            "\u{feff}电价（美元/千瓦时）,数量,型号,算力 (TH/s),功耗(W),价格,衰减(%/月)\r\n\
             0.05,2,S21,200,3500,3200,1\r\n",
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let r = &report.results[0];
        assert_eq!(r.quantity, 2);
        assert!(close(r.hashrate_ths, 200.0, 0.0));
        assert!(close(r.power_w, 3500.0, 0.0));
        assert!(close(r.investment_usd, 6400.0, 0.0));
        assert!(close(r.decay_pct_per_month, 1.0, 0.0));
    }

    #[test]
    fn headers_are_case_and_space_insensitive_and_unknown_columns_are_ignored() {
        assert_eq!(
            BatchColumn::from_header("  Hashrate (TH/s) "),
            Some(BatchColumn::HashrateThs)
        );
        assert_eq!(
            BatchColumn::from_header("Electricity USD kWh"),
            Some(BatchColumn::ElectricityUsdKwh)
        );
        assert_eq!(
            BatchColumn::from_header("decay-pct-month"),
            Some(BatchColumn::DecayPctMonth)
        );
        // The readable headers of our own XLSX export.
        assert_eq!(
            BatchColumn::from_header("Electricity (USD/kWh)"),
            Some(BatchColumn::ElectricityUsdKwh)
        );
        assert_eq!(
            BatchColumn::from_header("Decay (%/month)"),
            Some(BatchColumn::DecayPctMonth)
        );
        assert_eq!(BatchColumn::from_header("Daily electricity (USD)"), None);
        assert_eq!(BatchColumn::from_header("notes"), None);
        let report = run("Notes,MODEL,Qty\n\"bought 2024, batch A\",S19 Pro,3\n");
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.results[0].quantity, 3);
        for column in BatchColumn::ALL {
            assert_eq!(BatchColumn::from_header(column.name()), Some(column));
        }
    }

    #[test]
    fn the_catalogue_fills_empty_hashrate_and_power_and_cells_override_it() {
        let report = run("model,hashrate_ths,power_w\n\
             S19 Pro,,\n\
             S19 Pro,104,\n\
             ,100,3000\n");
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let [a, b, c] = &report.results[..] else {
            panic!("three rows expected");
        };
        assert!(a.filled_from_catalogue && close(a.hashrate_ths, 110.0, 1e-15));
        assert!(close(a.power_w, 3250.0, 0.0));
        assert!(b.filled_from_catalogue && close(b.hashrate_ths, 104.0, 0.0));
        assert!(close(b.power_w, 3250.0, 0.0));
        assert!(!c.filled_from_catalogue && c.model.is_empty());
    }

    #[test]
    fn the_catalogue_is_asked_once_per_model() {
        let calls = std::cell::Cell::new(0);
        let counting = |model: &str| {
            calls.set(calls.get() + 1);
            catalogue(model)
        };
        let text = "model\nS21\nS21\nS19 Pro\nS21\nnope\nnope\n";
        let report = calculate_batch_csv(text, &defaults(), &counting).unwrap();
        assert_eq!(report.results.len(), 4);
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn unknown_models_and_missing_values_are_reported_by_row_and_column() {
        use BatchColumn as Col;
        use RowErrorCode as C;
        let report = run("model,quantity,hashrate_ths,power_w\n\
             Mystery 9000,1,,\n\
             ,1,110,\n\
             ,2,,\n\
             Mystery 9000,1,110,3250\n\
             broken,1,,\n");
        assert_eq!(
            errors(&report),
            vec![
                (2, Col::Model, C::UnknownModel),
                (3, Col::PowerW, C::Missing),
                (4, Col::HashrateThs, C::Missing),
                (4, Col::PowerW, C::Missing),
                (6, Col::HashrateThs, C::MustBePositive),
            ]
        );
        // A model the catalogue does not know is fine when nothing has to be looked up.
        assert_eq!(report.results.len(), 1);
        assert_eq!(report.results[0].row, 5);
        assert_eq!(report.summary.rows_in_error, 4);
    }

    #[test]
    fn bad_cells_are_reported_and_good_rows_still_compute() {
        use BatchColumn as Col;
        use RowErrorCode as C;
        let report = run(
            "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month\n\
             S21,1,,,,,\n\
             S21,abc,,,-5,,\n\
             \n\
             S21,2.5,0,,,,101\n\
             \"S21\nnote\",1,,,,0.05,\n\
             S21,1e999,,lots,,200,\n\
             T19,4,,,,,\n",
        );
        assert_eq!(
            errors(&report),
            vec![
                (3, Col::Quantity, C::NotANumber),
                (3, Col::PriceUsd, C::MustBeNonNegative),
                (5, Col::Quantity, C::NotAWholeNumber),
                (5, Col::HashrateThs, C::MustBePositive),
                (5, Col::DecayPctMonth, C::OutOfRange),
                (6, Col::Model, C::UnknownModel),
                (7, Col::Quantity, C::NotFinite),
                (7, Col::PowerW, C::NotANumber),
                (7, Col::ElectricityUsdKwh, C::TooLarge),
            ]
        );
        let rows: Vec<u32> = report.results.iter().map(|r| r.row).collect();
        // The blank line is row 4; the quoted line break keeps row 6 one row.
        assert_eq!(rows, vec![2, 8]);
        assert_eq!(report.summary.rows, 2);
        assert_eq!(report.summary.rows_in_error, 4);
        let message = report.errors[0].to_string();
        assert_eq!(message, "row 3: quantity is not a number");
    }

    #[test]
    fn an_unreadable_hashrate_is_not_filled_from_the_catalogue() {
        let report = run("model,hashrate_ths\nS21,fast\n");
        assert!(report.results.is_empty());
        assert_eq!(
            errors(&report),
            vec![(2, BatchColumn::HashrateThs, RowErrorCode::NotANumber)]
        );
    }

    #[test]
    fn empty_cells_take_the_documented_defaults() {
        let report = run("model,quantity,price_usd,electricity_usd_kwh,decay_pct_month\nS21,,,,\n");
        let r = &report.results[0];
        assert_eq!(r.quantity, 1);
        assert!(close(r.price_usd, 0.0, 0.0) && r.roi_pct.is_none());
        assert!(close(r.electricity_usd_per_kwh, 0.05, 0.0));
        assert!(close(r.decay_pct_per_month, 0.0, 0.0));
        // No investment: nothing to pay back, as the projection says.
        assert_eq!(r.payback_month, None);
        assert_eq!(report.summary.payback_month, None);
    }

    #[test]
    fn spreadsheet_number_formats_are_read_and_ambiguous_ones_refused() {
        use BatchColumn as Col;
        let n = |cell: &str, column| parse_number(cell, column);
        assert_eq!(n(" 3,250 ", Col::PowerW), Ok(Some(3250.0)));
        assert_eq!(n("-1,234,567.5", Col::PowerW), Ok(Some(-1_234_567.5)));
        assert_eq!(n("$2,500", Col::PriceUsd), Ok(Some(2500.0)));
        assert_eq!(n("1.5%", Col::DecayPctMonth), Ok(Some(1.5)));
        assert_eq!(n("1e3", Col::PowerW), Ok(Some(1000.0)));
        assert_eq!(n("", Col::PowerW), Ok(None));
        for bad in [
            "1,5",
            "12,34",
            "1,234.5,6",
            "NaN",
            "inf",
            "$",
            "3 250",
            "1.5%",
        ] {
            assert_eq!(n(bad, Col::PowerW), Err(RowErrorCode::NotANumber), "{bad}");
        }
        assert_eq!(n("$5", Col::PowerW), Err(RowErrorCode::NotANumber));
    }

    #[test]
    fn an_investment_beyond_the_calculators_limit_is_refused_on_the_price() {
        let report = run("model,quantity,price_usd\nS21,10000000,2000000\n");
        assert_eq!(
            errors(&report),
            vec![(2, BatchColumn::PriceUsd, RowErrorCode::TooLarge)]
        );
    }

    #[test]
    #[allow(clippy::cast_precision_loss)] // small counts
    fn the_summary_adds_up_the_rows() {
        let report = run("model,quantity,price_usd,decay_pct_month\n\
             S21,3,3200,0\n\
             S19 Pro,2,900,1\n\
             M50S,1,2200,1\n\
             nope,1,1,1\n");
        let s = report.summary;
        let rs = &report.results;
        assert_eq!((s.rows, s.rows_in_error, s.miners), (3, 1, 6));
        assert!(close(
            s.hashrate_ths,
            3.0 * 200.0 + 2.0 * 110.0 + 126.0,
            1e-12
        ));
        assert!(close(
            s.power_kw,
            (3.0 * 3500.0 + 2.0 * 3250.0 + 3276.0) / 1000.0,
            1e-12
        ));
        assert!(close(
            s.efficiency_j_th.unwrap(),
            s.power_kw * 1000.0 / s.hashrate_ths,
            1e-12
        ));
        assert!(close(s.investment_usd, 9600.0 + 1800.0 + 2200.0, 1e-12));
        let total = |f: fn(&RowResult) -> f64| rs.iter().map(f).sum::<f64>();
        assert!(close(
            s.daily_revenue_usd,
            total(|r| r.daily_revenue_usd),
            1e-12
        ));
        assert!(close(
            s.daily_profit_usd,
            total(|r| r.daily_profit_usd),
            1e-12
        ));
        assert!(close(s.daily_btc, total(|r| r.daily_btc), 1e-12));
        assert!(close(
            s.total_profit_usd,
            total(|r| r.total_profit_usd),
            1e-12
        ));
        assert!(close(
            s.roi_pct.unwrap(),
            (s.total_profit_usd - s.investment_usd) / s.investment_usd * 100.0,
            1e-12
        ));
    }

    #[test]
    fn the_fleet_pays_back_when_the_summed_cumulative_turns_non_negative() {
        let report = run("model,quantity,price_usd,electricity_usd_kwh\n\
             S21,2,1000,0.03\n\
             T19,1,300,0.06\n");
        let mut monthly = vec![0.0; 36];
        let mut investment = 0.0;
        for r in &report.results {
            let (hs, w) = catalogue(&r.model).unwrap();
            let input = defaults().row_input(
                hs,
                w,
                r.quantity,
                r.electricity_usd_per_kwh,
                r.investment_usd,
            );
            investment += r.investment_usd;
            let full = project(&input, &defaults().row_params(0.0)).unwrap();
            for (sum, m) in monthly.iter_mut().zip(&full.months) {
                *sum += m.profit_usd;
            }
        }
        let mut cumulative = -investment;
        let expected = monthly.iter().position(|p| {
            cumulative += p;
            cumulative >= 0.0
        });
        let expected = expected.map(|i| u32::try_from(i + 1).unwrap());
        assert!(expected.is_some());
        assert_eq!(report.summary.payback_month, expected);
    }

    #[test]
    fn an_empty_batch_has_an_empty_summary() {
        let report = run("model,quantity\n\n\n");
        assert!(report.results.is_empty() && report.errors.is_empty());
        assert_eq!(report.summary.miners, 0);
        assert_eq!(report.summary.efficiency_j_th, None);
        assert_eq!(report.summary.payback_month, None);
        assert_eq!(report.summary.roi_pct, None);
    }

    #[test]
    fn the_export_reads_back_to_the_same_results() {
        let report = run(
            "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month\n\
             \"Antminer S19 Pro, \"\"hydro\"\"\",3,110,3250,2500,0.06,1.5\n\
             S21,2,,,3200,,0\n\
             =HYPERLINK(\"x\"),1,100,3000,1000,0.04,0.25\n\
             M50S,1,,,,,\n",
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let exported = to_csv(&report.results);
        assert!(exported.starts_with("row,model,quantity,hashrate_ths,power_w,"));
        assert!(exported.contains("\r\n4,\"'=HYPERLINK"), "{exported}");
        let again = run(&exported);
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!(again.results.len(), report.results.len());
        for (a, b) in report.results.iter().zip(&again.results) {
            assert_eq!((a.row, &a.model, a.quantity), (b.row, &b.model, b.quantity));
            let inputs = [
                (a.hashrate_ths, b.hashrate_ths),
                (a.power_w, b.power_w),
                (a.price_usd, b.price_usd),
                (a.electricity_usd_per_kwh, b.electricity_usd_per_kwh),
                (a.decay_pct_per_month, b.decay_pct_per_month),
            ];
            for (x, y) in inputs {
                assert!(close(x, y, 0.0), "{x} vs {y}");
            }
            assert!(close(a.daily_profit_usd, b.daily_profit_usd, 1e-12));
            assert!(close(a.total_profit_usd, b.total_profit_usd, 1e-12));
            assert_eq!(a.payback_month, b.payback_month);
        }
        // The exported figures themselves read back exactly.
        let records = csv::parse(&exported).unwrap();
        let last = &records[4].fields;
        assert_eq!(last.len(), EXPORT_COLUMNS.len());
        let r = &report.results[3];
        assert_eq!(last[9].parse::<f64>().ok(), Some(r.daily_btc));
        assert_eq!(last[16], "", "no price, no ROI");
    }

    #[test]
    fn already_read_rows_feed_the_same_engine() {
        let rows = vec![
            BatchRow {
                row: 7,
                model: "S21".into(),
                quantity: Some(2.0),
                price_usd: Some(3200.0),
                ..BatchRow::default()
            },
            BatchRow {
                row: 8,
                model: "S21".into(),
                quantity: Some(0.0),
                ..BatchRow::default()
            },
        ];
        let direct = calculate_batch(&rows, &defaults(), &catalogue).unwrap();
        let from_csv = run("model,quantity,price_usd\n\n\n\n\n\nS21,2,3200\nS21,0,\n");
        assert_eq!(direct, from_csv);
        assert_eq!(
            errors(&direct),
            vec![(8, BatchColumn::Quantity, RowErrorCode::MustBePositive)]
        );
    }

    #[test]
    fn invalid_defaults_are_named_by_their_fields() {
        let bad = BatchDefaults {
            btc_price_usd: 0.0,
            electricity_usd_per_kwh: -0.01,
            months: 0,
            difficulty_growth_pct_per_retarget: f64::NAN,
            ..defaults()
        };
        let Err(BatchError::Defaults(errors)) =
            calculate_batch_csv("model\nS21\n", &bad, &catalogue)
        else {
            panic!("expected refused defaults");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "btc_price_usd",
                "electricity_usd_per_kwh",
                "months",
                "difficulty_growth_pct_per_retarget"
            ]
        );
        assert!(defaults().validate().is_empty());
    }

    #[test]
    fn files_without_a_usable_header_are_refused_whole() {
        let refuse = |text: &str| calculate_batch_csv(text, &defaults(), &catalogue).err();
        assert_eq!(refuse(""), Some(BatchError::NoHeader));
        assert_eq!(refuse("\n,,\n"), Some(BatchError::NoHeader));
        assert_eq!(
            refuse("model;quantity\nS21;1\n"),
            Some(BatchError::NoKnownColumn)
        );
        assert_eq!(
            refuse("model,型号\nS21,S21\n"),
            Some(BatchError::DuplicateColumn(BatchColumn::Model))
        );
        assert_eq!(
            refuse("model\nS21\n\"open\n"),
            Some(BatchError::Csv(CsvError::UnterminatedQuote { row: 3 }))
        );
    }

    #[test]
    fn more_rows_than_the_limit_are_refused() {
        let rows = vec![BatchRow::default(); MAX_BATCH_ROWS + 1];
        assert_eq!(
            calculate_batch(&rows, &defaults(), &catalogue),
            Err(BatchError::TooManyRows)
        );
    }

    #[test]
    fn model_names_that_look_like_formulas_are_defused_on_export_only() {
        for name in ["=1+1", "+cmd", "-x", "@SUM(A1)"] {
            let exported = export_model(name);
            assert!(exported.starts_with('\''));
            assert_eq!(import_model(&exported), name);
        }
        assert_eq!(export_model("S19 Pro"), "S19 Pro");
        assert_eq!(import_model("'quoted"), "'quoted");
        assert_eq!(import_model("  S21  "), "S21");
    }
}
