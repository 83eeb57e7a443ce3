//! ASIC models as the UI and the API see them.

use serde::{Deserialize, Serialize};

use crate::account::bounded_label;
use crate::number::{parse_number as number, trim_number};
use crate::rejection::Rejection;

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

/// The largest hashrate one machine may declare, TH/s: ten times today's biggest hydro units,
/// so a unit slip (H/s typed as TH/s) is refused rather than stored.
pub const MAX_HASHRATE_THS: f64 = 10_000.0;
/// The largest power one machine may declare, W.
pub const MAX_POWER_W: f64 = 50_000.0;
/// The largest launch price, USD.
pub const MAX_PRICE_USD: f64 = 1_000_000.0;

/// A model as an admin types it in the catalogue editor: text in the units the page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsicModelForm {
    pub name: String,
    pub manufacturer: String,
    pub hashrate_ths: String,
    pub power_w: String,
    pub cooling: String,
    /// YYYY-MM-DD, or empty when unknown.
    pub release_date: String,
    /// USD, or empty when unknown.
    pub price_usd: String,
}

impl AsicModelForm {
    /// The form of an existing model, for editing it.
    pub fn of(model: &AsicModel) -> Self {
        Self {
            name: model.name.clone(),
            manufacturer: model.manufacturer.clone(),
            hashrate_ths: trim_number(model.hashrate_hs / 1e12),
            power_w: trim_number(model.power_w),
            cooling: model.cooling.as_str().to_owned(),
            release_date: model.release_date.clone().unwrap_or_default(),
            price_usd: model.price_usd.map(trim_number).unwrap_or_default(),
        }
    }

    /// Checks every field and converts to catalogue units; the first bad field is named.
    pub fn parse(&self) -> Result<NewAsicModel, Rejection> {
        let name = bounded_label(&self.name, 80).ok_or(Rejection::ModelNameInvalid)?;
        let manufacturer =
            bounded_label(&self.manufacturer, 60).ok_or(Rejection::ManufacturerInvalid)?;
        let hashrate_ths = number(&self.hashrate_ths)
            .filter(|ths| *ths > 0.0 && *ths <= MAX_HASHRATE_THS)
            .ok_or(Rejection::HashrateInvalid)?;
        let power_w = number(&self.power_w)
            .filter(|w| *w > 0.0 && *w <= MAX_POWER_W)
            .ok_or(Rejection::PowerInvalid)?;
        let cooling = Cooling::parse(self.cooling.trim()).ok_or(Rejection::CoolingInvalid)?;
        let release_date = match self.release_date.trim() {
            "" => None,
            date if is_iso_date(date) => Some(date.to_owned()),
            _ => return Err(Rejection::DateInvalid),
        };
        let price_usd = match self.price_usd.trim() {
            "" => None,
            text => Some(
                number(text)
                    .filter(|usd| *usd >= 0.0 && *usd <= MAX_PRICE_USD)
                    .ok_or(Rejection::PriceInvalid)?,
            ),
        };
        Ok(NewAsicModel {
            name,
            manufacturer,
            hashrate_hs: hashrate_ths * 1e12,
            power_w,
            cooling,
            release_date,
            price_usd,
        })
    }
}

/// A real calendar date written YYYY-MM-DD (zero-padded, as the database stores it), between
/// 2009 (Bitcoin) and 2100.
fn is_iso_date(text: &str) -> bool {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        && text[0..4]
            .parse::<u32>()
            .is_ok_and(|year| (2009..=2100).contains(&year))
        && crate::market::day_from_iso(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s21_form() -> AsicModelForm {
        AsicModelForm {
            name: "  Antminer S21  ".into(),
            manufacturer: "Bitmain".into(),
            hashrate_ths: "200".into(),
            power_w: "3,500".into(),
            cooling: "air".into(),
            release_date: "2024-02-29".into(),
            price_usd: String::new(),
        }
    }

    #[test]
    fn a_form_becomes_a_model_in_catalogue_units() {
        let model = s21_form().parse().unwrap();
        assert_eq!(model.name, "Antminer S21");
        assert!((model.hashrate_hs - 200e12).abs() < 1.0);
        assert!((model.power_w - 3_500.0).abs() < 1e-9);
        assert_eq!(model.release_date.as_deref(), Some("2024-02-29"));
        assert_eq!(model.price_usd, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut AsicModelForm);
        let cases: [(Spoil, Rejection); 10] = [
            (|f| f.name = "   ".into(), Rejection::ModelNameInvalid),
            (|f| f.name = "x".repeat(81), Rejection::ModelNameInvalid),
            (
                |f| f.manufacturer = String::new(),
                Rejection::ManufacturerInvalid,
            ),
            (|f| f.hashrate_ths = "0".into(), Rejection::HashrateInvalid),
            // 200 TH/s typed in H/s: a unit slip, refused.
            (
                |f| f.hashrate_ths = "2e14".into(),
                Rejection::HashrateInvalid,
            ),
            (|f| f.power_w = "NaN".into(), Rejection::PowerInvalid),
            (|f| f.cooling = "steam".into(), Rejection::CoolingInvalid),
            (
                |f| f.release_date = "2024-002-9".into(),
                Rejection::DateInvalid,
            ),
            (
                |f| f.release_date = "2023-02-29".into(),
                Rejection::DateInvalid,
            ),
            (|f| f.price_usd = "-1".into(), Rejection::PriceInvalid),
        ];
        for (spoil, expected) in cases {
            let mut form = s21_form();
            spoil(&mut form);
            assert_eq!(form.parse(), Err(expected), "{form:?}");
        }
    }

    #[test]
    fn a_model_round_trips_through_its_form() {
        let model = AsicModel {
            asic_model_id: 7,
            name: "Whatsminer M60S".into(),
            manufacturer: "MicroBT".into(),
            hashrate_hs: 186e12,
            power_w: 3_441.0,
            cooling: Cooling::Air,
            release_date: Some("2023-10-01".into()),
            price_usd: Some(3_299.5),
        };
        let form = AsicModelForm::of(&model);
        assert_eq!(form.hashrate_ths, "186");
        assert_eq!(form.price_usd, "3299.5");
        let back = form.parse().unwrap();
        assert_eq!(back.name, model.name);
        assert!((back.hashrate_hs - model.hashrate_hs).abs() < 1.0);
        assert_eq!(back.price_usd, model.price_usd);
    }

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
