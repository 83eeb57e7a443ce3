//! Days of network and market history (`network_day`), built from the providers' history
//! endpoints (backfill) or from the live values (the daily recorder), in canonical units.

use domain::market::{DAY_MS, NetworkDay, day_start_ms};
use market::{DailyCandle, MarketService, NetworkHistory, Source};

/// One row per day from `first_day_ms` to `last_day_ms` (both 00:00 UTC): the day's mean
/// hashrate, the difficulty in force at its end, its closing price. Days with none of them are
/// left out; a value no source gave stays `None` (merged, not overwritten, when stored).
pub fn days_from_history(
    history: &NetworkHistory,
    candles: &[DailyCandle],
    first_day_ms: i64,
    last_day_ms: i64,
    now_ms: i64,
) -> Vec<NetworkDay> {
    let mut days = Vec::new();
    let mut day_ms = first_day_ms;
    while day_ms <= last_day_ms {
        let hashrates: Vec<f64> = history
            .hashrate
            .iter()
            .filter(|p| day_start_ms(p.timestamp_ms) == day_ms)
            .map(|p| p.hashrate_hs)
            .collect();
        #[allow(clippy::cast_precision_loss)] // a handful of points per day
        let hashrate_hs =
            (!hashrates.is_empty()).then(|| hashrates.iter().sum::<f64>() / hashrates.len() as f64);
        let difficulty = history
            .difficulty
            .iter()
            .filter(|p| p.timestamp_ms < day_ms + DAY_MS)
            .max_by_key(|p| p.timestamp_ms)
            .map(|p| p.difficulty);
        let price_usd = candles
            .iter()
            .find(|c| c.open_time_ms == day_ms)
            .map(|c| c.close_usd);
        let network = hashrate_hs.is_some() || difficulty.is_some();
        let source = match (network, price_usd.is_some()) {
            (true, true) => format!("{}+{}", Source::MempoolSpace.name(), Source::Binance.name()),
            (true, false) => Source::MempoolSpace.name().to_owned(),
            (false, true) => Source::Binance.name().to_owned(),
            (false, false) => {
                day_ms += DAY_MS;
                continue;
            }
        };
        days.push(NetworkDay {
            day_ms,
            difficulty,
            hashrate_hs,
            price_usd,
            source,
            updated_at_ms: now_ms,
        });
        day_ms += DAY_MS;
    }
    days
}

/// Today's row from the live values (snapshot and stored values are not history); the price
/// is the latest, which the day's last refresh turns into its close.
pub fn today_from_live(service: &MarketService, now_ms: i64) -> Option<NetworkDay> {
    let network = service
        .network()
        .filter(|r| r.sourced.source.is_live() && !r.stale);
    let price = service
        .price()
        .filter(|r| r.sourced.source.is_live() && !r.stale);
    if network.is_none() && price.is_none() {
        return None;
    }
    let source = [
        network.as_ref().map(|r| r.sourced.source.name()),
        price.as_ref().map(|r| r.sourced.source.name()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("+");
    Some(NetworkDay {
        day_ms: day_start_ms(now_ms),
        difficulty: network.as_ref().map(|r| r.sourced.value.difficulty),
        hashrate_hs: network.as_ref().map(|r| r.sourced.value.hashrate_hs),
        price_usd: price.as_ref().map(|r| r.sourced.value.price_usd),
        source,
        updated_at_ms: now_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use market::{DifficultyPoint, HashratePoint};

    const D: i64 = 1_795_478_400_000; // 2026-11-24 00:00 UTC

    fn candle(open_time_ms: i64, close_usd: f64) -> DailyCandle {
        DailyCandle {
            open_time_ms,
            open_usd: close_usd,
            high_usd: close_usd,
            low_usd: close_usd,
            close_usd,
            volume_btc: 1.0,
        }
    }

    #[test]
    fn each_day_gets_its_mean_hashrate_the_difficulty_in_force_and_its_close() {
        let history = NetworkHistory {
            hashrate: vec![
                HashratePoint {
                    timestamp_ms: D,
                    hashrate_hs: 1.0e21,
                },
                HashratePoint {
                    timestamp_ms: D + 3_600_000,
                    hashrate_hs: 1.2e21,
                },
                HashratePoint {
                    timestamp_ms: D + DAY_MS,
                    hashrate_hs: 1.3e21,
                },
            ],
            difficulty: vec![
                DifficultyPoint {
                    timestamp_ms: D - 5 * DAY_MS,
                    height: 1,
                    difficulty: 1.4e14,
                },
                DifficultyPoint {
                    timestamp_ms: D + DAY_MS + 60_000,
                    height: 2,
                    difficulty: 1.5e14,
                },
            ],
        };
        let candles = [candle(D, 90_000.0)];
        let days = days_from_history(&history, &candles, D - DAY_MS, D + 2 * DAY_MS, 7);
        // The day before has only a difficulty (no hashrate point, no candle): still a row.
        assert_eq!(days.len(), 4);
        assert_eq!(days[0].day_ms, D - DAY_MS);
        assert_eq!(days[0].hashrate_hs, None);
        assert_eq!(days[0].source, "mempool.space");
        assert_eq!(days[1].hashrate_hs, Some(1.1e21));
        assert_eq!(days[1].difficulty, Some(1.4e14));
        assert_eq!(days[1].price_usd, Some(90_000.0));
        assert_eq!(days[1].source, "mempool.space+Binance");
        // An adjustment during the day is in force at its end.
        assert_eq!(days[2].difficulty, Some(1.5e14));
        assert_eq!(days[2].price_usd, None);
        assert_eq!(days[3].updated_at_ms, 7);
    }

    #[test]
    fn days_no_source_covers_are_left_out() {
        let days = days_from_history(
            &NetworkHistory::default(),
            &[candle(D, 1.0)],
            D - DAY_MS,
            D,
            0,
        );
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].source, "Binance");
        assert_eq!(days[0].difficulty, None);
    }
}
