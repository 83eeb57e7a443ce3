use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use asic_rs::core::data::board::{BoardData, ChipData};
use asic_rs::core::data::device::{DeviceInfo, HashAlgorithm, MinerHardware};
use asic_rs::core::data::fan::FanData;
use asic_rs::core::data::hashrate::{HashRate, HashRateUnit};
use asic_rs::core::data::message::{MessageSeverity, MinerMessage};
use asic_rs::core::data::miner::MinerData;
use asic_rs::core::data::pool::{PoolData, PoolGroupData, PoolURL};
use measurements::{AngularVelocity, Power, Temperature};

use super::*;
use crate::sample::Severity;

const IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 7);

fn rate(value: f64, unit: HashRateUnit) -> HashRate {
    HashRate {
        value,
        unit,
        algo: HashAlgorithm::SHA256,
    }
}

fn board(position: u8, ths: f64, temp_c: f64, chips: u16) -> BoardData {
    BoardData {
        hashrate: Some(rate(ths, HashRateUnit::TeraHash)),
        board_temperature: Some(Temperature::from_celsius(temp_c)),
        working_chips: Some(chips),
        active: Some(chips > 0),
        ..BoardData::new(position, Some(114))
    }
}

fn pool(url: &str, active: bool, accepted: u64, rejected: u64) -> PoolData {
    PoolData {
        position: Some(0),
        url: Some(PoolURL::from(url.to_owned())),
        accepted_shares: Some(accepted),
        rejected_shares: Some(rejected),
        last_share_time: None,
        active: Some(active),
        alive: Some(true),
        user: Some(format!("worker.{accepted}")),
    }
}

/// A healthy S19 Pro as asic-rs reports it: hashrate in TH/s, power and temperatures present.
fn s19_pro() -> MinerData {
    MinerData {
        schema_version: "0.8.6".to_owned(),
        timestamp: 1_700_000_000,
        ip: IpAddr::V4(IP),
        mac: Some("02:42:AA:00:00:07".parse().unwrap()),
        device_info: DeviceInfo {
            make: "Antminer".to_owned(),
            model: "S19Pro".to_owned(),
            hardware: MinerHardware {
                fans: Some(4),
                boards: Some(vec![Some(114); 3]),
            },
            firmware: "AntMiner Stock".to_owned(),
            algo: HashAlgorithm::SHA256,
        },
        serial_number: Some("SIM0001".to_owned()),
        hostname: Some("Antminer".to_owned()),
        api_version: Some("3.1".to_owned()),
        firmware_version: Some("Tue Dec  6 16:12:30 CST 2022".to_owned()),
        control_board_version: None,
        expected_hashboards: Some(3),
        hashboards: vec![
            board(0, 36.5, 60.0, 114),
            board(1, 37.0, 66.0, 114),
            board(2, 36.5, 63.0, 114),
        ],
        hashrate: Some(rate(110.0, HashRateUnit::TeraHash)),
        expected_hashrate: Some(rate(110_000.0, HashRateUnit::GigaHash)),
        expected_chips: Some(342),
        total_chips: Some(342),
        expected_fans: Some(4),
        fans: vec![
            FanData {
                position: 0,
                rpm: Some(AngularVelocity::from_rpm(5520.4)),
            },
            FanData {
                position: 1,
                rpm: None,
            },
        ],
        psu_fans: vec![],
        average_temperature: Some(Temperature::from_celsius(63.0)),
        fluid_temperature: None,
        outlet_fluid_temperature: None,
        wattage: Some(Power::from_watts(3250.0)),
        tuning_percent: None,
        tuning_target: None,
        scaled_tuning_target: None,
        tuning_capabilities: None,
        efficiency: Some(29.5),
        light_flashing: Some(false),
        messages: vec![],
        uptime: Some(Duration::from_secs(3_723)),
        is_mining: true,
        operating_state: None,
        devfee_connected: None,
        pools: vec![PoolGroupData {
            name: "default".to_owned(),
            quota: 1,
            pools: vec![
                pool("stratum+tcp://backup.example:443", false, 5, 1),
                pool("stratum+tcp://main.example:3333", true, 100, 2),
            ],
        }],
        best_share: None,
        session_best_share: None,
    }
}

fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("value present");
    assert!(
        (actual - expected).abs() <= expected.abs() * 1e-9,
        "{actual} != {expected}"
    );
}

#[test]
fn hashrate_in_any_unit_becomes_hashes_per_second() {
    assert_close(
        Some(hashrate_hs(&rate(110.0, HashRateUnit::TeraHash))),
        110e12,
    );
    assert_close(
        Some(hashrate_hs(&rate(110_000.0, HashRateUnit::GigaHash))),
        110e12,
    );
    assert_close(Some(hashrate_hs(&rate(0.5, HashRateUnit::PetaHash))), 5e14);
    assert_close(Some(hashrate_hs(&rate(1.2, HashRateUnit::MegaHash))), 1.2e6);
}

#[test]
fn healthy_reading_keeps_every_figure_in_base_units() {
    let s = sample_from_data(IP, 42, &s19_pro(), 29.5);
    assert_eq!((s.ip, s.taken_at_ms, s.online), (IP, 42, true));
    assert_close(s.hashrate_hs, 110e12);
    assert_close(s.expected_hashrate_hs, 110e12);
    assert_close(s.power_w, 3250.0);
    assert!(!s.power_estimated);
    assert_close(s.board_temp_max_c, 66.0);
    assert_close(s.board_temp_avg_c, 63.0);
    // Stock v2020 backends report no chip-side sensors; absent, not zero.
    assert_eq!((s.chip_temp_max_c, s.chip_temp_avg_c), (None, None));
    assert_eq!(s.fans_rpm, vec![5520], "fan without a reading is left out");
    assert_eq!(s.uptime_s, Some(3_723));
    assert!(s.is_mining);
    assert_eq!(s.make.as_deref(), Some("Antminer"));
    assert_eq!(s.model.as_deref(), Some("S19Pro"));
    assert_eq!(s.firmware.as_deref(), Some("AntMiner Stock"));
    assert_eq!(
        s.firmware_version.as_deref(),
        Some("Tue Dec  6 16:12:30 CST 2022")
    );
    assert_eq!(s.mac.as_deref(), Some("02:42:AA:00:00:07"));
    assert_eq!(s.serial_number.as_deref(), Some("SIM0001"));
}

#[test]
fn boards_keep_position_hashrate_chips_and_temperature() {
    let mut data = s19_pro();
    data.hashboards[1] = board(1, 0.0, 40.0, 0);
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_eq!(s.boards.len(), 3);
    let dead = &s.boards[1];
    assert_eq!(dead.position, 1);
    assert_eq!(dead.active, Some(false));
    assert_eq!(dead.working_chips, Some(0));
    assert_eq!(dead.expected_chips, Some(114));
    assert_close(dead.hashrate_hs.map(|h| h + 1.0), 1.0);
    assert_close(s.boards[0].hashrate_hs, 36.5e12);
    assert_close(s.boards[2].board_temp_c, 63.0);
}

#[test]
fn pool_is_the_active_one_and_shares_sum_over_all_pools() {
    let s = sample_from_data(IP, 0, &s19_pro(), 29.5);
    assert_eq!(
        s.pool_url.as_deref(),
        Some("stratum+tcp://main.example:3333")
    );
    assert_eq!(s.pool_user.as_deref(), Some("worker.100"));
    assert_eq!(s.accepted_shares, Some(105));
    assert_eq!(s.rejected_shares, Some(3));
}

#[test]
fn no_active_pool_falls_back_to_the_first_and_no_pools_means_no_shares() {
    let mut data = s19_pro();
    data.pools[0].pools[1].active = Some(false);
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_eq!(
        s.pool_url.as_deref(),
        Some("stratum+tcp://backup.example:443")
    );
    data.pools.clear();
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_eq!(
        (s.pool_url, s.accepted_shares, s.rejected_shares),
        (None, None, None)
    );
}

#[test]
fn missing_power_is_estimated_from_hashrate_at_nominal_efficiency() {
    let mut data = s19_pro();
    data.wattage = None;
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_close(s.power_w, 110.0 * 29.5);
    assert!(s.power_estimated);

    data.hashrate = None;
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_eq!((s.power_w, s.power_estimated), (None, false));
}

#[test]
fn reported_power_wins_even_when_it_is_low() {
    // A sleeping miner draws a few watts; that is a reading, not a gap to fill.
    assert_eq!(power_w(Some(12.0), Some(0.0), 29.5), (Some(12.0), false));
    assert_eq!(power_w(None, Some(0.0), 29.5), (Some(0.0), true));
}

#[test]
fn chip_sensors_give_chip_temperatures() {
    let mut data = s19_pro();
    data.hashboards[0].inlet_chip_temperature = Some(Temperature::from_celsius(55.0));
    data.hashboards[0].outlet_chip_temperature = Some(Temperature::from_celsius(75.0));
    data.hashboards[1].chips = vec![ChipData {
        temperature: Some(Temperature::from_celsius(80.0)),
        ..ChipData::default()
    }];
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_close(s.chip_temp_max_c, 80.0);
    assert_close(s.chip_temp_avg_c, (55.0 + 75.0 + 80.0) / 3.0);
    assert_close(s.boards[0].chip_temp_c, 75.0);
}

#[test]
fn messages_keep_severity_code_and_text() {
    let mut data = s19_pro();
    data.messages.push(MinerMessage {
        timestamp: 0,
        code: 7,
        message: "chain 1 has 0 chips".to_owned(),
        severity: MessageSeverity::Error,
        component: None,
    });
    let s = sample_from_data(IP, 0, &data, 29.5);
    assert_eq!(s.messages.len(), 1);
    assert_eq!(s.messages[0].severity, Severity::Error);
    assert_eq!(
        (s.messages[0].code, s.messages[0].text.as_str()),
        (7, "chain 1 has 0 chips")
    );
}

#[test]
fn empty_reading_is_recognised() {
    let mut data = s19_pro();
    assert!(has_reading(&data));
    data.hashrate = None;
    data.uptime = None;
    data.wattage = None;
    data.fans.clear();
    for b in &mut data.hashboards {
        b.hashrate = None;
    }
    assert!(!has_reading(&data));
}

#[test]
fn sample_round_trips_through_json() {
    let s = sample_from_data(IP, 42, &s19_pro(), 29.5);
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"hashrate_hs\":110000000000000.0"), "{json}");
    let back: Sample = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let offline = Sample::offline(IP, 5);
    assert!(!offline.online && offline.hashrate_hs.is_none());
}
