//! Fleet row types as the database returns them, converted to app types at the edge.

use domain::fleet::query::ONLINE_WINDOW_MS;
use domain::fleet::{
    Approval, CollectorKey, Customer, KEY_PREFIX_CHARS, Miner, MinerRow, MinerStatus, Site,
};
use store::StoreError;

#[derive(Debug, sqlx::FromRow)]
pub struct SiteRow {
    pub site_id: i64,
    pub name: String,
    pub location: String,
    pub capacity_mw: f64,
    pub tariff: String,
    pub owner_user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl TryFrom<SiteRow> for Site {
    type Error = StoreError;

    fn try_from(row: SiteRow) -> Result<Self, Self::Error> {
        let tariff = serde_json::from_str(&row.tariff)
            .map_err(|e| StoreError::Corrupt(format!("site {}: tariff: {e}", row.site_id)))?;
        Ok(Self {
            site_id: row.site_id,
            name: row.name,
            location: row.location,
            capacity_mw: row.capacity_mw,
            tariff,
            owner_user_id: row.owner_user_id,
            created_at_ms: row.created_at_ms,
            updated_at_ms: row.updated_at_ms,
        })
    }
}

/// The tariff as the `site.tariff` column holds it.
pub fn tariff_json(tariff: &domain::fleet::Tariff) -> Result<String, StoreError> {
    serde_json::to_string(tariff).map_err(|e| StoreError::Backend(Box::new(e)))
}

#[derive(Debug, sqlx::FromRow)]
pub struct CustomerRow {
    pub customer_id: i64,
    pub name: String,
    pub contact_email: Option<String>,
    pub user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl From<CustomerRow> for Customer {
    fn from(row: CustomerRow) -> Self {
        Self {
            customer_id: row.customer_id,
            name: row.name,
            contact_email: row.contact_email,
            user_id: row.user_id,
            created_at_ms: row.created_at_ms,
            updated_at_ms: row.updated_at_ms,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct MinerRecordRow {
    pub miner_id: i64,
    pub site_id: i64,
    pub customer_id: Option<i64>,
    pub asic_model_id: Option<i64>,
    pub model_name: String,
    pub serial: String,
    pub ip: String,
    pub mac: Option<String>,
    pub rack: String,
    pub status: String,
    pub approval: String,
    pub approval_note: Option<String>,
    pub approved_by_user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

pub fn approval(miner_id: i64, text: &str) -> Result<Approval, StoreError> {
    Approval::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("miner {miner_id}: approval {text:?}")))
}

impl TryFrom<MinerRecordRow> for Miner {
    type Error = StoreError;

    fn try_from(row: MinerRecordRow) -> Result<Self, Self::Error> {
        let status = MinerStatus::from_code(&row.status).ok_or_else(|| {
            StoreError::Corrupt(format!("miner {}: status {:?}", row.miner_id, row.status))
        })?;
        Ok(Self {
            approval: approval(row.miner_id, &row.approval)?,
            status,
            miner_id: row.miner_id,
            site_id: row.site_id,
            customer_id: row.customer_id,
            asic_model_id: row.asic_model_id,
            model_name: row.model_name,
            serial: row.serial,
            ip: row.ip,
            mac: row.mac,
            rack: row.rack,
            approval_note: row.approval_note,
            approved_by_user_id: row.approved_by_user_id,
            created_at_ms: row.created_at_ms,
            updated_at_ms: row.updated_at_ms,
        })
    }
}

/// A miner with its customer's name, as an export writes it.
#[derive(Debug, sqlx::FromRow)]
pub struct InventoryRow {
    #[sqlx(flatten)]
    pub miner: MinerRecordRow,
    pub customer_name: Option<String>,
}

/// A miner with its customer's name and latest reading (all null before the first one).
#[derive(Debug, sqlx::FromRow)]
pub struct MinerListRow {
    #[sqlx(flatten)]
    pub miner: MinerRecordRow,
    pub customer_name: Option<String>,
    pub last_seen_ms: Option<i64>,
    pub hashrate_hs: Option<f64>,
    pub expected_hashrate_hs: Option<f64>,
    pub power_w: Option<f64>,
    pub power_estimated: Option<bool>,
    pub temp_max_c: Option<f64>,
}

impl MinerListRow {
    pub fn into_row(self, now_ms: i64) -> Result<MinerRow, StoreError> {
        Ok(MinerRow {
            miner: self.miner.try_into()?,
            customer_name: self.customer_name,
            online: self
                .last_seen_ms
                .is_some_and(|seen| seen >= now_ms - ONLINE_WINDOW_MS),
            hashrate_hs: self.hashrate_hs,
            expected_hashrate_hs: self.expected_hashrate_hs,
            power_w: self.power_w,
            power_estimated: self.power_estimated.unwrap_or(false),
            temp_max_c: self.temp_max_c,
            last_seen_ms: self.last_seen_ms,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct CollectorKeyRow {
    pub key_hash: String,
    pub site_id: i64,
    pub label: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl From<CollectorKeyRow> for CollectorKey {
    fn from(row: CollectorKeyRow) -> Self {
        Self {
            key_hash_prefix: row.key_hash.chars().take(KEY_PREFIX_CHARS).collect(),
            site_id: row.site_id,
            label: row.label,
            created_at_ms: row.created_at_ms,
            last_used_at_ms: row.last_used_at_ms,
            revoked_at_ms: row.revoked_at_ms,
        }
    }
}
