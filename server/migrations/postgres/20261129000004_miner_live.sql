-- The latest reading of each miner (issue #6): one row per miner, replaced by every newer sample.
-- The miner table and the site overview read it; history lives in the telemetry tables.
create table miner_live (
    miner_id bigint primary key references miner (miner_id) on delete cascade,
    -- the miner's site, copied so the overview reads one table
    site_id bigint not null references site (site_id) on delete cascade,
    -- the newest sample, online or not
    taken_at_ms bigint not null,
    -- the newest sample in which the miner answered; null if it never did
    last_seen_ms bigint,
    online boolean not null,
    -- false while the hashing process sleeps (curtailed), even when the miner answers
    is_mining boolean not null,
    hashrate_hs double precision,
    expected_hashrate_hs double precision,
    power_w double precision,
    -- true when the miner reported no power and power_w is nominal W/TH × hashrate
    power_estimated boolean not null,
    temp_max_c double precision,
    temp_avg_c double precision,
    fan_min_rpm integer,
    fan_max_rpm integer,
    boards_total integer,
    boards_active integer,
    pool_url text,
    pool_user text,
    accepted_shares bigint,
    rejected_shares bigint,
    hardware_errors bigint,
    uptime_s bigint,
    firmware_version text,
    -- the model string the miner reports (may differ from the inventory's)
    model_reported text,
    -- the most severe firmware message, if any
    message text
);
create index miner_live_site on miner_live (site_id);
