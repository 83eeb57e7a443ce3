//! The maths of Bitcoin mining, free of I/O so the browser, the server, the CLI and reports all
//! compute every number with the same code.
//!
//! - [`units`], [`subsidy`], [`revenue`]: the building blocks (H/s, the subsidy schedule,
//!   expected BTC from hashrate and difficulty);
//! - [`costs`], [`hosting`]: tariffs, energy, fees, and the host/client split;
//! - [`calculator`]: one day of a fleet, every figure, from one validated input;
//! - [`projection`]: month by month, with retargets, halvings, price paths and ROI/NPV/IRR;
//! - [`breakeven`]: the input values at which profit is zero;
//! - [`heatmap`]: profit over a grid of BTC prices × electricity prices;
//! - [`batch`]: many rows of miners from a spreadsheet, with a fleet summary and CSV export;
//! - [`csv`]: the small RFC 4180 reader and writer the batch uses;
//! - [`validation`]: the field errors every input reports.

pub mod batch;
pub mod breakeven;
pub mod calculator;
pub mod costs;
pub mod csv;
pub mod heatmap;
pub mod hosting;
pub mod projection;
pub mod revenue;
pub mod subsidy;
pub mod units;
pub mod validation;

pub use batch::{
    BatchColumn, BatchDefaults, BatchError, BatchReport, BatchRow, BatchSummary, RowError,
    RowErrorCode, RowResult, calculate_batch, calculate_batch_csv, to_csv,
};
pub use breakeven::{BreakevenError, Breakevens, breakevens};
pub use calculator::{CalcError, CalcInput, DailyFigures, calculate};
pub use costs::{CostError, HostingFees, Tariff};
pub use heatmap::{Heatmap, HeatmapAxes, HeatmapError, heatmap};
pub use hosting::{HostingError, HostingFigures, HostingSplit, HostingUsage};
pub use projection::{
    MonthFigures, PricePath, Projection, ProjectionError, ProjectionParams, Scenarios, project,
    scenarios,
};
pub use revenue::{RevenueError, RevenueInput, daily_btc, hashprice_usd_per_th_day};
pub use subsidy::{HALVING_INTERVAL_BLOCKS, subsidy_btc_at_height};
pub use units::{DAYS_PER_MONTH, Hashrate, HashrateUnit};
pub use validation::{FieldError, FieldErrorCode};
