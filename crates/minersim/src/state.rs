//! One simulated miner: its fixed identity, its mutable state (mode, faults, boot time) and the
//! handle tests use to read it and inject faults.

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::config::ModelProfile;
use crate::noise;

/// Stock firmware work modes, as `bitmain-work-mode` numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkMode {
    Normal,
    Sleep,
    High,
    Low,
}

impl WorkMode {
    /// The value `get_miner_conf.cgi` reports (a string on stock firmware).
    pub fn web_value(self) -> &'static str {
        match self {
            Self::Normal => "0",
            Self::Sleep => "1",
            Self::High => "2",
            Self::Low => "3",
        }
    }

    pub fn from_web_value(value: &str) -> Option<Self> {
        match value.trim() {
            "0" => Some(Self::Normal),
            "1" => Some(Self::Sleep),
            "2" => Some(Self::High),
            "3" => Some(Self::Low),
            _ => None,
        }
    }
}

/// Faults a test can inject into one miner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Accept connections on both ports but never answer.
    Timeout,
    /// Answer every request with bytes that are not JSON.
    Garbage,
    /// One hash board (0-based chain index) hashes nothing and reports no chips.
    DeadBoard(usize),
    /// Chips and PCBs run around 90 °C.
    Overheating,
    /// Drop off the network for this long, then come back with uptime from zero.
    Reboot(Duration),
}

/// The pool a miner mines on; three slots as on stock firmware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSlot {
    pub url: String,
    pub user: String,
    pub pass: String,
}

// Fault switches are independent and any combination is valid, so plain bools fit.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug)]
pub(crate) struct MinerState {
    pub mode: WorkMode,
    pub boot_at: Instant,
    /// Hashing seconds accrued before `hashing_since`, so shares only grow while mining.
    pub hashing_s_before: f64,
    pub hashing_since: Option<Instant>,
    pub timeout: bool,
    pub garbage: bool,
    pub dead_board: Option<usize>,
    pub overheating: bool,
    pub blinking: bool,
    /// Set while a reboot keeps the miner offline.
    pub offline_for: Option<Duration>,
    pub pools: Vec<PoolSlot>,
    pub fan_manual_pwm: Option<u8>,
}

impl MinerState {
    fn new(now: Instant, pools: Vec<PoolSlot>) -> Self {
        Self {
            mode: WorkMode::Normal,
            boot_at: now,
            hashing_s_before: 0.0,
            hashing_since: Some(now),
            timeout: false,
            garbage: false,
            dead_board: None,
            overheating: false,
            blinking: false,
            offline_for: None,
            pools,
            fan_manual_pwm: None,
        }
    }

    pub fn hashing_s(&self, now: Instant) -> f64 {
        self.hashing_s_before
            + self.hashing_since.map_or(0.0, |since| {
                now.saturating_duration_since(since).as_secs_f64()
            })
    }

    pub fn set_mode(&mut self, mode: WorkMode, now: Instant) {
        let was_hashing = self.mode != WorkMode::Sleep;
        let hashing = mode != WorkMode::Sleep;
        if was_hashing && !hashing {
            self.hashing_s_before = self.hashing_s(now);
            self.hashing_since = None;
        } else if !was_hashing && hashing {
            self.hashing_since = Some(now);
        }
        self.mode = mode;
    }

    /// Power back on: uptime and share counters restart; mode, pools and faults persist as on
    /// real firmware, which keeps its config across reboots.
    pub fn boot(&mut self, now: Instant) {
        self.boot_at = now;
        self.hashing_s_before = 0.0;
        self.hashing_since = (self.mode != WorkMode::Sleep).then_some(now);
        self.offline_for = None;
    }
}

/// Fixed per-miner facts derived from the farm seed and the miner's index.
#[derive(Debug, Clone)]
pub struct Identity {
    pub index: u32,
    pub ip: Ipv4Addr,
    pub mac: String,
    pub serial: String,
    pub hostname: String,
    pub nonce: String,
}

impl Identity {
    pub(crate) fn new(seed: u64, index: u32, ip: Ipv4Addr) -> Self {
        // Locally administered unicast prefix (02:…) so a simulated MAC never collides with a
        // vendor's; the low bytes are the index, so MACs are unique within a farm.
        let [_, a, b, c] = index.to_be_bytes();
        let salt = noise::mix_all(&[seed, 0xAC]).to_be_bytes()[0];
        let mac = format!("02:42:{salt:02X}:{a:02X}:{b:02X}:{c:02X}");
        let serial_hash = noise::mix_all(&[seed, u64::from(index), 0x5E]);
        let serial = format!("SIM{:013X}", serial_hash & 0x000F_FFFF_FFFF_FFFF);
        let nonce = format!("{:016x}", noise::mix_all(&[seed, u64::from(index), 0xD1]));
        Self {
            index,
            ip,
            mac,
            serial,
            hostname: "Antminer".to_owned(),
            nonce,
        }
    }
}

pub(crate) struct MinerShared {
    pub identity: Identity,
    pub profile: Arc<ModelProfile>,
    pub seed: u64,
    pub decay_per_hour: f64,
    pub reboot_offline: Duration,
    pub username: String,
    pub password: String,
    pub state: Mutex<MinerState>,
    /// Wakes the miner's runner to take its listeners down for a reboot.
    pub power_off: Notify,
    /// RPC commands and HTTP requests answered, digest challenges included.
    pub requests: AtomicU64,
}

impl MinerShared {
    pub fn new(
        identity: Identity,
        profile: Arc<ModelProfile>,
        config: &crate::SimConfig,
        now: Instant,
    ) -> Self {
        let pools = default_pools(&identity);
        Self {
            identity,
            profile,
            seed: config.seed,
            decay_per_hour: config.decay_per_hour,
            reboot_offline: config.reboot_offline,
            username: config.username.clone(),
            password: config.password.clone(),
            state: Mutex::new(MinerState::new(now, pools)),
            power_off: Notify::new(),
            requests: AtomicU64::new(0),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, MinerState> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn reboot(&self, offline: Duration) {
        self.lock().offline_for = Some(offline);
        self.power_off.notify_one();
    }
}

fn default_pools(identity: &Identity) -> Vec<PoolSlot> {
    let worker = format!("hashinsight.sim{:05}", identity.index);
    vec![
        PoolSlot {
            url: "stratum+tcp://btc.sim-pool.example:3333".to_owned(),
            user: worker.clone(),
            pass: "x".to_owned(),
        },
        PoolSlot {
            url: "stratum+tcp://btc-backup.sim-pool.example:443".to_owned(),
            user: worker,
            pass: "x".to_owned(),
        },
        PoolSlot {
            url: String::new(),
            user: String::new(),
            pass: String::new(),
        },
    ]
}

/// A handle on one simulated miner, for reading its state and injecting faults.
#[derive(Clone)]
pub struct SimMiner {
    pub(crate) shared: Arc<MinerShared>,
}

impl SimMiner {
    pub fn ip(&self) -> Ipv4Addr {
        self.shared.identity.ip
    }

    pub fn identity(&self) -> &Identity {
        &self.shared.identity
    }

    /// RPC commands and HTTP requests this miner has answered (a digest-authenticated web
    /// request counts twice: the 401 challenge, then the answer), to see what a client costs.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    pub fn profile(&self) -> &ModelProfile {
        &self.shared.profile
    }

    pub fn work_mode(&self) -> WorkMode {
        self.shared.lock().mode
    }

    pub fn set_work_mode(&self, mode: WorkMode) {
        self.shared.lock().set_mode(mode, Instant::now());
    }

    pub fn is_blinking(&self) -> bool {
        self.shared.lock().blinking
    }

    /// True while a reboot keeps the miner off the network.
    pub fn is_offline(&self) -> bool {
        self.shared.lock().offline_for.is_some()
    }

    pub fn inject(&self, fault: Fault) {
        if let Fault::Reboot(offline) = fault {
            self.shared.reboot(offline);
            return;
        }
        let mut state = self.shared.lock();
        match fault {
            Fault::Timeout => state.timeout = true,
            Fault::Garbage => state.garbage = true,
            Fault::DeadBoard(chain) => state.dead_board = Some(chain),
            Fault::Overheating => state.overheating = true,
            Fault::Reboot(_) => {}
        }
    }

    /// Remove every injected fault (a reboot in progress still runs its course).
    pub fn clear_faults(&self) {
        let mut state = self.shared.lock();
        state.timeout = false;
        state.garbage = false;
        state.dead_board = None;
        state.overheating = false;
    }
}

impl std::fmt::Debug for SimMiner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimMiner")
            .field("ip", &self.ip())
            .finish_non_exhaustive()
    }
}
