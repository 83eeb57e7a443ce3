//! The CGI endpoints of the stock web interface (`/cgi-bin/<name>.cgi`) that asic-rs and the
//! Bitmain web UI call, answered from the miner's state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::replies;
use crate::state::{MinerShared, PoolSlot, WorkMode};

/// reboot.cgi answers before the miner goes down, as the real one does.
const REBOOT_GRACE: Duration = Duration::from_millis(300);

pub(crate) enum CgiReply {
    Json(Value),
    Text(String),
    NotFound,
}

pub(crate) fn handle(miner: &Arc<MinerShared>, name: &str, body: &[u8]) -> CgiReply {
    let now = Instant::now();
    match name {
        "get_system_info" => CgiReply::Json(system_info(miner)),
        "miner_type" => CgiReply::Json(json!({
            "miner_type": miner.profile.name,
            "subtype": "Xilinx",
            "fw_version": miner.profile.compile_time,
        })),
        "summary" => CgiReply::Json(web_summary(miner, now)),
        "stats" => CgiReply::Json(replies::stats_new_api(&miner.telemetry(now))),
        "pools" => {
            let pools = miner.lock().pools.clone();
            CgiReply::Json(replies::pools(&pools, &miner.telemetry(now)))
        }
        "get_miner_conf" => CgiReply::Json(miner_conf(miner)),
        "set_miner_conf" => CgiReply::Json(set_miner_conf(miner, body, now)),
        "get_blink_status" => CgiReply::Json(json!({ "blink": miner.lock().blinking })),
        "blink" => CgiReply::Json(blink(miner, body)),
        "get_network_info" => CgiReply::Json(network_info(miner)),
        "reboot" => {
            let miner = Arc::clone(miner);
            tokio::spawn(async move {
                tokio::time::sleep(REBOOT_GRACE).await;
                miner.reboot(miner.reboot_offline);
            });
            CgiReply::Json(json!({ "stats": "success", "code": "R000", "msg": "Rebooting" }))
        }
        "log" => CgiReply::Text(format!(
            "Booting Linux on physical CPU 0x0\nbmminer: {} started, {} hash boards\n",
            miner.profile.name, miner.profile.boards
        )),
        _ => CgiReply::NotFound,
    }
}

fn system_info(miner: &MinerShared) -> Value {
    let id = &miner.identity;
    json!({
        "minertype": miner.profile.name,
        "nettype": "DHCP",
        "netdevice": "eth0",
        "macaddr": id.mac,
        "hostname": id.hostname,
        "ipaddress": id.ip.to_string(),
        "netmask": "255.0.0.0",
        "gateway": "",
        "dnsservers": "",
        "system_mode": "GNU/Linux",
        "system_kernel_version": "Linux 4.6.0-xilinx-gb190291 #1 SMP PREEMPT Tue Dec 6 15:51:27 CST 2022",
        "system_filesystem_version": miner.profile.compile_time,
        "firmware_type": "Release",
        "serinum": id.serial,
    })
}

fn network_info(miner: &MinerShared) -> Value {
    let id = &miner.identity;
    json!({
        "nettype": "DHCP", "netdevice": "eth0", "macaddr": id.mac,
        "ipaddress": id.ip.to_string(), "netmask": "255.0.0.0", "conf_nettype": "DHCP",
        "conf_hostname": id.hostname, "conf_ipaddress": "", "conf_netmask": "",
        "conf_gateway": "", "conf_dnsservers": "",
    })
}

/// summary.cgi: asic-rs reads `INFO.CompileTime` to pick its backend and `SUMMARY[0].status`
/// for messages ("s" = ok, "w" = warning, "e" = error).
fn web_summary(miner: &MinerShared, now: Instant) -> Value {
    let t = miner.telemetry(now);
    let (dead_board, overheating) = {
        let s = miner.lock();
        (s.dead_board, s.overheating)
    };
    let item = |kind: &str, bad: bool, msg: &str| {
        json!({ "type": kind, "status": if bad { "e" } else { "s" }, "code": 0,
                "msg": if bad { msg } else { "" } })
    };
    let board_msg = dead_board
        .map(|b| format!("chain {} has no hashrate", b + 1))
        .unwrap_or_default();
    json!({
        "STATUS": { "STATUS": "S", "when": replies::unix_now(), "Msg": "summary", "api_version": "1.0.0" },
        "INFO": {
            "miner_version": miner.profile.miner_version,
            "CompileTime": miner.profile.compile_time,
            "type": miner.profile.name,
        },
        "SUMMARY": [{
            "elapsed": t.uptime_s,
            "rate_5s": (t.hashrate_ghs * 100.0).round() / 100.0,
            "rate_30m": (t.hashrate_avg_ghs * 100.0).round() / 100.0,
            "rate_avg": (t.hashrate_avg_ghs * 100.0).round() / 100.0,
            "rate_ideal": t.ideal_hashrate_ghs,
            "rate_unit": "GH/s",
            "hw_all": t.boards.iter().map(|b| b.hardware_errors).sum::<u64>(),
            "bestshare": 0,
            "status": [
                item("rate", dead_board.is_some(), &board_msg),
                item("network", false, ""),
                item("fans", false, ""),
                item("temp", overheating, "temperature too high"),
            ],
        }],
    })
}

fn miner_conf(miner: &MinerShared) -> Value {
    let s = miner.lock();
    let pools: Vec<Value> = s
        .pools
        .iter()
        .map(|p| json!({ "url": p.url, "user": p.user, "pass": p.pass }))
        .collect();
    json!({
        "pools": pools,
        "api-listen": true,
        "api-network": true,
        "api-groups": "A:stats:pools:devs:summary:version",
        "api-allow": "A:0/0,W:*",
        "bitmain-fan-ctrl": s.fan_manual_pwm.is_some(),
        "bitmain-fan-pwm": s.fan_manual_pwm.unwrap_or(100).to_string(),
        "bitmain-use-vil": true,
        "bitmain-freq": miner.profile.frequency_mhz.to_string(),
        "bitmain-voltage": "1360",
        "bitmain-ccdelay": "0",
        "bitmain-pwth": "0",
        // Stock firmware reports the mode as a string; asic-rs's v2020 backend reads it as one.
        "bitmain-work-mode": s.mode.web_value(),
        "bitmain-freq-level": "100",
    })
}

fn value_as_string(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::to_owned)
        .or_else(|| v.as_i64().map(|n| n.to_string()))
}

fn set_miner_conf(miner: &MinerShared, body: &[u8], now: Instant) -> Value {
    let Ok(conf) = serde_json::from_slice::<Value>(body) else {
        return json!({ "stats": "error", "code": "M001", "msg": "Illegal parameters!" });
    };
    let mode = ["miner-mode", "bitmain-work-mode"]
        .iter()
        .filter_map(|k| conf.get(*k).and_then(value_as_string))
        .find_map(|v| WorkMode::from_web_value(&v));
    let mut s = miner.lock();
    if let Some(mode) = mode {
        s.set_mode(mode, now);
    }
    if let Some(pools) = conf.get("pools").and_then(Value::as_array) {
        let field = |p: &Value, k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let mut slots: Vec<PoolSlot> = pools
            .iter()
            .take(3)
            .map(|p| PoolSlot {
                url: field(p, "url"),
                user: field(p, "user"),
                pass: field(p, "pass"),
            })
            .collect();
        slots.resize(
            3,
            PoolSlot {
                url: String::new(),
                user: String::new(),
                pass: String::new(),
            },
        );
        s.pools = slots;
    }
    if let Some(manual) = conf.get("bitmain-fan-ctrl").and_then(Value::as_bool) {
        let pwm = conf
            .get("bitmain-fan-pwm")
            .and_then(value_as_string)
            .and_then(|p| p.parse::<u8>().ok())
            .unwrap_or(100)
            .min(100);
        s.fan_manual_pwm = manual.then_some(pwm);
    }
    json!({ "stats": "success", "code": "M000", "msg": "OK!" })
}

fn blink(miner: &MinerShared, body: &[u8]) -> Value {
    let on = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("blink").cloned())
        .is_some_and(|v| v.as_bool().unwrap_or_else(|| v.as_str() == Some("true")));
    miner.lock().blinking = on;
    json!({ "code": if on { "B000" } else { "B100" } })
}
