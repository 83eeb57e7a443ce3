//! Persistence, as the app and the server's jobs see it: one trait per domain (accounts,
//! fleet, alerts, telemetry; catalogue, saved scenarios and market history in `Store` itself),
//! the records they pass, and `StoreError`, bundled as the `Store` the server holds. The
//! server's SQLite and PostgreSQL implementations implement them; nothing here knows SQL.

pub mod accounts;
pub mod alerts;
pub mod fleet;
pub mod telemetry;

use async_trait::async_trait;
use thiserror::Error;

use domain::catalogue::{AsicModel, NewAsicModel};
use domain::saved_scenario::SavedScenario;

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
        days: &[domain::market::NetworkDay],
    ) -> Result<usize, StoreError>;
    /// Days from `since_day_ms` on, oldest first.
    async fn list_network_days(
        &self,
        since_day_ms: i64,
    ) -> Result<Vec<domain::market::NetworkDay>, StoreError>;
}
