//! Operating costs: electricity tariffs, the cooling overhead (PUE), energy per day,
//! maintenance, hosting fees, and the hashcost that compares machines of different efficiency.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::units::{DAYS_PER_MONTH, HS_PER_THS};

/// Hours in a day, the length of a time-of-use price table.
pub const HOURS_PER_DAY: usize = 24;

/// The largest electricity price accepted, USD/kWh. Real prices are below 1 USD/kWh and even
/// scarcity-priced wholesale hours stay below about 5 USD/kWh (the ERCOT offer cap is
/// 5,000 USD/MWh); anything above 100 is a unit mistake (USD/MWh typed as USD/kWh).
pub const MAX_USD_PER_KWH: f64 = 100.0;

/// The largest accepted PUE. Air-cooled mining sites run at 1.02–1.2; 3 already means two
/// thirds of the energy goes to overhead, so higher values are typing errors.
pub const MAX_PUE: f64 = 3.0;

/// What the operator pays for each kWh.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tariff {
    /// One price for every hour, USD/kWh.
    Flat { usd_per_kwh: f64 },
    /// A price per hour of the day (index 0 = 00:00–01:00), USD/kWh.
    ///
    /// With an uptime below 100 % the miners are assumed to be curtailed in the most
    /// expensive hours first, because that is what a rational operator does: the hours run
    /// are the cheapest `24 × uptime` hours (the last one possibly fractional), and the
    /// effective price is their average. At 100 % uptime it is the plain average of the 24.
    TimeOfUse {
        hourly_usd_per_kwh: [f64; HOURS_PER_DAY],
    },
}

/// Why a cost cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CostError {
    #[error("electricity price must be a finite number from 0 to {MAX_USD_PER_KWH} USD/kWh")]
    Price,
    #[error("uptime must be between 0 and 100 percent")]
    Uptime,
    #[error("PUE must be between 1 and {MAX_PUE}")]
    Pue,
    #[error("power must be a positive, finite number of watts")]
    Power,
    #[error("hashrate must be a positive, finite number")]
    Hashrate,
    #[error("efficiency must be a positive, finite number of J/TH")]
    Efficiency,
    #[error("fees and energy must be zero or more and finite")]
    Fee,
}

fn valid_price(usd_per_kwh: f64) -> bool {
    usd_per_kwh.is_finite() && (0.0..=MAX_USD_PER_KWH).contains(&usd_per_kwh)
}

fn check_uptime(uptime_pct: f64) -> Result<(), CostError> {
    if (0.0..=100.0).contains(&uptime_pct) {
        Ok(())
    } else {
        Err(CostError::Uptime)
    }
}

fn check_pue(pue: f64) -> Result<(), CostError> {
    if (1.0..=MAX_PUE).contains(&pue) {
        Ok(())
    } else {
        Err(CostError::Pue)
    }
}

impl Tariff {
    /// Every price in the tariff, USD/kWh.
    pub fn prices_usd_per_kwh(&self) -> &[f64] {
        match self {
            Self::Flat { usd_per_kwh } => std::slice::from_ref(usd_per_kwh),
            Self::TimeOfUse { hourly_usd_per_kwh } => hourly_usd_per_kwh,
        }
    }

    /// Whether every price is finite and within 0..=[`MAX_USD_PER_KWH`].
    pub fn is_valid(&self) -> bool {
        self.prices_usd_per_kwh().iter().all(|p| valid_price(*p))
    }

    /// The average price of the kWh actually consumed at this uptime, USD/kWh.
    ///
    /// Flat: the price. Time-of-use: the average over the cheapest `24 × uptime / 100` hours
    /// (see [`Tariff::TimeOfUse`]). At 0 % uptime no energy is used; the limit, the cheapest
    /// hour's price, is returned so that callers never divide by zero.
    pub fn effective_usd_per_kwh(&self, uptime_pct: f64) -> Result<f64, CostError> {
        check_uptime(uptime_pct)?;
        if !self.is_valid() {
            return Err(CostError::Price);
        }
        match self {
            Self::Flat { usd_per_kwh } => Ok(*usd_per_kwh),
            Self::TimeOfUse { hourly_usd_per_kwh } => {
                let mut sorted = *hourly_usd_per_kwh;
                sorted.sort_by(f64::total_cmp);
                let run_hours = 24.0 * uptime_pct / 100.0;
                if run_hours <= 0.0 {
                    return Ok(sorted[0]);
                }
                let mut remaining_h = run_hours;
                let mut cost_usd = 0.0;
                for price in sorted {
                    if remaining_h <= 0.0 {
                        break;
                    }
                    let hours = remaining_h.min(1.0);
                    cost_usd += price * hours;
                    remaining_h -= hours;
                }
                Ok(cost_usd / run_hours)
            }
        }
    }

    /// The same tariff with every price multiplied by `factor` (price escalation).
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Self {
        match self {
            Self::Flat { usd_per_kwh } => Self::Flat {
                usd_per_kwh: usd_per_kwh * factor,
            },
            Self::TimeOfUse { hourly_usd_per_kwh } => Self::TimeOfUse {
                hourly_usd_per_kwh: hourly_usd_per_kwh.map(|p| p * factor),
            },
        }
    }
}

/// Energy drawn per miner per day, kWh, including the cooling and electrical overhead.
///
/// kWh/day = `power_w` × 24 h × uptime × PUE / 1000. PUE (power usage effectiveness) is site
/// energy ÷ miner energy, so 1.0 means no overhead and 1.1 means 10 % on top.
pub fn daily_energy_kwh(power_w: f64, uptime_pct: f64, pue: f64) -> Result<f64, CostError> {
    if !(power_w.is_finite() && power_w > 0.0) {
        return Err(CostError::Power);
    }
    check_uptime(uptime_pct)?;
    check_pue(pue)?;
    Ok(power_w * 24.0 * (uptime_pct / 100.0) * pue / 1000.0)
}

/// A monthly amount spread over one day of the average month ([`DAYS_PER_MONTH`]), USD/day.
pub fn per_day_usd(usd_per_month: f64) -> f64 {
    usd_per_month / DAYS_PER_MONTH
}

/// Energy efficiency of a machine, J/TH: watts per TH/s.
pub fn efficiency_j_per_th(power_w: f64, hashrate_hs: f64) -> Result<f64, CostError> {
    if !(power_w.is_finite() && power_w > 0.0) {
        return Err(CostError::Power);
    }
    if !(hashrate_hs.is_finite() && hashrate_hs > 0.0) {
        return Err(CostError::Hashrate);
    }
    Ok(power_w / (hashrate_hs / HS_PER_THS))
}

/// Hashcost: the electricity cost of running 1 TH/s for a day, USD per TH/s per day.
///
/// 1 TH/s at `efficiency_j_per_th` J/TH draws that many watts, so
/// hashcost = J/TH × 24 h × PUE / 1000 × USD/kWh. Compared with the hashprice (USD earned per
/// TH/s per day) it tells at a glance whether a machine covers its power bill.
pub fn hashcost_usd_per_th_day(
    efficiency_j_per_th: f64,
    usd_per_kwh: f64,
    pue: f64,
) -> Result<f64, CostError> {
    if !(efficiency_j_per_th.is_finite() && efficiency_j_per_th > 0.0) {
        return Err(CostError::Efficiency);
    }
    if !valid_price(usd_per_kwh) {
        return Err(CostError::Price);
    }
    check_pue(pue)?;
    Ok(efficiency_j_per_th * 24.0 * pue / 1000.0 * usd_per_kwh)
}

/// The power a hosting contract reserves for `count` miners, kW: nameplate power, without
/// PUE and without curtailment, because per-kW hosting fees are charged on reserved
/// capacity whether or not it is used.
#[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
pub fn contracted_kw(power_w: f64, count: u64) -> f64 {
    power_w * count as f64 / 1000.0
}

/// Fees a hosting provider charges on top of the energy tariff.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct HostingFees {
    /// Markup on every kWh consumed, USD/kWh.
    pub markup_usd_per_kwh: f64,
    /// Flat fee per miner per month, USD.
    pub usd_per_miner_month: f64,
    /// Fee per kW of contracted capacity ([`contracted_kw`]) per month, USD.
    pub usd_per_kw_month: f64,
}

impl HostingFees {
    /// No hosting fees (self-mining).
    pub const NONE: Self = Self {
        markup_usd_per_kwh: 0.0,
        usd_per_miner_month: 0.0,
        usd_per_kw_month: 0.0,
    };

    /// Hosting fees for a period of `months` (1 / [`DAYS_PER_MONTH`] for one day), USD:
    /// markup × kWh + (per-miner × count + per-kW × contracted kW) × months.
    #[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
    pub fn cost_usd(
        &self,
        energy_kwh: f64,
        miner_count: u64,
        contracted_kw: f64,
        months: f64,
    ) -> Result<f64, CostError> {
        let all = [
            self.markup_usd_per_kwh,
            self.usd_per_miner_month,
            self.usd_per_kw_month,
            energy_kwh,
            contracted_kw,
            months,
        ];
        if !all.iter().all(|x| x.is_finite() && *x >= 0.0) {
            return Err(CostError::Fee);
        }
        let fixed_usd_month =
            self.usd_per_miner_month * miner_count as f64 + self.usd_per_kw_month * contracted_kw;
        Ok(self.markup_usd_per_kwh * energy_kwh + fixed_usd_month * months)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn an_s19_pro_uses_78_kwh_a_day_and_costs_3_90_usd_at_5_cents() {
        let kwh = daily_energy_kwh(3250.0, 100.0, 1.0).unwrap();
        assert!(close(kwh, 78.0), "{kwh}");
        let price = Tariff::Flat { usd_per_kwh: 0.05 }
            .effective_usd_per_kwh(100.0)
            .unwrap();
        assert!(close(kwh * price, 3.9));
    }

    #[test]
    fn uptime_and_pue_scale_energy_linearly() {
        let base = daily_energy_kwh(3250.0, 100.0, 1.0).unwrap();
        assert!(close(
            daily_energy_kwh(3250.0, 50.0, 1.0).unwrap(),
            base / 2.0
        ));
        assert!(close(
            daily_energy_kwh(3250.0, 100.0, 1.1).unwrap(),
            base * 1.1
        ));
        assert!(close(daily_energy_kwh(3250.0, 0.0, 1.1).unwrap(), 0.0));
    }

    #[test]
    fn energy_refuses_pue_below_one_and_uptime_outside_percent() {
        assert_eq!(daily_energy_kwh(3250.0, 100.0, 0.9), Err(CostError::Pue));
        assert_eq!(daily_energy_kwh(3250.0, 100.0, 3.1), Err(CostError::Pue));
        assert_eq!(daily_energy_kwh(3250.0, 101.0, 1.0), Err(CostError::Uptime));
        assert_eq!(
            daily_energy_kwh(3250.0, f64::NAN, 1.0),
            Err(CostError::Uptime)
        );
        assert_eq!(daily_energy_kwh(0.0, 100.0, 1.0), Err(CostError::Power));
    }

    fn peak_tariff() -> Tariff {
        // 18 off-peak hours at 0.04, 6 peak hours at 0.16.
        let mut hourly = [0.04; HOURS_PER_DAY];
        for hour in &mut hourly[16..22] {
            *hour = 0.16;
        }
        Tariff::TimeOfUse {
            hourly_usd_per_kwh: hourly,
        }
    }

    #[test]
    fn time_of_use_at_full_uptime_is_the_plain_average() {
        let avg = peak_tariff().effective_usd_per_kwh(100.0).unwrap();
        assert!(close(avg, (18.0 * 0.04 + 6.0 * 0.16) / 24.0), "{avg}");
    }

    #[test]
    fn curtailing_drops_the_most_expensive_hours_first() {
        // 75 % uptime = 18 hours: exactly the off-peak ones.
        let avg = peak_tariff().effective_usd_per_kwh(75.0).unwrap();
        assert!(close(avg, 0.04), "{avg}");
        // 87.5 % = 21 hours: 18 off-peak + 3 peak.
        let avg = peak_tariff().effective_usd_per_kwh(87.5).unwrap();
        assert!(close(avg, (18.0 * 0.04 + 3.0 * 0.16) / 21.0), "{avg}");
    }

    #[test]
    fn a_fractional_hour_is_priced_pro_rata() {
        // 77.083 % of 24 h = 18.5 h: 18 off-peak hours and half a peak hour.
        let uptime = 18.5 / 24.0 * 100.0;
        let avg = peak_tariff().effective_usd_per_kwh(uptime).unwrap();
        assert!(close(avg, (18.0 * 0.04 + 0.5 * 0.16) / 18.5), "{avg}");
    }

    #[test]
    fn zero_uptime_reports_the_cheapest_hour_instead_of_dividing_by_zero() {
        assert!(close(
            peak_tariff().effective_usd_per_kwh(0.0).unwrap(),
            0.04
        ));
    }

    #[test]
    fn negative_or_absurd_prices_are_refused() {
        let negative = Tariff::Flat { usd_per_kwh: -0.01 };
        assert_eq!(negative.effective_usd_per_kwh(100.0), Err(CostError::Price));
        let mut hourly = [0.05; HOURS_PER_DAY];
        hourly[3] = f64::NAN;
        let nan = Tariff::TimeOfUse {
            hourly_usd_per_kwh: hourly,
        };
        assert_eq!(nan.effective_usd_per_kwh(100.0), Err(CostError::Price));
        let mwh = Tariff::Flat {
            usd_per_kwh: 50_000.0,
        };
        assert!(!mwh.is_valid());
    }

    #[test]
    fn scaling_a_tariff_scales_its_effective_price() {
        let base = peak_tariff().effective_usd_per_kwh(90.0).unwrap();
        let up = peak_tariff()
            .scaled(1.2)
            .effective_usd_per_kwh(90.0)
            .unwrap();
        assert!(close(up, base * 1.2));
    }

    #[test]
    fn an_s19_pro_has_a_hashcost_of_its_efficiency_times_the_price() {
        let j_th = efficiency_j_per_th(3250.0, 110e12).unwrap();
        assert!(close(j_th, 3250.0 / 110.0));
        let hashcost = hashcost_usd_per_th_day(j_th, 0.05, 1.0).unwrap();
        // 3.90 USD/day for 110 TH/s.
        assert!(close(hashcost, 3.9 / 110.0), "{hashcost}");
        assert_eq!(
            hashcost_usd_per_th_day(0.0, 0.05, 1.0),
            Err(CostError::Efficiency)
        );
    }

    #[test]
    fn hosting_fees_add_markup_per_kwh_and_monthly_fees_pro_rata() {
        let fees = HostingFees {
            markup_usd_per_kwh: 0.01,
            usd_per_miner_month: 10.0,
            usd_per_kw_month: 5.0,
        };
        let kw = contracted_kw(3250.0, 10);
        assert!(close(kw, 32.5));
        let month = fees.cost_usd(780.0 * DAYS_PER_MONTH, 10, kw, 1.0).unwrap();
        assert!(
            close(month, 7.8 * DAYS_PER_MONTH + 100.0 + 162.5),
            "{month}"
        );
        let day = fees.cost_usd(780.0, 10, kw, 1.0 / DAYS_PER_MONTH).unwrap();
        assert!(close(day * DAYS_PER_MONTH, month));
        assert!(close(
            HostingFees::NONE.cost_usd(780.0, 10, kw, 1.0).unwrap(),
            0.0
        ));
        let negative = HostingFees {
            usd_per_kw_month: -1.0,
            ..fees
        };
        assert_eq!(negative.cost_usd(1.0, 1, 1.0, 1.0), Err(CostError::Fee));
    }

    #[test]
    fn a_monthly_amount_spreads_over_the_average_month() {
        assert!(close(per_day_usd(DAYS_PER_MONTH * 3.0), 3.0));
    }
}
