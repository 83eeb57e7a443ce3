//! The collector against simulated stock S19 Pros (minersim), read through the real asic-rs.
//! Each test owns its own 127.80.N.0/24 so tests here and in other crates can run at once.

use std::net::Ipv4Addr;
use std::time::Duration;

use collector::{Collector, CollectorConfig, HandleCache, PollErrorKind, Presence, RunEnd, Sample};
use minersim::{Farm, Fault, SimConfig, WorkMode};
use tokio::sync::{mpsc, oneshot, watch};

/// Per-miner timeout where a silent miner must be reported as timed out: below asic-rs's own
/// identification deadline, which otherwise answers "unidentified" first.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Per-miner timeout where every miner is healthy. A simulated miner answers in milliseconds;
/// the margin is for CI, where the release build shares the two cores with these tests and once
/// starved 18 of 20 miners past 3 s.
const HEALTHY_TIMEOUT: Duration = Duration::from_secs(10);
const THS: f64 = 1e12;

async fn farm(third_octet: u8, count: u32) -> Farm {
    Farm::start(SimConfig {
        count,
        base: Ipv4Addr::new(127, 80, third_octet, 1),
        seed: 7,
        ..SimConfig::default()
    })
    .await
    .expect("farm binds its loopback ports (needs root for port 80)")
}

fn collector() -> Collector {
    Collector::new(CollectorConfig {
        miner_timeout: TIMEOUT,
        ..CollectorConfig::default()
    })
}

fn ths(hs: Option<f64>) -> f64 {
    hs.expect("hashrate reported") / THS
}

fn assert_healthy_s19_pro(s: &Sample) {
    let ip = s.ip;
    assert!(s.online, "{ip}");
    let hashrate = ths(s.hashrate_hs);
    assert!((100.0..120.0).contains(&hashrate), "{ip}: {hashrate} TH/s");
    let expected = ths(s.expected_hashrate_hs);
    assert!((expected - 110.0).abs() < 0.01, "{ip}: expected {expected}");
    assert_eq!(s.boards.len(), 3, "{ip}");
    for b in &s.boards {
        assert_eq!(b.active, Some(true), "{ip} board {}", b.position);
        assert_eq!(b.working_chips, Some(114), "{ip} board {}", b.position);
        let board_ths = ths(b.hashrate_hs);
        assert!((33.0..40.0).contains(&board_ths), "{ip}: board {board_ths}");
    }
    assert_eq!(s.fans_rpm.len(), 4, "{ip}");
    assert!(
        s.fans_rpm.iter().all(|&r| (5000..=6000).contains(&r)),
        "{ip}: {:?}",
        s.fans_rpm
    );
    let power = s.power_w.expect("power");
    assert!((3150.0..3350.0).contains(&power), "{ip}: {power} W");
    assert!(!s.power_estimated, "stock S19 Pro reports power");
    let board_max = s.board_temp_max_c.expect("board temperature");
    let board_avg = s.board_temp_avg_c.expect("board temperature");
    assert!(
        (50.0..80.0).contains(&board_max) && board_avg <= board_max,
        "{ip}"
    );
    assert_eq!(
        s.pool_url.as_deref(),
        Some("stratum+tcp://btc.sim-pool.example:3333"),
        "{ip}"
    );
    assert!(
        s.pool_user
            .as_deref()
            .expect("pool user")
            .starts_with("hashinsight.sim")
    );
    assert!(s.accepted_shares.is_some() && s.rejected_shares.is_some());
    assert!(s.uptime_s.is_some());
    assert!(s.is_mining);
    assert_eq!(s.make.as_deref(), Some("Antminer"));
    assert_eq!(s.model.as_deref(), Some("S19Pro"));
    assert_eq!(s.firmware.as_deref(), Some("AntMiner Stock"));
    assert_eq!(
        s.firmware_version.as_deref(),
        Some("Tue Dec  6 16:12:30 CST 2022")
    );
    assert!(s.messages.is_empty(), "{ip}: {:?}", s.messages);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_miners_give_twenty_samples_and_the_second_cycle_reuses_identification() {
    let farm = farm(0, 20).await;
    let ips = farm.ips();
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: HEALTHY_TIMEOUT,
        ..CollectorConfig::default()
    });

    let first = collector.poll_cycle(&ips).await;
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.samples.len(), 20);
    assert_eq!(first.identifications, 20);
    for ip in &ips {
        let sample = first.sample(*ip).expect("a sample per miner");
        assert_healthy_s19_pro(sample);
        // Each sim miner's serial and MAC come through, so samples can follow a miner that moves.
        let sim = farm.miner_by_ip(*ip).unwrap();
        assert_eq!(
            sample.serial_number.as_deref(),
            Some(sim.identity().serial.as_str())
        );
        assert_eq!(sample.mac.as_deref(), Some(sim.identity().mac.as_str()));
    }
    assert_eq!(collector.identified_count(), 20);

    let second = collector.poll_cycle(&ips).await;
    assert_eq!(second.samples.len(), 20, "{:?}", second.errors);
    assert_eq!(second.identifications, 0, "handles are reused");
    assert_eq!(collector.identifications(), 20);
    eprintln!(
        "20 miners: first cycle {:?}, second {:?}",
        first.duration, second.duration
    );
    let now = collector::now_ms();
    for ip in &ips {
        assert_eq!(
            collector.liveness().presence(*ip, now),
            Some(Presence::Online)
        );
    }
    assert!(second.offline.is_empty());
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_garbled_and_absent_miners_are_errors_and_do_not_hold_up_the_rest() {
    let farm = farm(1, 6).await;
    let mut ips = farm.ips();
    let (silent, garbled) = (ips[0], ips[1]);
    let absent = Ipv4Addr::new(127, 80, 1, 200);
    ips.push(absent);
    farm.miner(0).unwrap().inject(Fault::Timeout);
    farm.miner(1).unwrap().inject(Fault::Garbage);
    let mut collector = collector();

    // Before identification: silence times out, garbage is not recognised as a miner.
    let report = collector.poll_cycle(&ips).await;
    assert_eq!(report.samples.len(), 4, "{:?}", report.errors);
    report.samples.iter().for_each(assert_healthy_s19_pro);
    assert_eq!(report.error(silent).unwrap().kind, PollErrorKind::Timeout);
    assert_eq!(
        report.error(garbled).unwrap().kind,
        PollErrorKind::Unidentified
    );
    assert_eq!(
        report.error(absent).unwrap().kind,
        PollErrorKind::Unreachable
    );
    assert_eq!(report.errors.len(), 3);
    // A silent miner costs the cycle its deadline, never more: the bound is generous because
    // CI shares two cores with other tests, and still far from the hang this guards against.
    assert!(
        report.duration < TIMEOUT * 3,
        "cycle took {:?}",
        report.duration
    );

    // Healed miners are identified again on the next cycle.
    farm.miner(0).unwrap().clear_faults();
    farm.miner(1).unwrap().clear_faults();
    let report = collector.poll_cycle(&ips).await;
    assert_eq!(report.samples.len(), 6, "{:?}", report.errors);
    assert_eq!(
        report.identifications, 3,
        "two healed miners and the absent address"
    );

    // After identification: the cached handles meet the faults.
    farm.miner(0).unwrap().inject(Fault::Timeout);
    farm.miner(1).unwrap().inject(Fault::Garbage);
    let report = collector.poll_cycle(&ips).await;
    assert_eq!(report.samples.len(), 4);
    assert_eq!(report.error(silent).unwrap().kind, PollErrorKind::Timeout);
    assert_eq!(
        report.error(garbled).unwrap().kind,
        PollErrorKind::ReadError
    );
    assert!(report.duration < TIMEOUT * 3, "{:?}", report.duration);
    assert!(
        collector.miner(silent).is_none(),
        "failed miners are re-identified"
    );
    assert!(collector.miner(ips[2]).is_some());
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_board_shows_in_that_miners_sample_only() {
    let farm = farm(2, 2).await;
    let ips = farm.ips();
    farm.miner(0).unwrap().inject(Fault::DeadBoard(1));
    let mut collector = collector();
    let report = collector.poll_cycle(&ips).await;
    assert_eq!(report.samples.len(), 2, "{:?}", report.errors);

    let sick = report.sample(ips[0]).unwrap();
    let dead = &sick.boards[1];
    assert_eq!(dead.position, 1);
    assert_eq!(dead.active, Some(false));
    assert_eq!(dead.working_chips, Some(0));
    assert!(
        dead.hashrate_hs.unwrap().abs() < 1.0,
        "{:?}",
        dead.hashrate_hs
    );
    assert!(sick.boards[0].active == Some(true) && sick.boards[2].active == Some(true));
    let total = ths(sick.hashrate_hs);
    assert!(
        (65.0..80.0).contains(&total),
        "two boards ≈ 73 TH/s, got {total}"
    );
    assert!(!sick.messages.is_empty(), "the firmware reports the board");

    assert_healthy_s19_pro(report.sample(ips[1]).unwrap());
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_miners_report_not_mining_and_zero_hashrate() {
    let farm = farm(3, 3).await;
    let ips = farm.ips();
    let mut collector = collector();
    assert_eq!(collector.poll_cycle(&ips).await.samples.len(), 3);

    // One put to sleep on the miner itself, one paused through the collector's asic-rs handle.
    farm.miner(0).unwrap().set_work_mode(WorkMode::Sleep);
    let handle = collector
        .miner(ips[1])
        .expect("identified in the first cycle");
    assert!(handle.pause(None).await.unwrap());
    assert_eq!(farm.miner(1).unwrap().work_mode(), WorkMode::Sleep);

    let report = collector.poll_cycle(&ips).await;
    assert_eq!(report.samples.len(), 3, "{:?}", report.errors);
    for ip in &ips[..2] {
        let s = report.sample(*ip).unwrap();
        assert!(!s.is_mining, "{ip}");
        assert!(
            s.hashrate_hs.unwrap().abs() < 1.0,
            "{ip}: {:?}",
            s.hashrate_hs
        );
        assert!(
            s.power_w.unwrap() < 50.0,
            "{ip}: sleeping draw {:?}",
            s.power_w
        );
        assert!(!s.power_estimated);
        assert!(s.uptime_s.is_some(), "a sleeping miner is still online");
    }
    assert_healthy_s19_pro(report.sample(ips[2]).unwrap());

    assert!(handle.resume(None).await.unwrap());
    let report = collector.poll_cycle(&ips).await;
    assert!(report.sample(ips[1]).unwrap().is_mining);
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_reports_every_interval_until_shutdown() {
    let farm = farm(4, 3).await;
    let (farm_tx, farm_rx) = watch::channel(farm.ips());
    let (reports_tx, mut reports) = mpsc::channel(4);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: TIMEOUT,
        interval: Duration::from_millis(300),
        ..CollectorConfig::default()
    });
    let running = tokio::spawn(async move {
        let end = collector
            .run(farm_rx, reports_tx, async {
                let _ = stop_rx.await;
            })
            .await;
        (end, collector)
    });

    let first = reports.recv().await.unwrap();
    assert_eq!((first.samples.len(), first.identifications), (3, 3));
    let second = reports.recv().await.unwrap();
    assert_eq!((second.samples.len(), second.identifications), (3, 0));
    assert!(second.started_at_ms >= first.started_at_ms + 250);

    // Shrinking the farm drops the removed miner from the next cycle and from the cache.
    farm_tx.send(farm.ips()[..2].to_vec()).unwrap();
    // A cycle already under way when the farm changed still reads three.
    let mut shrunk = false;
    for _ in 0..3 {
        let report = reports.recv().await.unwrap();
        if report.samples.len() == 2 && report.errors.is_empty() {
            shrunk = true;
            break;
        }
    }
    assert!(shrunk, "a cycle reads the shrunk farm");

    stop_tx.send(()).unwrap();
    let (end, collector) = running.await.unwrap();
    assert_eq!(end, RunEnd::Shutdown);
    assert_eq!(collector.identified_count(), 2);
    assert!(collector.liveness().get(farm.ips()[2]).is_none());
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_mode_remembers_the_firmware_and_skips_discovery() {
    let farm = farm(5, 4).await;
    let ips = farm.ips();
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: TIMEOUT,
        handles: HandleCache::Rebuild,
        ..CollectorConfig::default()
    });
    let first = collector.poll_cycle(&ips).await;
    assert_eq!((first.samples.len(), first.identifications), (4, 4));
    let second = collector.poll_cycle(&ips).await;
    assert_eq!(second.samples.len(), 4, "{:?}", second.errors);
    assert_eq!(
        second.identifications, 0,
        "no discovery on the second cycle"
    );
    second.samples.iter().for_each(assert_healthy_s19_pro);
    assert_eq!(collector.identified_count(), 4);
    assert!(collector.miner(ips[0]).is_none(), "no handle is kept");

    // A miner gone quiet is still an error, and is identified afresh once it is back.
    farm.miner(0).unwrap().inject(Fault::Timeout);
    let third = collector.poll_cycle(&ips).await;
    assert_eq!(third.error(ips[0]).unwrap().kind, PollErrorKind::Timeout);
    farm.miner(0).unwrap().clear_faults();
    let fourth = collector.poll_cycle(&ips).await;
    assert_eq!((fourth.samples.len(), fourth.identifications), (4, 1));
    farm.shutdown().await;
}

/// What one stock Antminer read costs the miner, as minersim counts it: `stats`, `stats` with
/// `new_api`, `summary` and `pools` over RPC, and the web API's `get_miner_conf` and `summary`,
/// each digest-authenticated (a 401 challenge, then the answer).
const LIVE_READ_REQUESTS: u64 = 4 + 2 * 2;
/// `get_system_info` (MAC, serial, firmware version), also digest-authenticated.
const IDENTITY_READ_REQUESTS: u64 = 2;

fn requests(farm: &Farm) -> Vec<u64> {
    farm.miners()
        .iter()
        .map(minersim::SimMiner::requests)
        .collect()
}

fn requests_since(farm: &Farm, before: &[u64]) -> Vec<u64> {
    requests(farm)
        .iter()
        .zip(before)
        .map(|(now, before)| now - before)
        .collect()
}

fn assert_identity(farm: &Farm, s: &Sample) {
    let sim = farm.miner_by_ip(s.ip).expect("a simulated miner answered");
    assert_eq!(
        s.serial_number.as_deref(),
        Some(sim.identity().serial.as_str())
    );
    assert_eq!(s.mac.as_deref(), Some(sim.identity().mac.as_str()));
    assert_eq!(
        s.firmware_version.as_deref(),
        Some("Tue Dec  6 16:12:30 CST 2022")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_cycles_ask_only_for_live_fields_and_a_restart_reads_the_identity_again() {
    let farm = farm(6, 3).await;
    let ips = farm.ips();
    let mut collector = collector();
    let first = collector.poll_cycle(&ips).await;
    assert_eq!(first.samples.len(), 3, "{:?}", first.errors);
    first.samples.iter().for_each(|s| assert_identity(&farm, s));

    // Uptime must have grown for a restart to show as it going down.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let before = requests(&farm);
    let second = collector.poll_cycle(&ips).await;
    assert_eq!(second.samples.len(), 3, "{:?}", second.errors);
    assert_eq!(requests_since(&farm, &before), vec![LIVE_READ_REQUESTS; 3]);
    for s in &second.samples {
        assert_healthy_s19_pro(s);
        assert_identity(&farm, s);
    }

    let restarted = farm.miner(1).unwrap();
    restarted.inject(Fault::Reboot(Duration::from_millis(200)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    while restarted.is_offline() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = requests(&farm);
    let third = collector.poll_cycle(&ips).await;
    assert_eq!(third.samples.len(), 3, "{:?}", third.errors);
    assert_eq!(third.identifications, 0, "the handle outlives the restart");
    assert_eq!(
        requests_since(&farm, &before),
        vec![
            LIVE_READ_REQUESTS,
            LIVE_READ_REQUESTS + IDENTITY_READ_REQUESTS,
            LIVE_READ_REQUESTS
        ]
    );
    third.samples.iter().for_each(|s| assert_identity(&farm, s));
    farm.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_is_read_again_once_it_is_older_than_identity_every() {
    let farm = farm(7, 2).await;
    let ips = farm.ips();
    let mut collector = Collector::new(CollectorConfig {
        miner_timeout: TIMEOUT,
        identity_every: Duration::ZERO,
        ..CollectorConfig::default()
    });
    collector.poll_cycle(&ips).await;
    for _ in 0..2 {
        let before = requests(&farm);
        let cycle = collector.poll_cycle(&ips).await;
        assert_eq!(cycle.samples.len(), 2, "{:?}", cycle.errors);
        assert_eq!(
            requests_since(&farm, &before),
            vec![LIVE_READ_REQUESTS + IDENTITY_READ_REQUESTS; 2]
        );
        cycle.samples.iter().for_each(|s| assert_identity(&farm, s));
    }
    farm.shutdown().await;
}
