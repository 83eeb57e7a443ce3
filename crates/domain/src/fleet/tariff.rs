//! A site's electricity price: flat, peak and off-peak hours, or one price per hour of the day.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The highest price a site may declare, USD/kWh: ten times the dearest retail power in the
/// world, so only a typing slip (cents typed as dollars) is refused.
pub const MAX_USD_KWH: f64 = 10.0;
pub const HOURS_PER_DAY: usize = 24;

/// What a site pays for each kWh, by hour of the day in the site's local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tariff {
    Flat {
        usd_kwh: f64,
    },
    /// Peak price from `peak_start_hour` (included) to `peak_end_hour` (excluded); the window
    /// wraps midnight when the end is earlier than the start (18 → 2 covers 18:00–02:00).
    TimeOfUse {
        peak_usd_kwh: f64,
        offpeak_usd_kwh: f64,
        peak_start_hour: u8,
        peak_end_hour: u8,
    },
    /// One price per hour, index 0 = 00:00–01:00.
    Hourly {
        usd_kwh: Vec<f64>,
    },
}

/// Why a tariff is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TariffError {
    #[error("every price must be a finite number from 0 to {MAX_USD_KWH} USD/kWh")]
    Price,
    #[error("peak hours must be from 0 to 23")]
    Hour,
    #[error("the peak window must not start and end at the same hour")]
    EmptyPeak,
    #[error("an hourly tariff needs exactly 24 prices, not {0}")]
    HourCount(usize),
}

fn valid_price(usd_kwh: f64) -> bool {
    usd_kwh.is_finite() && (0.0..=MAX_USD_KWH).contains(&usd_kwh)
}

impl Tariff {
    pub fn validate(&self) -> Result<(), TariffError> {
        match self {
            Self::Flat { usd_kwh } => valid_price(*usd_kwh)
                .then_some(())
                .ok_or(TariffError::Price),
            Self::TimeOfUse {
                peak_usd_kwh,
                offpeak_usd_kwh,
                peak_start_hour,
                peak_end_hour,
            } => {
                if !valid_price(*peak_usd_kwh) || !valid_price(*offpeak_usd_kwh) {
                    return Err(TariffError::Price);
                }
                if usize::from(*peak_start_hour) >= HOURS_PER_DAY
                    || usize::from(*peak_end_hour) >= HOURS_PER_DAY
                {
                    return Err(TariffError::Hour);
                }
                if peak_start_hour == peak_end_hour {
                    return Err(TariffError::EmptyPeak);
                }
                Ok(())
            }
            Self::Hourly { usd_kwh } => {
                if usd_kwh.len() != HOURS_PER_DAY {
                    return Err(TariffError::HourCount(usd_kwh.len()));
                }
                if usd_kwh.iter().all(|p| valid_price(*p)) {
                    Ok(())
                } else {
                    Err(TariffError::Price)
                }
            }
        }
    }

    /// The price during `hour` (taken modulo 24), USD/kWh. On an hourly tariff that fails
    /// [`Tariff::validate`] a missing hour is NaN, so the mistake shows instead of a made-up 0.
    pub fn price_usd_kwh_at(&self, hour: u8) -> f64 {
        let hour = hour % 24;
        match self {
            Self::Flat { usd_kwh } => *usd_kwh,
            Self::TimeOfUse {
                peak_usd_kwh,
                offpeak_usd_kwh,
                peak_start_hour,
                peak_end_hour,
            } => {
                let (start, end) = (*peak_start_hour, *peak_end_hour);
                let peak = if start < end {
                    (start..end).contains(&hour)
                } else {
                    hour >= start || hour < end
                };
                if peak {
                    *peak_usd_kwh
                } else {
                    *offpeak_usd_kwh
                }
            }
            Self::Hourly { usd_kwh } => usd_kwh.get(usize::from(hour)).copied().unwrap_or(f64::NAN),
        }
    }

    /// The 24 hourly prices, USD/kWh.
    pub fn hourly_usd_kwh(&self) -> [f64; HOURS_PER_DAY] {
        let mut prices = [0.0; HOURS_PER_DAY];
        for (hour, price) in (0u8..).zip(prices.iter_mut()) {
            *price = self.price_usd_kwh_at(hour);
        }
        prices
    }

    /// The mean over the 24 hours, USD/kWh: the price of a miner that runs all day.
    pub fn average_usd_kwh(&self) -> f64 {
        self.hourly_usd_kwh().iter().sum::<f64>() / 24.0
    }

    /// The same prices as the profitability maths takes them, so a site's projections and the
    /// calculator share one cost model (including curtailment in the dearest hours first).
    pub fn to_cost_tariff(&self) -> mining::costs::Tariff {
        match self {
            Self::Flat { usd_kwh } => mining::costs::Tariff::Flat {
                usd_per_kwh: *usd_kwh,
            },
            Self::TimeOfUse { .. } | Self::Hourly { .. } => mining::costs::Tariff::TimeOfUse {
                hourly_usd_per_kwh: self.hourly_usd_kwh(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tou(start: u8, end: u8) -> Tariff {
        Tariff::TimeOfUse {
            peak_usd_kwh: 0.12,
            offpeak_usd_kwh: 0.04,
            peak_start_hour: start,
            peak_end_hour: end,
        }
    }

    #[test]
    fn wire_shape_is_tagged_by_kind() {
        let json = serde_json::to_value(tou(17, 21)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "time_of_use", "peak_usd_kwh": 0.12,
                "offpeak_usd_kwh": 0.04, "peak_start_hour": 17, "peak_end_hour": 21})
        );
        let flat: Tariff = serde_json::from_str(r#"{"kind":"flat","usd_kwh":0.05}"#).unwrap();
        assert_eq!(flat, Tariff::Flat { usd_kwh: 0.05 });
    }

    #[test]
    fn a_daytime_peak_covers_its_start_but_not_its_end() {
        let tariff = tou(17, 21);
        let expected: Vec<f64> = (0..24)
            .map(|h| if (17..21).contains(&h) { 0.12 } else { 0.04 })
            .collect();
        assert_eq!(tariff.hourly_usd_kwh().to_vec(), expected);
    }

    #[test]
    fn a_peak_window_wraps_midnight() {
        let tariff = tou(22, 2);
        for hour in [22, 23, 0, 1] {
            assert!(
                (tariff.price_usd_kwh_at(hour) - 0.12).abs() < 1e-12,
                "{hour}"
            );
        }
        for hour in [2, 3, 12, 21] {
            assert!(
                (tariff.price_usd_kwh_at(hour) - 0.04).abs() < 1e-12,
                "{hour}"
            );
        }
        // 4 peak hours, 20 off-peak
        let average = (4.0 * 0.12 + 20.0 * 0.04) / 24.0;
        assert!((tariff.average_usd_kwh() - average).abs() < 1e-12);
    }

    #[test]
    fn hourly_prices_are_read_by_hour_and_averaged() {
        let usd_kwh: Vec<f64> = (0..24).map(|h| f64::from(h) / 100.0).collect();
        let tariff = Tariff::Hourly { usd_kwh };
        assert!((tariff.price_usd_kwh_at(5) - 0.05).abs() < 1e-12);
        assert!((tariff.price_usd_kwh_at(29) - 0.05).abs() < 1e-12);
        assert!((tariff.average_usd_kwh() - 0.115).abs() < 1e-12);
        assert_eq!(tariff.validate(), Ok(()));
    }

    #[test]
    fn validation_refuses_impossible_tariffs() {
        assert_eq!(
            Tariff::Flat { usd_kwh: -0.01 }.validate(),
            Err(TariffError::Price)
        );
        assert_eq!(
            Tariff::Flat { usd_kwh: f64::NAN }.validate(),
            Err(TariffError::Price)
        );
        assert_eq!(
            Tariff::Flat { usd_kwh: 10.01 }.validate(),
            Err(TariffError::Price)
        );
        assert_eq!(Tariff::Flat { usd_kwh: 10.0 }.validate(), Ok(()));
        assert_eq!(tou(24, 3).validate(), Err(TariffError::Hour));
        assert_eq!(tou(5, 5).validate(), Err(TariffError::EmptyPeak));
        assert_eq!(tou(23, 0).validate(), Ok(()));
        assert_eq!(
            Tariff::Hourly {
                usd_kwh: vec![0.05; 23]
            }
            .validate(),
            Err(TariffError::HourCount(23))
        );
        let mut prices = vec![0.05; 24];
        prices[7] = f64::INFINITY;
        assert_eq!(
            Tariff::Hourly { usd_kwh: prices }.validate(),
            Err(TariffError::Price)
        );
    }

    #[test]
    fn an_invalid_hourly_tariff_shows_nan_not_zero() {
        let tariff = Tariff::Hourly {
            usd_kwh: vec![0.05; 3],
        };
        assert!(tariff.price_usd_kwh_at(10).is_nan());
        assert!(tariff.average_usd_kwh().is_nan());
    }

    #[test]
    // The same computation twice must agree bit for bit.
    #[allow(clippy::float_cmp)]
    fn the_cost_model_sees_the_same_hourly_prices() {
        let tariff = tou(18, 22);
        let mining::costs::Tariff::TimeOfUse { hourly_usd_per_kwh } = tariff.to_cost_tariff()
        else {
            panic!("time of use must become hourly prices");
        };
        assert_eq!(hourly_usd_per_kwh, tariff.hourly_usd_kwh());
        assert_eq!(
            Tariff::Flat { usd_kwh: 0.07 }.to_cost_tariff(),
            mining::costs::Tariff::Flat { usd_per_kwh: 0.07 }
        );
    }
}
