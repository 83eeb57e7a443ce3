//! Server-only parts of the app: the caller and its session, the ports the server fills the
//! request context with (the `Store` from the store crate, the market feed, the live-update
//! hub), and context helpers.

pub mod auth;
pub mod identity;

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::error::AppError;

pub use store::{Store, StoreError, accounts, alerts, fleet, telemetry};

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            other => {
                // The cause stays in the log; the browser only learns that it failed.
                tracing::error!(error = %other, "store error");
                Self::Internal
            }
        }
    }
}

/// The error for the user when a unique constraint refused the write: `rejection` (a name or
/// address already taken), anything else as usual.
pub fn conflict_as(err: StoreError, rejection: crate::error::Rejection) -> AppError {
    match err {
        StoreError::Conflict { .. } => AppError::Rejected(rejection),
        other => other.into(),
    }
}

/// The market and network values the server keeps fresh in the background.
pub trait MarketFeed: Send + Sync + 'static {
    /// The latest values, with their sources and ages; never waits on the network.
    fn now(&self) -> crate::market::MarketNow;
}

/// The server's live-update hub, as server functions see it: they say which site they changed,
/// and every open page that may see the site reads it again.
pub trait LiveNews: Send + Sync + 'static {
    fn publish(&self, site_id: i64, change: crate::telemetry::SiteChange, at_ms: i64);
}

/// Tells open pages that `site_id` changed. A request context without the hub (a render with
/// no server around it) has no pages to tell, and open pages read again on their own timer.
pub fn tell_pages(site_id: i64, change: crate::telemetry::SiteChange) {
    if let Some(news) = use_context::<Arc<dyn LiveNews>>() {
        news.publish(site_id, change, crate::market::unix_now_ms());
    }
}

/// Which addresses may be a miner's: the rule with the server's allow-list and own addresses,
/// as the server put it into the request context; without one, the strict rule (nothing
/// reserved allowed), never a looser one.
pub fn miner_addresses() -> Arc<::fleet::address::AddressPolicy> {
    use_context::<Arc<::fleet::address::AddressPolicy>>().unwrap_or_default()
}

/// The temperatures that make a miner hot and critical: the alert engine's, as the server put
/// them into the request context; the defaults in a render without a server.
pub fn temperature_limits() -> crate::fleet::TemperatureLimits {
    use_context::<crate::fleet::TemperatureLimits>().unwrap_or_default()
}

/// The store the server put into the request context.
pub fn store() -> Result<Arc<dyn Store>, AppError> {
    use_context::<Arc<dyn Store>>().ok_or_else(|| {
        tracing::error!("no Store in the request context");
        AppError::Internal
    })
}
