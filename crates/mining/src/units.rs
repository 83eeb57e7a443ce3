//! Hashrate units. Inside the system a hashrate is always hashes per second (H/s); users see
//! TH/s, PH/s or EH/s, so conversion lives in one place. The time units every daily and monthly
//! figure shares live here too, so no module can pick its own month length.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// Days in the average month: 365.25 / 12 = 30.4375.
///
/// Every monthly↔daily conversion uses this one value. (The old system mixed 30.5 and 30,
/// which made monthly and yearly figures disagree with each other.)
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Hashes per second in one TH/s.
pub const HS_PER_THS: f64 = 1e12;

/// A display unit for hashrate, with its factor to H/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HashrateUnit {
    /// Terahashes per second, 10¹² H/s: the unit of a single ASIC.
    Ths,
    /// Petahashes per second, 10¹⁵ H/s: the unit of a container or a small farm.
    Phs,
    /// Exahashes per second, 10¹⁸ H/s: the unit of the whole network.
    Ehs,
}

impl HashrateUnit {
    /// Hashes per second in one of this unit.
    pub const fn hs_per_unit(self) -> f64 {
        match self {
            Self::Ths => 1e12,
            Self::Phs => 1e15,
            Self::Ehs => 1e18,
        }
    }

    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Ths => "TH/s",
            Self::Phs => "PH/s",
            Self::Ehs => "EH/s",
        }
    }
}

/// A hashrate in hashes per second.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Hashrate {
    pub hashrate_hs: f64,
}

impl Hashrate {
    pub fn from_unit(value: f64, unit: HashrateUnit) -> Self {
        Self {
            hashrate_hs: value * unit.hs_per_unit(),
        }
    }

    pub fn from_ths(value_ths: f64) -> Self {
        Self::from_unit(value_ths, HashrateUnit::Ths)
    }

    pub fn in_unit(self, unit: HashrateUnit) -> f64 {
        self.hashrate_hs / unit.hs_per_unit()
    }

    /// The largest unit in which the value is at least 1, so 1.2e18 H/s reads "1.20 EH/s".
    pub fn best_unit(self) -> HashrateUnit {
        [HashrateUnit::Ehs, HashrateUnit::Phs]
            .into_iter()
            .find(|unit| self.hashrate_hs >= unit.hs_per_unit())
            .unwrap_or(HashrateUnit::Ths)
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the factors are exact in f64 for these values
mod tests {
    use super::*;

    #[test]
    fn terahashes_convert_to_hashes_per_second() {
        assert_eq!(Hashrate::from_ths(110.0).hashrate_hs, 110e12);
    }

    #[test]
    fn a_value_round_trips_through_every_unit() {
        let h = Hashrate::from_unit(912.5, HashrateUnit::Ehs);
        for unit in [HashrateUnit::Ths, HashrateUnit::Phs, HashrateUnit::Ehs] {
            let back = Hashrate::from_unit(h.in_unit(unit), unit);
            assert!((back.hashrate_hs - h.hashrate_hs).abs() / h.hashrate_hs < 1e-12);
        }
    }

    #[test]
    fn best_unit_picks_the_largest_unit_not_below_one() {
        assert_eq!(Hashrate::from_ths(200.0).best_unit(), HashrateUnit::Ths);
        assert_eq!(Hashrate::from_ths(5_000.0).best_unit(), HashrateUnit::Phs);
        assert_eq!(
            Hashrate::from_unit(1.2, HashrateUnit::Ehs).best_unit(),
            HashrateUnit::Ehs
        );
    }
}
