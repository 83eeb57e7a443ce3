//! Market and network values as pages see them: each with where it came from and how old it
//! is, so the calculator can prefill its inputs and say plainly when the data are not live.

use serde::{Deserialize, Serialize};

/// Where a value came from, as the reader needs to judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Fetched from a provider by this server.
    Live,
    /// The dated snapshot shipped with the app (no network since start).
    Snapshot,
    /// The last value this server stored before a restart.
    Stored,
    /// A trend this server derived from its stored history; `source` holds the days used.
    Trend,
}

/// One value with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketValue {
    pub value: f64,
    /// The provider's name as it spells it (`CoinGecko`, `mempool.space`); not translated.
    pub source: String,
    pub provenance: Provenance,
    /// When the provider served it, unix milliseconds (UTC).
    pub fetched_at_ms: i64,
    /// Its age when the server answered, milliseconds (computed there, so the page and its
    /// hydration agree).
    pub age_ms: i64,
    /// The last refresh failed or the value is older than its refresh interval allows.
    pub stale: bool,
}

/// What the calculator can prefill.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MarketNow {
    pub btc_price_usd: Option<MarketValue>,
    /// Raw difficulty (never "T").
    pub difficulty: Option<MarketValue>,
    /// Average transaction fees per block, BTC (subsidy excluded).
    pub fees_per_block_btc: Option<MarketValue>,
    pub network_hashrate_hs: Option<MarketValue>,
    pub height: Option<u64>,
    /// BTC price change over 24 h, percent, when the provider gives it.
    pub price_change_24h_pct: Option<f64>,
    pub retarget: Option<Retarget>,
    /// alternative.me's Fear & Greed index, 0 (extreme fear) ..= 100 (extreme greed).
    pub fear_greed: Option<MarketValue>,
    /// Difficulty growth per month, percent, over the stored history (see
    /// [`difficulty_growth_pct_month`]).
    pub difficulty_growth_pct_month: Option<MarketValue>,
}

/// Shortest stored history a growth rate is derived from: two months, so that one
/// retarget's swing does not make the trend.
pub const MIN_GROWTH_SPAN_DAYS: i64 = 60;
/// Longest history used: the trend of the last half year.
pub const GROWTH_WINDOW_DAYS: i64 = 180;
/// Mean Gregorian month, days.
const DAYS_PER_MONTH: f64 = 30.436_875;

/// The difficulty's compound growth per month, percent, from the first to the last stored day
/// with a difficulty in the newest [`GROWTH_WINDOW_DAYS`], and the days that span; `None`
/// below [`MIN_GROWTH_SPAN_DAYS`] of history.
pub fn difficulty_growth_pct_month(days: &[NetworkDay]) -> Option<(f64, i64)> {
    let last = days.iter().rev().find(|d| d.difficulty.is_some())?;
    let window_start = last.day_ms - GROWTH_WINDOW_DAYS * DAY_MS;
    let first = days
        .iter()
        .find(|d| d.difficulty.is_some() && d.day_ms >= window_start)?;
    let span_days = (last.day_ms - first.day_ms) / DAY_MS;
    if span_days < MIN_GROWTH_SPAN_DAYS {
        return None;
    }
    let ratio = last.difficulty? / first.difficulty?;
    #[allow(clippy::cast_precision_loss)] // a span of days
    let months = span_days as f64 / DAYS_PER_MONTH;
    Some(((ratio.powf(1.0 / months) - 1.0) * 100.0, span_days))
}

/// The five bands of the Fear & Greed index, as alternative.me draws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentiment {
    ExtremeFear,
    Fear,
    Neutral,
    Greed,
    ExtremeGreed,
}

impl Sentiment {
    pub fn of(index: f64) -> Self {
        match index {
            i if i < 25.0 => Self::ExtremeFear,
            i if i < 47.0 => Self::Fear,
            i if i < 55.0 => Self::Neutral,
            i if i < 76.0 => Self::Greed,
            _ => Self::ExtremeGreed,
        }
    }
}

/// The next difficulty adjustment as the network provider estimates it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Retarget {
    pub next_retarget_height: u64,
    /// Estimated change, percent (+2.5 = 2.5 % harder); unknown from some providers.
    pub estimated_change_pct: Option<f64>,
    /// Estimated time of the adjustment, unix ms, from recent block times.
    pub estimated_retarget_at_ms: i64,
}

impl MarketNow {
    /// The value for a calculator field, by its URL key.
    pub fn for_field(&self, key: &str) -> Option<&MarketValue> {
        match key {
            "btc_price_usd" => self.btc_price_usd.as_ref(),
            "difficulty" => self.difficulty.as_ref(),
            "fees_per_block_btc" => self.fees_per_block_btc.as_ref(),
            "difficulty_growth_pct_month" => self.difficulty_growth_pct_month.as_ref(),
            _ => None,
        }
    }

    /// The oldest snapshot date among the values when none is live: what the page warns about.
    pub fn offline_since_ms(&self) -> Option<i64> {
        let values = [
            &self.btc_price_usd,
            &self.difficulty,
            &self.fees_per_block_btc,
        ];
        let mut known = values.iter().filter_map(|v| v.as_ref()).peekable();
        known.peek()?;
        let mut oldest: Option<i64> = None;
        for value in known {
            if matches!(value.provenance, Provenance::Live | Provenance::Trend) {
                return None;
            }
            oldest = Some(oldest.map_or(value.fetched_at_ms, |o| o.min(value.fetched_at_ms)));
        }
        oldest
    }
}

impl MarketValue {
    /// The text a calculator input gets: plain digits a user can edit (no exponent for prices,
    /// a short exponent for difficulty, fees to the satoshi).
    pub fn field_text(&self, key: &str) -> String {
        match key {
            "difficulty" => format!("{:.4e}", self.value),
            "fees_per_block_btc" => format!("{:.8}", self.value)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned(),
            "difficulty_growth_pct_month" => format!("{:.2}", self.value),
            _ => format!("{:.0}", self.value),
        }
    }
}

/// One UTC day of network and market history; `None` where no source gave the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkDay {
    /// 00:00 UTC of the day, unix milliseconds.
    pub day_ms: i64,
    /// Raw difficulty in force at the end of the day.
    pub difficulty: Option<f64>,
    /// The day's average network hashrate, H/s.
    pub hashrate_hs: Option<f64>,
    /// BTC closing price, USD.
    pub price_usd: Option<f64>,
    pub source: String,
    pub updated_at_ms: i64,
}

#[cfg(not(target_arch = "wasm32"))]
pub use crate::clock::unix_now_ms;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// 00:00 UTC of the day holding `unix_ms`.
pub fn day_start_ms(unix_ms: i64) -> i64 {
    unix_ms.div_euclid(DAY_MS) * DAY_MS
}

/// `YYYY-MM-DD HH:MM` in UTC.
pub fn format_time(unix_ms: i64) -> String {
    let minute_of_day = unix_ms.rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        iso_date(unix_ms),
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// `YYYY-MM-DD` (UTC) of a unix-milliseconds time, without a date library in the browser.
pub fn iso_date(unix_ms: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let days = unix_ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// 00:00 UTC of a `YYYY-MM-DD` date, unix milliseconds; `None` when it is not such a date.
pub fn day_from_iso(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days-from-civil, the inverse of `iso_date`.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix_ms = (era * 146_097 + doe - 719_468) * DAY_MS;
    // 2026-02-30 would land in March: refuse dates that do not round-trip.
    (iso_date(unix_ms) == format!("{year:04}-{month:02}-{day:02}")).then_some(unix_ms)
}

/// An age as whole units: `(count, unit)`, for "3 min ago" in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
}

impl Age {
    pub fn of(age_ms: i64) -> Self {
        let minutes = age_ms.max(0) / 60_000;
        match minutes {
            0 => Self::JustNow,
            1..60 => Self::Minutes(minutes),
            60..2_880 => Self::Hours(minutes / 60),
            _ => Self::Days(minutes / 1_440),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(provenance: Provenance, fetched_at_ms: i64) -> MarketValue {
        MarketValue {
            value: 1.0,
            source: "x".to_owned(),
            provenance,
            fetched_at_ms,
            age_ms: 0,
            stale: false,
        }
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400_000), "2000-02-29");
        assert_eq!(iso_date(1_795_623_600_000), "2026-11-25");
        assert_eq!(iso_date(-86_400_000), "1969-12-31");
    }

    #[test]
    fn iso_dates_read_back_and_impossible_dates_are_refused() {
        assert_eq!(day_from_iso("2026-11-25"), Some(1_795_564_800_000));
        assert_eq!(day_from_iso("1970-01-01"), Some(0));
        assert_eq!(day_from_iso("2000-02-29"), Some(951_782_400_000));
        assert_eq!(day_from_iso("2026-02-30"), None);
        assert_eq!(day_from_iso("2026-13-01"), None);
        assert_eq!(day_from_iso("yesterday"), None);
        assert_eq!(day_start_ms(1_795_623_600_000), 1_795_564_800_000);
    }

    #[test]
    fn growth_compounds_per_month_over_the_newest_half_year() {
        let day = |i: i64, difficulty: Option<f64>| NetworkDay {
            day_ms: i * DAY_MS,
            difficulty,
            hashrate_hs: None,
            price_usd: None,
            source: "mempool.space".to_owned(),
            updated_at_ms: 0,
        };
        // 1 % a day for 400 days; only the newest 180 count.
        let days: Vec<NetworkDay> = (0..400)
            .map(|i| day(i, Some(1e14 * 1.01_f64.powi(i32::try_from(i).unwrap()))))
            .collect();
        let (growth, span_days) = difficulty_growth_pct_month(&days).unwrap();
        assert_eq!(span_days, GROWTH_WINDOW_DAYS);
        let expected = (1.01_f64.powf(DAYS_PER_MONTH) - 1.0) * 100.0;
        assert!((growth - expected).abs() < 1e-9, "{growth} vs {expected}");
        // Too short a history, or none with a difficulty: no trend.
        assert_eq!(difficulty_growth_pct_month(&days[..59]), None);
        assert_eq!(
            difficulty_growth_pct_month(&[day(0, None), day(100, None)]),
            None
        );
    }

    #[test]
    fn sentiment_bands_follow_the_index() {
        assert_eq!(Sentiment::of(24.0), Sentiment::ExtremeFear);
        assert_eq!(Sentiment::of(25.0), Sentiment::Fear);
        assert_eq!(Sentiment::of(50.0), Sentiment::Neutral);
        assert_eq!(Sentiment::of(75.0), Sentiment::Greed);
        assert_eq!(Sentiment::of(76.0), Sentiment::ExtremeGreed);
    }

    #[test]
    fn ages_round_down_to_the_unit_shown() {
        assert_eq!(Age::of(59_999), Age::JustNow);
        assert_eq!(Age::of(3 * 60_000 + 1), Age::Minutes(3));
        assert_eq!(Age::of(5 * 3_600_000), Age::Hours(5));
        assert_eq!(Age::of(3 * 86_400_000), Age::Days(3));
    }

    #[test]
    fn field_texts_are_editable_numbers() {
        let mut v = value(Provenance::Live, 0);
        v.value = 90_412.37;
        assert_eq!(v.field_text("btc_price_usd"), "90412");
        v.value = 149_301_205_959_699.88;
        assert_eq!(v.field_text("difficulty"), "1.4930e14");
        v.value = 0.026_606_43;
        assert_eq!(v.field_text("fees_per_block_btc"), "0.02660643");
    }

    #[test]
    fn offline_only_when_no_value_is_live() {
        let mut now = MarketNow::default();
        assert_eq!(now.offline_since_ms(), None);
        now.btc_price_usd = Some(value(Provenance::Snapshot, 200));
        now.difficulty = Some(value(Provenance::Snapshot, 100));
        assert_eq!(now.offline_since_ms(), Some(100));
        now.difficulty = Some(value(Provenance::Live, 300));
        assert_eq!(now.offline_since_ms(), None);
    }
}
