//! Telemetry ingest, the one path every sample takes, whoever read it: the ingest API (a
//! site's own collector), the server's poller and, through it, the demo farm. Each sample is
//! validated, the batch stored, open pages told, and the alert engine run, in that order.

use domain::telemetry::{MAX_SAMPLES_PER_BATCH, TelemetrySample};
use serde::Serialize;
use store::{Store, StoreError, telemetry::IngestOutcome};

use crate::alerts::Alerting;
use crate::live::{Change, LiveHub};

/// Sample errors listed in a refusal; the rest are counted.
const ERRORS_LISTED: usize = 20;

/// Where samples go.
#[derive(Clone, Copy)]
pub struct Sinks<'a> {
    pub store: &'a dyn Store,
    pub alerts: &'a Alerting,
    pub live: &'a LiveHub,
}

/// Why a batch was not stored.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0} samples in one batch; at most {MAX_SAMPLES_PER_BATCH}")]
    TooMany(usize),
    #[error("{count} invalid samples")]
    Invalid {
        count: usize,
        samples: Vec<SampleError>,
    },
    #[error("storage failed")]
    Store(#[from] StoreError),
}

/// One refused sample, by its place in the batch.
#[derive(Debug, Clone, Serialize)]
pub struct SampleError {
    pub index: usize,
    pub miner_id: i64,
    pub error: String,
}

/// Stores one batch, all or nothing on validation: a batch with a bad sample changes nothing and
/// says which (the first [`ERRORS_LISTED`]). Idempotent per miner and time.
pub async fn record_batch(
    sinks: Sinks<'_>,
    site_id: i64,
    samples: &[TelemetrySample],
    now_ms: i64,
) -> Result<IngestOutcome, RecordError> {
    if samples.len() > MAX_SAMPLES_PER_BATCH {
        return Err(RecordError::TooMany(samples.len()));
    }
    let errors = invalid_samples(samples, now_ms);
    if !errors.is_empty() {
        return Err(RecordError::Invalid {
            count: errors.len(),
            samples: errors.into_iter().take(ERRORS_LISTED).collect(),
        });
    }
    Ok(store_valid(sinks, site_id, samples, now_ms).await?)
}

/// Stores samples already validated, tells open pages and runs the alert engine.
async fn store_valid(
    sinks: Sinks<'_>,
    site_id: i64,
    samples: &[TelemetrySample],
    now_ms: i64,
) -> Result<IngestOutcome, StoreError> {
    let outcome = sinks.store.ingest_samples(site_id, samples, now_ms).await?;
    sinks.live.publish(site_id, Change::Telemetry, now_ms);
    // The samples are stored: an alert failure is logged, and the engine starts again from
    // its last saved state, rather than refusing (and having resent) a stored batch.
    if let Err(error) = sinks.alerts.observe_samples(site_id, samples, now_ms).await {
        tracing::error!(site_id, %error, "alerts: batch not evaluated");
    }
    Ok(outcome)
}

/// Stores what a poll cycle read, batch by batch. A miner that answered something no miner
/// can report (a time far off, a figure out of range) loses that one reading, logged with
/// why, rather than costing the whole site its cycle.
pub async fn record_polled(
    sinks: Sinks<'_>,
    site_id: i64,
    samples: &[TelemetrySample],
    now_ms: i64,
) -> Result<usize, StoreError> {
    let errors = invalid_samples(samples, now_ms);
    let valid: Vec<TelemetrySample> = if errors.is_empty() {
        samples.to_vec()
    } else {
        let first = &errors[0];
        tracing::warn!(
            site_id,
            dropped = errors.len(),
            miner_id = first.miner_id,
            error = %first.error,
            "poll cycle: readings no miner can report were dropped"
        );
        let refused: std::collections::HashSet<usize> = errors.iter().map(|e| e.index).collect();
        samples
            .iter()
            .enumerate()
            .filter(|(index, _)| !refused.contains(index))
            .map(|(_, sample)| sample.clone())
            .collect()
    };
    // Validated above with the same clock, and chunked to the limit: stored as they are.
    for batch in valid.chunks(MAX_SAMPLES_PER_BATCH) {
        store_valid(sinks, site_id, batch, now_ms).await?;
    }
    Ok(valid.len())
}

fn invalid_samples(samples: &[TelemetrySample], now_ms: i64) -> Vec<SampleError> {
    samples
        .iter()
        .enumerate()
        .filter_map(|(index, sample)| {
            sample.validate(now_ms).err().map(|error| SampleError {
                index,
                miner_id: sample.miner_id,
                error: error.to_string(),
            })
        })
        .collect()
}
