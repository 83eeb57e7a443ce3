//! Rows the telemetry queries return, and their conversion into the app's types.

use domain::telemetry::{HistoryPoint, SitePoint};

#[derive(sqlx::FromRow)]
pub struct RawPointRow {
    pub taken_at_ms: i64,
    pub online: bool,
    pub hashrate_hs: Option<f64>,
    pub power_w: Option<f64>,
    pub temp_max_c: Option<f64>,
}

impl From<RawPointRow> for HistoryPoint {
    fn from(row: RawPointRow) -> Self {
        // As in the rollups, an unanswered sample counts as 0 H/s.
        let hashrate_hs = row.hashrate_hs.unwrap_or(0.0);
        Self {
            at_ms: row.taken_at_ms,
            hashrate_hs,
            hashrate_min_hs: hashrate_hs,
            hashrate_max_hs: hashrate_hs,
            power_w: row.power_w,
            temp_max_c: row.temp_max_c,
            online_ratio: if row.online { 1.0 } else { 0.0 },
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct RollupPointRow {
    pub at_ms: i64,
    pub samples: i64,
    pub online_samples: i64,
    pub hashrate_avg_hs: f64,
    pub hashrate_min_hs: f64,
    pub hashrate_max_hs: f64,
    pub power_avg_w: Option<f64>,
    pub temp_max_c: Option<f64>,
}

impl From<RollupPointRow> for HistoryPoint {
    fn from(row: RollupPointRow) -> Self {
        // Sample counts are far below 2^52, so the ratio is exact enough.
        #[allow(clippy::cast_precision_loss)]
        let online_ratio = if row.samples > 0 {
            row.online_samples as f64 / row.samples as f64
        } else {
            0.0
        };
        Self {
            at_ms: row.at_ms,
            hashrate_hs: row.hashrate_avg_hs,
            hashrate_min_hs: row.hashrate_min_hs,
            hashrate_max_hs: row.hashrate_max_hs,
            power_w: row.power_avg_w,
            temp_max_c: row.temp_max_c,
            online_ratio,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct SitePointRow {
    pub at_ms: i64,
    pub hashrate_hs: f64,
    pub power_w: f64,
    pub online: i64,
}

impl From<SitePointRow> for SitePoint {
    fn from(row: SitePointRow) -> Self {
        Self {
            at_ms: row.at_ms,
            hashrate_hs: row.hashrate_hs,
            power_w: row.power_w,
            online: count(row.online),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct OverviewRow {
    pub miners_total: i64,
    pub online: i64,
    pub never_seen: i64,
    pub sleeping: i64,
    pub hashrate_hs: Option<f64>,
    pub expected_hashrate_hs: Option<f64>,
    pub power_w: Option<f64>,
    pub power_estimated_w: Option<f64>,
    pub efficiency_power_w: Option<f64>,
    pub efficiency_hashrate_hs: Option<f64>,
}

impl OverviewRow {
    /// The counts of a site without miners.
    pub fn empty() -> Self {
        Self {
            miners_total: 0,
            online: 0,
            never_seen: 0,
            sleeping: 0,
            hashrate_hs: None,
            expected_hashrate_hs: None,
            power_w: None,
            power_estimated_w: None,
            efficiency_power_w: None,
            efficiency_hashrate_hs: None,
        }
    }
}

/// [`OverviewRow`] with its site, from the site list's one read of every site.
#[derive(sqlx::FromRow)]
pub struct SiteOverviewRow {
    pub site_id: i64,
    #[sqlx(flatten)]
    pub counts: OverviewRow,
}

/// [`SitePointRow`] with its site.
#[derive(sqlx::FromRow)]
pub struct SiteKeyedPointRow {
    pub site_id: i64,
    #[sqlx(flatten)]
    pub point: SitePointRow,
}

/// A database count as the app's `u32` (a site holds far fewer than 4 billion miners).
pub fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// A miner's live row as stored; integers come back as the engines' 64-bit integers.
#[derive(sqlx::FromRow)]
pub struct LiveRow {
    miner_id: i64,
    taken_at_ms: i64,
    last_seen_ms: Option<i64>,
    online: bool,
    is_mining: bool,
    hashrate_hs: Option<f64>,
    expected_hashrate_hs: Option<f64>,
    power_w: Option<f64>,
    power_estimated: bool,
    temp_max_c: Option<f64>,
    temp_avg_c: Option<f64>,
    fan_min_rpm: Option<i64>,
    fan_max_rpm: Option<i64>,
    boards_total: Option<i64>,
    boards_active: Option<i64>,
    pool_url: Option<String>,
    pool_user: Option<String>,
    accepted_shares: Option<i64>,
    rejected_shares: Option<i64>,
    hardware_errors: Option<i64>,
    uptime_s: Option<i64>,
    firmware_version: Option<String>,
    model_reported: Option<String>,
    message: Option<String>,
}

/// The columns of [`LiveRow`], in `miner_live`.
/// PostgreSQL stores fans and boards as 4-byte integers; the casts read every engine's alike.
pub const LIVE_COLUMNS: &str = "miner_id, taken_at_ms, last_seen_ms, online, is_mining, \
    hashrate_hs, expected_hashrate_hs, power_w, power_estimated, temp_max_c, temp_avg_c, \
    cast(fan_min_rpm as bigint) as fan_min_rpm, cast(fan_max_rpm as bigint) as fan_max_rpm, \
    cast(boards_total as bigint) as boards_total, \
    cast(boards_active as bigint) as boards_active, pool_url, pool_user, \
    accepted_shares, rejected_shares, hardware_errors, uptime_s, firmware_version, \
    model_reported, message";

impl From<LiveRow> for domain::telemetry::LiveReading {
    fn from(row: LiveRow) -> Self {
        // Values were validated on the way in; one out of range reads as missing.
        fn narrow<T: TryFrom<i64>>(value: Option<i64>) -> Option<T> {
            value.and_then(|v| T::try_from(v).ok())
        }
        Self {
            sample: domain::telemetry::TelemetrySample {
                miner_id: row.miner_id,
                taken_at_ms: row.taken_at_ms,
                online: row.online,
                is_mining: row.is_mining,
                hashrate_hs: row.hashrate_hs,
                expected_hashrate_hs: row.expected_hashrate_hs,
                power_w: row.power_w,
                power_estimated: row.power_estimated,
                temp_max_c: row.temp_max_c,
                temp_avg_c: row.temp_avg_c,
                fan_min_rpm: narrow(row.fan_min_rpm),
                fan_max_rpm: narrow(row.fan_max_rpm),
                boards_total: narrow(row.boards_total),
                boards_active: narrow(row.boards_active),
                pool_url: row.pool_url,
                pool_user: row.pool_user,
                accepted_shares: narrow(row.accepted_shares),
                rejected_shares: narrow(row.rejected_shares),
                hardware_errors: narrow(row.hardware_errors),
                uptime_s: narrow(row.uptime_s),
                firmware_version: row.firmware_version,
                model_reported: row.model_reported,
                message: row.message,
            },
            last_seen_ms: row.last_seen_ms,
        }
    }
}
