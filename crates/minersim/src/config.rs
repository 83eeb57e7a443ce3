//! What a farm simulates: how many miners, where, which model, and the seed that fixes their data.

use std::net::Ipv4Addr;
use std::time::Duration;

/// Settings for [`crate::Farm::start`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Number of miners; each gets its own loopback address.
    pub count: u32,
    /// Address of the first miner; the others follow consecutively (127.1.0.1, 127.1.0.2, …).
    pub base: Ipv4Addr,
    /// Model name as stock firmware reports it, e.g. "Antminer S19 Pro".
    pub model: String,
    /// Seed for every per-miner number (MAC, serial, board spread, noise), so runs repeat.
    pub seed: u64,
    /// Hashrate lost per hour of uptime, as a fraction (0.001 = 0.1 %/h); 0 keeps it flat.
    pub decay_per_hour: f64,
    /// How long a reboot (reboot.cgi or [`crate::Fault::Reboot`]) keeps the miner off the network.
    pub reboot_offline: Duration,
    /// Web login; stock firmware ships root/root.
    pub username: String,
    pub password: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            count: 1,
            base: Ipv4Addr::new(127, 1, 0, 1),
            model: "Antminer S19 Pro".to_owned(),
            seed: 0x5eed,
            decay_per_hour: 0.0,
            reboot_offline: Duration::from_mins(1),
            username: "root".to_owned(),
            password: "root".to_owned(),
        }
    }
}

/// Nameplate figures of a model: what the firmware would call ideal.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelProfile {
    pub name: String,
    pub nominal_hashrate_ths: f64,
    pub nominal_power_w: f64,
    pub boards: usize,
    pub chips_per_board: u32,
    pub fans: usize,
    pub frequency_mhz: u32,
    /// cgminer/bmminer build stamp; asic-rs picks its backend from this date.
    pub compile_time: &'static str,
    pub miner_version: &'static str,
}

impl ModelProfile {
    /// Known figures for a few stock models; anything else gets S19 Pro hardware under its own name.
    pub fn for_model(name: &str) -> Self {
        let (hashrate_ths, power_w, chips, freq_mhz) = match name.to_ascii_uppercase().as_str() {
            "ANTMINER S19" => (95.0, 3250.0, 76, 650),
            "ANTMINER S19J PRO" => (100.0, 3050.0, 126, 525),
            "ANTMINER S19 XP" => (140.0, 3010.0, 110, 490),
            _ => (110.0, 3250.0, 114, 525),
        };
        Self {
            name: name.to_owned(),
            nominal_hashrate_ths: hashrate_ths,
            nominal_power_w: power_w,
            boards: 3,
            chips_per_board: chips,
            fans: 4,
            frequency_mhz: freq_mhz,
            // The stamp of a real S19 Pro capture (asic-rs test data): a pre-2023-07 build, so
            // asic-rs reads the simulator with its v2020 backend as it would that machine.
            compile_time: "Tue Dec  6 16:12:30 CST 2022",
            miner_version: "49.0.1.3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_model_is_an_s19_pro_at_110_ths_and_3250_w() {
        let profile = ModelProfile::for_model(&SimConfig::default().model);
        assert_eq!(profile.name, "Antminer S19 Pro");
        assert!((profile.nominal_hashrate_ths - 110.0).abs() < f64::EPSILON);
        assert!((profile.nominal_power_w - 3250.0).abs() < f64::EPSILON);
        assert_eq!(profile.boards, 3);
    }
}
