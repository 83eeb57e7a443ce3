//! What every handler can reach.

use std::sync::Arc;

use app::ssr::identity::AuthServices;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use store::Store;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub market: market::MarketService,
    pub auth: Arc<AuthServices>,
    pub alerts: Arc<crate::alerts::Alerting>,
    pub live: crate::live::LiveHub,
    /// Which addresses may be a miner's (`[poll] allow_networks`, the demo farm's range, the
    /// server's own address): the imports and the collector targets apply it.
    pub miner_addresses: Arc<crate::addresses::MinerAddresses>,
}
