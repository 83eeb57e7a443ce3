//! What every handler can reach.

use std::sync::Arc;

use app::ssr::Store;
use app::ssr::identity::AuthServices;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub market: market::MarketService,
    pub auth: Arc<AuthServices>,
    pub alerts: Arc<crate::alerts::Alerting>,
    pub live: crate::live::LiveHub,
}
