//! The HashInsight server: configuration, storage, HTTP and the commands of the `hashinsight`
//! binary. `main.rs` only wires these together, so tests start the very same server.

pub mod accounts;
pub mod addresses;
pub mod alerts;
pub mod auth;
pub mod batch;
pub mod calc;
pub mod cli;
pub mod collect;
pub mod config;
pub mod db;
pub mod demo;
pub mod health;
pub mod ingest;
pub mod inventory;
pub mod live;
pub mod locale;
pub mod mail;
pub mod market;
pub mod minersim;
pub mod poller;
pub mod sites;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod upkeep;
