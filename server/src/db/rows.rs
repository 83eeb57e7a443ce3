//! Row types as the database returns them, converted to app types at the edge.

use domain::catalogue::{AsicModel, Cooling};
use domain::market::NetworkDay;
use store::StoreError;

#[derive(Debug, sqlx::FromRow)]
pub struct AsicModelRow {
    pub asic_model_id: i64,
    pub name: String,
    pub manufacturer: String,
    pub hashrate_hs: f64,
    pub power_w: f64,
    pub cooling: String,
    pub release_date: Option<String>,
    pub price_usd: Option<f64>,
}

impl TryFrom<AsicModelRow> for AsicModel {
    type Error = StoreError;

    fn try_from(row: AsicModelRow) -> Result<Self, Self::Error> {
        let cooling = Cooling::parse(&row.cooling).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "asic_model {}: cooling {:?}",
                row.asic_model_id, row.cooling
            ))
        })?;
        Ok(Self {
            asic_model_id: row.asic_model_id,
            name: row.name,
            manufacturer: row.manufacturer,
            hashrate_hs: row.hashrate_hs,
            power_w: row.power_w,
            cooling,
            release_date: row.release_date,
            price_usd: row.price_usd,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct NetworkDayRow {
    pub day_ms: i64,
    pub difficulty: Option<f64>,
    pub hashrate_hs: Option<f64>,
    pub price_usd: Option<f64>,
    pub source: String,
    pub updated_at_ms: i64,
}

impl From<NetworkDayRow> for NetworkDay {
    fn from(row: NetworkDayRow) -> Self {
        Self {
            day_ms: row.day_ms,
            difficulty: row.difficulty,
            hashrate_hs: row.hashrate_hs,
            price_usd: row.price_usd,
            source: row.source,
            updated_at_ms: row.updated_at_ms,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct SavedScenarioRow {
    pub scenario_id: i64,
    pub name: String,
    pub query: String,
    pub updated_at_ms: i64,
}

impl From<SavedScenarioRow> for domain::saved_scenario::SavedScenario {
    fn from(row: SavedScenarioRow) -> Self {
        Self {
            scenario_id: row.scenario_id,
            name: row.name,
            query: row.query,
            updated_at_ms: row.updated_at_ms,
        }
    }
}
