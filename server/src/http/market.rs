//! `GET /api/v1/market`: the market values the server holds now, never waiting on a provider.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::market::MarketNow;
use market::now_ms;
use serde::Serialize;

use crate::http::auth::guarded;
use crate::market::market_now;
use crate::state::AppState;

pub const MARKET_PATH: &str = "/api/v1/market";

pub fn router() -> Router<AppState> {
    Router::new().route(MARKET_PATH, guarded(MARKET_PATH, get(market_handler)))
}

/// `GET /api/v1/market`.
#[derive(Debug, Serialize)]
pub struct MarketResponse {
    #[serde(flatten)]
    pub now: MarketNow,
    /// Requests this server has sent to providers since it started: it grows with time, not
    /// with the number of readers.
    pub outbound_requests: u64,
}

pub async fn market_handler(State(state): State<AppState>) -> Json<MarketResponse> {
    Json(MarketResponse {
        now: market_now(&state.market, now_ms()),
        outbound_requests: state.market.outbound_requests(),
    })
}
