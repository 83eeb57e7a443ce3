//! Spreadsheets in and out of HashInsight.
//!
//! - [`xlsx_to_csv`]: an uploaded XLSX as the CSV text the batch calculator
//!   ([`mining::batch::calculate_batch_csv`]) and later the inventory import read, row numbers
//!   included, behind limits on size, rows, columns and ZIP inflation ([`ImportLimits`]);
//! - [`batch_report_xlsx`]: a [`mining::batch::BatchReport`] as a workbook of results,
//!   summary and errors, with every text from [`BatchLabels`] (already translated).
//!
//! Only XLSX (and XLSM) is read, cell by cell, so memory follows the cells a sheet holds.
//! Legacy .xls and .ods are refused with their own errors ([`SheetError::LegacyOrEncrypted`],
//! [`SheetError::OpenDocument`]) rather than read through calamine's whole-sheet ranges: those
//! are dense (rows × columns cells of 32 bytes, built for every sheet when an .xls is opened),
//! so a tiny file with one cell in its far corner would take gigabytes. XLSB is refused as
//! [`SheetError::NotAWorkbook`]. Users save such files as .xlsx or CSV.
//!
//! Both directions are synchronous CPU work (a 5,000-row sheet: ~17 ms to read, ~60 ms to
//! write; see docs/performance.md), so an async server should run them on a blocking thread
//! (`tokio::task::spawn_blocking`) rather than on the runtime's workers.
//!
//! Numbers are written to CSV as Excel shows them in General format: at most 15 significant
//! digits, without float noise ("3250", "0.08", "0.3" for a stored 0.30000000000000004), in
//! full up to 10²¹ (so a difficulty reads "126411437451912"). Any number a user typed parses
//! back to the same `f64`.

mod cell_text;
mod error;
mod export;
mod guard;
mod import;
mod labels;

pub use error::SheetError;
pub use export::batch_report_xlsx;
pub use import::{
    ErrorCell, ImportLimits, ImportedSheet, MAX_ERROR_CELLS, xlsx_to_csv, xlsx_to_csv_with_limits,
};
pub use labels::{BatchLabels, ErrorHeaders, ReasonLabels, ResultHeaders, SummaryLabels};
