//! The maths of Bitcoin mining, free of I/O so the browser, the server, the CLI and reports all
//! compute every number with the same code.
//!
//! - [`units`], [`subsidy`], [`revenue`]: the building blocks (H/s, the subsidy schedule,
//!   expected BTC from hashrate and difficulty);
//! - [`costs`], [`hosting`]: tariffs, energy, fees, and the host/client split;
//! - [`calculator`]: one day of a fleet, every figure, from one validated input;
//! - [`projection`]: month by month, with retargets, halvings, price paths and ROI/NPV/IRR;
//! - [`breakeven`]: the input values at which profit is zero;
//! - [`validation`]: the field errors every input reports.

pub mod breakeven;
pub mod calculator;
pub mod costs;
pub mod hosting;
pub mod projection;
pub mod revenue;
pub mod subsidy;
pub mod units;
pub mod validation;

pub use breakeven::{BreakevenError, Breakevens, breakevens};
pub use calculator::{CalcError, CalcInput, DailyFigures, calculate};
pub use costs::{CostError, HostingFees, Tariff};
pub use hosting::{HostingError, HostingFigures, HostingSplit, HostingUsage};
pub use projection::{
    MonthFigures, PricePath, Projection, ProjectionError, ProjectionParams, Scenarios, project,
    scenarios,
};
pub use revenue::{RevenueError, RevenueInput, daily_btc, hashprice_usd_per_th_day};
pub use subsidy::{HALVING_INTERVAL_BLOCKS, subsidy_btc_at_height};
pub use units::{DAYS_PER_MONTH, Hashrate, HashrateUnit};
pub use validation::{FieldError, FieldErrorCode};
