//! A batch's results as CSV that reads back as a batch input.

use super::*;

/// The columns of [`to_csv`], in order. The input columns come first under their canonical
/// headers, so an export reads back as a batch input.
pub const EXPORT_COLUMNS: [&str; 17] = [
    "row",
    "model",
    "quantity",
    "hashrate_ths",
    "power_w",
    "price_usd",
    "electricity_usd_kwh",
    "decay_pct_month",
    "efficiency_j_th",
    "daily_btc",
    "daily_revenue_usd",
    "daily_electricity_usd",
    "daily_profit_usd",
    "investment_usd",
    "total_profit_usd",
    "payback_month",
    "roi_pct",
];

/// The results as CSV: a header of [`EXPORT_COLUMNS`], one record per result, CRLF line ends
/// and RFC 4180 quoting. Numbers are written in full (shortest exact form, no exponent), so they
/// read back to the same values; `None` is an empty cell. A model name that a spreadsheet would
/// run as a formula is prefixed with an apostrophe, which the batch reader removes again.
pub fn to_csv(results: &[RowResult]) -> String {
    let mut out = String::with_capacity(64 + results.len() * 256);
    csv::write_record(&mut out, EXPORT_COLUMNS);
    let mut cells: Vec<String> = Vec::with_capacity(EXPORT_COLUMNS.len());
    for r in results {
        cells.clear();
        cells.push(r.row.to_string());
        cells.push(export_model(&r.model));
        cells.push(r.quantity.to_string());
        for value in [
            r.hashrate_ths,
            r.power_w,
            r.price_usd,
            r.electricity_usd_per_kwh,
            r.decay_pct_per_month,
            r.efficiency_j_th,
            r.daily_btc,
            r.daily_revenue_usd,
            r.daily_electricity_usd,
            r.daily_profit_usd,
            r.investment_usd,
            r.total_profit_usd,
        ] {
            cells.push(number_cell(value));
        }
        cells.push(r.payback_month.map(|m| m.to_string()).unwrap_or_default());
        cells.push(r.roi_pct.map(number_cell).unwrap_or_default());
        csv::write_record(&mut out, cells.iter().map(String::as_str));
    }
    out
}

fn number_cell(value: f64) -> String {
    let mut cell = String::new();
    // Writing to a String cannot fail.
    let _ = write!(cell, "{value}");
    cell
}
