//! `/healthz`: is the process up and can it reach its database? For load balancers and probes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub engine: &'static str,
    pub version: &'static str,
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let engine = state.store.engine();
    let version = env!("CARGO_PKG_VERSION");
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
                engine,
                version,
            }),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            let body = Health {
                status: "unavailable",
                database: "unreachable",
                engine,
                version,
            };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
