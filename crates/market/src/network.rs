//! Network state: difficulty, height, hashrate, recent fees per block and the next retarget.
//! mempool.space → blockchain.info. (The caller's stored value is the last resort; the service
//! keeps it and marks it stale when both fail.)

use crate::{
    HttpClient, MarketEndpoints, Source, Sourced,
    error::{AllSourcesFailed, FetchError},
    fallback::Chain,
    http::join,
    validate::{self, RETARGET_INTERVAL_BLOCKS},
};

use serde::Deserialize;

pub(crate) mod stats;
pub use stats::{NetworkStats, RetargetEstimate};

/// Satoshis in one BTC.
pub const SATS_PER_BTC: f64 = 100_000_000.0;
/// Hashes per second in one GH/s, the unit of blockchain.info's `hash_rate`.
pub const HS_PER_GHS: f64 = 1e9;

/// The first good network state from mempool.space, then blockchain.info. `previous` is the
/// last known good value, against which jumps are judged (see [`validate::network`]).
pub async fn fetch_network(
    client: &HttpClient,
    endpoints: &MarketEndpoints,
    previous: Option<&NetworkStats>,
) -> Result<Sourced<NetworkStats>, AllSourcesFailed> {
    let mut chain = Chain::new("network stats");
    let checked = |result: Result<(NetworkStats, String), FetchError>| {
        result.and_then(|(stats, url)| {
            validate::network(&stats, previous)
                .map(|()| stats)
                .map_err(|e| FetchError::implausible(&url, e))
        })
    };
    let mempool_result = checked(mempool(client, &endpoints.mempool).await);
    if let Some(v) = chain.attempt(Source::MempoolSpace, mempool_result) {
        return Ok(v);
    }
    let blockchain_result = checked(blockchain_info(client, &endpoints.blockchain_info).await);
    if let Some(v) = chain.attempt(Source::BlockchainInfo, blockchain_result) {
        return Ok(v);
    }
    Err(chain.failed())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MempoolDifficultyAdjustment {
    difficulty_change: f64,
    estimated_retarget_date: i64,
    next_retarget_height: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MempoolHashrate {
    current_hashrate: f64,
    current_difficulty: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MempoolBlockFees {
    /// Total fees of the block(s) in this bucket, sats. For the 24h period each bucket is one
    /// block.
    avg_fees: f64,
}

/// mempool.space: four small requests, sent together. The URL returned is the one whose value
/// is judged, for error messages.
async fn mempool(client: &HttpClient, base: &str) -> Result<(NetworkStats, String), FetchError> {
    let adjustment_url = join(base, "/api/v1/difficulty-adjustment");
    let height_url = join(base, "/api/blocks/tip/height");
    let hashrate_url = join(base, "/api/v1/mining/hashrate/3d");
    let fees_url = join(base, "/api/v1/mining/blocks/fees/24h");
    let (adjustment, height, hashrate, fees) = tokio::join!(
        client.get_json::<MempoolDifficultyAdjustment>(&adjustment_url),
        client.get_text(&height_url),
        client.get_json::<MempoolHashrate>(&hashrate_url),
        client.get_json::<Vec<MempoolBlockFees>>(&fees_url),
    );
    let (adjustment, height, hashrate, fees) = (adjustment?, height?, hashrate?, fees?);
    let height = height
        .trim()
        .parse::<u64>()
        .map_err(|e| FetchError::malformed(&height_url, format!("height {height:?}: {e}")))?;
    if fees.is_empty() {
        return Err(FetchError::malformed(
            &fees_url,
            "no blocks in the last 24 h",
        ));
    }
    #[allow(clippy::cast_precision_loss)] // at most a few hundred blocks
    let fees_per_block_sats = fees.iter().map(|b| b.avg_fees).sum::<f64>() / fees.len() as f64;
    let stats = NetworkStats {
        difficulty: hashrate.current_difficulty,
        height,
        hashrate_hs: hashrate.current_hashrate,
        fees_per_block_btc: fees_per_block_sats / SATS_PER_BTC,
        retarget: RetargetEstimate {
            next_retarget_height: adjustment.next_retarget_height,
            estimated_change_pct: Some(adjustment.difficulty_change),
            estimated_retarget_at_ms: adjustment.estimated_retarget_date,
        },
    };
    Ok((stats, hashrate_url))
}

#[derive(Deserialize)]
struct BlockchainInfoStats {
    /// Unix ms of the statistics.
    timestamp: i64,
    /// GH/s.
    hash_rate: f64,
    difficulty: f64,
    n_blocks_total: u64,
    n_blocks_mined: u64,
    /// Satoshis over the last 24 h, despite the name.
    total_fees_btc: f64,
    minutes_between_blocks: f64,
}

/// blockchain.info `/stats`: one request for everything.
async fn blockchain_info(
    client: &HttpClient,
    base: &str,
) -> Result<(NetworkStats, String), FetchError> {
    let url = join(base, "/stats");
    let s: BlockchainInfoStats = client.get_json(&url).await?;
    if s.n_blocks_mined == 0 {
        return Err(FetchError::malformed(&url, "n_blocks_mined is 0"));
    }
    // Its `nextretarget` is the last block of the epoch (one below the retarget height); the
    // protocol fixes the retarget height anyway, so derive it from the tip.
    let next_retarget = next_retarget_height(s.n_blocks_total);
    let remaining_blocks = next_retarget - s.n_blocks_total;
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    // Block counts are tiny for f64; the estimate is whole milliseconds by intent.
    let (fees_per_block_sats, until_retarget_ms) = (
        s.total_fees_btc / s.n_blocks_mined as f64,
        (remaining_blocks as f64 * s.minutes_between_blocks * 60_000.0) as i64,
    );
    let stats = NetworkStats {
        difficulty: s.difficulty,
        height: s.n_blocks_total,
        hashrate_hs: s.hash_rate * HS_PER_GHS,
        fees_per_block_btc: fees_per_block_sats / SATS_PER_BTC,
        retarget: RetargetEstimate {
            next_retarget_height: next_retarget,
            estimated_change_pct: None,
            estimated_retarget_at_ms: s.timestamp.saturating_add(until_retarget_ms),
        },
    };
    Ok((stats, url))
}

/// The first height of the next difficulty epoch after `height`.
pub const fn next_retarget_height(height: u64) -> u64 {
    (height / RETARGET_INTERVAL_BLOCKS + 1) * RETARGET_INTERVAL_BLOCKS
}
