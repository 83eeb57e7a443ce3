//! Who earns what when a hosting provider runs a client's miners.
//!
//! Definitions (for one period, e.g. a day or a month):
//! - the **client pays the host** `client_price_usd_per_kwh × kWh` plus the per-miner and
//!   per-kW monthly fees, pro rata to the period;
//! - the **host pays the site's power supplier** `site_cost_usd_per_kwh × kWh`;
//! - **host profit** = what the client pays − the host's site energy cost. It is the host's
//!   gross margin on energy and fees: the host's own staff, rent and capital are not modelled;
//! - **client profit** = mining revenue − what the client pays the host − the client's own
//!   maintenance.
//!
//! Both parties' figures always come from the same kWh, so they add up: host profit + client
//! profit = mining revenue − site energy cost − client maintenance. (The old system instead
//! switched the meaning of "host profit" depending on whether the client price exceeded the
//! site price, and so reported numbers that did not add up.)

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The prices of a hosting contract.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HostingSplit {
    /// What the client pays the host per kWh, all-in (energy + markup), USD/kWh.
    pub client_price_usd_per_kwh: f64,
    /// What the host pays for each kWh at the site, USD/kWh.
    pub site_cost_usd_per_kwh: f64,
    /// Flat fee per miner per month the client pays the host, USD.
    pub usd_per_miner_month: f64,
    /// Fee per kW of contracted capacity per month the client pays the host, USD.
    pub usd_per_kw_month: f64,
}

/// What happened during one period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HostingUsage {
    /// Energy consumed in the period, kWh (the same meter for client and host).
    pub energy_kwh: f64,
    /// Miners hosted.
    pub miner_count: u64,
    /// Contracted capacity, kW (see [`crate::costs::contracted_kw`]).
    pub contracted_kw: f64,
    /// Length of the period in months (1 / [`crate::units::DAYS_PER_MONTH`] for a day).
    pub months: f64,
    /// The client's mining revenue in the period, after pool fee, USD.
    pub mining_revenue_usd: f64,
    /// The client's own maintenance cost in the period, USD.
    pub client_maintenance_usd: f64,
}

/// Each party's money for one period, USD.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HostingFigures {
    /// Energy at the client price plus per-miner and per-kW fees.
    pub client_pays_usd: f64,
    /// Energy at the site cost.
    pub host_site_cost_usd: f64,
    /// `client_pays_usd − host_site_cost_usd`.
    pub host_profit_usd: f64,
    /// `mining_revenue_usd − client_pays_usd − client_maintenance_usd`.
    pub client_profit_usd: f64,
}

/// Why a hosting split cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HostingError {
    #[error("prices per kWh must be finite and zero or more")]
    Price,
    #[error("fees must be finite and zero or more")]
    Fee,
    #[error("energy, capacity, period, revenue and maintenance must be finite and zero or more")]
    Usage,
}

/// Splits one period's money between host and client (definitions in the module docs).
#[allow(clippy::cast_precision_loss)] // counts are validated ≤ 10⁷, exact in f64
pub fn split(
    contract: &HostingSplit,
    usage: &HostingUsage,
) -> Result<HostingFigures, HostingError> {
    // No upper cap here: the inputs that feed this were capped by their own validation, and
    // a client price is a tariff plus a markup, so it may exceed either cap alone.
    let price_ok = |p: f64| p.is_finite() && p >= 0.0;
    if !(price_ok(contract.client_price_usd_per_kwh) && price_ok(contract.site_cost_usd_per_kwh)) {
        return Err(HostingError::Price);
    }
    let non_negative = |x: f64| x.is_finite() && x >= 0.0;
    if !(non_negative(contract.usd_per_miner_month) && non_negative(contract.usd_per_kw_month)) {
        return Err(HostingError::Fee);
    }
    let usage_values = [
        usage.energy_kwh,
        usage.contracted_kw,
        usage.months,
        usage.mining_revenue_usd,
        usage.client_maintenance_usd,
    ];
    if !usage_values.into_iter().all(non_negative) {
        return Err(HostingError::Usage);
    }
    let fees_usd = (contract.usd_per_miner_month * usage.miner_count as f64
        + contract.usd_per_kw_month * usage.contracted_kw)
        * usage.months;
    let client_pays_usd = contract.client_price_usd_per_kwh * usage.energy_kwh + fees_usd;
    let host_site_cost_usd = contract.site_cost_usd_per_kwh * usage.energy_kwh;
    Ok(HostingFigures {
        client_pays_usd,
        host_site_cost_usd,
        host_profit_usd: client_pays_usd - host_site_cost_usd,
        client_profit_usd: usage.mining_revenue_usd
            - client_pays_usd
            - usage.client_maintenance_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn contract() -> HostingSplit {
        HostingSplit {
            client_price_usd_per_kwh: 0.06,
            site_cost_usd_per_kwh: 0.05,
            usd_per_miner_month: 10.0,
            usd_per_kw_month: 2.0,
        }
    }

    fn month_of_ten_s19() -> HostingUsage {
        HostingUsage {
            energy_kwh: 23_400.0,
            miner_count: 10,
            contracted_kw: 32.5,
            months: 1.0,
            mining_revenue_usd: 1_400.0,
            client_maintenance_usd: 50.0,
        }
    }

    #[test]
    fn the_host_earns_the_energy_spread_plus_fees() {
        let f = split(&contract(), &month_of_ten_s19()).unwrap();
        // 23,400 kWh × 0.06 + 10 × 10 + 32.5 × 2 = 1,404 + 100 + 65
        assert!(close(f.client_pays_usd, 1_569.0), "{f:?}");
        assert!(close(f.host_site_cost_usd, 1_170.0));
        assert!(close(f.host_profit_usd, 399.0));
    }

    #[test]
    fn the_client_keeps_revenue_minus_what_it_pays_and_its_maintenance() {
        let f = split(&contract(), &month_of_ten_s19()).unwrap();
        assert!(close(f.client_profit_usd, 1_400.0 - 1_569.0 - 50.0));
    }

    #[test]
    fn host_and_client_profits_add_up_to_the_whole_operation() {
        let usage = month_of_ten_s19();
        let f = split(&contract(), &usage).unwrap();
        let whole = usage.mining_revenue_usd - f.host_site_cost_usd - usage.client_maintenance_usd;
        assert!(close(f.host_profit_usd + f.client_profit_usd, whole));
    }

    #[test]
    fn a_host_selling_below_cost_makes_a_loss_rather_than_switching_formula() {
        let below = HostingSplit {
            client_price_usd_per_kwh: 0.04,
            usd_per_miner_month: 0.0,
            usd_per_kw_month: 0.0,
            ..contract()
        };
        let f = split(&below, &month_of_ten_s19()).unwrap();
        assert!(close(f.host_profit_usd, -234.0), "{f:?}");
    }

    #[test]
    fn fixed_fees_are_pro_rata_to_the_period() {
        let day = HostingUsage {
            energy_kwh: 0.0,
            months: 1.0 / crate::units::DAYS_PER_MONTH,
            ..month_of_ten_s19()
        };
        let f = split(&contract(), &day).unwrap();
        assert!(close(
            f.client_pays_usd * crate::units::DAYS_PER_MONTH,
            165.0
        ));
    }

    #[test]
    fn bad_inputs_are_refused() {
        let nan_price = HostingSplit {
            site_cost_usd_per_kwh: f64::NAN,
            ..contract()
        };
        assert_eq!(
            split(&nan_price, &month_of_ten_s19()),
            Err(HostingError::Price)
        );
        let negative_fee = HostingSplit {
            usd_per_miner_month: -1.0,
            ..contract()
        };
        assert_eq!(
            split(&negative_fee, &month_of_ten_s19()),
            Err(HostingError::Fee)
        );
        let negative_energy = HostingUsage {
            energy_kwh: -1.0,
            ..month_of_ten_s19()
        };
        assert_eq!(
            split(&contract(), &negative_energy),
            Err(HostingError::Usage)
        );
    }
}
