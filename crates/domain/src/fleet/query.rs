//! The miner table's question and answer: filters, sort and page in, one page of miners with
//! their latest reading out. Paging and sorting happen in the database, so a 20,000-miner
//! site sends the browser one page.

use serde::{Deserialize, Serialize};

use super::MinerStatus;
use super::miner::{Approval, Miner};

/// A miner is online when its latest answer is at most this old, ms (five minutes).
pub const ONLINE_WINDOW_MS: i64 = 5 * 60 * 1000;
/// The largest page the table asks for.
pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinerSort {
    #[default]
    Serial,
    /// Numerically, octet by octet (10.0.0.9 before 10.0.0.10).
    Ip,
    Rack,
    Model,
    Customer,
    Status,
    Hashrate,
    TempMax,
    Power,
    LastSeen,
}

/// Which miners, in which order, which page. Empty fields filter nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerQuery {
    pub site_id: Option<i64>,
    /// A client portal sets this to the client's own customer, always.
    pub customer_id: Option<i64>,
    pub status: Option<MinerStatus>,
    pub approval: Option<Approval>,
    pub online: Option<bool>,
    /// Part of the serial, IP, MAC, rack or model name, case-insensitive.
    pub search: Option<String>,
    pub sort: MinerSort,
    pub descending: bool,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Default for MinerQuery {
    fn default() -> Self {
        Self {
            site_id: None,
            customer_id: None,
            status: None,
            approval: None,
            online: None,
            search: None,
            sort: MinerSort::Serial,
            descending: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl MinerQuery {
    /// Rows per page, within 1..=[`MAX_PER_PAGE`].
    pub fn limit(&self) -> u32 {
        self.per_page.clamp(1, MAX_PER_PAGE)
    }

    /// Rows before the page (page 0 is read as page 1).
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.limit())
    }

    /// The search text, trimmed, if any is left.
    pub fn search_text(&self) -> Option<&str> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// One line of the miner table: the miner, its customer's name and its latest reading (all
/// `None` before the first one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinerRow {
    pub miner: Miner,
    pub customer_name: Option<String>,
    /// Whether the miner answered within [`ONLINE_WINDOW_MS`] of the time asked about.
    pub online: bool,
    pub hashrate_hs: Option<f64>,
    pub expected_hashrate_hs: Option<f64>,
    pub power_w: Option<f64>,
    /// The power is nominal W/TH × hashrate, not a reading.
    pub power_estimated: bool,
    pub temp_max_c: Option<f64>,
    pub last_seen_ms: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MinerPage {
    pub rows: Vec<MinerRow>,
    /// Miners matching the filters, over all pages.
    pub total: u64,
    /// The temperatures the page marks a row hot or critical at: the alert engine's, which
    /// the server function fills in (the store knows none and gives the defaults).
    pub limits: super::TemperatureLimits,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_bounded_and_starts_at_one() {
        let query = MinerQuery {
            page: 0,
            per_page: 0,
            ..MinerQuery::default()
        };
        assert_eq!((query.limit(), query.offset()), (1, 0));
        let query = MinerQuery {
            page: 3,
            per_page: 10_000,
            ..MinerQuery::default()
        };
        assert_eq!((query.limit(), query.offset()), (500, 1000));
        let query = MinerQuery {
            page: u32::MAX,
            per_page: 500,
            ..MinerQuery::default()
        };
        assert_eq!(query.offset(), u64::from(u32::MAX - 1) * 500);
    }

    #[test]
    fn blank_search_filters_nothing() {
        let query = MinerQuery {
            search: Some("  ".into()),
            ..MinerQuery::default()
        };
        assert_eq!(query.search_text(), None);
        let query = MinerQuery {
            search: Some(" S21 ".into()),
            ..MinerQuery::default()
        };
        assert_eq!(query.search_text(), Some("S21"));
    }
}
