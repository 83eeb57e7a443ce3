//! The block subsidy schedule (Bitcoin Core `GetBlockSubsidy`).

/// Blocks between two halvings of the subsidy.
pub const HALVING_INTERVAL_BLOCKS: u64 = 210_000;

const INITIAL_SUBSIDY_SAT: u64 = 50 * 100_000_000;

/// The block subsidy in BTC for a block at `height`.
///
/// Source: Bitcoin Core `validation.cpp::GetBlockSubsidy`: 50 BTC shifted right once per
/// 210,000 blocks, in whole satoshis, and zero after 64 halvings.
pub fn subsidy_sat_at_height(height: u64) -> u64 {
    let halvings = height / HALVING_INTERVAL_BLOCKS;
    if halvings >= 64 {
        return 0;
    }
    INITIAL_SUBSIDY_SAT >> halvings
}

/// [`subsidy_sat_at_height`] in BTC.
#[allow(clippy::cast_precision_loss)] // at most 5e9 satoshis: exact in f64
pub fn subsidy_btc_at_height(height: u64) -> f64 {
    subsidy_sat_at_height(height) as f64 / 1e8
}

/// Height of the next halving strictly after `height`.
pub fn next_halving_height(height: u64) -> u64 {
    (height / HALVING_INTERVAL_BLOCKS + 1) * HALVING_INTERVAL_BLOCKS
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // subsidies are binary fractions of 50, exact in f64
mod tests {
    use super::*;

    #[test]
    fn subsidy_follows_the_halving_epochs() {
        assert_eq!(subsidy_btc_at_height(0), 50.0);
        assert_eq!(subsidy_btc_at_height(209_999), 50.0);
        assert_eq!(subsidy_btc_at_height(210_000), 25.0);
        assert_eq!(subsidy_btc_at_height(840_000), 3.125);
        assert_eq!(subsidy_btc_at_height(1_049_999), 3.125);
        assert_eq!(subsidy_btc_at_height(1_050_000), 1.5625);
    }

    #[test]
    fn subsidy_is_truncated_to_whole_satoshis_and_ends() {
        // Epoch 10: 5e9 >> 10 = 4,882,812.5 sat, truncated as in Bitcoin Core.
        assert_eq!(
            subsidy_sat_at_height(10 * HALVING_INTERVAL_BLOCKS),
            4_882_812
        );
        assert_eq!(subsidy_sat_at_height(33 * HALVING_INTERVAL_BLOCKS), 0);
        assert_eq!(subsidy_sat_at_height(64 * HALVING_INTERVAL_BLOCKS), 0);
    }

    #[test]
    fn next_halving_is_the_next_multiple_of_the_interval() {
        assert_eq!(next_halving_height(925_000), 1_050_000);
        assert_eq!(next_halving_height(1_050_000), 1_260_000);
    }
}
