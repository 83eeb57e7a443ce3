//! The alert part of storage: alerts as the engine opens, escalates and resolves them, the
//! engine's state between cycles, acknowledgements and notifications. Implemented for SQLite
//! and PostgreSQL by the server.

use async_trait::async_trait;

use crate::StoreError;
use domain::fleet::{Alert, AlertChange, AlertList, AlertQuery, OpenAlertCounts};

/// What the engine needs of a miner besides its sample: when it last answered, and what its
/// catalogue model should hash (for firmware that does not report an expected hashrate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertContext {
    pub miner_id: i64,
    pub last_seen_ms: Option<i64>,
    pub nominal_hashrate_hs: Option<f64>,
}

/// A miner whose collector went quiet: polled before, but nothing for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SilentMiner {
    pub site_id: i64,
    pub miner_id: i64,
    pub last_seen_ms: Option<i64>,
}

#[async_trait]
pub trait AlertStore: Send + Sync + 'static {
    /// The site's engine state as last recorded (JSON) with its version, if any.
    async fn load_alert_book(&self, site_id: i64) -> Result<Option<(String, i64)>, StoreError>;

    /// The version of the site's recorded state; 0 when there is none.
    async fn alert_book_version(&self, site_id: i64) -> Result<i64, StoreError>;

    /// The engine's context for each of the site's active miners (maintenance and retired ones
    /// raise no alerts).
    async fn alert_context(&self, site_id: i64) -> Result<Vec<AlertContext>, StoreError>;

    /// Approved, active miners polled at least once whose newest sample is older than
    /// `before_ms`, on every site.
    async fn silent_miners(&self, before_ms: i64) -> Result<Vec<SilentMiner>, StoreError>;

    /// Records one cycle of `changes` and the engine state after them (`book`) in one
    /// transaction, so the rows and the state that explains them never disagree. `version` is
    /// that of the state the cycle started from (0 for none); when another writer recorded a
    /// newer one meanwhile, nothing is written and the answer is `Conflict`. Returns the ids
    /// of the alerts opened or escalated, to notify about, and the new version. A change for a
    /// miner that left the site meanwhile is skipped.
    async fn record_alert_changes(
        &self,
        site_id: i64,
        changes: &[AlertChange],
        book: &str,
        version: i64,
        now_ms: i64,
    ) -> Result<(Vec<i64>, i64), StoreError>;

    /// Alerts by urgency: open before resolved, critical before warning, newest first.
    async fn list_alerts(&self, query: &AlertQuery) -> Result<AlertList, StoreError>;

    /// The site's open alerts, counted by severity.
    async fn open_alert_counts(&self, site_id: i64) -> Result<OpenAlertCounts, StoreError>;

    /// The open alerts of every site that has any, counted by severity, from one read.
    async fn open_alert_counts_by_site(
        &self,
    ) -> Result<std::collections::HashMap<i64, OpenAlertCounts>, StoreError>;

    async fn get_alert(&self, alert_id: i64) -> Result<Alert, StoreError>;

    /// Marks an open alert as seen. `NotFound` for an unknown alert; acknowledging twice keeps
    /// the first; a resolved alert is `Conflict`.
    async fn acknowledge_alert(
        &self,
        alert_id: i64,
        user_id: i64,
        now_ms: i64,
    ) -> Result<Alert, StoreError>;

    /// Records that the e-mail about these alerts went out.
    async fn mark_alerts_notified(&self, alert_ids: &[i64], now_ms: i64) -> Result<(), StoreError>;

    /// Open alerts whose mail has not gone out, opened or escalated before `before_ms`, as
    /// `(site_id, alert_id)` by site and alert: what a failed mail left to send again.
    async fn unnotified_alerts(&self, before_ms: i64) -> Result<Vec<(i64, i64)>, StoreError>;

    /// Where a site's alert mails go: its owner's address, when the owner has one.
    async fn alert_recipients(&self, site_id: i64) -> Result<Vec<String>, StoreError>;
}
