//! The Crypto Fear & Greed index from alternative.me (its only source).

use serde::{Deserialize, Serialize};

use crate::{
    HttpClient, Source, Sourced,
    error::{AllSourcesFailed, FetchError},
    fallback::Chain,
    http::join,
    validate,
};

/// One day's Fear & Greed reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FearGreed {
    /// 0 (extreme fear) ..= 100 (extreme greed): `data[].value` (a string).
    pub value: u8,
    /// alternative.me's label, e.g. "Fear": `data[].value_classification`.
    pub classification: String,
    /// The day the value is for, unix ms: `data[].timestamp` (seconds, a string) × 1000.
    pub timestamp_ms: i64,
}

#[derive(Deserialize)]
struct FngResponse {
    data: Vec<FngEntry>,
    metadata: FngMetadata,
}

#[derive(Deserialize)]
struct FngEntry {
    value: String,
    value_classification: String,
    timestamp: String,
}

#[derive(Deserialize)]
struct FngMetadata {
    error: Option<String>,
}

/// Today's index.
pub async fn fetch_fear_greed(
    client: &HttpClient,
    alternative_me_base: &str,
) -> Result<Sourced<FearGreed>, AllSourcesFailed> {
    let mut chain = Chain::new("fear & greed index");
    let latest = fetch_fear_greed_history(client, alternative_me_base, 1)
        .await
        .and_then(|mut days| {
            if days.is_empty() {
                Err(FetchError::malformed(alternative_me_base, "no data"))
            } else {
                Ok(days.swap_remove(0))
            }
        });
    chain
        .attempt(Source::AlternativeMe, latest)
        .ok_or_else(|| chain.failed())
}

/// The last `days` daily values, newest first (as alternative.me returns them).
pub async fn fetch_fear_greed_history(
    client: &HttpClient,
    alternative_me_base: &str,
    days: u32,
) -> Result<Vec<FearGreed>, FetchError> {
    let url = join(alternative_me_base, &format!("/fng/?limit={}", days.max(1)));
    let body: FngResponse = client.get_json(&url).await?;
    if let Some(error) = body.metadata.error {
        return Err(FetchError::malformed(
            &url,
            format!("metadata.error: {error}"),
        ));
    }
    body.data
        .into_iter()
        .map(|entry| {
            let value: i64 = entry.value.trim().parse().map_err(|e| {
                FetchError::malformed(&url, format!("value {:?}: {e}", entry.value))
            })?;
            validate::fear_greed(value).map_err(|e| FetchError::implausible(&url, e))?;
            let timestamp_s: i64 = entry.timestamp.trim().parse().map_err(|e| {
                FetchError::malformed(&url, format!("timestamp {:?}: {e}", entry.timestamp))
            })?;
            Ok(FearGreed {
                value: u8::try_from(value).unwrap_or(u8::MAX),
                classification: entry.value_classification,
                timestamp_ms: timestamp_s.saturating_mul(1_000),
            })
        })
        .collect()
}
