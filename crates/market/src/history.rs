//! Network history for the backfill: daily hashrate estimates and every difficulty retarget,
//! from mempool.space `/api/v1/mining/hashrate/{period}`, in canonical units.

use serde::{Deserialize, Serialize};

use crate::{
    HttpClient, error::FetchError, error::ValidationError, http::join, sourced::now_ms, validate,
};

/// The network hashrate estimate for one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HashratePoint {
    /// Unix ms (mempool `timestamp`, seconds × 1000).
    pub timestamp_ms: i64,
    /// H/s (mempool `avgHashrate`).
    pub hashrate_hs: f64,
}

/// One difficulty retarget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DifficultyPoint {
    /// Unix ms of the retarget block (mempool `time`, seconds × 1000).
    pub timestamp_ms: i64,
    /// Height of the retarget block (mempool `height`).
    pub height: u64,
    /// Raw difficulty from that block on (mempool `difficulty`).
    pub difficulty: f64,
}

/// Hashrate and difficulty history from `start_ms` on, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkHistory {
    pub hashrate: Vec<HashratePoint>,
    pub difficulty: Vec<DifficultyPoint>,
}

#[derive(Deserialize)]
struct MempoolHashrateHistory {
    hashrates: Vec<MempoolHashratePoint>,
    #[serde(default)]
    difficulty: Vec<MempoolDifficultyPoint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MempoolHashratePoint {
    timestamp: i64,
    avg_hashrate: f64,
}

#[derive(Deserialize)]
struct MempoolDifficultyPoint {
    time: i64,
    height: u64,
    difficulty: f64,
}

/// mempool's smallest period name covering `start_ms` at `now_ms`.
pub fn period_covering(start_ms: i64, now_ms: i64) -> &'static str {
    const DAY_MS: i64 = 86_400_000;
    let days = now_ms.saturating_sub(start_ms) / DAY_MS;
    match days {
        ..=2 => "3d",
        3..=6 => "1w",
        7..=29 => "1m",
        30..=89 => "3m",
        90..=179 => "6m",
        180..=364 => "1y",
        365..=729 => "2y",
        730..=1094 => "3y",
        _ => "all",
    }
}

/// Network history from `start_ms` to now. One request; the caller stores the points and
/// resumes from its newest stored timestamp next time.
pub async fn fetch_network_history(
    client: &HttpClient,
    mempool_base: &str,
    start_ms: i64,
) -> Result<NetworkHistory, FetchError> {
    let period = period_covering(start_ms, now_ms());
    let url = join(mempool_base, &format!("/api/v1/mining/hashrate/{period}"));
    let body: MempoolHashrateHistory = client.get_json(&url).await?;
    let implausible = |e| FetchError::implausible(&url, e);
    let mut history = NetworkHistory::default();
    for p in body.hashrates {
        let timestamp_ms = p.timestamp.saturating_mul(1_000);
        if timestamp_ms < start_ms {
            continue;
        }
        positive("avgHashrate", p.avg_hashrate).map_err(implausible)?;
        history.hashrate.push(HashratePoint {
            timestamp_ms,
            hashrate_hs: p.avg_hashrate,
        });
    }
    for d in body.difficulty {
        let timestamp_ms = d.time.saturating_mul(1_000);
        if timestamp_ms < start_ms {
            continue;
        }
        positive("difficulty", d.difficulty).map_err(implausible)?;
        history.difficulty.push(DifficultyPoint {
            timestamp_ms,
            height: d.height,
            difficulty: d.difficulty,
        });
    }
    history.hashrate.sort_by_key(|p| p.timestamp_ms);
    history.difficulty.sort_by_key(|p| p.height);
    Ok(history)
}

fn positive(field: &'static str, value: f64) -> Result<(), ValidationError> {
    if validate::finite(field, value)? > 0.0 {
        Ok(())
    } else {
        Err(ValidationError::NotPositive { field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_period_covering_the_start_is_asked_for() {
        let day = 86_400_000;
        let now = 5_000 * day;
        assert_eq!(period_covering(now - day, now), "3d");
        assert_eq!(period_covering(now - 20 * day, now), "1m");
        assert_eq!(period_covering(now - 200 * day, now), "1y");
        assert_eq!(period_covering(now - 900 * day, now), "3y");
        assert_eq!(period_covering(0, now), "all");
    }
}
