-- Telemetry history (issue #6): raw samples (24 h), per-miner 5-minute rollups (90 days),
-- per-miner daily rollups (365 days) and per-site 5-minute rollups (90 days). Times are unix
-- milliseconds (UTC). Each table has its primary key as its only index (the heap plus one
-- B-tree); the SQLite twin clusters the rows on that key instead.

-- Only what the charts and rollups need; every other reading lives in miner_live.
-- Keyed by 5-minute bucket first: a collector cycle appends to the newest bucket's region,
-- a rollup reads one contiguous range, retention deletes from the left edge, and one miner's
-- raw chart is one short seek per bucket. The key also makes ingest idempotent: a re-sent
-- (miner, time) sample is skipped. No foreign key: the hot path already checked the miner,
-- and a deleted miner's samples age out within 24 h.
create table telemetry_raw (
    -- taken_at_ms floored to 5 minutes
    bucket_ms bigint not null,
    miner_id bigint not null,
    taken_at_ms bigint not null,
    online boolean not null,
    hashrate_hs double precision,
    power_w double precision,
    temp_max_c double precision,
    primary key (bucket_ms, miner_id, taken_at_ms)
);

-- One row per miner and closed 5-minute bucket, keyed by miner for chart reads.
create table telemetry_5m (
    miner_id bigint not null references miner (miner_id) on delete cascade,
    bucket_ms bigint not null,
    samples bigint not null,
    online_samples bigint not null,
    -- averages count unanswered samples as 0 H/s
    hashrate_avg_hs double precision not null,
    hashrate_min_hs double precision not null,
    hashrate_max_hs double precision not null,
    -- average over the samples that reported power; null if none did
    power_avg_w double precision,
    temp_max_c double precision,
    primary key (miner_id, bucket_ms)
);

-- One row per miner and closed UTC day, computed from the 5-minute rows.
create table telemetry_daily (
    miner_id bigint not null references miner (miner_id) on delete cascade,
    day_ms bigint not null,
    samples bigint not null,
    online_samples bigint not null,
    hashrate_avg_hs double precision not null,
    hashrate_min_hs double precision not null,
    hashrate_max_hs double precision not null,
    -- mean of the 5-minute power averages
    power_avg_w double precision,
    temp_max_c double precision,
    primary key (miner_id, day_ms)
);

-- One row per site and closed 5-minute bucket: the overview's sparkline reads at most 288
-- rows instead of every miner's.
create table telemetry_site_5m (
    site_id bigint not null references site (site_id) on delete cascade,
    bucket_ms bigint not null,
    -- sums of the miners' averages
    hashrate_hs double precision not null,
    power_w double precision not null,
    -- miners that answered at least once in the bucket
    online bigint not null,
    -- miners with any sample in the bucket
    reporting bigint not null,
    primary key (site_id, bucket_ms)
);

-- Rollup work: 5-minute buckets (level 0) that received samples and days (level 1) whose
-- buckets changed since they were last rolled. Ingest marks, roll_up clears; purge keeps the
-- data these rows still need.
create table telemetry_pending (
    level bigint not null check (level in (0, 1)),
    start_ms bigint not null,
    primary key (level, start_ms)
);
