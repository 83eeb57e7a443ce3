//! A batch report as an Excel workbook: the computed rows, the fleet summary and the refused
//! cells, each on its own sheet, as real numbers with number formats so the user can sort,
//! filter and sum them.

use mining::batch::{BatchReport, BatchSummary, RowResult};
use rust_xlsxwriter::{ColNum, DocProperties, Format, RowNum, Workbook, Worksheet};

use crate::SheetError;
use crate::labels::{BatchLabels, ResultHeaders};

/// Document creator (File ▸ Properties ▸ Author).
const CREATOR: &str = "HashInsight";

/// How a figure is shown. The cell keeps the full `f64`; the format only rounds the display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Row and month numbers.
    Integer,
    /// Miners, watts: grouped thousands, no decimals.
    Count,
    /// USD amounts, TH/s, J/TH, percentages: 2 decimals.
    Two,
    /// USD/kWh: 4 decimals, as tariffs are quoted to a hundredth of a cent.
    Tariff,
    /// BTC: 8 decimals, one satoshi.
    Btc,
}

impl Kind {
    const ALL: [Self; 5] = [
        Self::Integer,
        Self::Count,
        Self::Two,
        Self::Tariff,
        Self::Btc,
    ];

    fn number_format(self) -> &'static str {
        match self {
            Self::Integer => "0",
            Self::Count => "#,##0",
            Self::Two => "#,##0.00",
            Self::Tariff => "0.0000",
            Self::Btc => "0.00000000",
        }
    }

    /// Narrowest column, in Excel character widths, that shows a typical value of this kind
    /// without "####".
    fn min_width(self) -> f64 {
        match self {
            Self::Integer => 6.0,
            Self::Count | Self::Tariff => 9.0,
            Self::Two | Self::Btc => 12.0,
        }
    }
}

/// One numeric column of the results sheet: its header, how it is shown, and its value
/// (`None` is an empty cell).
struct NumberColumn {
    header: fn(&ResultHeaders) -> &str,
    kind: Kind,
    value: fn(&RowResult) -> Option<f64>,
}

/// The results sheet's columns after Row and Model, in order.
const NUMBER_COLUMNS: [NumberColumn; 15] = [
    NumberColumn {
        header: |h| &h.quantity,
        kind: Kind::Count,
        #[allow(clippy::cast_precision_loss)] // ≤ 10⁷ miners a row, exact
        value: |r| Some(r.quantity as f64),
    },
    NumberColumn {
        header: |h| &h.hashrate_ths,
        kind: Kind::Two,
        value: |r| Some(r.hashrate_ths),
    },
    NumberColumn {
        header: |h| &h.power_w,
        kind: Kind::Count,
        value: |r| Some(r.power_w),
    },
    NumberColumn {
        header: |h| &h.price_usd,
        kind: Kind::Two,
        value: |r| Some(r.price_usd),
    },
    NumberColumn {
        header: |h| &h.electricity_usd_per_kwh,
        kind: Kind::Tariff,
        value: |r| Some(r.electricity_usd_per_kwh),
    },
    NumberColumn {
        header: |h| &h.decay_pct_per_month,
        kind: Kind::Two,
        value: |r| Some(r.decay_pct_per_month),
    },
    NumberColumn {
        header: |h| &h.efficiency_j_th,
        kind: Kind::Two,
        value: |r| Some(r.efficiency_j_th),
    },
    NumberColumn {
        header: |h| &h.daily_btc,
        kind: Kind::Btc,
        value: |r| Some(r.daily_btc),
    },
    NumberColumn {
        header: |h| &h.daily_revenue_usd,
        kind: Kind::Two,
        value: |r| Some(r.daily_revenue_usd),
    },
    NumberColumn {
        header: |h| &h.daily_electricity_usd,
        kind: Kind::Two,
        value: |r| Some(r.daily_electricity_usd),
    },
    NumberColumn {
        header: |h| &h.daily_profit_usd,
        kind: Kind::Two,
        value: |r| Some(r.daily_profit_usd),
    },
    NumberColumn {
        header: |h| &h.investment_usd,
        kind: Kind::Two,
        value: |r| Some(r.investment_usd),
    },
    NumberColumn {
        header: |h| &h.total_profit_usd,
        kind: Kind::Two,
        value: |r| Some(r.total_profit_usd),
    },
    NumberColumn {
        header: |h| &h.payback_month,
        kind: Kind::Integer,
        value: |r| r.payback_month.map(f64::from),
    },
    NumberColumn {
        header: |h| &h.roi_pct,
        kind: Kind::Two,
        value: |r| r.roi_pct,
    },
];

/// Widest column set from its content, in Excel character widths.
const MAX_WIDTH: f64 = 40.0;

/// The formats of one workbook, made once and shared by every cell.
struct Formats {
    header: Format,
    label: Format,
    numbers: [Format; Kind::ALL.len()],
}

impl Formats {
    fn new() -> Self {
        Self {
            header: Format::new().set_bold().set_text_wrap(),
            label: Format::new().set_bold(),
            numbers: Kind::ALL.map(|kind| Format::new().set_num_format(kind.number_format())),
        }
    }

    fn number(&self, kind: Kind) -> &Format {
        &self.numbers[kind as usize]
    }
}

/// Writes a batch report as an XLSX workbook, returned as bytes.
///
/// Sheets, named by `labels`:
/// - results: one row per [`RowResult`] with its spreadsheet row number, every figure a number
///   cell (money 2 decimals, BTC 8, USD/kWh 4), payback and ROI empty when `None`; a bold,
///   frozen header row with an autofilter;
/// - summary: label and value pairs of the [`BatchSummary`] and the horizon, the payback as
///   `labels.payback_not_within_horizon` when `None`;
/// - errors, only when some cell was refused: row, column and reason.
///
/// The document's title is `labels.title` and its author "HashInsight".
pub fn batch_report_xlsx(
    report: &BatchReport,
    labels: &BatchLabels,
) -> Result<Vec<u8>, SheetError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&labels.title)
            .set_author(CREATOR),
    );
    workbook.push_worksheet(results_sheet(&report.results, labels, &formats)?);
    workbook.push_worksheet(summary_sheet(report, labels, &formats)?);
    if !report.errors.is_empty() {
        workbook.push_worksheet(errors_sheet(report, labels, &formats)?);
    }
    Ok(workbook.save_to_buffer()?)
}

fn results_sheet(
    results: &[RowResult],
    labels: &BatchLabels,
    formats: &Formats,
) -> Result<Worksheet, SheetError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&labels.results_sheet)?;
    let headers = &labels.results;
    let row_format = formats.number(Kind::Integer);

    sheet.write_string_with_format(0, 0, &headers.row, &formats.header)?;
    sheet.write_string_with_format(0, 1, &headers.model, &formats.header)?;
    for (column, spec) in (2..).zip(&NUMBER_COLUMNS) {
        sheet.write_string_with_format(0, column, (spec.header)(headers), &formats.header)?;
    }
    // Number formats are set per column rather than per cell: a cell written without a format
    // takes its column's, which saves hashing a `Format` for each of 85,000 cells (a seventh of
    // the write time), and a row the user adds is formatted alike.
    sheet.set_column_format(0, row_format)?;
    for (column, spec) in (2..).zip(&NUMBER_COLUMNS) {
        sheet.set_column_format(column, formats.number(spec.kind))?;
    }
    let mut model_width = text_width(&headers.model);
    for (row, result) in (1..).zip(results) {
        sheet.write_number(row, 0, result.row)?;
        sheet.write_string(row, 1, excel_text(&result.model))?;
        model_width = model_width.max(text_width(&result.model));
        for (column, spec) in (2..).zip(&NUMBER_COLUMNS) {
            if let Some(value) = (spec.value)(result) {
                sheet.write_number(row, column, value)?;
            }
        }
    }

    sheet.set_column_width(0, header_width(&headers.row, Kind::Integer))?;
    sheet.set_column_width(1, (model_width + 2.0).clamp(12.0, MAX_WIDTH))?;
    for (column, spec) in (2..).zip(&NUMBER_COLUMNS) {
        sheet.set_column_width(column, header_width((spec.header)(headers), spec.kind))?;
    }
    let last_column: ColNum = 1 + ColNum::try_from(NUMBER_COLUMNS.len()).unwrap_or(ColNum::MAX);
    let last_row = last_row(results.len());
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, last_column)?;
    Ok(sheet)
}

/// One value of the summary sheet.
enum SummaryValue<'a> {
    Number(f64, Kind),
    Text(&'a str),
    Empty,
}

#[allow(clippy::cast_precision_loss)] // counts of rows and miners, far below 2⁵³
fn summary_sheet(
    report: &BatchReport,
    labels: &BatchLabels,
    formats: &Formats,
) -> Result<Worksheet, SheetError> {
    use SummaryValue::{Empty, Number, Text};
    let s: &BatchSummary = &report.summary;
    let l = &labels.summary;
    let optional = |value: Option<f64>, kind| value.map_or(Empty, |value| Number(value, kind));
    let pairs = [
        (&l.months, Number(f64::from(report.months), Kind::Integer)),
        (&l.rows, Number(s.rows as f64, Kind::Count)),
        (
            &l.rows_in_error,
            Number(s.rows_in_error as f64, Kind::Count),
        ),
        (&l.miners, Number(s.miners as f64, Kind::Count)),
        (&l.hashrate_ths, Number(s.hashrate_ths, Kind::Two)),
        (&l.power_kw, Number(s.power_kw, Kind::Two)),
        (&l.efficiency_j_th, optional(s.efficiency_j_th, Kind::Two)),
        (&l.investment_usd, Number(s.investment_usd, Kind::Two)),
        (&l.daily_btc, Number(s.daily_btc, Kind::Btc)),
        (&l.daily_revenue_usd, Number(s.daily_revenue_usd, Kind::Two)),
        (
            &l.daily_electricity_usd,
            Number(s.daily_electricity_usd, Kind::Two),
        ),
        (&l.daily_profit_usd, Number(s.daily_profit_usd, Kind::Two)),
        (&l.total_profit_usd, Number(s.total_profit_usd, Kind::Two)),
        (
            &l.payback_month,
            s.payback_month
                .map_or(Text(&labels.payback_not_within_horizon), |month| {
                    Number(f64::from(month), Kind::Integer)
                }),
        ),
        (&l.roi_pct, optional(s.roi_pct, Kind::Two)),
    ];

    let mut sheet = Worksheet::new();
    sheet.set_name(&labels.summary_sheet)?;
    let mut label_width: f64 = 10.0;
    let mut value_width = Kind::Btc.min_width();
    for (row, (label, value)) in (0..).zip(&pairs) {
        sheet.write_string_with_format(row, 0, *label, &formats.label)?;
        label_width = label_width.max(text_width(label));
        match value {
            Number(value, kind) => {
                sheet.write_number_with_format(row, 1, *value, formats.number(*kind))?;
            }
            Text(text) => {
                sheet.write_string(row, 1, *text)?;
                value_width = value_width.max(text_width(text));
            }
            Empty => {}
        }
    }
    sheet.set_column_width(0, (label_width + 2.0).min(MAX_WIDTH))?;
    sheet.set_column_width(1, (value_width + 2.0).min(MAX_WIDTH))?;
    Ok(sheet)
}

fn errors_sheet(
    report: &BatchReport,
    labels: &BatchLabels,
    formats: &Formats,
) -> Result<Worksheet, SheetError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&labels.errors_sheet)?;
    let headers = &labels.errors;
    for (column, header) in (0..).zip([&headers.row, &headers.column, &headers.reason]) {
        sheet.write_string_with_format(0, column, header, &formats.header)?;
    }
    let mut widths = [
        header_width(&headers.row, Kind::Integer),
        text_width(&headers.column),
        text_width(&headers.reason),
    ];
    for (row, error) in (1..).zip(&report.errors) {
        let column = labels.column(error.column);
        let reason = labels.reasons.get(error.code);
        sheet.write_number_with_format(row, 0, error.row, formats.number(Kind::Integer))?;
        sheet.write_string(row, 1, column)?;
        sheet.write_string(row, 2, reason)?;
        widths[1] = widths[1].max(text_width(column));
        widths[2] = widths[2].max(text_width(reason));
    }
    for (column, width) in (0..).zip(widths) {
        sheet.set_column_width(column, (width + 2.0).min(MAX_WIDTH))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row(report.errors.len()), 2)?;
    Ok(sheet)
}

/// The sheet row of the last of `count` data rows under a header (the header itself when
/// there are none).
fn last_row(count: usize) -> RowNum {
    RowNum::try_from(count).unwrap_or(RowNum::MAX)
}

/// Most characters Excel holds in a cell; `rust_xlsxwriter` refuses longer text.
const MAX_CELL_CHARS: usize = 32_767;

/// A text cut to what a cell can hold, so one absurd model name (the batch accepts any text)
/// does not make the whole export fail.
fn excel_text(text: &str) -> &str {
    // Excel counts UTF-16 units; counting chars is close enough, and cutting at a char
    // boundary keeps the text valid.
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Width of a numeric column: its header's (bold, plus the autofilter button) or its kind's
/// minimum, whichever is wider.
fn header_width(header: &str, kind: Kind) -> f64 {
    (text_width(header) + 4.0).clamp(kind.min_width(), MAX_WIDTH)
}

/// Approximate width of a text in Excel character widths: East Asian characters take two.
fn text_width(text: &str) -> f64 {
    let units: u32 = text
        .chars()
        .map(|c| if c >= '\u{1100}' { 2 } else { 1 })
        .sum();
    f64::from(units)
}
