-- The ASIC catalogue: one row per machine model. Units are in the column names.
create table asic_model (
    asic_model_id integer primary key,
    name text not null unique,
    manufacturer text not null,
    -- nominal hashrate in H/s (200 TH/s = 2e14)
    hashrate_hs real not null check (hashrate_hs > 0),
    -- nominal power at the wall in W
    power_w real not null check (power_w > 0),
    cooling text not null check (cooling in ('air', 'hydro', 'immersion')),
    -- first shipments, ISO date YYYY-MM-DD
    release_date text check (release_date is null or release_date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    price_usd real check (price_usd is null or price_usd >= 0)
);
