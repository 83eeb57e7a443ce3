//! An uploaded workbook as the CSV text the batch engine (and later the inventory import)
//! reads, so one parser and one set of row numbers serve CSV and XLSX alike.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use mining::batch::MAX_BATCH_ROWS;
use mining::csv::write_record;
use serde::{Deserialize, Serialize};

use crate::cell_text::{column_letters, push_datetime, push_number};
use crate::{SheetError, guard};

/// Bounds on what one import may cost. [`ImportLimits::BATCH`] suits the batch calculator;
/// the inventory import can pass its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLimits {
    /// Largest upload, bytes.
    pub max_file_bytes: usize,
    /// Largest total size of the workbook's parts (all of them, whatever their names) once
    /// really inflated, bytes; the sizes the archive declares are not trusted. Guards against
    /// ZIP bombs: a sheet compresses about 10:1, so this is far above any honest upload.
    pub max_inflated_bytes: u64,
    /// Most rows, header included, counted as the spreadsheet numbers them (blank rows in
    /// between count, as they do in the batch's row numbers).
    pub max_rows: usize,
    /// Most columns from the first column with data to the last.
    pub max_columns: usize,
    /// Most non-empty cells. Each costs 16 bytes plus its text while the sheet is read.
    pub max_cells: usize,
    /// Largest CSV text, bytes.
    pub max_csv_bytes: usize,
}

impl ImportLimits {
    /// The batch calculator's limits: 20 MiB upload, 200 MiB inflated, a header plus
    /// [`MAX_BATCH_ROWS`] rows, 256 columns, 2,000,000 cells (20 full columns of the most
    /// rows) and 64 MiB of CSV.
    pub const BATCH: Self = Self {
        max_file_bytes: 20 * 1024 * 1024,
        max_inflated_bytes: 200 * 1024 * 1024,
        max_rows: MAX_BATCH_ROWS + 1,
        max_columns: 256,
        max_cells: 2_000_000,
        max_csv_bytes: 64 * 1024 * 1024,
    };
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self::BATCH
    }
}

/// A worksheet read as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedSheet {
    /// RFC 4180 text, CRLF line ends, written by [`mining::csv::write_record`]. Record N is
    /// spreadsheet row N, so the batch engine's row numbers are the spreadsheet's: blank rows,
    /// leading ones included, are kept as empty lines, and trailing ones dropped. Columns
    /// start at the first column with data; every non-blank row has [`Self::columns`] fields.
    pub csv: String,
    /// The worksheet read: the first visible worksheet with a non-empty cell.
    pub sheet_name: String,
    /// Records in `csv`: the spreadsheet number of the last row with data.
    pub rows: usize,
    /// Fields per non-blank record.
    pub columns: usize,
    /// Letters of the spreadsheet column that is the CSV's first field ("A" unless the sheet
    /// starts further right).
    pub first_column: String,
    /// Cells holding an Excel error (#DIV/0!, #N/A, …), in row then column order, at most
    /// [`MAX_ERROR_CELLS`] of them. They are empty in `csv`, so the batch sees an empty cell;
    /// the caller should warn about them.
    pub error_cells: Vec<ErrorCell>,
    /// Every error cell, including those beyond [`MAX_ERROR_CELLS`].
    pub error_cell_count: usize,
}

/// Most error cells listed in [`ImportedSheet::error_cells`]: enough to point a user at the
/// problem, and a sheet of errors does not become a list as long as the sheet.
pub const MAX_ERROR_CELLS: usize = 1_000;

/// A cell whose value is an Excel error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCell {
    /// Spreadsheet row number, 1-based.
    pub row: u32,
    /// Spreadsheet column letters, e.g. "C".
    pub column: String,
    /// The error as Excel shows it, e.g. "#DIV/0!".
    pub error: String,
}

/// Reads the first visible worksheet with data of an XLSX (or XLSM) file as CSV, with the
/// batch calculator's [`ImportLimits::BATCH`].
///
/// Cell values become text the batch reads back to the same values: numbers as Excel shows
/// them in General format (see the crate docs), booleans as `true`/`false`, dates and times
/// in ISO 8601, text as is, formulas as their cached result. Legacy .xls, password-protected
/// and .ods files are refused with their own errors.
pub fn xlsx_to_csv(bytes: &[u8]) -> Result<ImportedSheet, SheetError> {
    xlsx_to_csv_with_limits(bytes, &ImportLimits::BATCH)
}

/// [`xlsx_to_csv`] with other limits.
pub fn xlsx_to_csv_with_limits(
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<ImportedSheet, SheetError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(SheetError::FileTooLarge {
            bytes: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    guard::check_workbook(bytes, limits.max_inflated_bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    let candidates: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet && sheet.visible == SheetVisible::Visible)
        .map(|sheet| sheet.name.clone())
        .collect();
    for name in candidates {
        let cells = read_cells(&mut workbook, &name, limits)?;
        if !cells.stored.is_empty() {
            return cells.into_sheet(name, limits);
        }
    }
    Err(SheetError::NoData)
}

/// The non-empty cells of one sheet: positions plus text in one arena, so a 100,000-row sheet
/// costs 16 bytes a cell rather than a `String` each.
struct Cells {
    stored: Vec<StoredCell>,
    text: String,
    errors: Vec<ErrorCell>,
    error_count: usize,
    first_column: u32,
    last_column: u32,
    last_row: u32,
    /// Whether cells came in (row, column) order, as the format requires; if not, they are
    /// sorted before writing.
    ordered: bool,
}

/// A cell's 0-based position and its text, `text[start..end]`.
#[derive(Debug, Clone, Copy)]
struct StoredCell {
    row: u32,
    column: u32,
    start: u32,
    end: u32,
}

fn read_cells(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &ImportLimits,
) -> Result<Cells, SheetError> {
    let mut reader = workbook.worksheet_cells_reader(name)?;
    let mut cells = Cells {
        stored: Vec::new(),
        text: String::new(),
        errors: Vec::new(),
        error_count: 0,
        first_column: u32::MAX,
        last_column: 0,
        last_row: 0,
        ordered: true,
    };
    // Offsets are u32, so the text can never be allowed past that either.
    let max_text = limits
        .max_csv_bytes
        .min(usize::try_from(u32::MAX).unwrap_or(usize::MAX));
    while let Some(cell) = reader.next_cell()? {
        let (row, column) = cell.get_position();
        let start = cells.text.len();
        match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
                cells.text.push_str(text);
            }
            DataRef::SharedString(text) => cells.text.push_str(text),
            DataRef::Float(value) => push_number(&mut cells.text, *value),
            #[allow(clippy::cast_precision_loss)] // shown as Excel would, 15 digits
            DataRef::Int(value) => push_number(&mut cells.text, *value as f64),
            DataRef::Bool(value) => cells.text.push_str(if *value { "true" } else { "false" }),
            DataRef::DateTime(value) => push_datetime(&mut cells.text, value),
            DataRef::Error(error) => {
                cells.error_count += 1;
                // The first in file order, which is sheet order in every file that follows the format.
                if cells.errors.len() < MAX_ERROR_CELLS {
                    cells.errors.push(ErrorCell {
                        row: row + 1,
                        column: column_letters(column),
                        error: error.to_string(),
                    });
                }
            }
        }
        if cells.text.len() == start && !matches!(cell.get_value(), DataRef::Error(_)) {
            // An empty string is an empty cell: it neither widens nor lengthens the sheet.
            continue;
        }
        cells.add(row, column, start, limits, max_text)?;
    }
    Ok(cells)
}

impl Cells {
    /// Records one cell whose text was just appended from `start`, enforcing the limits as the
    /// sheet streams in so a huge sheet is refused before it is all read.
    fn add(
        &mut self,
        row: u32,
        column: u32,
        start: usize,
        limits: &ImportLimits,
        max_text: usize,
    ) -> Result<(), SheetError> {
        if self.stored.len() >= limits.max_cells {
            return Err(SheetError::TooManyCells {
                limit: limits.max_cells,
            });
        }
        if usize::try_from(row).map_or(true, |row| row >= limits.max_rows) {
            return Err(SheetError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        self.first_column = self.first_column.min(column);
        self.last_column = self.last_column.max(column);
        let width = usize::try_from(self.last_column - self.first_column).unwrap_or(usize::MAX);
        if width >= limits.max_columns {
            return Err(SheetError::TooManyColumns {
                limit: limits.max_columns,
            });
        }
        let too_long = SheetError::TextTooLarge {
            limit: limits.max_csv_bytes,
        };
        if self.text.len() > max_text {
            return Err(too_long);
        }
        let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(self.text.len())) else {
            return Err(too_long);
        };
        if let Some(previous) = self.stored.last() {
            self.ordered &= (previous.row, previous.column) < (row, column);
        }
        self.last_row = self.last_row.max(row);
        self.stored.push(StoredCell {
            row,
            column,
            start,
            end,
        });
        Ok(())
    }

    fn cell_text(&self, cell: &StoredCell) -> &str {
        // Offsets were taken at char boundaries of this very string.
        self.text
            .get(cell.start as usize..cell.end as usize)
            .unwrap_or_default()
    }

    fn into_sheet(
        mut self,
        sheet_name: String,
        limits: &ImportLimits,
    ) -> Result<ImportedSheet, SheetError> {
        if !self.ordered {
            // Stable, so of two cells at one position (a damaged file) the later one wins below.
            self.stored.sort_by_key(|cell| (cell.row, cell.column));
        }
        let columns = (self.last_column - self.first_column + 1) as usize;
        let rows = self.last_row as usize + 1;
        let mut csv = String::with_capacity(self.text.len() + rows * (columns + 1));
        let mut fields: Vec<&str> = vec![""; columns];
        let mut next = 0;
        for row in 0..=self.last_row {
            let mut any = false;
            fields.fill("");
            while let Some(cell) = self.stored.get(next).filter(|cell| cell.row == row) {
                fields[(cell.column - self.first_column) as usize] = self.cell_text(cell);
                any = true;
                next += 1;
            }
            if any {
                write_record(&mut csv, fields.iter().copied());
            } else {
                csv.push_str("\r\n");
            }
            if csv.len() > limits.max_csv_bytes {
                return Err(SheetError::TextTooLarge {
                    limit: limits.max_csv_bytes,
                });
            }
        }
        // Letters sort as columns once shorter ones come first ("Z" before "AA").
        self.errors.sort_by(|a, b| {
            (a.row, a.column.len(), &a.column).cmp(&(b.row, b.column.len(), &b.column))
        });
        Ok(ImportedSheet {
            csv,
            sheet_name,
            rows,
            columns,
            first_column: column_letters(self.first_column),
            error_cells: self.errors,
            error_cell_count: self.error_count,
        })
    }
}
