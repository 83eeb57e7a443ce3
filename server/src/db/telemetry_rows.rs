//! Rows the telemetry queries return, and their conversion into the app's types.

use app::telemetry::{HistoryPoint, SitePoint};

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

/// A database count as the app's `u32` (a site holds far fewer than 4 billion miners).
pub fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}
