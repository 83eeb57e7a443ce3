//! The REST API under `/api/v1` and the routes beside the pages: one module per area, each with
//! its `router()`, every path defined once; `auth` holds the guards and middleware, `error` the
//! one error body.

use axum::Router;

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
