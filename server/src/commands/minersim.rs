//! `hashinsight minersim`: serves a simulated farm until Ctrl-C or SIGTERM, for demos and for
//! testing the collector against what `asic-rs` reads from real Antminers.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, bail};
use minersim::{Farm, SimConfig};

use crate::cli::MinersimArgs;

pub async fn command(args: &MinersimArgs) -> anyhow::Result<ExitCode> {
    if !args.base.is_loopback() {
        bail!(
            "--base {} is not a loopback address: the simulator only serves 127.0.0.0/8",
            args.base
        );
    }
    if !(0.0..=100.0).contains(&args.decay_pct_hour) {
        bail!("--decay-pct-hour must be between 0 and 100");
    }
    let config = SimConfig {
        count: args.count,
        base: args.base,
        model: args.model.clone(),
        seed: args.seed,
        decay_per_hour: args.decay_pct_hour / 100.0,
        ..SimConfig::default()
    };
    if let Some(n) = args.overheat.iter().find(|n| **n == 0 || **n > args.count) {
        bail!("--overheat {n}: miners are numbered 1 to {}", args.count);
    }
    let farm = Farm::start(config)
        .await
        .context("starting the simulated farm")?;
    for n in &args.overheat {
        if let Some(miner) = usize::try_from(*n - 1).ok().and_then(|i| farm.miner(i)) {
            miner.inject(minersim::Fault::Overheating);
        }
    }
    // Listening for the stop signal before the readiness line, which scripts act on at once.
    let stop = crate::shutdown::shutdown_signal();
    let ips = farm.ips();
    let (first, last) = (ips[0], ips[ips.len() - 1]);
    // The readiness line scripts wait for, on stdout.
    writeln!(
        std::io::stdout().lock(),
        "minersim: {} × {} on {first}–{last} (ports 80 and 4028); Ctrl-C stops",
        ips.len(),
        args.model,
    )?;
    stop.await;
    farm.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
