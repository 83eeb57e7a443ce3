-- Network and market history, one row per UTC day, in canonical units. Sources fill different
-- columns (klines the price, mempool.space the difficulty and hashrate), so a row is merged.
create table network_day (
    -- 00:00 UTC of the day, unix milliseconds
    day_ms integer primary key,
    -- raw difficulty in force at the end of the day (never "T")
    difficulty real check (difficulty is null or difficulty > 0),
    -- network hashrate, H/s, the day's average
    hashrate_hs real check (hashrate_hs is null or hashrate_hs > 0),
    -- BTC closing price of the day, USD
    price_usd real check (price_usd is null or price_usd > 0),
    -- where the newest values of the row came from, e.g. "mempool.space+Binance"
    source text not null,
    updated_at_ms integer not null
);
