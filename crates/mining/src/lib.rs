//! The maths of Bitcoin mining, free of I/O so the browser, the server, the CLI and reports all
//! compute every number with the same code.

pub mod revenue;
pub mod subsidy;
pub mod units;

pub use revenue::{RevenueError, RevenueInput, daily_btc, hashprice_usd_per_th_day};
pub use subsidy::{HALVING_INTERVAL_BLOCKS, subsidy_btc_at_height};
pub use units::{Hashrate, HashrateUnit};
