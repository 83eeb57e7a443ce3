//! The collector engine: polls a farm's miners through asic-rs and turns each reading into a
//! normalised [`Sample`] (hashrate in H/s, power in W, temperatures in °C).
//!
//! [`Collector::poll_cycle`] reads a list of addresses once, at bounded concurrency and with a
//! deadline per miner, and returns a [`CycleReport`] of samples and typed errors.
//! [`Collector::run`] repeats that on an interval and tracks which miners have gone offline
//! (no data for 5 minutes, see [`liveness`]). Storage and the uploads live elsewhere; [`uplink`]
//! holds only the rules for the connection to the server (which URLs, no redirects), so the
//! `hashinsight collect` command cannot leak the collector key.

mod collector;
mod config;
mod convert;
mod error;
mod fields;
pub mod liveness;
mod probe;
mod run;
mod sample;
pub mod uplink;

pub use collector::{Collector, CycleReport, now_ms};
pub use config::{CollectorConfig, HandleCache};
pub use convert::{hashrate_hs, power_w, sample_from_data};
pub use error::{PollError, PollErrorKind};
pub use liveness::{Liveness, Presence};
pub use run::RunEnd;
pub use sample::{BoardSample, MinerMessage, Sample, Severity};
