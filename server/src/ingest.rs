//! The ingest API that standalone collectors (`hashinsight collect`) talk to. A collector
//! signs in with its site's key (`X-Collector-Key`), never with a person's session, and can only
//! read its own site's miner list and write its own site's miners.

use std::io::Read as _;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::read::GzDecoder;
use serde::Serialize;

use domain::telemetry::TelemetrySample;

use crate::collect::BATCH_SAMPLES;
use crate::collect::uplink::{IngestReply, KEY_HEADER, Targets};
use crate::state::AppState;

/// Largest request body as sent (gzip): 5,000 samples compress to well under 1 MB.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Largest body once decompressed: 5,000 samples of the longest allowed fields fit in 8 MB,
/// so anything beyond is not a batch (and a gzip bomb stops here).
const MAX_JSON_BYTES: u64 = 16 * 1024 * 1024;
/// Sample errors listed in a refusal; the rest are counted.
const ERRORS_LISTED: usize = 20;

/// Why the ingest API refused a request; each maps to one status.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("missing or unknown collector key")]
    UnknownKey,
    #[error("the body is not gzip-compressed JSON or plain JSON: {0}")]
    Malformed(String),
    #[error("{0} samples in one batch; at most {BATCH_SAMPLES}")]
    TooMany(usize),
    #[error("{count} invalid samples")]
    Invalid {
        count: usize,
        samples: Vec<SampleError>,
    },
    #[error("storage failed")]
    Store(#[from] store::StoreError),
}

/// One refused sample, by its place in the batch.
#[derive(Debug, Serialize)]
pub struct SampleError {
    pub index: usize,
    pub miner_id: i64,
    pub error: String,
}

impl IntoResponse for IngestError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::UnknownKey => StatusCode::UNAUTHORIZED,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::TooMany(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Store(error) => {
                tracing::error!(%error, "ingest: storage failed");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        let samples = match &self {
            Self::Invalid { samples, .. } => Some(samples),
            _ => None,
        };
        let body = serde_json::json!({ "error": self.to_string(), "samples": samples });
        (status, Json(body)).into_response()
    }
}

/// The site whose key the request carries.
async fn site_of(state: &AppState, headers: &HeaderMap) -> Result<i64, IngestError> {
    let key = headers
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| k.starts_with(auth::token::COLLECTOR_KEY_PREFIX))
        .ok_or(IngestError::UnknownKey)?;
    let hash = auth::token::hash_secret(key);
    state
        .store
        .site_for_collector_key(&hash, now_ms())
        .await?
        .ok_or(IngestError::UnknownKey)
}

/// `GET /api/v1/collector/targets`: the miners the key's site wants polled.
pub async fn targets_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Targets>, IngestError> {
    let site_id = site_of(&state, &headers).await?;
    let stored = state.store.miner_targets(site_id).await?;
    // A miner whose address the rule refuses is never handed out (rows stored before it).
    let miners = state
        .miner_addresses
        .screen(site_id, &stored, "collector")
        .targets;
    Ok(Json(Targets { site_id, miners }))
}

/// `POST /api/v1/collector/telemetry`: one batch of samples, gzip-compressed or plain JSON.
/// All or nothing on validation (a batch with a bad sample changes nothing and says which);
/// idempotent per miner and time, so a collector may resend a batch it is unsure about.
pub async fn telemetry_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestReply>, IngestError> {
    let site_id = site_of(&state, &headers).await?;
    let samples = decode(&headers, &body)?;
    if samples.len() > BATCH_SAMPLES {
        return Err(IngestError::TooMany(samples.len()));
    }
    let now = now_ms();
    let errors: Vec<SampleError> = samples
        .iter()
        .enumerate()
        .filter_map(|(index, sample)| {
            sample.validate(now).err().map(|error| SampleError {
                index,
                miner_id: sample.miner_id,
                error: error.to_string(),
            })
        })
        .collect();
    if !errors.is_empty() {
        return Err(IngestError::Invalid {
            count: errors.len(),
            samples: errors.into_iter().take(ERRORS_LISTED).collect(),
        });
    }
    let outcome = state.store.ingest_samples(site_id, &samples, now).await?;
    state
        .live
        .publish(site_id, crate::live::Change::Telemetry, now);
    // The samples are stored: an alert failure is logged, and the engine starts again from
    // its last saved state, rather than making the collector resend a stored batch.
    if let Err(error) = state.alerts.observe_samples(site_id, &samples, now).await {
        tracing::error!(site_id, %error, "alerts: batch not evaluated");
    }
    Ok(Json(IngestReply {
        inserted: outcome.inserted,
        duplicates: outcome.duplicates,
        unknown_miners: outcome.unknown_miners,
        stale: outcome.stale,
    }))
}

fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Vec<TelemetrySample>, IngestError> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    if !gzip {
        return serde_json::from_slice(body).map_err(|e| IngestError::Malformed(e.to_string()));
    }
    let mut json = Vec::new();
    GzDecoder::new(body)
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|e| IngestError::Malformed(e.to_string()))?;
    if json.len() as u64 > MAX_JSON_BYTES {
        return Err(IngestError::Malformed(format!(
            "more than {MAX_JSON_BYTES} bytes once decompressed"
        )));
    }
    serde_json::from_slice(&json).map_err(|e| IngestError::Malformed(e.to_string()))
}

use domain::clock::unix_now_ms as now_ms;
