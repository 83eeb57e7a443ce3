//! ASIC models as the UI and the API see them.

use serde::{Deserialize, Serialize};

/// How a machine is cooled; decides where it can be hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cooling {
    Air,
    Hydro,
    Immersion,
}

impl Cooling {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Air => "air",
            Self::Hydro => "hydro",
            Self::Immersion => "immersion",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "air" => Some(Self::Air),
            "hydro" => Some(Self::Hydro),
            "immersion" => Some(Self::Immersion),
            _ => None,
        }
    }
}

/// One model of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsicModel {
    pub asic_model_id: i64,
    pub name: String,
    pub manufacturer: String,
    /// Nominal hashrate, H/s.
    pub hashrate_hs: f64,
    /// Nominal power at the wall, W.
    pub power_w: f64,
    pub cooling: Cooling,
    /// ISO date (YYYY-MM-DD) of the first shipments, when known.
    pub release_date: Option<String>,
    /// Launch price, USD, when known.
    pub price_usd: Option<f64>,
}

impl AsicModel {
    /// Joules per terahash, the figure operators compare machines by (W ÷ TH/s).
    pub fn efficiency_j_per_th(&self) -> f64 {
        self.power_w / (self.hashrate_hs / 1e12)
    }
}

/// A model to create or replace, keyed by its unique name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAsicModel {
    pub name: String,
    pub manufacturer: String,
    pub hashrate_hs: f64,
    pub power_w: f64,
    pub cooling: Cooling,
    pub release_date: Option<String>,
    pub price_usd: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn efficiency_is_watts_per_terahash() {
        let s21 = AsicModel {
            asic_model_id: 1,
            name: "Antminer S21".into(),
            manufacturer: "Bitmain".into(),
            hashrate_hs: 200e12,
            power_w: 3_500.0,
            cooling: Cooling::Air,
            release_date: None,
            price_usd: None,
        };
        assert!((s21.efficiency_j_per_th() - 17.5).abs() < 1e-12);
    }

    #[test]
    fn cooling_round_trips_through_text() {
        for cooling in [Cooling::Air, Cooling::Hydro, Cooling::Immersion] {
            assert_eq!(Cooling::parse(cooling.as_str()), Some(cooling));
        }
        assert_eq!(Cooling::parse("steam"), None);
    }
}
