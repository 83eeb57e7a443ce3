//! cgminer/bmminer RPC replies in the shapes stock Antminer firmware sends (keys, casing, string vs
//! number as captured from a real S19 Pro), built from a [`Telemetry`] sample.

// Share counts stay far below 2^52, where u64 -> f64 would start rounding.
#![allow(clippy::cast_precision_loss)]

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::state::{MinerShared, PoolSlot};
use crate::telemetry::{SHARE_DIFFICULTY, Telemetry};

const DESCRIPTION: &str = "cgminer 1.0.0";

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn status(code: u32, msg: &str) -> Value {
    json!([{ "STATUS": "S", "When": unix_now(), "Code": code, "Msg": msg, "Description": DESCRIPTION }])
}

/// cgminer's reply to an unknown command.
pub fn invalid_command() -> Value {
    json!({
        "STATUS": [{ "STATUS": "E", "When": unix_now(), "Code": 14, "Msg": "Invalid command",
                     "Description": DESCRIPTION }],
        "id": 1
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn miner_header(miner: &MinerShared) -> Value {
    json!({
        "BMMiner": "1.0.0",
        "CompileTime": miner.profile.compile_time,
        "Miner": miner.profile.miner_version,
        "Type": miner.profile.name,
    })
}

pub fn version(miner: &MinerShared) -> Value {
    let mut header = miner_header(miner);
    header["API"] = json!("3.1");
    json!({ "STATUS": status(22, "CGMiner versions"), "VERSION": [header], "id": 1 })
}

pub fn summary(t: &Telemetry) -> Value {
    json!({
        "STATUS": status(11, "Summary"),
        "SUMMARY": [{
            "Elapsed": t.uptime_s,
            "GHS 5s": round2(t.hashrate_ghs),
            "GHS av": round2(t.hashrate_avg_ghs),
            "GHS 30m": round2(t.hashrate_avg_ghs),
            "Found Blocks": 0,
            "Accepted": t.accepted_shares,
            "Rejected": t.rejected_shares,
            "Hardware Errors": t.boards.iter().map(|b| b.hardware_errors).sum::<u64>(),
            "Difficulty Accepted": t.accepted_shares as f64 * SHARE_DIFFICULTY,
            "Difficulty Rejected": t.rejected_shares as f64 * SHARE_DIFFICULTY,
            "Stale": 0,
            "Best Share": 0,
            "Total MH": round2(t.hashrate_avg_ghs * 1000.0 * t.hashing_s),
            "Last getwork": unix_now(),
        }],
        "id": 1
    })
}

/// `summary` with `{"new_api": true}`: Bitmain's newer shape, rates with an explicit unit.
pub fn summary_new_api(t: &Telemetry) -> Value {
    json!({
        "STATUS": status(11, "Summary"),
        "SUMMARY": [{
            "elapsed": t.uptime_s,
            "rate_5s": round2(t.hashrate_ghs),
            "rate_30m": round2(t.hashrate_avg_ghs),
            "rate_avg": round2(t.hashrate_avg_ghs),
            "rate_ideal": round2(t.ideal_hashrate_ghs),
            "rate_unit": "GH/s",
            "hw_all": t.boards.iter().map(|b| b.hardware_errors).sum::<u64>(),
            "bestshare": 0,
        }],
        "id": 1
    })
}

fn dash_joined(values: &[u32; 4]) -> String {
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

pub fn stats(miner: &MinerShared, t: &Telemetry) -> Value {
    let mut s = Map::new();
    let mut put = |k: &str, v: Value| {
        s.insert(k.to_owned(), v);
    };
    put("STATS", json!(0));
    put("ID", json!("BTM_SOC0"));
    put("Elapsed", json!(t.uptime_s));
    put("Calls", json!(0));
    put("Wait", json!(0));
    put("Max", json!(0));
    put("Min", json!(99_999_999));
    put("GHS 5s", json!(round2(t.hashrate_ghs)));
    put("GHS av", json!(round2(t.hashrate_avg_ghs)));
    put("rate_30m", json!(round2(t.hashrate_avg_ghs)));
    put("Mode", json!(2));
    put("miner_count", json!(t.boards.len()));
    put("frequency", json!(miner.profile.frequency_mhz));
    put("fan_num", json!(t.fans_rpm.len()));
    for (i, rpm) in t.fans_rpm.iter().enumerate() {
        put(&format!("fan{}", i + 1), json!(rpm));
    }
    put("temp_num", json!(t.boards.len()));
    for (i, b) in t.boards.iter().enumerate() {
        let n = i + 1;
        let pcb_max = b.pcb_temperatures_c.iter().max().copied().unwrap_or(0);
        let chip_max = b.chip_temperatures_c.iter().max().copied().unwrap_or(0);
        put(&format!("temp{n}"), json!(pcb_max));
        put(&format!("temp2_{n}"), json!(chip_max));
        put(
            &format!("temp_pcb{n}"),
            json!(dash_joined(&b.pcb_temperatures_c)),
        );
        put(
            &format!("temp_chip{n}"),
            json!(dash_joined(&b.chip_temperatures_c)),
        );
        put(&format!("chain_acn{n}"), json!(b.working_chips));
        let acs = if b.working_chips == 0 {
            String::new()
        } else {
            " ooo".repeat(b.working_chips.div_ceil(3) as usize)
        };
        put(&format!("chain_acs{n}"), json!(acs));
        put(&format!("chain_hw{n}"), json!(b.hardware_errors));
        // Stock firmware sends per-chain rates as strings with two decimals.
        put(
            &format!("chain_rate{n}"),
            json!(format!("{:.2}", b.hashrate_ghs)),
        );
        put(&format!("freq{n}"), json!(b.frequency_mhz));
    }
    put("temp_max", json!(t.max_chip_temperature_c()));
    put(
        "total_acn",
        json!(t.boards.iter().map(|b| b.working_chips).sum::<u32>()),
    );
    put("total rate", json!(round2(t.hashrate_avg_ghs)));
    put("total_rateideal", json!(round2(t.ideal_hashrate_ghs)));
    put("total_freqavg", json!(miner.profile.frequency_mhz));
    put("rate_unit", json!("GH"));
    put("miner_version", json!(miner.profile.miner_version));
    put(
        "miner_id",
        json!(format!("{:016x}", crate::noise::mix(miner.seed ^ 0x1D))),
    );
    json!({ "STATUS": status(70, "CGMiner stats"), "STATS": [miner_header(miner), Value::Object(s)], "id": 1 })
}

/// `stats` with `{"new_api": true}`: one entry with chain and fan arrays, and the power draw
/// that the legacy reply does not carry.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // power is a few kW, never negative
pub fn stats_new_api(t: &Telemetry) -> Value {
    let chains: Vec<Value> = t
        .boards
        .iter()
        .enumerate()
        .map(|(i, b)| {
            json!({
                "index": i,
                "freq_avg": b.frequency_mhz,
                "rate_ideal": round2(b.ideal_hashrate_ghs),
                "rate_real": round2(b.hashrate_ghs),
                "asic_num": b.working_chips,
                "temp_pcb": b.pcb_temperatures_c,
                "temp_chip": b.chip_temperatures_c,
                "hw": b.hardware_errors,
            })
        })
        .collect();
    json!({
        "STATUS": status(70, "CGMiner stats"),
        "STATS": [{
            "elapsed": t.uptime_s,
            "rate_5s": round2(t.hashrate_ghs),
            "rate_30m": round2(t.hashrate_avg_ghs),
            "rate_avg": round2(t.hashrate_avg_ghs),
            "rate_ideal": round2(t.ideal_hashrate_ghs),
            "rate_unit": "GH/s",
            "chain_num": t.boards.len(),
            "fan_num": t.fans_rpm.len(),
            "fan": t.fans_rpm,
            "power": t.power_w.round() as u64,
            "chain": chains,
        }],
        "id": 1
    })
}

pub fn pools(slots: &[PoolSlot], t: &Telemetry) -> Value {
    let pools: Vec<Value> = slots
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.url.is_empty())
        .map(|(i, p)| {
            let active = i == 0;
            let (accepted, rejected) = if active {
                (t.accepted_shares, t.rejected_shares)
            } else {
                (0, 0)
            };
            let host = p.url.split("://").nth(1).unwrap_or(&p.url);
            json!({
                "POOL": i,
                "URL": p.url,
                "Status": "Alive",
                "Priority": i,
                "Quota": 1,
                "Long Poll": "N",
                "Getworks": t.uptime_s / 30,
                "Accepted": accepted,
                "Rejected": rejected,
                "Discarded": 0,
                "Stale": 0,
                "Get Failures": 0,
                "Remote Failures": 0,
                "User": p.user,
                // Stock firmware gives the age of the last share as H:MM:SS.
                "Last Share Time": if active && accepted > 0 { "0:00:07" } else { "0" },
                "Diff": "512K",
                "Diff1 Shares": 0,
                "Proxy Type": "",
                "Proxy": "",
                "Difficulty Accepted": accepted as f64 * SHARE_DIFFICULTY,
                "Difficulty Rejected": rejected as f64 * SHARE_DIFFICULTY,
                "Difficulty Stale": 0.0,
                "Last Share Difficulty": if active { SHARE_DIFFICULTY } else { 0.0 },
                "Has Stratum": true,
                "Stratum Active": active,
                "Stratum URL": if active { host.split(':').next().unwrap_or("") } else { "" },
                "Has GBT": false,
                "Best Share": 0,
                "Pool Rejected%": 0.0,
                "Pool Stale%%": 0.0,
            })
        })
        .collect();
    let msg = format!("{} Pool(s)", pools.len());
    json!({ "STATUS": status(7, &msg), "POOLS": pools, "id": 1 })
}

pub fn devs(t: &Telemetry) -> Value {
    json!({
        "STATUS": status(9, "1 ASC(s)"),
        "DEVS": [{
            "ASC": 0, "Name": "BTM_SOC", "ID": 0, "Enabled": "Y", "Status": "Alive",
            "Tenperature": 0.0,
            "MHS 5s": round2(t.hashrate_ghs * 1000.0),
            "MHS av": round2(t.hashrate_avg_ghs * 1000.0),
            "Accepted": t.accepted_shares,
            "Rejected": t.rejected_shares,
            "Device Elapsed": t.uptime_s,
        }],
        "id": 1
    })
}
