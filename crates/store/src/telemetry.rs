//! The telemetry part of storage: raw samples, the live row per miner, 5-minute and daily
//! rollups, retention, and the reads the charts and the site overview make. Implemented for
//! SQLite and PostgreSQL by the server.

use async_trait::async_trait;

use crate::StoreError;
use domain::fleet::TemperatureLimits;
use domain::telemetry::{
    FleetSpan, HistoryPoint, LiveReading, Resolution, SiteOverview, SitePoint, TelemetrySample,
};

/// What one ingest call did. `inserted + duplicates + unknown + stale` covers every sample.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// New raw samples written.
    pub inserted: usize,
    /// Samples already stored (same miner and time): a collector re-sent a buffered batch.
    pub duplicates: usize,
    /// Miners that are not in the ingesting site (or do not exist), ascending, each once; none
    /// of their samples were written.
    pub unknown_miners: Vec<i64>,
    /// Samples whose 5-minute bucket ended more than 24 h ago (the raw retention), not
    /// written: that bucket may already be purged, so re-rolling it would undercount.
    pub stale: usize,
}

/// Rows deleted by one retention run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    pub raw: u64,
    pub five_minutes: u64,
    pub site_five_minutes: u64,
    pub daily: u64,
}

/// What one rollup run recomputed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollupCounts {
    /// Closed 5-minute buckets (re)computed.
    pub buckets: u64,
    /// Closed days (re)computed.
    pub days: u64,
}

#[async_trait]
pub trait TelemetryStore: Send + Sync {
    /// Stores a collector's batch for `site_id` in one transaction: raw samples (a sample
    /// already stored is skipped, so re-sending is harmless), the live row of each miner (only
    /// from a sample newer than the stored one; `last_seen_ms` keeps the newest online time),
    /// and marks the touched 5-minute buckets for the next rollup. Samples of miners outside
    /// the site are not written.
    async fn ingest_samples(
        &self,
        site_id: i64,
        samples: &[TelemetrySample],
        now_ms: i64,
    ) -> Result<IngestOutcome, StoreError>;

    /// Recomputes every closed 5-minute bucket that received samples since it was last rolled
    /// (per miner and per site), then every closed day whose buckets changed. Idempotent; a
    /// late sample marks its bucket again, so it is picked up by the next run.
    async fn roll_up(&self, now_ms: i64) -> Result<RollupCounts, StoreError>;

    /// Deletes raw samples older than 24 h (whole 5-minute buckets, so 24 h to 24 h 5 min), 5-minute rollups older than 90 days and daily
    /// rollups older than 365 days, but never data whose rollup is still pending.
    async fn purge(&self, now_ms: i64) -> Result<PurgeCounts, StoreError>;

    /// A miner's chart between `from_ms` (inclusive) and `to_ms` (exclusive), oldest first.
    async fn miner_history(
        &self,
        miner_id: i64,
        from_ms: i64,
        to_ms: i64,
        resolution: Resolution,
    ) -> Result<Vec<HistoryPoint>, StoreError>;

    /// The miner's live row, if it was ever polled.
    async fn miner_live(&self, miner_id: i64) -> Result<Option<LiveReading>, StoreError>;

    /// The site's counts, totals, temperatures and 24-hour sparkline at `now_ms`; hot and
    /// critical miners as `limits` say.
    async fn site_overview(
        &self,
        site_id: i64,
        now_ms: i64,
        limits: TemperatureLimits,
    ) -> Result<SiteOverview, StoreError>;

    /// [`Self::site_overview`] of each of `site_ids`, in that order, from one read per figure
    /// for all of them (the site list), not one per site.
    async fn site_overviews(
        &self,
        site_ids: &[i64],
        now_ms: i64,
        limits: TemperatureLimits,
    ) -> Result<Vec<SiteOverview>, StoreError>;

    /// The site's 5-minute points between `from_ms` (inclusive) and `to_ms` (exclusive).
    async fn site_history(
        &self,
        site_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<SitePoint>, StoreError>;

    /// A hosting customer's miners, on every site, over the rolled-up 5-minute buckets that
    /// start from `from_ms` (inclusive) to `to_ms` (exclusive).
    async fn customer_span(
        &self,
        customer_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<FleetSpan, StoreError>;
}
