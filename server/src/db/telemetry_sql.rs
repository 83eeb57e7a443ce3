//! The telemetry SQL both engines share, and the engine-free planning of an ingest batch
//! (which samples to write, the newest sample per miner, the buckets to re-roll).
//!
//! Rollup strategy: ingest marks each 5-minute bucket it wrote into `telemetry_pending`
//! (level 0). `roll_up` takes each closed pending bucket in its own transaction: it deletes
//! the mark first (on PostgreSQL that row lock makes a concurrent ingest of the same bucket
//! wait, then mark it again), recomputes the bucket for every miner and site from raw, and
//! marks its day (level 1). Closed pending days are then recomputed from the 5-minute rows.
//! A late sample thus costs one bucket's re-roll, not a rescan of the last N buckets.

use const_format::concatcp;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use domain::telemetry::{DAY_MS, FIVE_MINUTES_MS, RAW_RETENTION_MS, TelemetrySample};

/// The start of the 5-minute bucket holding `at_ms`.
pub fn bucket_of(at_ms: i64) -> i64 {
    at_ms - at_ms.rem_euclid(FIVE_MINUTES_MS)
}

/// The start of the UTC day holding `at_ms`.
pub fn day_of(at_ms: i64) -> i64 {
    at_ms - at_ms.rem_euclid(DAY_MS)
}

/// The live row a batch leaves for one miner: its newest sample, and the newest time at which
/// it answered (which may be an older sample of the same batch).
pub struct LiveUpdate<'a> {
    pub sample: &'a TelemetrySample,
    pub last_seen_ms: Option<i64>,
}

/// A batch sorted into what gets written.
pub struct IngestPlan<'a> {
    /// Samples of the site's miners within the raw retention.
    pub raw: Vec<&'a TelemetrySample>,
    /// One per miner of `raw`.
    pub live: Vec<LiveUpdate<'a>>,
    /// Distinct buckets of `raw`.
    pub buckets: Vec<i64>,
    pub unknown_miners: Vec<i64>,
    pub stale: usize,
}

/// The distinct miners of a batch, ascending.
pub fn batch_miner_ids(samples: &[TelemetrySample]) -> Vec<i64> {
    let ids: BTreeSet<i64> = samples.iter().map(|s| s.miner_id).collect();
    ids.into_iter().collect()
}

/// Splits `samples` by whether the site owns the miner (`known`) and the sample is young
/// enough, and finds each miner's newest sample.
pub fn plan<'a>(
    samples: &'a [TelemetrySample],
    known: &HashSet<i64>,
    now_ms: i64,
) -> IngestPlan<'a> {
    let retained_after_ms = now_ms - RAW_RETENTION_MS;
    let mut unknown = BTreeSet::new();
    let mut stale = 0;
    let mut raw = Vec::with_capacity(samples.len());
    let mut newest: HashMap<i64, LiveUpdate<'a>> = HashMap::new();
    let mut buckets = BTreeSet::new();
    for sample in samples {
        if !known.contains(&sample.miner_id) {
            unknown.insert(sample.miner_id);
            continue;
        }
        // Retention removes whole buckets (see `PURGE_RAW`); a sample for a bucket that may
        // be gone is refused, so a re-roll never sees half a bucket.
        if bucket_of(sample.taken_at_ms) + FIVE_MINUTES_MS <= retained_after_ms {
            stale += 1;
            continue;
        }
        raw.push(sample);
        buckets.insert(bucket_of(sample.taken_at_ms));
        let seen = sample.online.then_some(sample.taken_at_ms);
        newest
            .entry(sample.miner_id)
            .and_modify(|live| {
                if sample.taken_at_ms > live.sample.taken_at_ms {
                    live.sample = sample;
                }
                live.last_seen_ms = live.last_seen_ms.max(seen);
            })
            .or_insert(LiveUpdate {
                sample,
                last_seen_ms: seen,
            });
    }
    let mut live: Vec<LiveUpdate<'a>> = newest.into_values().collect();
    // A fixed order keeps concurrent upserts of overlapping miners from deadlocking.
    live.sort_unstable_by_key(|l| l.sample.miner_id);
    IngestPlan {
        raw,
        live,
        buckets: buckets.into_iter().collect(),
        unknown_miners: unknown.into_iter().collect(),
        stale,
    }
}

/// Saturates the unsigned counters, which `validate` already bounds to `i64`.
pub fn counter(value: Option<u64>) -> Option<i64> {
    value.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

pub fn small(value: Option<u32>) -> Option<i32> {
    value.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

pub const RAW_COLUMNS: &str =
    "bucket_ms, miner_id, taken_at_ms, online, hashrate_hs, power_w, temp_max_c";

/// Every column of `miner_live`, in the order both engines bind them.
pub const LIVE_COLUMNS: [&str; 25] = [
    "miner_id",
    "site_id",
    "taken_at_ms",
    "last_seen_ms",
    "online",
    "is_mining",
    "hashrate_hs",
    "expected_hashrate_hs",
    "power_w",
    "power_estimated",
    "temp_max_c",
    "temp_avg_c",
    "fan_min_rpm",
    "fan_max_rpm",
    "boards_total",
    "boards_active",
    "pool_url",
    "pool_user",
    "accepted_shares",
    "rejected_shares",
    "hardware_errors",
    "uptime_s",
    "firmware_version",
    "model_reported",
    "message",
];

/// The `on conflict` tail of the live upsert: a newer sample replaces the reading, an older
/// one (a late buffered batch) only moves `last_seen_ms` forward. The right-hand sides see the
/// stored row as it was before the update, on both engines.
pub fn live_conflict_clause() -> String {
    let newer = "excluded.taken_at_ms > miner_live.taken_at_ms";
    let mut sets: Vec<String> = LIVE_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "miner_id" | "last_seen_ms"))
        .map(|c| format!("{c} = case when {newer} then excluded.{c} else miner_live.{c} end"))
        .collect();
    sets.push(
        "last_seen_ms = case when excluded.last_seen_ms is not null and (miner_live.last_seen_ms \
         is null or excluded.last_seen_ms > miner_live.last_seen_ms) then excluded.last_seen_ms \
         else miner_live.last_seen_ms end"
            .to_owned(),
    );
    format!(" on conflict (miner_id) do update set {}", sets.join(", "))
}

/// Marks a bucket (level 0) or day (level 1) for the next rollup. The no-op update (instead
/// of `do nothing`) locks an existing mark on PostgreSQL, so a rollup deleting it waits for
/// this transaction's samples to commit.
pub const MARK_PENDING: &str = "
    insert into telemetry_pending (level, start_ms) values ($1, $2)
    on conflict (level, start_ms) do update set start_ms = excluded.start_ms";

/// `$1` level, `$2` end: the pending starts before it, oldest first.
pub const LIST_PENDING: &str = "
    select start_ms from telemetry_pending where level = $1 and start_ms < $2 order by start_ms";

pub const TAKE_PENDING: &str =
    "delete from telemetry_pending where level = $1 and start_ms = $2 returning start_ms";

/// The oldest pending start of a level, if any.
pub const OLDEST_PENDING: &str = "select min(start_ms) from telemetry_pending where level = $1";

/// A 5-minute bucket's figures from raw samples `r`, in the rollup's columns: one definition
/// for the rollup and for the charts' buckets not rolled up yet, so both always agree.
/// Unanswered samples count as 0 H/s; power is averaged over the samples that reported one.
pub const BUCKET_FIGURES: &str =
    "count(*) as samples, sum(case when r.online then 1 else 0 end) as online_samples,
         avg(coalesce(r.hashrate_hs, 0.0)) as hashrate_avg_hs,
         min(coalesce(r.hashrate_hs, 0.0)) as hashrate_min_hs,
         max(coalesce(r.hashrate_hs, 0.0)) as hashrate_max_hs,
         avg(r.power_w) as power_avg_w, max(r.temp_max_c) as temp_max_c";

/// A day's figures from 5-minute rows `f`, in the rollup's columns, for the daily rollup and
/// for a chart's day not rolled up yet: the hashrate average weighted by samples, power the
/// mean of the bucket averages. (The casts: PostgreSQL sums `bigint` counts as `numeric`.)
pub const DAY_FIGURES: &str = "cast(sum(f.samples) as bigint) as samples,
         cast(sum(f.online_samples) as bigint) as online_samples,
         sum(f.hashrate_avg_hs * f.samples) / sum(f.samples) as hashrate_avg_hs,
         min(f.hashrate_min_hs) as hashrate_min_hs, max(f.hashrate_max_hs) as hashrate_max_hs,
         avg(f.power_avg_w) as power_avg_w, max(f.temp_max_c) as temp_max_c";

/// One bucket (`$1`) of raw samples into per-miner rows; miners deleted since are skipped (the
/// rollups reference `miner`).
pub const ROLL_BUCKET: &str = concatcp!(
    "
    insert into telemetry_5m (miner_id, bucket_ms, samples, online_samples, hashrate_avg_hs,
                              hashrate_min_hs, hashrate_max_hs, power_avg_w, temp_max_c)
    select r.miner_id, r.bucket_ms, ",
    BUCKET_FIGURES,
    "
    from telemetry_raw r
    where r.bucket_ms = $1 and exists (select 1 from miner m where m.miner_id = r.miner_id)
    group by r.miner_id, r.bucket_ms
    on conflict (miner_id, bucket_ms) do update set
        samples = excluded.samples,
        online_samples = excluded.online_samples,
        hashrate_avg_hs = excluded.hashrate_avg_hs,
        hashrate_min_hs = excluded.hashrate_min_hs,
        hashrate_max_hs = excluded.hashrate_max_hs,
        power_avg_w = excluded.power_avg_w,
        temp_max_c = excluded.temp_max_c"
);

/// One bucket (`$1`) of raw samples into per-site rows, read from raw (contiguous by bucket)
/// rather than from the per-miner rows (clustered by miner).
pub const ROLL_SITE_BUCKET: &str = "
    insert into telemetry_site_5m (site_id, bucket_ms, hashrate_hs, power_w, online, reporting)
    select m.site_id, $1, sum(x.hashrate_hs), coalesce(sum(x.power_w), 0.0),
           sum(x.answered), count(*)
    from (select r.miner_id, avg(coalesce(r.hashrate_hs, 0.0)) as hashrate_hs,
                 avg(r.power_w) as power_w, max(case when r.online then 1 else 0 end) as answered
          from telemetry_raw r where r.bucket_ms = $1 group by r.miner_id) x
    join miner m on m.miner_id = x.miner_id
    -- a where clause keeps SQLite from reading the upsert's `on` as a join constraint
    where m.site_id is not null
    group by m.site_id
    on conflict (site_id, bucket_ms) do update set
        hashrate_hs = excluded.hashrate_hs,
        power_w = excluded.power_w,
        online = excluded.online,
        reporting = excluded.reporting";

/// One day (`$1` to `$2`) of per-miner 5-minute rows into daily rows. Driven by `miner`
/// (`cross join` fixes that order on SQLite) so each miner is one seek in the miner-first key.
pub const ROLL_DAY: &str = concatcp!(
    "
    insert into telemetry_daily (miner_id, day_ms, samples, online_samples, hashrate_avg_hs,
                                 hashrate_min_hs, hashrate_max_hs, power_avg_w, temp_max_c)
    select f.miner_id, $1, ",
    DAY_FIGURES,
    "
    from miner m cross join telemetry_5m f
    where f.miner_id = m.miner_id and f.bucket_ms >= $1 and f.bucket_ms < $2
    group by f.miner_id
    on conflict (miner_id, day_ms) do update set
        samples = excluded.samples,
        online_samples = excluded.online_samples,
        hashrate_avg_hs = excluded.hashrate_avg_hs,
        hashrate_min_hs = excluded.hashrate_min_hs,
        hashrate_max_hs = excluded.hashrate_max_hs,
        power_avg_w = excluded.power_avg_w,
        temp_max_c = excluded.temp_max_c"
);

/// `$1` the last bucket start that may go. Whole buckets from the left edge of the
/// bucket-first key: a bucket goes once its newest possible sample is 24 h old, so raw samples
/// live 24 h to 24 h 5 min and a bucket is either complete or gone.
pub const PURGE_RAW: &str = "delete from telemetry_raw where bucket_ms <= $1";

pub const PURGE_SITE_5M: &str = "delete from telemetry_site_5m where bucket_ms < $1";

/// `$1` miner, `$2` bucket of `from`, `$3` to.
pub const HISTORY_5M: &str = "
    select bucket_ms as at_ms, samples, online_samples, hashrate_avg_hs, hashrate_min_hs,
           hashrate_max_hs, power_avg_w, temp_max_c
    from telemetry_5m where miner_id = $1 and bucket_ms >= $2 and bucket_ms < $3
    order by bucket_ms";

pub const HISTORY_DAILY: &str = "
    select day_ms as at_ms, samples, online_samples, hashrate_avg_hs, hashrate_min_hs,
           hashrate_max_hs, power_avg_w, temp_max_c
    from telemetry_daily where miner_id = $1 and day_ms >= $2 and day_ms < $3
    order by day_ms";

/// The buckets of one miner not rolled up yet, from its raw samples, as [`ROLL_BUCKET`] would
/// roll them: without them a chart ends up to 6 minutes early, and a new miner's is empty for
/// that long. `buckets` as in [`history_raw`].
pub fn history_5m_tail(buckets: &[i64]) -> String {
    let list: Vec<String> = buckets.iter().map(i64::to_string).collect();
    format!(
        "select r.bucket_ms as at_ms, {BUCKET_FIGURES}
         from telemetry_raw r
         where r.bucket_ms in ({}) and r.miner_id = $1
         group by r.bucket_ms
         order by r.bucket_ms",
        list.join(", ")
    )
}

/// The days of one miner not rolled up yet (today, and any day whose rollup is pending), from
/// its 5-minute rows, as [`ROLL_DAY`] would roll them. `$1` miner, `$2` from, `$3` to.
pub const HISTORY_DAILY_TAIL: &str = concatcp!(
    "
    select (f.bucket_ms / 86400000) * 86400000 as at_ms, ",
    DAY_FIGURES,
    "
    from telemetry_5m f
    where f.miner_id = $1 and f.bucket_ms >= $2 and f.bucket_ms < $3
    group by f.bucket_ms / 86400000
    order by 1"
);

/// One miner's raw samples: `buckets` is the literal list of bucket starts, so each is one
/// seek in the bucket-first key on both engines (a range on `bucket_ms` would scan every
/// miner's samples). The numbers are computed integers, never user text.
pub fn history_raw(buckets: &[i64]) -> String {
    let list: Vec<String> = buckets.iter().map(i64::to_string).collect();
    format!(
        "select taken_at_ms, online, hashrate_hs, power_w, temp_max_c
         from telemetry_raw
         where bucket_ms in ({}) and miner_id = $1 and taken_at_ms >= $2 and taken_at_ms < $3
         order by taken_at_ms",
        list.join(", ")
    )
}

/// `$1` customer, `$2` from, `$3` to. A bucket's energy in Wh: its average power (over the
/// samples that reported one) for the answered share of its 5 minutes (1/12 h).
pub const CUSTOMER_SPAN: &str = "
    select cast(coalesce(sum(t.samples), 0) as bigint) as samples,
           cast(coalesce(sum(t.online_samples), 0) as bigint) as online_samples,
           coalesce(sum(coalesce(t.power_avg_w, 0.0) * t.online_samples / t.samples), 0.0)
               / 12.0 as energy_wh
    from miner m join telemetry_5m t on t.miner_id = m.miner_id
    where m.customer_id = $1 and t.bucket_ms >= $2 and t.bucket_ms < $3 and t.samples > 0";

/// `$1` site, `$2` from, `$3` to.
pub const SITE_HISTORY: &str = "
    select bucket_ms as at_ms, hashrate_hs, power_w, online
    from telemetry_site_5m where site_id = $1 and bucket_ms >= $2 and bucket_ms < $3
    order by bucket_ms";

/// A site's counts and totals over its miners `m` and their live rows `l`, `$1` the time
/// after which a sample counts as online. Retired miners are left out of every count. A miner
/// is never seen until it has answered once: no live row, or only readings of a collector
/// that could not reach it.
const OVERVIEW_COLUMNS: &str = "
           count(*) as miners_total,
           coalesce(sum(case when l.last_seen_ms >= $1 then 1 else 0 end), 0) as online,
           coalesce(sum(case when l.last_seen_ms is null then 1 else 0 end), 0) as never_seen,
           coalesce(sum(case when l.last_seen_ms >= $1 and not l.is_mining then 1 else 0 end), 0)
               as sleeping,
           sum(case when l.last_seen_ms >= $1 then l.hashrate_hs end) as hashrate_hs,
           sum(case when l.last_seen_ms >= $1 then l.expected_hashrate_hs end)
               as expected_hashrate_hs,
           sum(case when l.last_seen_ms >= $1 then l.power_w end) as power_w,
           sum(case when l.last_seen_ms >= $1 and l.power_estimated then l.power_w end)
               as power_estimated_w,
           sum(case when l.last_seen_ms >= $1 and l.hashrate_hs > 0 then l.power_w end)
               as efficiency_power_w,
           sum(case when l.last_seen_ms >= $1 and l.power_w is not null then l.hashrate_hs end)
               as efficiency_hashrate_hs";

/// [`OVERVIEW_COLUMNS`] of one site: `$1` the online cut-off, `$2` the site.
pub static OVERVIEW_COUNTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {OVERVIEW_COLUMNS}
         from miner m left join miner_live l on l.miner_id = m.miner_id
         where m.site_id = $2 and m.status <> 'retired'"
    )
});

/// [`OVERVIEW_COLUMNS`] of every site at once (the site list), `$1` the online cut-off; a
/// site without miners has no row.
pub static OVERVIEW_COUNTS_BY_SITE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select m.site_id as site_id, {OVERVIEW_COLUMNS}
         from miner m left join miner_live l on l.miner_id = m.miner_id
         where m.status <> 'retired'
         group by m.site_id"
    )
});

/// [`OVERVIEW_TEMPS`] of every site at once, `$1` the online cut-off.
pub const OVERVIEW_TEMPS_BY_SITE: &str = "
    select m.site_id, l.temp_max_c
    from miner m join miner_live l on l.miner_id = m.miner_id
    where m.status <> 'retired' and l.last_seen_ms >= $1 and l.temp_max_c is not null";

/// [`SITE_HISTORY`] of every site at once, `$1` from, `$2` to.
pub const SITE_HISTORY_BY_SITE: &str = "
    select site_id, bucket_ms as at_ms, hashrate_hs, power_w, online
    from telemetry_site_5m where bucket_ms >= $1 and bucket_ms < $2
    order by site_id, bucket_ms";

pub const OVERVIEW_TEMPS: &str = "
    select l.temp_max_c
    from miner m join miner_live l on l.miner_id = m.miner_id
    where m.site_id = $1 and m.status <> 'retired' and l.last_seen_ms >= $2
      and l.temp_max_c is not null";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_days_floor_also_before_1970() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(299_999), 0);
        assert_eq!(bucket_of(300_000), 300_000);
        assert_eq!(bucket_of(-1), -300_000);
        assert_eq!(day_of(DAY_MS + 5), DAY_MS);
    }

    #[test]
    fn plan_sorts_out_foreign_and_stale_samples_and_keeps_the_newest_per_miner() {
        let now = 10 * DAY_MS;
        let online = |miner_id, taken_at_ms| TelemetrySample {
            online: true,
            ..TelemetrySample::offline(miner_id, taken_at_ms)
        };
        let samples = vec![
            online(1, now - 120_000),
            TelemetrySample::offline(1, now - 60_000),
            online(2, now - 60_000),
            online(9, now),
            online(2, now - RAW_RETENTION_MS - 1),
            online(2, now - RAW_RETENTION_MS),
            TelemetrySample::offline(8, now),
        ];
        let known: HashSet<i64> = [1, 2].into();
        let plan = plan(&samples, &known, now);
        assert_eq!(plan.raw.len(), 4, "the bucket of now − 24 h is still kept");
        assert_eq!(plan.unknown_miners, vec![8, 9]);
        assert_eq!(plan.stale, 1);
        assert_eq!(plan.live.len(), 2);
        assert_eq!(plan.live[0].sample.taken_at_ms, now - 60_000);
        assert!(!plan.live[0].sample.online);
        assert_eq!(plan.live[0].last_seen_ms, Some(now - 120_000));
        assert_eq!(plan.live[1].last_seen_ms, Some(now - 60_000));
        assert_eq!(
            plan.buckets,
            vec![now - RAW_RETENTION_MS, now - FIVE_MINUTES_MS]
        );
        assert_eq!(batch_miner_ids(&samples), vec![1, 2, 8, 9]);
    }
}
