//! Why a spreadsheet cannot be read or written.

use thiserror::Error;

/// Why [`crate::xlsx_to_csv`] refuses a file or [`crate::batch_report_xlsx`] cannot write one.
///
/// The variants a user can cause (size, format, content) come first and carry what the app
/// needs to explain them; the wrapped library errors mean a damaged file or a bug.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SheetError {
    /// The file is larger than [`crate::ImportLimits::max_file_bytes`].
    #[error("the file is {bytes} bytes, more than the {limit} bytes allowed")]
    FileTooLarge { bytes: usize, limit: usize },
    /// The file is not a ZIP container, so neither XLSX nor any other Office Open XML file
    /// (e.g. a CSV, PNG or PDF renamed to .xlsx), or it is not a workbook: no
    /// `xl/workbook.xml`, or a sheet that is not an XML part inside the package (XLSB's `.bin`
    /// sheets, a `../` or absolute path).
    #[error("the file is not an Excel workbook (.xlsx)")]
    NotAWorkbook,
    /// An OLE compound file: an Excel 97–2003 workbook (.xls) or a password-protected
    /// .xlsx, which Excel encrypts into that container. Neither is read; the user can save
    /// the file as an unprotected .xlsx.
    #[error("legacy .xls and password-protected workbooks are not supported; save as .xlsx")]
    LegacyOrEncrypted,
    /// An `OpenDocument` spreadsheet (.ods); not read, see the crate docs for why.
    #[error("OpenDocument spreadsheets (.ods) are not supported; save as .xlsx")]
    OpenDocument,
    /// The parts of the workbook would inflate beyond
    /// [`crate::ImportLimits::max_inflated_bytes`] (a ZIP bomb, or a vastly oversized sheet),
    /// by their declared sizes or by the bytes they really inflate to.
    #[error("the workbook unpacks to more than {limit} bytes")]
    InflatedTooLarge { limit: u64 },
    /// No visible worksheet holds a single non-empty cell.
    #[error("the workbook has no data")]
    NoData,
    /// The sheet's last row with data is beyond [`crate::ImportLimits::max_rows`] (header
    /// included).
    #[error("the sheet has more than {limit} rows")]
    TooManyRows { limit: usize },
    /// A cell with data lies beyond [`crate::ImportLimits::max_columns`] (counted from the
    /// first column with data).
    #[error("the sheet has more than {limit} columns")]
    TooManyColumns { limit: usize },
    /// The sheet has more non-empty cells than [`crate::ImportLimits::max_cells`].
    #[error("the sheet has more than {limit} cells with data")]
    TooManyCells { limit: usize },
    /// The CSV text would exceed [`crate::ImportLimits::max_csv_bytes`] (e.g. one long text
    /// repeated in every cell).
    #[error("the sheet's text is longer than {limit} bytes")]
    TextTooLarge { limit: usize },
    /// The ZIP container is damaged, or contradicts itself: a part that inflates beyond the
    /// size the archive declares for it, or two parts of one name.
    #[error("the workbook is damaged: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The workbook's XML is damaged or uses a feature the reader does not know.
    #[error("the workbook cannot be read: {0}")]
    Read(#[from] calamine::XlsxError),
    /// Writing a workbook failed, e.g. a sheet name from the labels that Excel does not allow
    /// (over 31 characters, or one of `[ ] : * ? / \`).
    #[error("the workbook cannot be written: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}
