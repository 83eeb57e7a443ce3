//! Why a whole inventory file is refused, and what is worth a warning.

use mining::csv::CsvError;
use serde::{Deserialize, Serialize};
use sheets::SheetError;
use thiserror::Error;

use super::Column;

/// Why no row of a file can be read. Row-level problems are [`super::RowError`]s instead, and
/// the good rows still import.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("the file is {bytes} bytes, more than the {limit} bytes allowed")]
    FileTooLarge { bytes: usize, limit: usize },
    /// The CSV is not UTF-8 (Excel's "CSV" in a Chinese locale saves GBK; "CSV UTF-8" works).
    #[error("the CSV file is not UTF-8 text; save it as \"CSV UTF-8\"")]
    NotUtf8,
    /// Nothing but blank lines.
    #[error("the file has no header row")]
    NoHeader,
    #[error("the header lacks the required columns {columns:?}")]
    MissingColumns { columns: Vec<Column> },
    /// Two headers name the same column, so which one holds the data is unclear.
    #[error("two headers name the {column} column: {first:?} and {second:?}")]
    DuplicateColumn {
        column: Column,
        first: String,
        second: String,
    },
    #[error("the file has more than {limit} data rows")]
    TooManyRows { limit: usize },
    #[error("{0}")]
    Csv(#[from] CsvError),
    /// The XLSX cannot be read (damaged, legacy .xls, a ZIP bomb, …).
    #[error("{0}")]
    Workbook(SheetError),
}

impl ImportError {
    /// A stable `snake_case` code for the app's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FileTooLarge { .. } => "file_too_large",
            Self::NotUtf8 => "not_utf8",
            Self::NoHeader => "no_header",
            Self::MissingColumns { .. } => "missing_columns",
            Self::DuplicateColumn { .. } => "duplicate_column",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::Csv(_) => "unterminated_quote",
            Self::Workbook(_) => "unreadable_workbook",
        }
    }
}

/// Something the user should know that does not stop the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ImportWarning {
    /// Headers that name no inventory column; their cells are ignored.
    UnknownColumns { headers: Vec<String> },
    /// Cells of the workbook holding an Excel error (#N/A, …); they read as empty.
    ExcelErrorCells { count: usize },
}
