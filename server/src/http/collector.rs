//! The ingest API that standalone collectors (`hashinsight collect`) talk to. A collector
//! signs in with its site's key (`X-Collector-Key`), never with a person's session, and can only
//! read its own site's miner list and write its own site's miners. The samples go through the
//! one ingest path (`crate::ingest`), as the server's own poller's do.

use std::io::Read as _;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use flate2::read::GzDecoder;

use domain::error_body::{ErrorBody, FieldProblem};
use domain::telemetry::TelemetrySample;

use crate::collect::uplink::{IngestReply, KEY_HEADER, TARGETS_PATH, TELEMETRY_PATH, Targets};
use crate::ingest::{RecordError, SampleError, Sinks};
use crate::state::AppState;

/// Collectors sign in with their site's key, not as a person: no role guard on these routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(TARGETS_PATH, get(targets_handler))
        .route(
            TELEMETRY_PATH,
            post(telemetry_handler).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
}

/// Largest request body as sent (gzip): 5,000 samples compress to well under 1 MB.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Largest body once decompressed: 5,000 samples of the longest allowed fields fit in 8 MB,
/// so anything beyond is not a batch (and a gzip bomb stops here).
const MAX_JSON_BYTES: u64 = 16 * 1024 * 1024;

/// Why the ingest API refused a request; each maps to one status.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("missing or unknown collector key")]
    UnknownKey,
    #[error("the body is not gzip-compressed JSON or plain JSON: {0}")]
    Malformed(String),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("storage failed")]
    Store(#[from] store::StoreError),
}

impl IntoResponse for IngestError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::UnknownKey => (StatusCode::UNAUTHORIZED, "collector_key_unknown"),
            Self::Malformed(_) => (StatusCode::BAD_REQUEST, "body_malformed"),
            Self::Record(RecordError::TooMany(_)) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_many_samples")
            }
            Self::Record(RecordError::Invalid { .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_samples")
            }
            Self::Record(RecordError::Store(error)) | Self::Store(error) => {
                tracing::error!(%error, "ingest: storage failed");
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
        };
        let mut body = ErrorBody::new(code, self.to_string());
        if let Self::Record(RecordError::Invalid { samples, .. }) = &self {
            // Each refused sample as a field of the batch: `samples[3]`, its miner in the text.
            body = body.with_fields(samples.iter().map(sample_problem).collect());
        }
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
    let sinks = Sinks {
        store: &*state.store,
        alerts: &state.alerts,
        live: &state.live,
    };
    let outcome = crate::ingest::record_batch(sinks, site_id, &samples, now_ms()).await?;
    Ok(Json(IngestReply {
        inserted: outcome.inserted,
        duplicates: outcome.duplicates,
        unknown_miners: outcome.unknown_miners,
        stale: outcome.stale,
    }))
}

fn sample_problem(error: &SampleError) -> FieldProblem {
    FieldProblem {
        field: format!("samples[{}]", error.index),
        code: "invalid_sample".to_owned(),
        message: format!("miner {}: {}", error.miner_id, error.error),
    }
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
