//! The hosting fleet's pure logic (issue #6), shared by the server and its jobs:
//!
//! - [`import`]: a miner inventory from CSV or XLSX, validated row by row into good rows and a
//!   report of bad cells (row, column, reason), and the CSV export that reads back the same;
//! - [`alerts`]: the alert rules (temperature, offline, low hashrate, hardware errors, stopped
//!   fans, dead boards) with debounce, escalation, auto-resolve, cooldown and acknowledgement,
//!   as a state book the server persists between polling cycles;
//! - [`address`]: which IPv4 addresses may be a miner's (no loopback, link-local, multicast,
//!   … nor the server's own), the one rule the forms, the imports and the pollers apply.
//!
//! No I/O and no async: both are synchronous CPU work (20,000 rows import in tens of
//! milliseconds, see the benches), so the server runs imports on a blocking thread.

pub mod address;
pub mod alerts;
pub mod import;

pub use domain::fleet::MinerStatus;
