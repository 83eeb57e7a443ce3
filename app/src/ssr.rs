//! Server-only parts of the app: the `Store` port the server implements, and context helpers.

pub mod accounts;
pub mod alerts;
pub mod auth;
pub mod fleet;
pub mod identity;
pub mod telemetry;

use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::use_context;
use thiserror::Error;

use crate::catalogue::{AsicModel, NewAsicModel};
use crate::error::AppError;
use crate::saved_scenario::SavedScenario;

/// What can go wrong in storage, in terms the app can act on.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflicts with existing data ({constraint})")]
    Conflict { constraint: String },
    #[error("invalid data in the database: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

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

impl StoreError {
    /// The error for the user when a unique constraint refused the write: `rejection` (a name or
    /// address already taken), anything else as usual.
    pub fn conflict_as(self, rejection: crate::error::Rejection) -> AppError {
        match self {
            Self::Conflict { .. } => AppError::Rejected(rejection),
            other => other.into(),
        }
    }
}

/// Persistence, implemented for SQLite and PostgreSQL by the server.
#[async_trait]
pub trait Store:
    accounts::AccountStore
    + alerts::AlertStore
    + fleet::FleetStore
    + telemetry::TelemetryStore
    + Send
    + Sync
    + 'static
{
    /// Round trip to the database, for health checks.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The engine's name, as shown by `/healthz`.
    fn engine(&self) -> &'static str;

    async fn list_asic_models(&self) -> Result<Vec<AsicModel>, StoreError>;
    async fn get_asic_model(&self, name: &str) -> Result<AsicModel, StoreError>;
    /// Creates the model, or replaces the one with the same name.
    async fn upsert_asic_model(&self, model: &NewAsicModel) -> Result<AsicModel, StoreError>;
    /// Creates a model; `Conflict` when the name is taken.
    async fn create_asic_model(&self, model: &NewAsicModel) -> Result<AsicModel, StoreError>;
    /// Replaces every field of a model, its name included; `NotFound`, or `Conflict` when the
    /// new name is another model's.
    async fn update_asic_model(
        &self,
        asic_model_id: i64,
        model: &NewAsicModel,
    ) -> Result<AsicModel, StoreError>;
    async fn delete_asic_model(&self, asic_model_id: i64) -> Result<(), StoreError>;

    /// A user's saved scenarios, by name.
    async fn list_saved_scenarios(&self, user_id: i64) -> Result<Vec<SavedScenario>, StoreError>;
    /// Saves under `name`: a new row, or with `replace` the user's scenario of that name gets
    /// the new query. `Conflict` when the name is taken and `replace` is false.
    async fn save_scenario(
        &self,
        user_id: i64,
        name: &str,
        query: &str,
        replace: bool,
        now_ms: i64,
    ) -> Result<SavedScenario, StoreError>;
    /// Renames one of the user's scenarios; `NotFound` for another user's.
    async fn rename_saved_scenario(
        &self,
        user_id: i64,
        scenario_id: i64,
        name: &str,
        now_ms: i64,
    ) -> Result<SavedScenario, StoreError>;
    /// Deletes one of the user's scenarios; `NotFound` for another user's.
    async fn delete_saved_scenario(&self, user_id: i64, scenario_id: i64)
    -> Result<(), StoreError>;

    /// Creates or merges days of history in one transaction: a value given replaces the
    /// stored one, a `None` keeps it. Returns the rows written.
    async fn upsert_network_days(
        &self,
        days: &[crate::market::NetworkDay],
    ) -> Result<usize, StoreError>;
    /// Days from `since_day_ms` on, oldest first.
    async fn list_network_days(
        &self,
        since_day_ms: i64,
    ) -> Result<Vec<crate::market::NetworkDay>, StoreError>;
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

/// The store the server put into the request context.
pub fn store() -> Result<Arc<dyn Store>, AppError> {
    use_context::<Arc<dyn Store>>().ok_or_else(|| {
        tracing::error!("no Store in the request context");
        AppError::Internal
    })
}
