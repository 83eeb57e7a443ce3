//! Daily BTC/USDT candles from Binance klines, for price history and its backfill.

use serde::{Deserialize, Serialize};

use crate::{
    HttpClient, error::FetchError, error::ValidationError, http::join, price::parse_decimal,
    validate,
};

/// Most candles Binance returns per request.
pub const MAX_KLINES_PER_REQUEST: u16 = 1_000;

/// One UTC day of BTC/USDT trading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DailyCandle {
    /// Start of the day, unix ms UTC (kline element 0).
    pub open_time_ms: i64,
    /// Prices in USD(T) (elements 1–4).
    pub open_usd: f64,
    pub high_usd: f64,
    pub low_usd: f64,
    pub close_usd: f64,
    /// Volume traded in BTC (element 5).
    pub volume_btc: f64,
}

/// One kline as Binance sends it: a 12-element array, prices as decimal strings.
#[derive(Deserialize)]
#[allow(dead_code)] // the shape is matched in full so a changed layout fails to decode
struct BinanceKline(
    i64,    // open time, ms
    String, // open
    String, // high
    String, // low
    String, // close
    String, // volume (base asset)
    i64,    // close time, ms
    String, // quote asset volume
    u64,    // number of trades
    String, // taker buy base volume
    String, // taker buy quote volume
    String, // unused
);

/// Up to `limit` (≤ 1000) daily candles starting at `start_ms`, oldest first. Paging is the
/// caller's: ask again from the last `open_time_ms` + one day until fewer than `limit` return.
pub async fn fetch_daily_klines(
    client: &HttpClient,
    binance_base: &str,
    start_ms: i64,
    limit: u16,
) -> Result<Vec<DailyCandle>, FetchError> {
    let limit = limit.clamp(1, MAX_KLINES_PER_REQUEST);
    let url = join(
        binance_base,
        &format!("/api/v3/klines?symbol=BTCUSDT&interval=1d&startTime={start_ms}&limit={limit}"),
    );
    let rows: Vec<BinanceKline> = client.get_json(&url).await?;
    rows.into_iter()
        .map(|k| {
            let candle = DailyCandle {
                open_time_ms: k.0,
                open_usd: parse_decimal(&url, "open", &k.1)?,
                high_usd: parse_decimal(&url, "high", &k.2)?,
                low_usd: parse_decimal(&url, "low", &k.3)?,
                close_usd: parse_decimal(&url, "close", &k.4)?,
                volume_btc: parse_decimal(&url, "volume", &k.5)?,
            };
            check(&candle).map_err(|e| FetchError::implausible(&url, e))?;
            Ok(candle)
        })
        .collect()
}

fn check(c: &DailyCandle) -> Result<(), ValidationError> {
    for price in [c.open_usd, c.high_usd, c.low_usd, c.close_usd] {
        validate::price_usd(price)?;
    }
    let inconsistent = |reason| ValidationError::CandleInconsistent {
        open_time_ms: c.open_time_ms,
        reason,
    };
    if c.low_usd > c.high_usd {
        return Err(inconsistent("low above high"));
    }
    if !(c.low_usd..=c.high_usd).contains(&c.open_usd)
        || !(c.low_usd..=c.high_usd).contains(&c.close_usd)
    {
        return Err(inconsistent("open or close outside low..high"));
    }
    if !(c.volume_btc.is_finite() && c.volume_btc >= 0.0) {
        return Err(inconsistent("negative volume"));
    }
    Ok(())
}
