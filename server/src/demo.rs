//! The demo farm (`[demo] miners`, set by `make run`): a small simulated farm served inside the
//! server process, and a site in the store whose miners are those simulated machines, approved
//! and polled by the server itself over the real Antminer protocols. A newcomer's first start
//! then shows live telemetry, charts and an alert without any hardware.
//!
//! Seeding is idempotent by name and serial: a restart finds the site and its miners and adds
//! only what is missing, so nothing the operator changed is overwritten.

use std::net::Ipv4Addr;

use anyhow::Context;
use domain::fleet::{Approval, InsertOutcome, MinerStatus, NewMiner, NewSite, Tariff};
use serde::{Deserialize, Serialize};
use store::Store;

/// The demo site's name; a site of that name is taken to be the demo farm.
pub const DEMO_SITE_NAME: &str = "Demo farm";
/// The simulated model, as stock firmware names it and the catalogue lists it.
pub const DEMO_MODEL: &str = "Antminer S19 Pro";
/// Positions per rack in the demo's rack labels (R1-01 … R1-08, R2-01 …).
const RACK_POSITIONS: u32 = 8;
/// More miners than this would make a demo start slowly and crowd the loopback range.
pub const MAX_DEMO_MINERS: u32 = 1_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Simulated miners in the demo farm; 0 (the default) runs no demo farm.
    pub miners: u32,
    /// Loopback address of the first simulated miner; the others follow.
    pub base: Ipv4Addr,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self {
            miners: 0,
            base: Ipv4Addr::new(127, 90, 0, 1),
        }
    }
}

impl DemoSettings {
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.miners > MAX_DEMO_MINERS {
            anyhow::bail!("[demo] miners must be at most {MAX_DEMO_MINERS}");
        }
        let last = u32::from(self.base).checked_add(self.miners.saturating_sub(1));
        if !self.base.is_loopback() || last.is_none_or(|last| !Ipv4Addr::from(last).is_loopback()) {
            anyhow::bail!(
                "[demo] base {} and {} miners must stay inside 127.0.0.0/8",
                self.base,
                self.miners
            );
        }
        Ok(())
    }
}

/// A running demo farm: the simulated machines and the site that holds them.
pub struct DemoFarm {
    pub site_id: i64,
    farm: ::minersim::Farm,
}

impl DemoFarm {
    pub async fn shutdown(self) {
        self.farm.shutdown().await;
    }
}

/// Starts the simulated farm and seeds its site. `None` when the demo is off, or when the
/// simulator cannot bind its addresses (port 80 needs root or `CAP_NET_BIND_SERVICE`): the app
/// then runs without it and says why, since the demo is a convenience, not the product.
pub async fn start(settings: &DemoSettings, store: &dyn Store) -> anyhow::Result<Option<DemoFarm>> {
    if settings.miners == 0 {
        return Ok(None);
    }
    let config = ::minersim::SimConfig {
        count: settings.miners,
        base: settings.base,
        model: DEMO_MODEL.to_owned(),
        // A slow decay, so the hashrate chart has a trend to show.
        decay_per_hour: 0.001,
        ..::minersim::SimConfig::default()
    };
    let farm = match ::minersim::Farm::start(config).await {
        Ok(farm) => farm,
        Err(error) => {
            tracing::warn!(
                %error,
                "demo farm not started: the simulated miners could not bind their addresses \
                 (ports 80 and 4028 on {}…); the app runs without it",
                settings.base
            );
            return Ok(None);
        }
    };
    // One machine runs hot, so the alert list and its e-mail have something to show.
    if let Some(miner) = farm.miner(1) {
        miner.inject(::minersim::Fault::Overheating);
    }
    let site_id = seed(store, &farm.ips(), domain::clock::unix_now_ms())
        .await
        .context("seeding the demo farm")?;
    tracing::info!(
        site_id,
        miners = settings.miners,
        "demo farm running on {}",
        settings.base
    );
    Ok(Some(DemoFarm { site_id, farm }))
}

/// Makes sure the demo site exists with one approved miner per address; returns its id.
pub async fn seed(store: &dyn Store, ips: &[Ipv4Addr], now_ms: i64) -> anyhow::Result<i64> {
    let existing = store
        .list_sites(None)
        .await?
        .into_iter()
        // The staff's own, whose names are unique; a host may call a site of theirs the same.
        .find(|site| site.owner_user_id.is_none() && site.name == DEMO_SITE_NAME);
    let site_id = if let Some(site) = existing {
        site.site_id
    } else {
        let site = NewSite {
            name: DEMO_SITE_NAME.to_owned(),
            location: "Loopback, 127.0.0.0/8".to_owned(),
            capacity_mw: 5.0,
            tariff: Tariff::TimeOfUse {
                peak_usd_kwh: 0.085,
                offpeak_usd_kwh: 0.042,
                peak_start_hour: 14,
                peak_end_hour: 20,
            },
            owner_user_id: None,
        };
        store.create_site(&site, now_ms).await?.site_id
    };
    let model_id = store
        .list_asic_models()
        .await?
        .into_iter()
        .find(|model| model.name == DEMO_MODEL)
        .map(|model| model.asic_model_id);
    let miners = demo_miners(ips, model_id);
    let inserted: Vec<i64> = store
        .insert_miners(site_id, &miners, now_ms)
        .await?
        .into_iter()
        .filter_map(|outcome| match outcome {
            InsertOutcome::Inserted { miner_id } => Some(miner_id),
            // Stored by an earlier start (or taken by the operator since): left as it is.
            _ => None,
        })
        .collect();
    for step in [Approval::Pending, Approval::Approved] {
        store
            .set_approval(site_id, &inserted, step, None, None, now_ms)
            .await?;
    }
    Ok(site_id)
}

/// The inventory rows of the demo's miners, one per simulated address.
fn demo_miners(ips: &[Ipv4Addr], model_id: Option<i64>) -> Vec<NewMiner> {
    (1..)
        .zip(ips)
        .map(|(n, ip): (u32, _)| NewMiner {
            customer_id: None,
            asic_model_id: model_id,
            model_name: DEMO_MODEL.to_owned(),
            serial: format!("DEMO-{n:04}"),
            ip: ip.to_string(),
            mac: None,
            rack: format!(
                "R{}-{:02}",
                (n - 1) / RACK_POSITIONS + 1,
                (n - 1) % RACK_POSITIONS + 1
            ),
            status: MinerStatus::Active,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_miners_fill_racks_of_eight_with_their_own_addresses() {
        let ips: Vec<Ipv4Addr> = (1..=9).map(|d| Ipv4Addr::new(127, 90, 0, d)).collect();
        let miners = demo_miners(&ips, Some(7));
        let racks: Vec<&str> = miners.iter().map(|m| m.rack.as_str()).collect();
        assert_eq!(racks[0], "R1-01");
        assert_eq!(racks[7], "R1-08");
        assert_eq!(racks[8], "R2-01");
        assert_eq!(miners[8].serial, "DEMO-0009");
        assert_eq!(miners[8].ip, "127.90.0.9");
        assert!(miners.iter().all(|m| m.asic_model_id == Some(7)));
    }

    #[test]
    fn the_demo_stays_on_loopback_and_small() {
        let ok = DemoSettings {
            miners: 24,
            ..DemoSettings::default()
        };
        assert!(ok.validate().is_ok());
        let off_loopback = DemoSettings {
            miners: 2,
            base: Ipv4Addr::new(10, 0, 0, 1),
        };
        assert!(off_loopback.validate().is_err());
        let past_the_range = DemoSettings {
            miners: 2,
            base: Ipv4Addr::new(127, 255, 255, 255),
        };
        assert!(past_the_range.validate().is_err());
        let too_many = DemoSettings {
            miners: MAX_DEMO_MINERS + 1,
            ..DemoSettings::default()
        };
        assert!(too_many.validate().is_err());
    }
}
