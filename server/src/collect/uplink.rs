//! The standalone collector's side of the ingest API: which miners to poll, and uploading
//! spooled batches. Every request carries the site's collector key.

use std::net::Ipv4Addr;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// The header that carries a site's collector key (not `Authorization`, which belongs to
/// people's API keys).
pub const KEY_HEADER: &str = "x-collector-key";
pub const TARGETS_PATH: &str = "/api/v1/collector/targets";
pub const TELEMETRY_PATH: &str = "/api/v1/collector/telemetry";

/// What a site's collector polls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub site_id: i64,
    pub miners: Vec<Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub miner_id: i64,
    pub ip: Ipv4Addr,
    /// The catalogue model's nominal W per TH/s, for a miner that reports no power. Absent
    /// from servers before it, and for miners without a catalogue model: the collector's
    /// default (an S19 Pro's) applies, and the reading stays marked as an estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_w_per_th: Option<f64>,
}

impl Target {
    /// A stored target, or `None` when its address is not IPv4 (the form and import refuse
    /// those, so only a hand-edited row gets here).
    pub fn of(stored: &domain::fleet::MinerTarget) -> Option<Self> {
        Some(Self {
            miner_id: stored.miner_id,
            ip: stored.ip.parse().ok()?,
            nominal_w_per_th: stored.nominal_w_per_th,
        })
    }
}

/// The server's answer to an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReply {
    pub inserted: usize,
    pub duplicates: usize,
    /// Miners named in the batch that are not this site's: not written.
    pub unknown_miners: Vec<i64>,
    /// Samples older than the raw retention (24 h): not written, since their 5-minute bucket
    /// may already be rolled up and purged.
    #[serde(default)]
    pub stale: usize,
}

/// Why a request did not go through, sorted by what the collector does next.
#[derive(Debug, thiserror::Error)]
pub enum UplinkError {
    /// Network trouble, a server error or a rate limit: keep the batch and try again later.
    #[error("server unreachable or busy: {0}")]
    Retry(String),
    /// The key was refused (revoked, or another site's): keep every batch, tell the operator.
    #[error("the collector key was refused ({0}); batches stay in the spool")]
    Unauthorized(u16),
    /// The server will never take this batch (malformed or too large).
    #[error("the server refused the batch ({status}): {body}")]
    Refused { status: u16, body: String },
    /// The server answered with a redirect, which is never followed (the key would go along):
    /// the server URL needs fixing; batches stay in the spool.
    #[error(transparent)]
    Redirected(#[from] collector::uplink::Redirected),
}

pub struct Uplink {
    http: reqwest::Client,
    base: collector::uplink::ServerUrl,
    key: String,
}

impl Uplink {
    /// Refuses a server URL that would expose the key (`http://` beyond loopback, `user:pass@`,
    /// another scheme); the client never follows a redirect.
    pub fn new(base_url: &str, key: &str, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            http: collector::uplink::client(timeout)?,
            base: collector::uplink::ServerUrl::parse(base_url)?,
            key: key.to_owned(),
        })
    }

    pub async fn targets(&self) -> Result<Targets, UplinkError> {
        exchange(
            self.http
                .get(self.base.endpoint(TARGETS_PATH))
                .header(KEY_HEADER, &self.key),
        )
        .await
    }

    /// Sends one spooled batch (gzip-compressed JSON) as it is.
    pub async fn send(&self, gzip_json: Vec<u8>) -> Result<IngestReply, UplinkError> {
        exchange(
            self.http
                .post(self.base.endpoint(TELEMETRY_PATH))
                .header(KEY_HEADER, &self.key)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, "gzip")
                .body(gzip_json),
        )
        .await
    }
}

/// Sends `request` and reads the JSON answer, sorting failures by what the collector does next.
async fn exchange<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T, UplinkError> {
    let response = request
        .send()
        .await
        .map_err(|e| UplinkError::Retry(e.to_string()))?;
    check(response)
        .await?
        .json()
        .await
        .map_err(|e| UplinkError::Retry(e.to_string()))
}

async fn check(response: reqwest::Response) -> Result<reqwest::Response, UplinkError> {
    collector::uplink::refuse_redirect(&response)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(UplinkError::Unauthorized(status.as_u16()));
    }
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        return Err(UplinkError::Retry(format!("HTTP {status}")));
    }
    let body: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(500)
        .collect();
    Err(UplinkError::Refused {
        status: status.as_u16(),
        body,
    })
}
