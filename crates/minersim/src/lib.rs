//! Simulated stock Bitmain Antminers for tests and demos.
//!
//! Each miner gets its own loopback address (all of 127.0.0.0/8 is loopback on Linux) and listens
//! where a real one does: the cgminer JSON RPC on 4028 and the digest-protected web CGI API on 80
//! (4029 and 8889 stay closed). The replies copy stock firmware closely enough that `asic-rs`
//! identifies and reads the simulator as a real Antminer; see `tests/asic_rs.rs`.
//!
//! Binding port 80 needs root (or `CAP_NET_BIND_SERVICE`). [`Farm::start`] raises the open-file
//! limit to about three descriptors per miner when it can (root can raise the hard limit).

mod cgi;
mod config;
mod digest;
mod farm;
mod nofile;
mod noise;
mod replies;
mod rpc;
mod state;
mod telemetry;
mod web;

pub use config::{ModelProfile, SimConfig};
pub use farm::{Farm, RPC_PORT, SimError, WEB_PORT};
pub use state::{Fault, Identity, PoolSlot, SimMiner, WorkMode};
pub use telemetry::{BoardTelemetry, Telemetry};
