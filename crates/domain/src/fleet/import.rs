//! The inventory import and export of a site as the page and the server exchange them: the
//! import answers as an event stream (progress while the file is read and checked, then one
//! report), so a 20,000-row file shows where it is instead of a frozen button.

use mining::csv::{defused, write_record};
use serde::{Deserialize, Serialize};

/// `POST` a CSV or XLSX file's bytes with `?site_id=N`; the answer is `text/event-stream`
/// whose `data` lines are [`ImportEvent`]s.
pub const MINER_IMPORT_PATH: &str = "/api/v1/miners/import";
/// `GET` with `?site_id=N`: the site's inventory as CSV, in the columns the import reads.
pub const MINER_EXPORT_PATH: &str = "/api/v1/miners/export";
/// Most problems one report lists; past it the report says how many more there were.
pub const MAX_LISTED_PROBLEMS: usize = 5_000;

pub fn import_url(site_id: i64) -> String {
    format!("{MINER_IMPORT_PATH}?site_id={site_id}")
}

pub fn export_url(site_id: i64) -> String {
    format!("{MINER_EXPORT_PATH}?site_id={site_id}")
}

/// One step of an import, in the order the server sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ImportEvent {
    /// Rows read and checked so far.
    Checking {
        done: usize,
        total: usize,
    },
    /// The good rows are being written, in one transaction.
    Storing {
        rows: usize,
    },
    Done {
        report: MinerImportReport,
    },
    /// Nothing was imported: the whole file was refused, or storing failed.
    Refused {
        code: ImportRefusal,
        detail: String,
    },
}

/// Why a whole file imported nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportRefusal {
    FileTooLarge,
    NotUtf8,
    NoHeader,
    MissingColumns,
    DuplicateColumn,
    TooManyRows,
    UnterminatedQuote,
    UnreadableWorkbook,
    /// The database refused or failed the write; no row was stored.
    StoreFailed,
}

impl ImportRefusal {
    /// The refusal for the code of `fleet::import::ImportError::code`.
    pub fn from_code(code: &str) -> Self {
        match code {
            "file_too_large" => Self::FileTooLarge,
            "not_utf8" => Self::NotUtf8,
            "no_header" => Self::NoHeader,
            "missing_columns" => Self::MissingColumns,
            "duplicate_column" => Self::DuplicateColumn,
            "too_many_rows" => Self::TooManyRows,
            "unterminated_quote" => Self::UnterminatedQuote,
            _ => Self::UnreadableWorkbook,
        }
    }
}

/// What became of a file: how many rows were stored and why the others were not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerImportReport {
    /// Data rows read (blank rows not counted).
    pub total_rows: usize,
    /// New miners, stored as drafts.
    pub imported: usize,
    /// Rows not stored (each has at least one problem).
    pub refused_rows: usize,
    /// In row order, at most [`MAX_LISTED_PROBLEMS`].
    pub problems: Vec<ImportProblem>,
    /// All problems, listed or not.
    pub problem_count: usize,
    /// Headers that name no column; their cells were ignored.
    pub ignored_headers: Vec<String>,
    /// Workbook cells holding an Excel error (#N/A, …), read as empty.
    pub excel_error_cells: usize,
}

/// One refused cell of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// The spreadsheet's row number (the header is row 1).
    pub row: usize,
    /// A column code: `model`, `serial`, `ip`, `mac`, `rack`, `customer`, `status`.
    pub column: String,
    pub reason: ImportReason,
    /// The cell as read (shortened).
    pub value: String,
    /// For a duplicate in the file, the row that first had the value.
    pub first_row: Option<usize>,
}

/// Why a cell kept its row out: the checks of a single cell (`fleet::import` reads the file
/// with these), and those against the site and the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportReason {
    MissingValue,
    InvalidIp,
    /// Loopback, link-local, multicast, reserved or the server's own: never a miner's.
    ReservedIp,
    InvalidMac,
    TooLong,
    DuplicateInFile,
    UnknownStatus,
    UnknownModel,
    FormulaOrControlChars,
    /// No hosting customer has this name.
    UnknownCustomer,
    /// A stored miner of this site already has this serial, IP or MAC.
    AlreadyStored,
    /// The database's own check refused the value.
    Invalid,
}

impl ImportReason {
    const ALL: [Self; 12] = [
        Self::MissingValue,
        Self::InvalidIp,
        Self::ReservedIp,
        Self::InvalidMac,
        Self::TooLong,
        Self::DuplicateInFile,
        Self::UnknownStatus,
        Self::UnknownModel,
        Self::FormulaOrControlChars,
        Self::UnknownCustomer,
        Self::AlreadyStored,
        Self::Invalid,
    ];

    /// The stable code, as serde writes it.
    pub const fn code(self) -> &'static str {
        match self {
            Self::MissingValue => "missing_value",
            Self::InvalidIp => "invalid_ip",
            Self::ReservedIp => "reserved_ip",
            Self::InvalidMac => "invalid_mac",
            Self::TooLong => "too_long",
            Self::DuplicateInFile => "duplicate_in_file",
            Self::UnknownStatus => "unknown_status",
            Self::UnknownModel => "unknown_model",
            Self::FormulaOrControlChars => "formula_or_control_chars",
            Self::UnknownCustomer => "unknown_customer",
            Self::AlreadyStored => "already_stored",
            Self::Invalid => "invalid",
        }
    }

    /// The reason a code names; an unknown code reads as `Invalid`.
    pub fn from_code(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .unwrap_or(Self::Invalid)
    }
}

impl std::fmt::Display for ImportReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl MinerImportReport {
    /// The report as CSV (row, column, reason, value), every listed problem, for the
    /// reader to fix the file in a spreadsheet.
    pub fn problems_csv(&self) -> String {
        let mut text = String::new();
        write_record(&mut text, ["row", "column", "reason", "value"]);
        for problem in &self.problems {
            let row = problem.row.to_string();
            let value = defused(&problem.value);
            write_record(
                &mut text,
                [
                    row.as_str(),
                    &problem.column,
                    problem.reason.code(),
                    value.as_ref(),
                ],
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_read_back() {
        for reason in ImportReason::ALL {
            assert_eq!(ImportReason::from_code(reason.code()), reason);
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.code()));
        }
        assert_eq!(ImportReason::from_code("no such"), ImportReason::Invalid);
    }

    #[test]
    fn the_problems_csv_quotes_and_defuses_cells() {
        let report = MinerImportReport {
            problems: vec![
                ImportProblem {
                    row: 2,
                    column: "ip".into(),
                    reason: ImportReason::InvalidIp,
                    value: "10.0.0.300".into(),
                    first_row: None,
                },
                ImportProblem {
                    row: 3,
                    column: "rack".into(),
                    reason: ImportReason::FormulaOrControlChars,
                    value: "=HYPERLINK(\"x\",\"a,b\")".into(),
                    first_row: None,
                },
            ],
            ..MinerImportReport::default()
        };
        assert_eq!(
            report.problems_csv(),
            "row,column,reason,value\r\n2,ip,invalid_ip,10.0.0.300\r\n\
             3,rack,formula_or_control_chars,\"'=HYPERLINK(\"\"x\"\",\"\"a,b\"\")\"\r\n"
        );
    }
}
