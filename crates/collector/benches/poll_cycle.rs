//! One full poll cycle over large simulated farms, after the identifying first cycle.
//!
//! `cargo bench -p collector --bench poll_cycle` runs 1,000 and 6,000 miners;
//! `COLLECTOR_BENCH_SIZES=500,2000`, `COLLECTOR_BENCH_CYCLES` (cached cycles, default 3) and
//! `COLLECTOR_BENCH_CONCURRENCY` (default: the collector's) and `COLLECTOR_BENCH_HANDLES=rebuild`
//! (default `keep`, see `HandleCache`) change that. Run one size per process for a clean
//! resident-set figure: memory freed by an earlier size is reused by the next.
//!
//! The farm runs in child processes (this binary re-executed), at most 2,000 miners each: a
//! simulator process holds two listeners per miner plus the connections of the cycle in flight
//! (minersim closes idle keep-alive connections after 5 s, as stock lighttpd does), and
//! separate processes keep the simulator's memory out of the collector's resident-set growth
//! measured here. Both sides run on mimalloc, the allocator of the `hashinsight` binary.

use std::io::Write;
use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use collector::{Collector, CollectorConfig, CycleReport, HandleCache};
use minersim::{Farm, SimConfig};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Set in the child: "<count>,<first address>".
const SIM_ENV: &str = "COLLECTOR_BENCH_SIM";
/// Miners per simulator process (see the module comment).
const MINERS_PER_SIM: u32 = 2_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Ok(spec) = std::env::var(SIM_ENV) {
        runtime.block_on(serve_farm(&spec));
    } else {
        runtime.block_on(bench());
    }
}

/// Child: serve the farm until the parent closes our stdin.
async fn serve_farm(spec: &str) {
    let (count, base) = spec.split_once(',').expect("count,base");
    let farm = Farm::start(SimConfig {
        count: count.parse().expect("count"),
        base: base.parse().expect("base address"),
        ..SimConfig::default()
    })
    .await
    .expect("farm binds (root needed for port 80)");
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready").expect("parent listens");
    out.flush().expect("parent listens");
    drop(out);
    let mut rest = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut rest).await;
    farm.shutdown().await;
}

async fn bench() {
    let sizes: Vec<u32> = std::env::var("COLLECTOR_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,6000".to_owned())
        .split(',')
        .map(|s| s.trim().parse().expect("sizes are numbers"))
        .collect();
    let cycles: usize = env_or("COLLECTOR_BENCH_CYCLES", 3);
    let defaults = CollectorConfig::default();
    let config = CollectorConfig {
        concurrency: env_or("COLLECTOR_BENCH_CONCURRENCY", defaults.concurrency),
        handles: match std::env::var("COLLECTOR_BENCH_HANDLES").as_deref() {
            Ok("rebuild") => HandleCache::Rebuild,
            _ => HandleCache::Keep,
        },
        ..defaults
    };
    eprintln!(
        "poll_cycle bench: concurrency {}, handles {:?}, miner timeout {:?}, {} worker threads",
        config.concurrency,
        config.handles,
        config.miner_timeout,
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    for (i, &count) in sizes.iter().enumerate() {
        // A fresh /16 per size, clear of the tests' 127.80.x.x.
        let base = Ipv4Addr::new(127, 81 + u8::try_from(i).expect("few sizes"), 0, 1);
        run_size(count, base, cycles, config.clone()).await;
    }
}

async fn run_size(count: u32, base: Ipv4Addr, cycles: usize, config: CollectorConfig) {
    let mut sims = Vec::new();
    let mut ips = Vec::with_capacity(count as usize);
    let mut offset = 0;
    while offset < count {
        let shard = MINERS_PER_SIM.min(count - offset);
        let (sim, shard_ips) = spawn_farm(shard, Ipv4Addr::from(u32::from(base) + offset)).await;
        sims.push(sim);
        ips.extend(shard_ips);
        offset += shard;
    }
    let rss_before_kib = rss_kib();
    let fds_before = open_fds();
    let mut collector = Collector::new(config);

    let first = collector.poll_cycle(&ips).await;
    eprintln!(
        "{count:>5} miners  identify cycle: {:>7.2} s  samples {:>5}  errors {:>4}",
        first.duration.as_secs_f64(),
        first.samples.len(),
        first.errors.len()
    );
    print_errors(&first);
    drop(first);
    let mut durations = Vec::with_capacity(cycles);
    let sim_pids: Vec<u32> = sims.iter().filter_map(Child::id).collect();
    for _ in 0..cycles {
        let (collector_cpu, sim_cpu) = (cpu_seconds("self"), sims_cpu_seconds(&sim_pids));
        let report = collector.poll_cycle(&ips).await;
        // CPU time per side: on a real farm the miners are other machines, so the collector's
        // own share is what its cores must carry.
        let collector_cpu = cpu_seconds("self") - collector_cpu;
        let sim_cpu = sims_cpu_seconds(&sim_pids) - sim_cpu;
        eprintln!(
            "{count:>5} miners  cached cycle:   {:>7.2} s  samples {:>5}  errors {:>4}  identifications {}  \
             CPU: collector {collector_cpu:.2} s ({:.2} s per 1,000 miners), simulator {sim_cpu:.2} s",
            report.duration.as_secs_f64(),
            report.samples.len(),
            report.errors.len(),
            report.identifications,
            collector_cpu / (f64::from(count) / 1000.0),
        );
        print_errors(&report);
        durations.push(report.duration);
    }
    let rss_after_kib = rss_kib();
    let fds_after = open_fds();
    let best = durations.iter().min().copied().unwrap_or_default();
    let mean = durations.iter().sum::<Duration>()
        / u32::try_from(durations.len().max(1)).expect("few cycles");
    let grown_kib = rss_after_kib.saturating_sub(rss_before_kib);
    eprintln!(
        "{count:>5} miners  cached cycle best {:.2} s, mean {:.2} s;  collector RSS +{} MiB \
         ({:.1} MiB per 1,000 miners, {} cached handles);  open files {} → {}",
        best.as_secs_f64(),
        mean.as_secs_f64(),
        grown_kib / 1024,
        per_thousand_mib(grown_kib, count),
        collector.identified_count(),
        fds_before,
        fds_after
    );
    drop(collector);
    // Closing stdin tells each child to shut its farm down.
    for mut sim in sims {
        drop(sim.stdin.take());
        let _ = tokio::time::timeout(Duration::from_mins(1), sim.wait()).await;
    }
}

async fn spawn_farm(count: u32, base: Ipv4Addr) -> (Child, Vec<Ipv4Addr>) {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(SIM_ENV, format!("{count},{base}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("simulator child starts");
    let stdout = child.stdout.take().expect("piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .expect("child reports");
    assert_eq!(line.trim(), "ready", "simulator child failed to start");
    eprintln!(
        "{count:>5} simulated miners from {base} up in {:.1} s (child process)",
        started.elapsed().as_secs_f64()
    );
    let first = u32::from(base);
    let ips = (0..count).map(|i| Ipv4Addr::from(first + i)).collect();
    (child, ips)
}

fn print_errors(report: &CycleReport) {
    if report.errors.is_empty() {
        return;
    }
    let mut kinds = std::collections::BTreeMap::new();
    for e in &report.errors {
        *kinds.entry(format!("{:?}", e.kind)).or_insert(0_usize) += 1;
    }
    eprintln!(
        "        errors by kind: {kinds:?}; first: {}",
        report.errors[0]
    );
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident set of this process (the collector side only), from /proc.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// User plus system CPU time of a process (`self` or a pid), from /proc, in seconds.
fn cpu_seconds(pid: &str) -> f64 {
    // Linux reports these in USER_HZ ticks, 100 per second on every architecture it exports.
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The command name is in parentheses and may hold spaces; the fields follow the last one.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // After the name: state is field 3 of stat(5), utime 14 and stime 15.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

fn sims_cpu_seconds(pids: &[u32]) -> f64 {
    pids.iter().map(|pid| cpu_seconds(&pid.to_string())).sum()
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

#[allow(clippy::cast_precision_loss)] // KiB and miner counts are far below 2^52
fn per_thousand_mib(kib: u64, miners: u32) -> f64 {
    kib as f64 / 1024.0 / (f64::from(miners) / 1000.0)
}
