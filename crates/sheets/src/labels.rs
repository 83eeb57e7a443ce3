//! Every text a batch report workbook shows, supplied by the caller already translated, so the
//! crate holds no language of its own beyond [`BatchLabels::english`].

use mining::batch::{BatchColumn, RowErrorCode};
use serde::{Deserialize, Serialize};

/// The texts of [`crate::batch_report_xlsx`]'s workbook.
///
/// Sheet names must be valid Excel sheet names: at most 31 characters, none of
/// `[ ] : * ? / \`, and not starting or ending with `'`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLabels {
    /// Document title (File ▸ Properties).
    pub title: String,
    /// Name of the sheet of computed rows.
    pub results_sheet: String,
    /// Name of the sheet of fleet totals.
    pub summary_sheet: String,
    /// Name of the sheet of refused cells (written only when there are some).
    pub errors_sheet: String,
    /// Column headers of the results sheet.
    pub results: ResultHeaders,
    /// Row labels of the summary sheet.
    pub summary: SummaryLabels,
    /// Column headers of the errors sheet.
    pub errors: ErrorHeaders,
    /// Why a cell was refused, one text per [`RowErrorCode`].
    pub reasons: ReasonLabels,
    /// Shown as the payback month (row or fleet) when the investment is not recovered within
    /// the horizon, e.g. "not within the horizon".
    pub payback_not_within_horizon: String,
}

/// Column headers of the results sheet, one per figure of a [`mining::batch::RowResult`].
/// Units belong in the text, e.g. "Hashrate (TH/s)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultHeaders {
    pub row: String,
    pub model: String,
    pub quantity: String,
    pub hashrate_ths: String,
    pub power_w: String,
    pub price_usd: String,
    pub electricity_usd_per_kwh: String,
    pub decay_pct_per_month: String,
    pub efficiency_j_th: String,
    pub daily_btc: String,
    pub daily_revenue_usd: String,
    pub daily_electricity_usd: String,
    pub daily_profit_usd: String,
    pub investment_usd: String,
    pub total_profit_usd: String,
    pub payback_month: String,
    pub roi_pct: String,
}

/// Row labels of the summary sheet, one per figure of a [`mining::batch::BatchSummary`] plus
/// the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLabels {
    pub months: String,
    pub rows: String,
    pub rows_in_error: String,
    pub miners: String,
    pub hashrate_ths: String,
    pub power_kw: String,
    pub efficiency_j_th: String,
    pub investment_usd: String,
    pub daily_btc: String,
    pub daily_revenue_usd: String,
    pub daily_electricity_usd: String,
    pub daily_profit_usd: String,
    pub total_profit_usd: String,
    pub payback_month: String,
    pub roi_pct: String,
}

/// Column headers of the errors sheet. The column of a refused cell is named by the results
/// sheet's header for it (see [`BatchLabels::column`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorHeaders {
    pub row: String,
    pub column: String,
    pub reason: String,
}

/// One text per [`RowErrorCode`]; a struct rather than a map so a missing text is a compile
/// error, not a blank cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonLabels {
    pub missing: String,
    pub not_a_number: String,
    pub not_a_whole_number: String,
    pub unknown_model: String,
    pub not_finite: String,
    pub must_be_positive: String,
    pub must_be_non_negative: String,
    pub out_of_range: String,
    pub too_large: String,
}

impl ReasonLabels {
    /// The text for one code.
    pub fn get(&self, code: RowErrorCode) -> &str {
        match code {
            RowErrorCode::Missing => &self.missing,
            RowErrorCode::NotANumber => &self.not_a_number,
            RowErrorCode::NotAWholeNumber => &self.not_a_whole_number,
            RowErrorCode::UnknownModel => &self.unknown_model,
            RowErrorCode::NotFinite => &self.not_finite,
            RowErrorCode::MustBePositive => &self.must_be_positive,
            RowErrorCode::MustBeNonNegative => &self.must_be_non_negative,
            RowErrorCode::OutOfRange => &self.out_of_range,
            RowErrorCode::TooLarge => &self.too_large,
        }
    }
}

impl BatchLabels {
    /// English texts: the default, and what the tests use. Reasons are
    /// [`RowErrorCode`]'s own messages.
    pub fn english() -> Self {
        let reason = |code: RowErrorCode| code.to_string();
        Self {
            title: "Batch profitability".into(),
            results_sheet: "Results".into(),
            summary_sheet: "Summary".into(),
            errors_sheet: "Errors".into(),
            results: ResultHeaders {
                row: "Row".into(),
                model: "Model".into(),
                quantity: "Quantity".into(),
                hashrate_ths: "Hashrate (TH/s)".into(),
                power_w: "Power (W)".into(),
                price_usd: "Price (USD)".into(),
                electricity_usd_per_kwh: "Electricity (USD/kWh)".into(),
                decay_pct_per_month: "Decay (%/month)".into(),
                efficiency_j_th: "Efficiency (J/TH)".into(),
                daily_btc: "Daily BTC".into(),
                daily_revenue_usd: "Daily revenue (USD)".into(),
                daily_electricity_usd: "Daily electricity (USD)".into(),
                daily_profit_usd: "Daily profit (USD)".into(),
                investment_usd: "Investment (USD)".into(),
                total_profit_usd: "Total profit (USD)".into(),
                payback_month: "Payback (month)".into(),
                roi_pct: "ROI (%)".into(),
            },
            summary: SummaryLabels {
                months: "Months in horizon".into(),
                rows: "Rows computed".into(),
                rows_in_error: "Rows with errors".into(),
                miners: "Miners".into(),
                hashrate_ths: "Hashrate (TH/s)".into(),
                power_kw: "Power (kW)".into(),
                efficiency_j_th: "Efficiency (J/TH)".into(),
                investment_usd: "Investment (USD)".into(),
                daily_btc: "Daily BTC".into(),
                daily_revenue_usd: "Daily revenue (USD)".into(),
                daily_electricity_usd: "Daily electricity (USD)".into(),
                daily_profit_usd: "Daily profit (USD)".into(),
                total_profit_usd: "Total profit (USD)".into(),
                payback_month: "Payback (month)".into(),
                roi_pct: "ROI (%)".into(),
            },
            errors: ErrorHeaders {
                row: "Row".into(),
                column: "Column".into(),
                reason: "Reason".into(),
            },
            reasons: ReasonLabels {
                missing: reason(RowErrorCode::Missing),
                not_a_number: reason(RowErrorCode::NotANumber),
                not_a_whole_number: reason(RowErrorCode::NotAWholeNumber),
                unknown_model: reason(RowErrorCode::UnknownModel),
                not_finite: reason(RowErrorCode::NotFinite),
                must_be_positive: reason(RowErrorCode::MustBePositive),
                must_be_non_negative: reason(RowErrorCode::MustBeNonNegative),
                out_of_range: reason(RowErrorCode::OutOfRange),
                too_large: reason(RowErrorCode::TooLarge),
            },
            payback_not_within_horizon: "not within the horizon".into(),
        }
    }

    /// The name of an input column in the errors sheet: its results-sheet header.
    pub fn column(&self, column: BatchColumn) -> &str {
        let r = &self.results;
        match column {
            BatchColumn::Model => &r.model,
            BatchColumn::Quantity => &r.quantity,
            BatchColumn::HashrateThs => &r.hashrate_ths,
            BatchColumn::PowerW => &r.power_w,
            BatchColumn::PriceUsd => &r.price_usd,
            BatchColumn::ElectricityUsdKwh => &r.electricity_usd_per_kwh,
            BatchColumn::DecayPctMonth => &r.decay_pct_per_month,
        }
    }
}

impl Default for BatchLabels {
    fn default() -> Self {
        Self::english()
    }
}
