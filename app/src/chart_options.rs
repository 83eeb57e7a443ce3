//! The calculator's charts as ECharts options, built with charming from the same figures the
//! page shows. Pure functions: the browser hands the option to ECharts (see
//! `components::echart`), the server renders the SVG fallback, and tests read the option.

use charming::Chart;
use charming::component::{Axis, Grid, VisualMap, VisualMapChannel};
use charming::datatype::{DataFrame, DataPoint, DataPointItem};
use charming::element::{AxisType, ItemStyle, MarkPoint, MarkPointData, Orient, Tooltip, Trigger};
use charming::series::{Bar, Heatmap as HeatmapSeries, Line};
use mining::heatmap::Heatmap;

use crate::market::{NetworkDay, iso_date};

/// Profit and loss colours, the same as the SVG fallback's and the heatmap table's.
pub const PROFIT_COLOR: &str = "#16a34a";
pub const LOSS_COLOR: &str = "#dc2626";
const LINE_COLOR: &str = "#2563eb";

/// Translated words the charts show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartText {
    /// Axis name under the months, e.g. "Month".
    pub month: String,
    /// Axis name of money, e.g. "USD".
    pub usd: String,
    /// Label of the payback marker, e.g. "Payback".
    pub payback: String,
    /// Axis names of the heatmap.
    pub btc_price_usd: String,
    pub electricity_usd_per_kwh: String,
}

fn months(count: usize) -> impl Iterator<Item = String> {
    (1..=count).map(|m| m.to_string())
}

fn category_axis(name: &str, labels: impl Iterator<Item = String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .name(name)
        .data(labels.collect::<Vec<_>>())
}

/// A transparent chart (the card behind it shows) with an axis tooltip and room for labels.
fn axis_chart() -> Chart {
    Chart::new()
        .background_color("transparent")
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(
            Grid::new()
                .left(8)
                .right(16)
                .top(24)
                .bottom(8)
                .contain_label(true),
        )
}

fn frame(text: &ChartText, count: usize) -> Chart {
    axis_chart()
        .x_axis(category_axis(&text.month, months(count)))
        .y_axis(Axis::new().type_(AxisType::Value).name(text.usd.clone()))
}

/// Cumulative profit after the investment, month by month: it crosses zero at payback, which
/// is marked when within the horizon.
pub fn cumulative_profit(
    cumulative_usd: &[f64],
    payback_month: Option<u32>,
    text: &ChartText,
) -> Chart {
    let mut line = Line::new()
        .name(text.usd.clone())
        .show_symbol(false)
        .item_style(ItemStyle::new().color(LINE_COLOR))
        .data(
            cumulative_usd
                .iter()
                .map(|v| round_cents(*v))
                .collect::<Vec<_>>(),
        );
    let marker = payback_month.and_then(|month| {
        let index = usize::try_from(month).ok()?.checked_sub(1)?;
        let value = *cumulative_usd.get(index)?;
        #[allow(clippy::cast_precision_loss)] // a month index ≤ 120
        Some(
            MarkPointData::new()
                .name(text.payback.clone())
                .x_axis(index as f64)
                .y_axis(round_cents(value)),
        )
    });
    if let Some(marker) = marker {
        line = line.mark_point(MarkPoint::new().data(vec![marker]));
    }
    frame(text, cumulative_usd.len()).series(line)
}

/// Profit of each month, green above zero and red below.
pub fn monthly_profit(profit_usd: &[f64], text: &ChartText) -> Chart {
    let bars: Vec<DataPoint> = profit_usd
        .iter()
        .map(|v| {
            let color = if *v >= 0.0 { PROFIT_COLOR } else { LOSS_COLOR };
            DataPointItem::new(round_cents(*v))
                .item_style(ItemStyle::new().color(color))
                .into()
        })
        .collect();
    frame(text, profit_usd.len()).series(Bar::new().name(text.usd.clone()).data(bars))
}

/// Total profit over the horizon for each BTC price (rows) and electricity price (columns):
/// red for a loss, green for a profit, white at break-even.
pub fn sensitivity(grid: &Heatmap, text: &ChartText) -> Chart {
    let extreme = grid
        .total_profit_usd
        .iter()
        .flatten()
        .fold(1.0_f64, |m, v| m.max(v.abs()));
    let mut cells: Vec<DataFrame> = Vec::new();
    for (row, profits) in grid.total_profit_usd.iter().enumerate() {
        for (column, profit) in profits.iter().enumerate() {
            // One cell is [column, row, value], by index into the category axes.
            #[allow(clippy::cast_precision_loss)] // grid indices are small
            cells.push(vec![
                (column as f64).into(),
                (row as f64).into(),
                profit.round().into(),
            ]);
        }
    }
    Chart::new()
        .background_color("transparent")
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .grid(
            Grid::new()
                .left(8)
                .right(16)
                .top(8)
                .bottom(56)
                .contain_label(true),
        )
        .x_axis(category_axis(
            &text.electricity_usd_per_kwh,
            grid.electricity_usd_per_kwh
                .iter()
                .map(|e| format!("{e:.3}")),
        ))
        .y_axis(category_axis(
            &text.btc_price_usd,
            grid.btc_prices_usd.iter().map(|p| format!("{p:.0}")),
        ))
        .visual_map(
            VisualMap::new()
                .min(-extreme)
                .max(extreme)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom(0)
                .in_range(VisualMapChannel::new().color(vec![LOSS_COLOR, "#ffffff", PROFIT_COLOR])),
        )
        .series(HeatmapSeries::new().data(cells))
}

/// One line over the stored days: `value` of each day (a gap where it is unknown), dated axis.
pub fn history_line(
    days: &[NetworkDay],
    value: impl Fn(&NetworkDay) -> Option<f64>,
    name: &str,
) -> Chart {
    let points: Vec<DataPoint> = days
        .iter()
        .map(|day| match value(day) {
            Some(v) => ((v * 1e4).round() / 1e4).into(),
            None => "-".into(),
        })
        .collect();
    axis_chart()
        .x_axis(category_axis("", days.iter().map(|d| iso_date(d.day_ms))))
        .y_axis(Axis::new().type_(AxisType::Value).name(name).scale(true))
        .series(
            Line::new()
                .name(name)
                .show_symbol(false)
                .item_style(ItemStyle::new().color(LINE_COLOR))
                .data(points),
        )
}

/// Cents are the finest money a chart shows; fewer digits keep the option small.
fn round_cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

/// One figure of a miner over time, as a line over time labels (`HH:MM` within two days,
/// dates beyond): `values` are already in `unit`; a missing value is a gap, not a zero.
pub fn miner_series(
    times_ms: &[i64],
    values: &[Option<f64>],
    name: &str,
    unit: &str,
    color: &str,
) -> Chart {
    let span_ms = match (times_ms.first(), times_ms.last()) {
        (Some(first), Some(last)) => last - first,
        _ => 0,
    };
    let labels = times_ms.iter().map(|at| time_label(*at, span_ms));
    let data: Vec<DataPoint> = values
        .iter()
        .map(|v| DataPoint::from(v.map(|v| (v * 100.0).round() / 100.0)))
        .collect();
    axis_chart()
        .x_axis(category_axis("", labels))
        .y_axis(Axis::new().type_(AxisType::Value).name(unit).scale(true))
        .series(
            Line::new()
                .name(name)
                .show_symbol(false)
                .item_style(ItemStyle::new().color(color))
                .data(data),
        )
}

/// "14:05" for a chart of up to two days, "2026-11-30" beyond (UTC).
pub fn time_label(at_ms: i64, span_ms: i64) -> String {
    if span_ms > 2 * crate::market::DAY_MS {
        iso_date(at_ms)
    } else {
        let minute = at_ms.rem_euclid(crate::market::DAY_MS) / 60_000;
        format!("{:02}:{:02}", minute / 60, minute % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ChartText {
        ChartText {
            month: "Month".to_owned(),
            usd: "USD".to_owned(),
            payback: "Payback".to_owned(),
            btc_price_usd: "BTC price".to_owned(),
            electricity_usd_per_kwh: "Electricity".to_owned(),
        }
    }

    fn option(chart: &Chart) -> serde_json::Value {
        serde_json::to_value(chart).expect("a chart serialises")
    }

    #[test]
    fn cumulative_profit_marks_the_payback_month_on_its_point() {
        let chart = cumulative_profit(&[-300.0, -100.0, 100.5, 300.0], Some(3), &text());
        let json = option(&chart);
        assert_eq!(
            json["xAxis"]["data"],
            serde_json::json!(["1", "2", "3", "4"])
        );
        let series = &json["series"][0];
        assert_eq!(series["type"], "line");
        assert_eq!(
            series["data"],
            serde_json::json!([-300.0, -100.0, 100.5, 300.0])
        );
        let mark = &series["markPoint"]["data"][0];
        assert_eq!(mark["xAxis"], 2.0);
        assert_eq!(mark["yAxis"], 100.5);
        assert_eq!(mark["name"], "Payback");
    }

    #[test]
    fn no_marker_when_payback_is_not_within_the_horizon() {
        let json = option(&cumulative_profit(&[-300.0, -200.0], None, &text()));
        assert!(json["series"][0].get("markPoint").is_none());
    }

    #[test]
    fn monthly_bars_are_coloured_by_sign() {
        let json = option(&monthly_profit(&[12.345, -3.0], &text()));
        let data = &json["series"][0]["data"];
        assert_eq!(data[0]["value"], 12.35);
        assert_eq!(data[0]["itemStyle"]["color"], PROFIT_COLOR);
        assert_eq!(data[1]["itemStyle"]["color"], LOSS_COLOR);
    }

    #[test]
    fn history_lines_date_the_days_and_leave_gaps_where_unknown() {
        let day = |day_ms, price_usd| NetworkDay {
            day_ms,
            difficulty: None,
            hashrate_hs: None,
            price_usd,
            source: "Binance".to_owned(),
            updated_at_ms: 0,
        };
        let days = [
            day(1_795_478_400_000, Some(90_000.123_45)),
            day(1_795_564_800_000, None),
        ];
        let json = option(&history_line(&days, |d| d.price_usd, "USD"));
        assert_eq!(
            json["xAxis"]["data"],
            serde_json::json!(["2026-11-24", "2026-11-25"])
        );
        assert_eq!(
            json["series"][0]["data"],
            serde_json::json!([90_000.123_5, "-"])
        );
    }

    #[test]
    fn the_heatmap_has_a_cell_per_price_pair_and_a_symmetric_scale() {
        let grid = Heatmap {
            btc_prices_usd: vec![50_000.0, 100_000.0],
            electricity_usd_per_kwh: vec![0.05, 0.1, 0.15],
            months: 36,
            total_profit_usd: vec![vec![10.0, -20.0, -40.0], vec![80.0, 30.0, -5.0]],
            day_one_profit_usd: vec![vec![0.0; 3]; 2],
        };
        let json = option(&sensitivity(&grid, &text()));
        let cells = json["series"][0]["data"].as_array().expect("cells");
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[1], serde_json::json!([1.0, 0.0, -20.0]));
        assert_eq!(cells[3], serde_json::json!([0.0, 1.0, 80.0]));
        assert_eq!(json["visualMap"][0]["min"], -80.0);
        assert_eq!(json["visualMap"][0]["max"], 80.0);
        assert_eq!(
            json["yAxis"]["data"],
            serde_json::json!(["50000", "100000"])
        );
    }

    #[test]
    fn a_miner_series_labels_times_by_span_and_keeps_gaps() {
        let day = crate::market::DAY_MS;
        assert_eq!(
            time_label(20_000 * day + 14 * 3_600_000 + 5 * 60_000, day),
            "14:05"
        );
        assert_eq!(time_label(20_000 * day, 30 * day), "2024-10-04");
        let json = miner_series(
            &[0, 60_000],
            &[Some(110.456), None],
            "Hashrate",
            "TH/s",
            "#000",
        )
        .to_string();
        assert!(json.contains("110.46"), "{json}");
        assert!(json.contains("null"), "{json}");
        assert!(json.contains("\"00:01\""), "{json}");
    }
}
