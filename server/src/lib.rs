//! The HashInsight server: configuration, storage, the use cases the surfaces share (`calculate`,
//! `ingest`, `inventory`, `accounts`), the REST API (`http/`), background work (`jobs/`) and
//! the commands of the `hashinsight` binary (`commands/`). `main.rs` only wires these together,
//! so tests start the very same server.

pub mod accounts;
pub mod addresses;
pub mod alerts;
pub mod calculate;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod ingest;
pub mod inventory;
pub mod jobs;
pub mod live;
pub mod locale;
pub mod logging;
pub mod mail;
pub mod market;
pub mod secret_url;
pub mod shutdown;
pub mod startup;
pub mod state;
