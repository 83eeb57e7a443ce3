//! The hosting fleet as the UI, the API and the store see it: sites with their tariffs,
//! hosting customers, miners with their approval workflow, and the miner table's query.
//! Plain serde types, compiled for the browser and the server alike.

pub mod alert;
pub mod forms;
pub mod import;
pub mod miner;
pub mod query;
pub mod status;
pub mod tariff;
pub mod totals;

use serde::{Deserialize, Serialize};

pub use alert::{
    Alert, AlertChange, AlertKind, AlertList, AlertQuery, AlertTransition, OpenAlertCounts,
    Severity, TemperatureLimits,
};
pub use miner::{
    Approval, ApprovalReport, InsertOutcome, Miner, MinerFieldError, NewMiner, RefusedApproval,
    UniqueField,
};
pub use query::{MinerPage, MinerQuery, MinerRow, MinerSort};
pub use status::MinerStatus;
pub use tariff::{Tariff, TariffError};
pub use totals::{CustomerTotals, Earnings};

/// A farm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub site_id: i64,
    pub name: String,
    pub location: String,
    pub capacity_mw: f64,
    pub tariff: Tariff,
    /// The account that runs the site, if one is named.
    pub owner_user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// The editable fields of a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSite {
    pub name: String,
    pub location: String,
    pub capacity_mw: f64,
    pub tariff: Tariff,
    pub owner_user_id: Option<i64>,
}

/// A miner a collector polls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinerTarget {
    pub miner_id: i64,
    pub ip: String,
    /// The catalogue model's nominal watts per TH/s, which prices the hashrate of a miner
    /// that reports no power; `None` without a catalogue model.
    pub nominal_w_per_th: Option<f64>,
}

impl MinerTarget {
    /// `power_w` and `hashrate_hs` are the catalogue model's nominal figures.
    pub fn new(miner_id: i64, ip: String, nominal: Option<(f64, f64)>) -> Self {
        let nominal_w_per_th = nominal
            .filter(|&(power_w, hashrate_hs)| power_w > 0.0 && hashrate_hs > 0.0)
            .map(|(power_w, hashrate_hs)| power_w / (hashrate_hs / 1e12));
        Self {
            miner_id,
            ip,
            nominal_w_per_th,
        }
    }
}

/// A hosting client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub customer_id: i64,
    pub name: String,
    pub contact_email: Option<String>,
    /// The account that signs in to the client portal for this customer.
    pub user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// The editable fields of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomer {
    pub name: String,
    pub contact_email: Option<String>,
    pub user_id: Option<i64>,
}

/// A standalone collector's key as listed to the site's operators; the hash is shown by its
/// start only, enough to tell keys apart and to name one to revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorKey {
    pub key_hash_prefix: String,
    pub site_id: i64,
    pub label: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

/// How many hex digits of a key's hash [`CollectorKey`] shows, and the least a revocation must
/// give so that it names one key.
pub const KEY_PREFIX_CHARS: usize = 12;
pub const MIN_REVOKE_PREFIX_CHARS: usize = 8;
