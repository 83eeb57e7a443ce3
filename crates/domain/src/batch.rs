//! The batch calculator's form, shared by the page (which computes in the browser) and the
//! server's export endpoint (which computes the same rows again for a CSV or XLSX download), so
//! both read the same fields the same way and call the same engine.

use mining::batch::{BatchDefaults, BatchError, BatchReport, calculate_batch_csv};
use serde::{Deserialize, Serialize};

use crate::catalogue::AsicModel;

/// The form as typed: text fields, parsed only when computing, so a half-typed number is the
/// engine's field error rather than a lost keystroke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchForm {
    pub btc_price_usd: String,
    pub difficulty: String,
    pub months: String,
    /// CSV text with a header row (see [`mining::batch::calculate_batch_csv`]).
    pub csv: String,
}

/// Export formats of the batch results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// Where the form posts for a download (`format` = `csv` or `xlsx`).
pub const EXPORT_PATH: &str = "/api/v1/batch/export";
/// Where a spreadsheet is posted (raw bytes) to be read into CSV rows.
pub const IMPORT_PATH: &str = "/api/v1/batch/import";

/// A spreadsheet read into CSV rows (`200` from [`IMPORT_PATH`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedRows {
    pub csv: String,
    /// Name of the worksheet the rows came from.
    pub sheet: String,
    /// Rows read, the header included.
    pub rows: usize,
    /// Cells holding an Excel error (#DIV/0!, …), e.g. "D7": read as empty, so the user is told.
    pub error_cells: Vec<String>,
}

/// Why a file could not be read (the code of a `422` from [`IMPORT_PATH`], in the one error
/// body, or found by the browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportErrorCode {
    /// Neither CSV nor an XLSX workbook.
    NotASpreadsheet,
    /// Excel 97–2003 (.xls) or a password-protected workbook.
    LegacyFormat,
    /// An `OpenDocument` spreadsheet (.ods).
    OpenDocument,
    /// Above the bytes, rows or columns the server reads.
    TooLarge,
    /// More rows than one batch computes.
    TooManyRows,
    /// No worksheet holds any cell.
    Empty,
    /// A workbook, but damaged or unreadable.
    Unreadable,
    /// The server could not be reached (browser side only).
    Unreachable,
}

impl ImportErrorCode {
    /// The code of the refusal's error body (`not_a_spreadsheet`), which the page translates.
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The reason an error body's code names; an unknown code reads as unreadable.
    pub fn from_code(code: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(code.to_owned()))
            .unwrap_or(Self::Unreadable)
    }
}

/// Electricity price for rows that leave theirs empty, USD/kWh.
pub const DEFAULT_ELECTRICITY_USD_PER_KWH: f64 = 0.06;

/// Reads a number as people type it: surrounding spaces and thousands separators allowed.
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.contains(',') {
        text.replace(',', "").parse::<f64>().ok()
    } else {
        text.parse::<f64>().ok()
    }
}

/// The engine's defaults from the form's text fields. An unreadable number becomes NaN so
/// that the engine's validation names the field.
pub fn batch_defaults(btc_price_usd: &str, difficulty: &str, months: &str) -> BatchDefaults {
    BatchDefaults {
        btc_price_usd: number(btc_price_usd).unwrap_or(f64::NAN),
        difficulty: number(difficulty).unwrap_or(f64::NAN),
        subsidy_btc: crate::calculate::DEFAULT_SUBSIDY_BTC,
        fees_per_block_btc: 0.0,
        pool_fee_pct: crate::calculate::DEFAULT_POOL_FEE_PCT,
        electricity_usd_per_kwh: DEFAULT_ELECTRICITY_USD_PER_KWH,
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // range-checked by the engine
        months: number(months).filter(|m| *m >= 0.0).map_or(0, |m| m as u32),
        difficulty_growth_pct_per_retarget: 0.0,
        start_height: mining::projection::DEFAULT_START_HEIGHT,
    }
}

impl BatchForm {
    /// The engine's defaults from the form (see [`batch_defaults`]).
    pub fn defaults(&self) -> BatchDefaults {
        batch_defaults(&self.btc_price_usd, &self.difficulty, &self.months)
    }
}

/// Catalogue specs by lower-cased name, built once per catalogue rather than per row.
#[derive(Debug, Clone, Default)]
pub struct SpecIndex(Vec<(String, (f64, f64))>);

impl SpecIndex {
    pub fn new(models: &[AsicModel]) -> Self {
        Self(
            models
                .iter()
                .map(|m| (m.name.to_lowercase(), (m.hashrate_hs, m.power_w)))
                .collect(),
        )
    }

    /// `(hashrate_hs, power_w)` of one miner of the model, names compared without case.
    pub fn lookup(&self, name: &str) -> Option<(f64, f64)> {
        let name = name.trim();
        // Most files spell the model as the catalogue does: compare without allocating first.
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .or_else(|| {
                let lower = name.to_lowercase();
                self.0.iter().find(|(n, _)| *n == lower)
            })
            .map(|(_, spec)| *spec)
    }
}

/// Computes CSV rows with the catalogue filling empty hashrate and power: the one engine call
/// of the page (in the browser) and of the export (on the server).
pub fn compute(
    csv: &str,
    defaults: &BatchDefaults,
    specs: &SpecIndex,
) -> Result<BatchReport, BatchError> {
    let lookup = |name: &str| specs.lookup(name);
    calculate_batch_csv(csv, defaults, &lookup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Cooling;

    fn model(name: &str, ths: f64, power_w: f64) -> AsicModel {
        AsicModel {
            asic_model_id: 1,
            name: name.to_owned(),
            manufacturer: "Bitmain".to_owned(),
            hashrate_hs: ths * 1e12,
            power_w,
            cooling: Cooling::Air,
            release_date: None,
            price_usd: None,
        }
    }

    #[test]
    fn numbers_accept_thousands_separators_and_spaces() {
        assert_eq!(number(" 90,000 "), Some(90_000.0));
        assert_eq!(number("1.5e14"), Some(1.5e14));
        assert_eq!(number("abc"), None);
    }

    #[test]
    fn lookup_ignores_case_and_spaces() {
        let specs = SpecIndex::new(&[model("Antminer S21", 200.0, 3550.0)]);
        assert_eq!(specs.lookup("  antminer s21 "), Some((200e12, 3550.0)));
        assert_eq!(specs.lookup("Antminer S99"), None);
    }

    #[test]
    fn form_computes_rows_and_reports_a_bad_default_by_name() {
        let specs = SpecIndex::new(&[model("Antminer S21", 200.0, 3550.0)]);
        let mut form = BatchForm {
            btc_price_usd: "90,000".to_owned(),
            difficulty: "1.5e14".to_owned(),
            months: "36".to_owned(),
            csv: "model,quantity\nAntminer S21,3\n".to_owned(),
        };
        let report = compute(&form.csv, &form.defaults(), &specs).expect("computes");
        assert_eq!(report.summary.miners, 3);
        assert!((report.summary.hashrate_ths - 600.0).abs() < 1e-9);

        form.difficulty = "x".to_owned();
        match compute(&form.csv, &form.defaults(), &specs) {
            Err(BatchError::Defaults(errors)) => {
                assert!(errors.iter().any(|e| e.field == "difficulty"), "{errors:?}");
            }
            other => panic!("expected a defaults error, got {other:?}"),
        }
    }
}
