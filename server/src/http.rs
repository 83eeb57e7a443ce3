//! The REST API under `/api/v1` and the routes beside the pages: one module per area, each with
//! its `router()`, every path defined once; `auth` holds the guards and middleware, `error` the
//! one error body.

use axum::Router;
use domain::access::{Access, Module};

use crate::state::AppState;

pub mod auth;
pub mod batch;
pub mod calculate;
pub mod collector;
pub mod error;
pub mod health;
pub mod inventory;
pub mod live;
pub mod market;

/// Every REST route and `/healthz`; the pages and server functions are added by `startup`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(calculate::router())
        .merge(market::router())
        .merge(batch::router())
        .merge(inventory::router())
        .merge(live::router())
        .merge(collector::router())
}

/// Every REST endpoint behind the guard, with what it needs: the walk test reads this table and
/// checks each endpoint against the matrix as every role.
pub const REST_ENDPOINTS: &[(&str, &str, Module, Access)] = &[
    (
        "POST",
        calculate::CALCULATE_PATH,
        Module::Calculator,
        Access::Read,
    ),
    ("GET", market::MARKET_PATH, Module::Network, Access::Read),
    (
        "GET",
        domain::telemetry::LIVE_PATH,
        Module::StatusMonitor,
        Access::Read,
    ),
    (
        "POST",
        domain::fleet::import::MINER_IMPORT_PATH,
        Module::SiteManagement,
        Access::Full,
    ),
    (
        "GET",
        domain::fleet::import::MINER_EXPORT_PATH,
        Module::SiteManagement,
        Access::Read,
    ),
    (
        "POST",
        domain::batch::EXPORT_PATH,
        Module::BatchCalculator,
        Access::Read,
    ),
    (
        "POST",
        domain::batch::IMPORT_PATH,
        Module::BatchCalculator,
        Access::Read,
    ),
];
