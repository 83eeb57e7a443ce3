//! What the network looks like at one moment, as the providers' answers are converted into it
//! and as the plausibility rules of `validate` judge it.

use serde::{Deserialize, Serialize};

/// The Bitcoin network at one moment, in canonical units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkStats {
    /// Raw difficulty (≈1.5e14 in late 2026), never "T": mempool `currentDifficulty`,
    /// blockchain.info `difficulty`.
    pub difficulty: f64,
    /// Height of the chain tip: mempool `/api/blocks/tip/height`, blockchain.info
    /// `n_blocks_total`.
    pub height: u64,
    /// Estimated network hashrate in H/s: mempool `currentHashrate` (H/s, 3-day estimate),
    /// blockchain.info `hash_rate` (GH/s × 1e9).
    pub hashrate_hs: f64,
    /// Average transaction fees per block over about the last 24 h, in BTC. Fees only: the
    /// subsidy is not included (the old system's "block reward" mixed in one block's fees).
    /// mempool `/api/v1/mining/blocks/fees/24h` mean of `avgFees` (sats); blockchain.info
    /// `total_fees_btc` (sats, despite the name) ÷ `n_blocks_mined`.
    pub fees_per_block_btc: f64,
    pub retarget: RetargetEstimate,
}

/// The next difficulty adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RetargetEstimate {
    /// Height at which the next difficulty takes effect: mempool `nextRetargetHeight`; for
    /// blockchain.info the next multiple of 2016 above `n_blocks_total`.
    pub next_retarget_height: u64,
    /// Estimated change in percent (+2.5 means 2.5 % harder): mempool `difficultyChange`.
    /// blockchain.info offers no estimate, so `None` from it.
    pub estimated_change_pct: Option<f64>,
    /// Estimated time of the retarget, unix ms: mempool `estimatedRetargetDate`; from
    /// blockchain.info, remaining blocks × `minutes_between_blocks` after its `timestamp`.
    pub estimated_retarget_at_ms: i64,
}
