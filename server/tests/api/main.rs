//! One integration-test binary: the real server on port 0, the real `hashinsight` binary, and
//! the store contract, on SQLite always and on PostgreSQL when configured (always in CI).
// In tests a panic is the failure report, helpers included.
#![allow(clippy::unwrap_used)]

mod accounts;
mod adversarial;
mod adversarial_ssrf;
mod alerts;
mod batch;
mod calculate;
mod calculator_data;
mod cli;
mod collector_keys;
mod demo;
mod fleet_namespaces;
mod fleet_setup;
mod fleet_store;
mod helpers;
mod http;
mod ingest;
mod inventory;
mod market;
mod poller;
mod sites;
mod store_contract;
mod telemetry_store;
