//! HashInsight's vocabulary, shared by the browser and the server: who may do what (`access`),
//! accounts, the ASIC catalogue and saved scenarios, market values, the calculator's and the
//! batch's requests, the hosting fleet (sites, customers, miners, tariffs, alerts), telemetry,
//! the refusals a request can meet, and the clock.
//!
//! Plain types and the rules that go with them: no Leptos, no SQL, no I/O. Compiled natively
//! and for wasm32, so a rule written here is the same rule on the page and behind the API.

pub mod access;
pub mod account;
pub mod batch;
pub mod calculate;
pub mod catalogue;
pub mod clock;
pub mod error_body;
pub mod estimate;
pub mod fleet;
pub mod market;
pub mod network;
pub mod number;
pub mod rejection;
pub mod saved_scenario;
pub mod scenario;
pub mod telemetry;
