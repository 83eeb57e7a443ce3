//! Miner telemetry as it travels and as it is read back: the ingest wire contract
//! (`TelemetrySample`, sent by collectors in JSON arrays), the history resolutions a chart may
//! ask for, and the site overview. Shared by browser and server, so serde only.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A miner counts as offline when it has not answered for this long (issue #6).
pub const OFFLINE_AFTER_MS: i64 = 5 * 60_000;
/// Width of a rollup bucket.
pub const FIVE_MINUTES_MS: i64 = 5 * 60_000;
/// Width of a daily rollup (UTC days).
pub const DAY_MS: i64 = 86_400_000;
/// How far ahead of the server's clock a sample may be stamped (collector clock skew).
pub const MAX_FUTURE_SKEW_MS: i64 = 5 * 60_000;
/// The most samples one ingest request may carry.
pub const MAX_SAMPLES_PER_BATCH: usize = 5_000;
/// How long raw samples are kept (at least; retention removes whole 5-minute buckets). Samples
/// of a bucket that may already be purged are refused at ingest.
pub const RAW_RETENTION_MS: i64 = DAY_MS;
/// How long per-miner and per-site 5-minute rollups are kept.
pub const FIVE_MINUTE_RETENTION_MS: i64 = 90 * DAY_MS;
/// How long daily rollups are kept.
pub const DAILY_RETENTION_MS: i64 = 365 * DAY_MS;

/// The server-sent event stream that tells open pages when figures changed: events named
/// [`LIVE_EVENT`], each carrying a [`LiveUpdate`].
pub const LIVE_PATH: &str = "/api/v1/live";
/// The name of the stream's events.
pub const LIVE_EVENT: &str = "update";

/// What changed since the previous event on the stream: the sites (of those the caller may
/// see) whose miners reported or whose alerts moved. Empty `site_ids` means "possibly
/// anything" (the server dropped events for a slow reader), so a page reads everything again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveUpdate {
    pub site_ids: Vec<i64>,
    /// New telemetry arrived for at least one of the sites.
    pub telemetry: bool,
    /// An alert opened, escalated, was acknowledged or resolved on at least one of the sites.
    pub alerts: bool,
    /// Miners were added or moved through review on at least one of the sites.
    #[serde(default)]
    pub inventory: bool,
    /// When the newest change happened (server time).
    pub at_ms: i64,
}

/// What moved on a site, as the server's live hub is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteChange {
    /// A batch of samples was stored.
    Telemetry,
    /// Alerts opened, escalated, were acknowledged or resolved.
    Alerts,
    /// Miners were imported or moved through review.
    Inventory,
}

impl LiveUpdate {
    /// Whether a page showing `site_id` should read it again.
    pub fn concerns(&self, site_id: i64) -> bool {
        self.site_ids.is_empty() || self.site_ids.contains(&site_id)
    }
}

/// Largest hashrate a single machine may report: 1 EH/s, far beyond any ASIC.
const MAX_HASHRATE_HS: f64 = 1e18;
const MAX_POWER_W: f64 = 100_000.0;
const MIN_TEMP_C: f64 = -50.0;
const MAX_TEMP_C: f64 = 150.0;
const MAX_POOL_URL_CHARS: usize = 255;
const MAX_MESSAGE_CHARS: usize = 500;
const MAX_TEXT_CHARS: usize = 100;

/// One reading of one miner, as a collector sends it. An unreachable miner is reported as
/// `{"miner_id": 7, "taken_at_ms": 1764400000000, "online": false}`: every other field is
/// optional or defaults to false.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TelemetrySample {
    pub miner_id: i64,
    /// When the collector read the miner, unix milliseconds (UTC).
    pub taken_at_ms: i64,
    /// Whether the miner answered.
    pub online: bool,
    /// False while the hashing process sleeps (curtailed) although the miner answers.
    #[serde(default)]
    pub is_mining: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashrate_hs: Option<f64>,
    /// The hashrate the miner's own firmware expects at its current settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_hashrate_hs: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_w: Option<f64>,
    /// True when the miner reported no power and `power_w` is the model's nominal W/TH ×
    /// hashrate; the UI labels such figures.
    #[serde(default)]
    pub power_estimated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_max_c: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_avg_c: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fan_min_rpm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fan_max_rpm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boards_total: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boards_active: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_shares: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_shares: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_errors: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime_s: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_version: Option<String>,
    /// The model string the miner reports, which may differ from the inventory's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_reported: Option<String>,
    /// The most severe firmware message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The spans a miner's charts offer, from the last hour to the last 30 days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartRange {
    Hour,
    SixHours,
    #[default]
    Day,
    Week,
    Month,
}

impl ChartRange {
    pub const ALL: [Self; 5] = [
        Self::Hour,
        Self::SixHours,
        Self::Day,
        Self::Week,
        Self::Month,
    ];

    pub const fn span_ms(self) -> i64 {
        match self {
            Self::Hour => 3_600_000,
            Self::SixHours => 6 * 3_600_000,
            Self::Day => DAY_MS,
            Self::Week => 7 * DAY_MS,
            Self::Month => 30 * DAY_MS,
        }
    }

    /// The address's name of the range, and its label ("1 h", "30 d").
    pub const fn code(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::SixHours => "6h",
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A miner's newest reading, as its live row keeps it, with the last time it answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveReading {
    pub sample: TelemetrySample,
    /// The newest reading in which it answered; `None` if it never has.
    pub last_seen_ms: Option<i64>,
}

/// Why a sample was refused. Each names the field so a collector's log points at the cause.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SampleError {
    #[error("{field} is not a finite number")]
    NotFinite { field: &'static str },
    #[error("{field} = {value} is outside {min}..={max}")]
    OutOfRange {
        field: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    #[error("{field} is longer than {max_chars} characters")]
    TooLong {
        field: &'static str,
        max_chars: usize,
    },
    #[error("{field} is larger than the database can store")]
    CounterTooLarge { field: &'static str },
    #[error("boards_active ({active}) exceeds boards_total ({total})")]
    BoardsExceedTotal { active: u8, total: u8 },
    #[error("taken_at_ms {taken_at_ms} is more than 5 minutes ahead of the server ({now_ms})")]
    InTheFuture { taken_at_ms: i64, now_ms: i64 },
    #[error("taken_at_ms {taken_at_ms} is before 1970")]
    BeforeEpoch { taken_at_ms: i64 },
}

impl TelemetrySample {
    /// An unreachable miner's sample.
    pub fn offline(miner_id: i64, taken_at_ms: i64) -> Self {
        Self {
            miner_id,
            taken_at_ms,
            ..Self::default()
        }
    }

    /// Checks the sample against physical bounds and the server clock (`now_ms`), so one
    /// broken firmware reading cannot poison sums, averages or charts.
    pub fn validate(&self, now_ms: i64) -> Result<(), SampleError> {
        if self.taken_at_ms < 0 {
            return Err(SampleError::BeforeEpoch {
                taken_at_ms: self.taken_at_ms,
            });
        }
        if self.taken_at_ms > now_ms.saturating_add(MAX_FUTURE_SKEW_MS) {
            return Err(SampleError::InTheFuture {
                taken_at_ms: self.taken_at_ms,
                now_ms,
            });
        }
        let ranges = [
            ("hashrate_hs", self.hashrate_hs, 0.0, MAX_HASHRATE_HS),
            (
                "expected_hashrate_hs",
                self.expected_hashrate_hs,
                0.0,
                MAX_HASHRATE_HS,
            ),
            ("power_w", self.power_w, 0.0, MAX_POWER_W),
            ("temp_max_c", self.temp_max_c, MIN_TEMP_C, MAX_TEMP_C),
            ("temp_avg_c", self.temp_avg_c, MIN_TEMP_C, MAX_TEMP_C),
        ];
        for (field, value, min, max) in ranges {
            check_range(field, value, min, max)?;
        }
        let texts = [
            ("pool_url", &self.pool_url, MAX_POOL_URL_CHARS),
            ("pool_user", &self.pool_user, MAX_TEXT_CHARS),
            ("firmware_version", &self.firmware_version, MAX_TEXT_CHARS),
            ("model_reported", &self.model_reported, MAX_TEXT_CHARS),
            ("message", &self.message, MAX_MESSAGE_CHARS),
        ];
        for (field, text, max_chars) in texts {
            if text.as_ref().is_some_and(|t| t.chars().count() > max_chars) {
                return Err(SampleError::TooLong { field, max_chars });
            }
        }
        let counters = [
            ("accepted_shares", self.accepted_shares),
            ("rejected_shares", self.rejected_shares),
            ("hardware_errors", self.hardware_errors),
            ("uptime_s", self.uptime_s),
        ];
        for (field, counter) in counters {
            // Both databases store signed 64-bit integers.
            if counter.is_some_and(|c| i64::try_from(c).is_err()) {
                return Err(SampleError::CounterTooLarge { field });
            }
        }
        if let (Some(active), Some(total)) = (self.boards_active, self.boards_total)
            && active > total
        {
            return Err(SampleError::BoardsExceedTotal { active, total });
        }
        Ok(())
    }
}

fn check_range(
    field: &'static str,
    value: Option<f64>,
    min: f64,
    max: f64,
) -> Result<(), SampleError> {
    match value {
        Some(v) if !v.is_finite() => Err(SampleError::NotFinite { field }),
        Some(v) if v < min || v > max => Err(SampleError::OutOfRange {
            field,
            value: v,
            min,
            max,
        }),
        _ => Ok(()),
    }
}

/// The granularity of a history read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// Every sample (about one a minute), kept 24 hours.
    Raw,
    /// 5-minute rollups, kept 90 days.
    FiveMinutes,
    /// Daily rollups, kept 365 days.
    Daily,
}

impl Resolution {
    /// Longest span read at raw resolution: 6 h ≈ 360 points at one sample a minute.
    pub const RAW_MAX_SPAN_MS: i64 = 6 * 3_600_000;
    /// Longest span read at 5-minute resolution: 7 days = 2,016 points.
    pub const FIVE_MINUTES_MAX_SPAN_MS: i64 = 7 * DAY_MS;

    /// The finest resolution that keeps a chart of `span_ms` under about 2,100 points.
    pub fn for_span(span_ms: i64) -> Self {
        if span_ms <= Self::RAW_MAX_SPAN_MS {
            Self::Raw
        } else if span_ms <= Self::FIVE_MINUTES_MAX_SPAN_MS {
            Self::FiveMinutes
        } else {
            Self::Daily
        }
    }

    /// The width of one point; `None` for raw samples, which have no fixed spacing.
    pub fn step_ms(self) -> Option<i64> {
        match self {
            Self::Raw => None,
            Self::FiveMinutes => Some(FIVE_MINUTES_MS),
            Self::Daily => Some(DAY_MS),
        }
    }
}

/// One point of a miner's chart. For raw samples min = avg = max and the ratio is 0 or 1.
/// Hashrate averages count unanswered samples as 0 H/s (the miner earned nothing then);
/// power is averaged over the samples that reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// Start of the bucket (or the sample's time), unix milliseconds.
    pub at_ms: i64,
    pub hashrate_hs: f64,
    pub hashrate_min_hs: f64,
    pub hashrate_max_hs: f64,
    pub power_w: Option<f64>,
    /// Hottest reading in the bucket.
    pub temp_max_c: Option<f64>,
    /// Share of samples in which the miner answered, 0–1.
    pub online_ratio: f64,
}

/// A set of miners over a span of closed 5-minute buckets: how often they answered and the
/// energy they used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FleetSpan {
    /// Polls in the span, answered or not.
    pub samples: u64,
    pub online_samples: u64,
    /// Each bucket's average power for the share of its 5 minutes the miner answered.
    pub energy_wh: f64,
}

impl FleetSpan {
    /// Share of polls answered, %; `None` before any poll.
    #[allow(clippy::cast_precision_loss)] // poll counts are far below 2^52
    pub fn uptime_pct(&self) -> Option<f64> {
        (self.samples > 0).then(|| self.online_samples as f64 / self.samples as f64 * 100.0)
    }

    /// Energy used, kWh; `None` before any poll, as for the uptime.
    pub fn energy_kwh(&self) -> Option<f64> {
        (self.samples > 0).then_some(self.energy_wh / 1_000.0)
    }
}

/// One 5-minute point of a whole site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitePoint {
    pub at_ms: i64,
    /// Sum of the miners' average hashrates over the bucket.
    pub hashrate_hs: f64,
    /// Sum of the miners' average power over the bucket.
    pub power_w: f64,
    /// Miners that answered at least once in the bucket.
    pub online: u32,
}

/// The site at a glance. Counts cover the site's miners that are not retired:
/// `online + offline + never_seen == miners_total`, and `sleeping` is the part of `online` whose
/// hashing is paused. Hashrate, power and temperatures come from the online miners' latest
/// readings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteOverview {
    pub miners_total: u32,
    /// Answered within the last 5 minutes.
    pub online: u32,
    /// Has answered once, but not within the last 5 minutes.
    pub offline: u32,
    /// Never sent a reading.
    pub never_seen: u32,
    pub sleeping: u32,
    pub hashrate_hs: f64,
    pub expected_hashrate_hs: f64,
    pub power_w: f64,
    /// Share of `power_w` that is estimated from the model's nominal efficiency, 0–1.
    pub power_estimated_share: f64,
    /// Power over hashrate of the online miners reporting both; `None` without any.
    pub j_per_th: Option<f64>,
    /// (lower bound of a 5 °C bucket, miners whose hottest reading falls in it), ascending.
    pub temp_histogram: Vec<(i32, u32)>,
    /// Online miners above the warning limit, at or below the critical one.
    pub hot: u32,
    /// Online miners above the critical limit.
    pub critical: u32,
    /// The limits `hot` and `critical` were counted with: the alert engine's.
    pub limits: crate::fleet::TemperatureLimits,
    /// The last 24 hours, one point per 5 minutes that has data, oldest first.
    pub sparkline: Vec<SitePoint>,
}

/// Width of a temperature histogram bucket.
pub const TEMP_BUCKET_C: i32 = 5;

/// The histogram of `temps_c` in 5 °C buckets, ascending, empty buckets left out.
pub fn temp_histogram(temps_c: impl IntoIterator<Item = f64>) -> Vec<(i32, u32)> {
    let mut buckets = std::collections::BTreeMap::<i32, u32>::new();
    for t in temps_c.into_iter().filter(|t| t.is_finite()) {
        // Validated temperatures lie within −50..=150 °C, so the cast cannot overflow.
        #[allow(clippy::cast_possible_truncation)]
        let lower = (t / f64::from(TEMP_BUCKET_C)).floor() as i32 * TEMP_BUCKET_C;
        *buckets.entry(lower).or_default() += 1;
    }
    buckets.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_400_000_000;

    fn healthy() -> TelemetrySample {
        TelemetrySample {
            online: true,
            is_mining: true,
            hashrate_hs: Some(200e12),
            expected_hashrate_hs: Some(210e12),
            power_w: Some(3_500.0),
            temp_max_c: Some(71.5),
            temp_avg_c: Some(64.0),
            pool_url: Some("stratum+tcp://pool.example:3333".into()),
            boards_total: Some(3),
            boards_active: Some(3),
            uptime_s: Some(86_400),
            ..TelemetrySample::offline(7, NOW)
        }
    }

    #[test]
    fn an_offline_sample_needs_only_three_fields() {
        let sample: TelemetrySample =
            serde_json::from_str(r#"{"miner_id":7,"taken_at_ms":1764400000000,"online":false}"#)
                .unwrap();
        assert_eq!(sample, TelemetrySample::offline(7, NOW));
        assert_eq!(sample.validate(NOW), Ok(()));
    }

    #[test]
    fn serialising_leaves_absent_readings_out() {
        let json = serde_json::to_string(&TelemetrySample::offline(7, NOW)).unwrap();
        assert_eq!(
            json,
            r#"{"miner_id":7,"taken_at_ms":1764400000000,"online":false,"is_mining":false,"power_estimated":false}"#
        );
        let back: TelemetrySample =
            serde_json::from_str(&serde_json::to_string(&healthy()).unwrap()).unwrap();
        assert_eq!(back, healthy());
    }

    #[test]
    fn a_healthy_sample_passes() {
        assert_eq!(healthy().validate(NOW), Ok(()));
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        let sample = TelemetrySample {
            power_w: Some(f64::NAN),
            ..healthy()
        };
        assert_eq!(
            sample.validate(NOW),
            Err(SampleError::NotFinite { field: "power_w" })
        );
        let sample = TelemetrySample {
            hashrate_hs: Some(f64::INFINITY),
            ..healthy()
        };
        assert!(matches!(
            sample.validate(NOW),
            Err(SampleError::NotFinite {
                field: "hashrate_hs"
            })
        ));
    }

    #[test]
    fn physical_bounds_are_enforced_inclusively() {
        let at = |sample: TelemetrySample| sample.validate(NOW);
        assert!(
            at(TelemetrySample {
                hashrate_hs: Some(1e18),
                ..healthy()
            })
            .is_ok()
        );
        assert!(matches!(
            at(TelemetrySample {
                hashrate_hs: Some(1.01e18),
                ..healthy()
            }),
            Err(SampleError::OutOfRange {
                field: "hashrate_hs",
                ..
            })
        ));
        assert!(matches!(
            at(TelemetrySample {
                expected_hashrate_hs: Some(-1.0),
                ..healthy()
            }),
            Err(SampleError::OutOfRange {
                field: "expected_hashrate_hs",
                ..
            })
        ));
        assert!(
            at(TelemetrySample {
                power_w: Some(100_000.0),
                ..healthy()
            })
            .is_ok()
        );
        assert!(matches!(
            at(TelemetrySample {
                power_w: Some(100_000.5),
                ..healthy()
            }),
            Err(SampleError::OutOfRange {
                field: "power_w",
                ..
            })
        ));
        assert!(
            at(TelemetrySample {
                temp_max_c: Some(-50.0),
                ..healthy()
            })
            .is_ok()
        );
        assert!(matches!(
            at(TelemetrySample {
                temp_avg_c: Some(150.1),
                ..healthy()
            }),
            Err(SampleError::OutOfRange {
                field: "temp_avg_c",
                ..
            })
        ));
    }

    #[test]
    fn texts_are_bounded_in_characters_not_bytes() {
        let sample = TelemetrySample {
            pool_url: Some("é".repeat(255)),
            ..healthy()
        };
        assert_eq!(sample.validate(NOW), Ok(()));
        let sample = TelemetrySample {
            pool_url: Some("x".repeat(256)),
            ..healthy()
        };
        assert_eq!(
            sample.validate(NOW),
            Err(SampleError::TooLong {
                field: "pool_url",
                max_chars: 255
            })
        );
        let sample = TelemetrySample {
            message: Some("x".repeat(501)),
            ..healthy()
        };
        assert!(matches!(
            sample.validate(NOW),
            Err(SampleError::TooLong {
                field: "message",
                ..
            })
        ));
        let sample = TelemetrySample {
            firmware_version: Some("x".repeat(101)),
            ..healthy()
        };
        assert!(matches!(
            sample.validate(NOW),
            Err(SampleError::TooLong {
                field: "firmware_version",
                ..
            })
        ));
    }

    #[test]
    fn samples_stamped_too_far_ahead_are_refused() {
        let ahead = |ms| TelemetrySample::offline(7, NOW + ms).validate(NOW);
        assert_eq!(ahead(MAX_FUTURE_SKEW_MS), Ok(()));
        assert!(matches!(
            ahead(MAX_FUTURE_SKEW_MS + 1),
            Err(SampleError::InTheFuture { .. })
        ));
        assert!(matches!(
            TelemetrySample::offline(7, -1).validate(NOW),
            Err(SampleError::BeforeEpoch { .. })
        ));
    }

    #[test]
    fn counters_beyond_i64_and_impossible_boards_are_refused() {
        let sample = TelemetrySample {
            uptime_s: Some(u64::MAX),
            ..healthy()
        };
        assert_eq!(
            sample.validate(NOW),
            Err(SampleError::CounterTooLarge { field: "uptime_s" })
        );
        let sample = TelemetrySample {
            boards_active: Some(4),
            ..healthy()
        };
        assert_eq!(
            sample.validate(NOW),
            Err(SampleError::BoardsExceedTotal {
                active: 4,
                total: 3
            })
        );
    }

    #[test]
    fn resolution_keeps_charts_near_two_thousand_points() {
        const HOUR: i64 = 3_600_000;
        assert_eq!(Resolution::for_span(HOUR), Resolution::Raw);
        assert_eq!(Resolution::for_span(6 * HOUR), Resolution::Raw);
        assert_eq!(Resolution::for_span(6 * HOUR + 1), Resolution::FiveMinutes);
        assert_eq!(Resolution::for_span(7 * DAY_MS), Resolution::FiveMinutes);
        assert_eq!(Resolution::for_span(7 * DAY_MS + 1), Resolution::Daily);
        assert_eq!(7 * DAY_MS / FIVE_MINUTES_MS, 2_016);
        assert_eq!(Resolution::Raw.step_ms(), None);
        assert_eq!(Resolution::Daily.step_ms(), Some(DAY_MS));
    }

    #[test]
    fn histogram_buckets_are_five_degrees_with_floor_for_negatives() {
        let histogram = temp_histogram([74.9, 75.0, 79.99, 80.0, -0.5, 3.0, f64::NAN]);
        assert_eq!(histogram, vec![(-5, 1), (0, 1), (70, 1), (75, 2), (80, 1)]);
        assert!(temp_histogram([]).is_empty());
    }
}
