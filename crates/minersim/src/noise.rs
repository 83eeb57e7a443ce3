//! Deterministic pseudo-randomness: the same seed, miner and instant always give the same number.

/// `SplitMix64` finaliser: a well-mixed 64-bit hash of `x`.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hash of several keys, so callers can name what a number is for (seed, miner, channel, tick).
pub fn mix_all(keys: &[u64]) -> u64 {
    keys.iter().fold(0, |acc, &k| mix(acc ^ k))
}

/// Uniform in [-1, 1).
#[allow(clippy::cast_precision_loss)] // 53 bits of the hash are plenty for noise
pub fn signed_unit(keys: &[u64]) -> f64 {
    let bits = mix_all(keys) >> 11;
    (bits as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_keys_give_same_value_and_stay_in_range() {
        assert!((signed_unit(&[1, 2, 3]) - signed_unit(&[1, 2, 3])).abs() < f64::EPSILON);
        for i in 0..1000 {
            let v = signed_unit(&[7, i]);
            assert!((-1.0..1.0).contains(&v));
        }
        assert!((signed_unit(&[1, 2]) - signed_unit(&[2, 1])).abs() > f64::EPSILON);
    }
}
