//! A miner inventory from CSV or XLSX: the header names the columns (in English or Chinese,
//! any order), every data row is checked cell by cell, the good rows are kept and each bad
//! cell is reported by row, column and reason, so a 20,000-row file with three typos imports
//! 19,997 miners and says exactly which three cells to fix.
//!
//! Row numbers are the spreadsheet's (header = row 1 in a file that starts at the top): blank
//! rows are skipped but keep their numbers, and a quoted cell with line breaks is one row.

mod catalogue;
mod cell;
mod column;
mod error;
mod export;
mod validate;

use std::net::Ipv4Addr;

use mining::csv::{self, CsvRecord, Delimiter};
use serde::{Deserialize, Serialize};
use sheets::{ImportLimits, SheetError};

pub use catalogue::ModelCatalogue;
pub use cell::Reason;
pub use column::Column;
pub use error::{ImportError, ImportWarning};
pub use export::inventory_csv;

use crate::MinerStatus;
use validate::Validator;

/// Most data rows (header and blank rows not counted) one file may hold: the largest farm the
/// product targets, in one go.
pub const MAX_ROWS: usize = 20_000;
/// Largest upload, bytes (CSV or XLSX).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// How many rows pass between two progress reports.
pub const PROGRESS_EVERY: usize = 1_000;
/// Longest cell text quoted back in a [`RowError`], characters.
pub const MAX_ERROR_VALUE_CHARS: usize = 60;

/// An uploaded inventory file.
#[derive(Debug, Clone, Copy)]
pub enum InventoryFile<'a> {
    /// UTF-8 text (a byte-order mark is fine), separated by commas, semicolons or tabs.
    Csv(&'a [u8]),
    /// An Excel workbook; its first visible sheet with data is read.
    Xlsx(&'a [u8]),
}

impl<'a> InventoryFile<'a> {
    /// The file by its content rather than its name: a ZIP container is a workbook, anything
    /// else is read as CSV.
    pub fn detect(bytes: &'a [u8]) -> Self {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            // OLE (legacy .xls) goes to the workbook reader too, which refuses it by name.
            Self::Xlsx(bytes)
        } else {
            Self::Csv(bytes)
        }
    }
}

/// A row that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Spreadsheet row number, 1-based (the header is row 1 of a file that starts at the top).
    pub row: usize,
    /// The catalogue's spelling of the model.
    pub model: String,
    pub serial: String,
    pub ip: Ipv4Addr,
    /// Lower-case and colon-separated.
    pub mac: Option<String>,
    pub rack: Option<String>,
    /// The hosting customer's name, as the file gives it.
    pub customer: Option<String>,
    pub status: Option<MinerStatus>,
}

/// One refused cell. A row with several bad cells has one error per cell, and is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: Column,
    pub reason: Reason,
    /// The cell as read, trimmed, at most [`MAX_ERROR_VALUE_CHARS`] characters.
    pub value: String,
    /// For [`Reason::DuplicateInFile`], the row that first had this value.
    pub first_row: Option<usize>,
}

/// What an import found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The good rows, in file order.
    pub rows: Vec<ImportRow>,
    /// The bad cells, in row then column order.
    pub errors: Vec<RowError>,
    pub warnings: Vec<ImportWarning>,
    /// Data rows read (blank rows not counted): `rows.len()` plus the rows with errors.
    pub total_rows: usize,
}

/// Reads and checks an inventory file against the catalogue's model names.
pub fn import(
    file: InventoryFile<'_>,
    models: &ModelCatalogue,
) -> Result<ImportReport, ImportError> {
    import_with_progress(file, models, |_, _| {})
}

/// [`import`], calling `on_progress(done_rows, total_rows)` after every [`PROGRESS_EVERY`]
/// data rows and once at the end, so a server can stream the progress of a large file.
pub fn import_with_progress(
    file: InventoryFile<'_>,
    models: &ModelCatalogue,
    on_progress: impl FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    match file {
        InventoryFile::Csv(bytes) => {
            check_size(bytes)?;
            let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
            let unmarked = text.strip_prefix('\u{feff}').unwrap_or(text);
            let delimiter = Delimiter::detect(unmarked);
            import_text(text, delimiter, models, Vec::new(), on_progress)
        }
        InventoryFile::Xlsx(bytes) => {
            check_size(bytes)?;
            let sheet =
                sheets::xlsx_to_csv_with_limits(bytes, &XLSX_LIMITS).map_err(sheet_error)?;
            let mut warnings = Vec::new();
            if sheet.error_cell_count > 0 {
                warnings.push(ImportWarning::ExcelErrorCells {
                    count: sheet.error_cell_count,
                });
            }
            import_text(&sheet.csv, Delimiter::Comma, models, warnings, on_progress)
        }
    }
}

/// The workbook reader's bounds for an inventory: the upload limit, room for blank rows
/// between the [`MAX_ROWS`] (counted exactly afterwards), and a few dozen columns.
const XLSX_LIMITS: ImportLimits = ImportLimits {
    max_file_bytes: MAX_FILE_BYTES,
    max_inflated_bytes: 200 * 1024 * 1024,
    max_rows: 2 * MAX_ROWS + 1,
    max_columns: 64,
    max_cells: 64 * (MAX_ROWS + 1),
    max_csv_bytes: 64 * 1024 * 1024,
};

fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::FileTooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(())
}

fn sheet_error(error: SheetError) -> ImportError {
    match error {
        SheetError::TooManyRows { .. } => ImportError::TooManyRows { limit: MAX_ROWS },
        SheetError::FileTooLarge { bytes, limit } => ImportError::FileTooLarge { bytes, limit },
        other => ImportError::Workbook(other),
    }
}

fn import_text(
    text: &str,
    delimiter: Delimiter,
    models: &ModelCatalogue,
    mut warnings: Vec<ImportWarning>,
    mut on_progress: impl FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let (header, data) = read_records(text, delimiter)?;
    let (validator, unknown) = Validator::new(&header, models, data.len())?;
    if !unknown.is_empty() {
        warnings.insert(0, ImportWarning::UnknownColumns { headers: unknown });
    }
    let mut validator = validator;
    let total = data.len();
    for (done, record) in data.iter().enumerate() {
        validator.check_row(record.row as usize, &record.fields);
        if (done + 1) % PROGRESS_EVERY == 0 {
            on_progress(done + 1, total);
        }
    }
    if total % PROGRESS_EVERY != 0 || total == 0 {
        on_progress(total, total);
    }
    let mut report = validator.finish();
    report.warnings = warnings;
    Ok(report)
}

/// The header and the non-blank data records, refusing a file past [`MAX_ROWS`] as soon as
/// it is known.
fn read_records(
    text: &str,
    delimiter: Delimiter,
) -> Result<(CsvRecord<'_>, Vec<CsvRecord<'_>>), ImportError> {
    let mut records = csv::records_with(text, delimiter);
    let header = loop {
        match records.next() {
            None => return Err(ImportError::NoHeader),
            Some(record) => {
                let record = record?;
                if !record.is_blank() {
                    break record;
                }
            }
        }
    };
    let mut data = Vec::new();
    for record in records {
        let record = record?;
        if record.is_blank() {
            continue;
        }
        if data.len() == MAX_ROWS {
            return Err(ImportError::TooManyRows { limit: MAX_ROWS });
        }
        data.push(record);
    }
    Ok((header, data))
}
