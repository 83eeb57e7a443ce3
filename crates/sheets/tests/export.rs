//! `batch_report_xlsx` read back with calamine: every figure a number equal to the report's,
//! empty cells where the report has `None`, and the caller's labels in any language.

// In tests a panic is the failure report, helpers included.
#![allow(clippy::unwrap_used)]
// Exact comparisons are the point: numbers must survive the trip unchanged.
#![allow(clippy::float_cmp)]

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{run, zip_part};
use mining::batch::{BatchReport, RowResult};
use sheets::{BatchLabels, SheetError, batch_report_xlsx};

/// Ten rows: valid ones with every kind of figure, one that never pays back, one without a
/// price (no ROI), and refused cells of several kinds.
const BATCH_CSV: &str = "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month\n\
    S21,10,,,3200,0.05,0\n\
    S19 Pro,4,110,3250,900,0.06,1.5\n\
    \"Antminer S19, \"\"hydro\"\"\",1,184,5400,4100.5,0.045,0.5\n\
    T19,2,,,2000,0.5,0\n\
    M50S,1,,,,,\n\
    Mystery,1,,,,,\n\
    S21,abc,,,-1,,\n\
    \n\
    S21,2.5,,,,,101\n\
    =SUM(A1),3,100,3000,1000,0.04,\n";

fn report() -> BatchReport {
    let report = run(BATCH_CSV);
    // The fixture covers what the workbook has to show.
    assert_eq!(report.results.len(), 6);
    assert!(report.results.iter().any(|r| r.payback_month.is_none()));
    assert!(report.results.iter().any(|r| r.roi_pct.is_none()));
    assert_eq!(report.errors.len(), 5);
    report
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// Every cell of a sheet, `rows × columns` from A1.
fn cells(workbook: &mut Xlsx<Cursor<&[u8]>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = workbook.worksheet_range(sheet).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(<[Data]>::to_vec).collect()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(value) => *value,
        #[allow(clippy::cast_precision_loss)]
        Data::Int(value) => *value as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: &Data) -> &str {
    match cell {
        Data::String(text) => text,
        other => panic!("not text: {other:?}"),
    }
}

fn optional(value: Option<f64>) -> Data {
    value.map_or(Data::Empty, Data::Float)
}

/// The results-sheet row a result should become.
fn expected_row(r: &RowResult) -> Vec<Data> {
    #[allow(clippy::cast_precision_loss)]
    let quantity = r.quantity as f64;
    vec![
        Data::Float(f64::from(r.row)),
        Data::String(r.model.clone()),
        Data::Float(quantity),
        Data::Float(r.hashrate_ths),
        Data::Float(r.power_w),
        Data::Float(r.price_usd),
        Data::Float(r.electricity_usd_per_kwh),
        Data::Float(r.decay_pct_per_month),
        Data::Float(r.efficiency_j_th),
        Data::Float(r.daily_btc),
        Data::Float(r.daily_revenue_usd),
        Data::Float(r.daily_electricity_usd),
        Data::Float(r.daily_profit_usd),
        Data::Float(r.investment_usd),
        Data::Float(r.total_profit_usd),
        optional(r.payback_month.map(f64::from)),
        optional(r.roi_pct),
    ]
}

#[test]
fn results_read_back_as_the_same_numbers() {
    let report = report();
    let labels = BatchLabels::english();
    let bytes = batch_report_xlsx(&report, &labels).unwrap();
    let mut workbook = open(&bytes);
    assert_eq!(workbook.sheet_names(), ["Results", "Summary", "Errors"]);

    let rows = cells(&mut workbook, "Results");
    let header: Vec<&str> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        [
            "Row",
            "Model",
            "Quantity",
            "Hashrate (TH/s)",
            "Power (W)",
            "Price (USD)",
            "Electricity (USD/kWh)",
            "Decay (%/month)",
            "Efficiency (J/TH)",
            "Daily BTC",
            "Daily revenue (USD)",
            "Daily electricity (USD)",
            "Daily profit (USD)",
            "Investment (USD)",
            "Total profit (USD)",
            "Payback (month)",
            "ROI (%)",
        ]
    );
    assert_eq!(rows.len(), report.results.len() + 1);
    for (row, result) in rows[1..].iter().zip(&report.results) {
        assert_eq!(*row, expected_row(result), "row {}", result.row);
    }
    // The formula-looking model is text, not a formula (and not prefixed as in CSV).
    let last = &rows[report.results.len()];
    assert_eq!(text(&last[1]), "=SUM(A1)");
    assert_eq!(
        workbook
            .worksheet_formula("Results")
            .unwrap()
            .used_cells()
            .count(),
        0
    );
}

#[test]
fn the_summary_lists_the_fleet_figures_by_label() {
    let report = report();
    let summary = report.summary;
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let rows = cells(&mut open(&bytes), "Summary");
    let pairs: Vec<(&str, &Data)> = rows.iter().map(|r| (text(&r[0]), &r[1])).collect();
    let value = |label: &str| {
        pairs
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| (*v).clone())
            .unwrap()
    };
    assert_eq!(pairs.len(), 15);
    assert_eq!(number(&value("Months in horizon")), 36.0);
    assert_eq!(number(&value("Rows computed")), 6.0);
    assert_eq!(number(&value("Rows with errors")), 3.0);
    assert_eq!(number(&value("Miners")), 21.0);
    assert_eq!(number(&value("Hashrate (TH/s)")), summary.hashrate_ths);
    assert_eq!(number(&value("Power (kW)")), summary.power_kw);
    assert_eq!(
        value("Efficiency (J/TH)"),
        optional(summary.efficiency_j_th)
    );
    assert_eq!(number(&value("Investment (USD)")), summary.investment_usd);
    assert_eq!(number(&value("Daily BTC")), summary.daily_btc);
    assert_eq!(
        number(&value("Daily profit (USD)")),
        summary.daily_profit_usd
    );
    assert_eq!(
        number(&value("Total profit (USD)")),
        summary.total_profit_usd
    );
    let payback = summary.payback_month.map_or_else(
        || Data::String("not within the horizon".into()),
        |month| Data::Float(f64::from(month)),
    );
    assert_eq!(value("Payback (month)"), payback);
    assert_eq!(value("ROI (%)"), optional(summary.roi_pct));
}

#[test]
fn a_fleet_that_never_pays_back_says_so_in_words() {
    // Dear power: a loss every day.
    let report = run("model,quantity,price_usd,electricity_usd_kwh\nT19,1,2000,0.5\n");
    assert_eq!(report.summary.payback_month, None);
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let mut workbook = open(&bytes);
    let rows = cells(&mut workbook, "Summary");
    let payback = rows
        .iter()
        .find(|r| text(&r[0]) == "Payback (month)")
        .unwrap();
    assert_eq!(text(&payback[1]), "not within the horizon");
    // No refused cell, no errors sheet.
    assert_eq!(workbook.sheet_names(), ["Results", "Summary"]);
}

#[test]
fn the_errors_sheet_names_row_column_and_reason() {
    let report = report();
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let rows = cells(&mut open(&bytes), "Errors");
    let read: Vec<(f64, &str, &str)> = rows
        .iter()
        .skip(1)
        .map(|r| (number(&r[0]), text(&r[1]), text(&r[2])))
        .collect();
    assert_eq!(text(&rows[0][0]), "Row");
    assert_eq!(
        read,
        [
            (7.0, "Model", "is not a known model"),
            (8.0, "Quantity", "is not a number"),
            (8.0, "Price (USD)", "must be zero or more"),
            (10.0, "Quantity", "must be a whole number"),
            (10.0, "Decay (%/month)", "is outside the allowed range"),
        ]
    );
}

fn chinese() -> BatchLabels {
    let mut labels = BatchLabels::english();
    labels.title = "批量收益计算".into();
    labels.results_sheet = "结果".into();
    labels.summary_sheet = "汇总".into();
    labels.errors_sheet = "错误".into();
    labels.results.model = "型号".into();
    labels.results.quantity = "数量".into();
    labels.results.daily_profit_usd = "日利润（美元）".into();
    labels.summary.months = "周期（月）".into();
    labels.summary.payback_month = "回本月份".into();
    labels.errors.reason = "原因".into();
    labels.reasons.unknown_model = "未知型号".into();
    labels.reasons.not_a_number = "不是数字".into();
    labels.payback_not_within_horizon = "周期内无法回本".into();
    labels
}

#[test]
fn chinese_labels_round_trip() {
    let report = report();
    let bytes = batch_report_xlsx(&report, &chinese()).unwrap();
    let mut workbook = open(&bytes);
    assert_eq!(workbook.sheet_names(), ["结果", "汇总", "错误"]);
    let results = cells(&mut workbook, "结果");
    assert_eq!(text(&results[0][1]), "型号");
    assert_eq!(text(&results[0][2]), "数量");
    assert_eq!(text(&results[0][12]), "日利润（美元）");
    let summary = cells(&mut workbook, "汇总");
    assert_eq!(text(&summary[0][0]), "周期（月）");
    let errors = cells(&mut workbook, "错误");
    assert_eq!(text(&errors[0][2]), "原因");
    assert_eq!(text(&errors[1][1]), "型号");
    assert_eq!(text(&errors[1][2]), "未知型号");
    assert_eq!(text(&errors[2][2]), "不是数字");

    let losing = run("model,quantity,price_usd,electricity_usd_kwh\nT19,1,2000,0.5\n");
    let bytes = batch_report_xlsx(&losing, &chinese()).unwrap();
    let summary = cells(&mut open(&bytes), "汇总");
    let payback = summary.iter().find(|r| text(&r[0]) == "回本月份").unwrap();
    assert_eq!(text(&payback[1]), "周期内无法回本");
    assert!(zip_part(&bytes, "docProps/core.xml").contains("<dc:title>批量收益计算</dc:title>"));
}

#[test]
fn the_workbook_has_properties_formats_a_frozen_header_and_a_filter() {
    let report = report();
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let core = zip_part(&bytes, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Batch profitability</dc:title>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:creator>HashInsight</dc:creator>"),
        "{core}"
    );
    let styles = zip_part(&bytes, "xl/styles.xml");
    for format in ["#,##0.00", "0.00000000", "0.0000"] {
        assert!(
            styles.contains(&format!("formatCode=\"{format}\"")),
            "{format}"
        );
    }
    let results = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(results.contains("state=\"frozen\""));
    assert!(results.contains("<autoFilter ref=\"A1:Q7\""), "{results}");
    assert!(results.contains("<col "), "column widths are set");
    // Number cells carry their column's format (a style index), not the default style.
    for cell in ["A2", "C2", "J2", "O7"] {
        assert!(
            results.contains(&format!("<c r=\"{cell}\" s=\"")),
            "{cell}: {results}"
        );
    }
}

#[test]
fn an_empty_report_still_makes_a_workbook() {
    let report = run("model,quantity\n");
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let mut workbook = open(&bytes);
    assert_eq!(cells(&mut workbook, "Results").len(), 1);
    let summary = cells(&mut workbook, "Summary");
    let payback = summary
        .iter()
        .find(|r| text(&r[0]) == "Payback (month)")
        .unwrap();
    assert_eq!(text(&payback[1]), "not within the horizon");
}

#[test]
fn a_sheet_name_excel_refuses_is_an_error() {
    let mut labels = BatchLabels::english();
    labels.summary_sheet = "Summary: 2025/26".into();
    let result = batch_report_xlsx(&report(), &labels);
    assert!(matches!(result, Err(SheetError::Write(_))), "{result:?}");
}

#[test]
fn the_report_reads_back_through_the_import() {
    // Our own export is a valid import: the results sheet as CSV feeds the batch again.
    let report = report();
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let sheet = sheets::xlsx_to_csv(&bytes).unwrap();
    assert_eq!(sheet.sheet_name, "Results");
    let again = run(&sheet.csv);
    assert_eq!(again.results.len(), report.results.len());
    // Every input column comes back, electricity and decay included (their readable headers
    // "Electricity (USD/kWh)" and "Decay (%/month)" are import aliases).
    for (a, b) in report.results.iter().zip(&again.results) {
        assert_eq!(
            (&a.model, a.quantity, a.hashrate_ths, a.power_w, a.price_usd),
            (&b.model, b.quantity, b.hashrate_ths, b.power_w, b.price_usd)
        );
        assert_eq!(
            (a.electricity_usd_per_kwh, a.decay_pct_per_month),
            (b.electricity_usd_per_kwh, b.decay_pct_per_month)
        );
    }
}

#[test]
fn a_model_name_longer_than_a_cell_holds_is_cut_not_fatal() {
    let long = "S".repeat(40_000);
    let report = run(&format!("model,hashrate_ths,power_w\n{long},100,3000\n"));
    assert_eq!(report.results.len(), 1);
    let bytes = batch_report_xlsx(&report, &BatchLabels::english()).unwrap();
    let rows = cells(&mut open(&bytes), "Results");
    assert_eq!(text(&rows[1][1]).len(), 32_767);
}
