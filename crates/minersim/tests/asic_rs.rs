//! The simulator as asic-rs sees it: identified, scanned, read and controlled exactly like a
//! stock Antminer. Each test owns its own 127.77.N.0/24 so tests (and other crates' tests) can
//! run in parallel without sharing ports.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use asic_rs::MinerFactory;
use asic_rs::core::data::hashrate::HashRateUnit;
use asic_rs::core::traits::miner::Miner;
use minersim::{Farm, Fault, SimConfig, WorkMode};

async fn farm(third_octet: u8, count: u32) -> Farm {
    let config = SimConfig {
        count,
        base: Ipv4Addr::new(127, 77, third_octet, 1),
        seed: 42,
        reboot_offline: Duration::from_secs(2),
        ..SimConfig::default()
    };
    Farm::start(config)
        .await
        .expect("farm binds its loopback ports (needs root for port 80)")
}

async fn identify(ip: Ipv4Addr) -> Box<dyn Miner> {
    MinerFactory::new()
        .get_miner(IpAddr::V4(ip))
        .await
        .expect("identification runs")
        .expect("the simulator is identified as a miner")
}

fn ths(miner_data: &asic_rs::core::data::miner::MinerData) -> f64 {
    miner_data
        .hashrate
        .clone()
        .expect("hashrate reported")
        .as_unit(HashRateUnit::TeraHash)
        .value
}

#[tokio::test]
async fn get_miner_identifies_every_simulated_miner_as_a_stock_antminer_s19_pro() {
    let farm = farm(0, 4).await;
    for ip in farm.ips() {
        let miner = identify(ip).await;
        let info = miner.get_device_info();
        assert_eq!(info.make, "Antminer", "{ip}");
        assert_eq!(info.model, "S19Pro", "{ip}");
        assert_eq!(info.firmware, "AntMiner Stock", "{ip}");
        assert_eq!(info.hardware.board_count(), Some(3));
        assert_eq!(miner.get_ip(), IpAddr::V4(ip));
    }
    farm.shutdown().await;
}

#[tokio::test]
async fn subnet_and_range_scans_find_exactly_the_simulated_miners() {
    let farm = farm(1, 4).await;
    let mut expected: Vec<IpAddr> = farm.ips().into_iter().map(IpAddr::V4).collect();
    expected.sort();

    // /28 = 127.77.1.0–15: four miners and twelve empty addresses.
    let factory = MinerFactory::from_subnet("127.77.1.0/28")
        .unwrap()
        .with_connectivity_timeout(Duration::from_millis(300))
        .with_connectivity_retries(0);
    let mut found: Vec<IpAddr> = factory
        .scan()
        .await
        .unwrap()
        .iter()
        .map(|m| m.get_ip())
        .collect();
    found.sort();
    assert_eq!(found, expected);

    let factory = MinerFactory::from_range("127.77.1.1-10")
        .unwrap()
        .with_connectivity_timeout(Duration::from_millis(300))
        .with_connectivity_retries(0);
    let miners = factory.scan().await.unwrap();
    let mut found: Vec<IpAddr> = miners.iter().map(|m| m.get_ip()).collect();
    found.sort();
    assert_eq!(found, expected);
    assert!(miners.iter().all(|m| m.get_device_info().model == "S19Pro"));
    farm.shutdown().await;
}

#[tokio::test]
async fn get_data_reports_the_simulated_telemetry() {
    let farm = farm(2, 2).await;
    let sim = farm.miner(1).unwrap().clone();
    let miner = identify(sim.ip()).await;
    let data = miner.get_data().await;

    let hashrate_ths = ths(&data);
    assert!(
        (104.0..116.0).contains(&hashrate_ths),
        "hashrate {hashrate_ths} TH/s ≈ 110"
    );
    let expected = data
        .expected_hashrate
        .clone()
        .unwrap()
        .as_unit(HashRateUnit::TeraHash)
        .value;
    assert!(
        (expected - 110.0).abs() < 0.01,
        "expected hashrate {expected}"
    );

    assert_eq!(data.hashboards.len(), 3);
    for board in &data.hashboards {
        let board_ths = board
            .hashrate
            .clone()
            .unwrap()
            .as_unit(HashRateUnit::TeraHash)
            .value;
        assert!(
            (33.0..40.0).contains(&board_ths),
            "board {} at {board_ths}",
            board.position
        );
        assert_eq!(board.working_chips, Some(114));
        assert_eq!(board.active, Some(true));
        let temp_c = board.board_temperature.unwrap().as_celsius();
        assert!((50.0..80.0).contains(&temp_c), "board temperature {temp_c}");
    }
    assert_eq!(data.total_chips, Some(342));
    let average_c = data.average_temperature.unwrap().as_celsius();
    assert!(
        (55.0..75.0).contains(&average_c),
        "average temperature {average_c}"
    );

    assert_eq!(data.fans.len(), 4);
    for fan in &data.fans {
        let rpm = fan.rpm.unwrap().as_rpm();
        assert!((5000.0..=6000.0).contains(&rpm), "fan {rpm} rpm");
    }
    let watts = data.wattage.unwrap().as_watts();
    assert!((3150.0..3350.0).contains(&watts), "power {watts} W");
    assert!(data.efficiency.unwrap() > 25.0 && data.efficiency.unwrap() < 33.0);

    let pools = &data.pools[0].pools;
    assert_eq!(pools.len(), 2);
    assert_eq!(pools[0].active, Some(true));
    assert_eq!(pools[0].alive, Some(true));
    assert_eq!(pools[0].user.as_deref(), Some("hashinsight.sim00001"));
    assert_eq!(
        pools[0].url.as_ref().map(ToString::to_string).as_deref(),
        Some("stratum+tcp://btc.sim-pool.example:3333")
    );

    assert!(data.uptime.unwrap() < Duration::from_mins(1));
    assert!(data.is_mining);
    assert_eq!(
        data.mac.unwrap().to_string().to_uppercase(),
        sim.identity().mac
    );
    assert_eq!(
        data.serial_number.as_deref(),
        Some(sim.identity().serial.as_str())
    );
    assert_eq!(data.hostname.as_deref(), Some("Antminer"));
    assert_eq!(data.api_version.as_deref(), Some("3.1"));
    assert_eq!(
        data.firmware_version.as_deref(),
        Some("Tue Dec  6 16:12:30 CST 2022")
    );
    assert_eq!(data.light_flashing, Some(false));
    assert!(
        data.messages.is_empty(),
        "healthy miner has no messages: {:?}",
        data.messages
    );
    farm.shutdown().await;
}

#[tokio::test]
async fn shares_and_uptime_grow_with_time() {
    let farm = farm(3, 1).await;
    let sim = farm.miner(0).unwrap();
    let before = sim.telemetry();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let miner = identify(sim.ip()).await;
    let data = miner.get_data().await;
    let uptime = data.uptime.unwrap();
    assert!(uptime >= Duration::from_secs(2), "uptime {uptime:?}");
    let accepted = data.pools[0].pools[0].accepted_shares.unwrap();
    assert!(
        accepted >= before.accepted_shares,
        "{accepted} vs {}",
        before.accepted_shares
    );
    farm.shutdown().await;
}

#[tokio::test]
async fn pause_puts_the_miner_to_sleep_and_resume_wakes_it() {
    let farm = farm(4, 1).await;
    let sim = farm.miner(0).unwrap();
    let miner = identify(sim.ip()).await;

    assert!(miner.supports_pause());
    assert!(miner.pause(None).await.unwrap());
    assert_eq!(sim.work_mode(), WorkMode::Sleep);
    let data = miner.get_data().await;
    assert!(!data.is_mining);
    assert!(
        ths(&data).abs() < f64::EPSILON,
        "sleeping hashrate {}",
        ths(&data)
    );
    assert!(
        data.hashboards
            .iter()
            .all(|b| b.hashrate.as_ref().unwrap().value == 0.0)
    );
    assert!(data.wattage.unwrap().as_watts() < 50.0);

    assert!(miner.resume(None).await.unwrap());
    assert_eq!(sim.work_mode(), WorkMode::Normal);
    let data = miner.get_data().await;
    assert!(data.is_mining);
    assert!(ths(&data) > 100.0, "resumed hashrate {}", ths(&data));
    farm.shutdown().await;
}

#[tokio::test]
async fn dead_board_and_overheating_faults_show_in_the_data() {
    let farm = farm(5, 1).await;
    let sim = farm.miner(0).unwrap();
    let miner = identify(sim.ip()).await;

    sim.inject(Fault::DeadBoard(1));
    sim.inject(Fault::Overheating);
    let data = miner.get_data().await;
    let rates: Vec<f64> = data
        .hashboards
        .iter()
        .map(|b| {
            b.hashrate
                .clone()
                .unwrap()
                .as_unit(HashRateUnit::TeraHash)
                .value
        })
        .collect();
    assert!(
        rates[1].abs() < f64::EPSILON,
        "dead board hashes nothing: {rates:?}"
    );
    assert!(rates[0] > 30.0 && rates[2] > 30.0, "{rates:?}");
    assert_eq!(data.hashboards[1].working_chips, Some(0));
    assert_eq!(data.hashboards[1].active, Some(false));
    assert!(
        (65.0..80.0).contains(&ths(&data)),
        "two boards ≈ 73 TH/s, got {}",
        ths(&data)
    );
    let hot_c = data.hashboards[0].board_temperature.unwrap().as_celsius();
    assert!(hot_c > 80.0, "overheating board at {hot_c} °C");
    assert!(
        data.messages.len() >= 2,
        "errors reported: {:?}",
        data.messages
    );

    sim.clear_faults();
    let data = miner.get_data().await;
    assert!(data.hashboards.iter().all(|b| b.working_chips == Some(114)));
    farm.shutdown().await;
}

#[tokio::test]
async fn timeout_fault_makes_asic_rs_give_up_instead_of_hanging() {
    let farm = farm(6, 1).await;
    let sim = farm.miner(0).unwrap();
    let miner = identify(sim.ip()).await;

    sim.inject(Fault::Timeout);
    let started = Instant::now();
    let data = tokio::time::timeout(Duration::from_mins(1), miner.get_data())
        .await
        .expect("asic-rs times out on its own");
    assert!(data.hashrate.is_none());
    assert!(data.hashboards.iter().all(|b| b.hashrate.is_none()));
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "it did wait for the miner"
    );

    let found = MinerFactory::new()
        .with_identification_timeout(Duration::from_secs(3))
        .get_miner(IpAddr::V4(sim.ip()))
        .await
        .unwrap();
    assert!(found.is_none(), "a silent host is not identified");
    farm.shutdown().await;
}

#[tokio::test]
async fn garbage_fault_yields_no_data_and_no_identification() {
    let farm = farm(7, 1).await;
    let sim = farm.miner(0).unwrap();
    let miner = identify(sim.ip()).await;
    sim.inject(Fault::Garbage);
    let data = miner.get_data().await;
    assert!(data.hashrate.is_none());
    assert!(data.uptime.is_none());
    assert!(
        MinerFactory::new()
            .get_miner(IpAddr::V4(sim.ip()))
            .await
            .unwrap()
            .is_none()
    );
    sim.clear_faults();
    assert!(ths(&miner.get_data().await) > 100.0);
    farm.shutdown().await;
}

#[tokio::test]
async fn restart_takes_the_miner_offline_then_uptime_starts_again() {
    let farm = farm(8, 1).await;
    let sim = farm.miner(0).unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let miner = identify(sim.ip()).await;
    assert!(miner.get_data().await.uptime.unwrap() >= Duration::from_secs(1));

    assert!(miner.restart().await.unwrap());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(sim.is_offline());
    let refused = tokio::net::TcpStream::connect((sim.ip(), 4028)).await;
    assert!(refused.is_err(), "ports closed while rebooting");

    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!sim.is_offline());
    let data = miner.get_data().await;
    assert!(
        data.uptime.unwrap() < Duration::from_secs(2),
        "uptime restarted: {:?}",
        data.uptime
    );
    assert!(ths(&data) > 100.0);
    farm.shutdown().await;
}

#[tokio::test]
async fn fault_light_is_driven_through_blink_cgi_and_power_limit_is_unsupported() {
    let farm = farm(9, 1).await;
    let sim = farm.miner(0).unwrap();
    let miner = identify(sim.ip()).await;

    assert!(miner.set_fault_light(true).await.unwrap());
    assert!(sim.is_blinking());
    assert_eq!(miner.get_data().await.light_flashing, Some(true));
    assert!(miner.set_fault_light(false).await.unwrap());
    assert!(!sim.is_blinking());

    // asic-rs 0.8.6's stock Antminer backend has no power-limit control.
    assert!(!miner.supports_set_power_limit());
    farm.shutdown().await;
}

#[tokio::test]
async fn ports_4029_and_8889_stay_closed_and_shutdown_frees_the_ports() {
    let farm = farm(10, 1).await;
    let ip = farm.ips()[0];
    assert!(tokio::net::TcpStream::connect((ip, 4029)).await.is_err());
    assert!(tokio::net::TcpStream::connect((ip, 8889)).await.is_err());
    assert!(tokio::net::TcpStream::connect((ip, 4028)).await.is_ok());
    farm.shutdown().await;
    assert!(tokio::net::TcpStream::connect((ip, 4028)).await.is_err());
    // The same addresses can be bound again at once.
    let again = farm_at(ip).await;
    again.shutdown().await;
}

async fn farm_at(base: Ipv4Addr) -> Farm {
    let config = SimConfig {
        count: 1,
        base,
        ..SimConfig::default()
    };
    Farm::start(config).await.expect("ports free again")
}

#[tokio::test]
async fn same_seed_gives_same_identities() {
    let a = farm(11, 2).await;
    let (mac, serial) = (
        a.miner(1).unwrap().identity().mac.clone(),
        a.miner(1).unwrap().identity().serial.clone(),
    );
    a.shutdown().await;
    let b = farm(11, 2).await;
    assert_eq!(b.miner(1).unwrap().identity().mac, mac);
    assert_eq!(b.miner(1).unwrap().identity().serial, serial);
    assert_ne!(b.miner(0).unwrap().identity().mac, mac);
    b.shutdown().await;
}
