-- Issue #19: names and serials are unique where they mean something, not across every host. A
-- site's name is unique among its owner's sites (the sites nobody owns, run by staff, share one
-- namespace); a miner's serial and MAC are unique within its site. Before, a host told "serial
-- taken" learnt that another host had that machine, and one who registered a name first kept
-- every other host from using it.
--
-- SQLite cannot drop an inline `unique`, so `site` and `miner` are rebuilt: a new table, the
-- rows copied with their ids, the old table dropped, the new one renamed. Dropping a table
-- that others reference `on delete cascade` would empty those tables too while foreign keys
-- are on, and that pragma cannot change inside the transaction sqlx runs a migration in; the
-- server therefore migrates on a connection with foreign keys off (db/sqlite.rs), and this
-- file refuses to run on any other. Because the ids are copied, every row pointing at a site or
-- a miner still points at the same one; the checks at the end prove it for the tables that
-- reference the rebuilt ones (the per-miner telemetry rollups excepted: at 20,000 miners they
-- hold hundreds of millions of rows, and they point at ids copied verbatim).

create temp table migration_guard (
    foreign_keys integer not null
        constraint "run this migration with PRAGMA foreign_keys = OFF, as the server does"
        check (foreign_keys = 0)
);
insert into migration_guard select foreign_keys from pragma_foreign_keys;

create table site_new (
    site_id integer primary key autoincrement,
    name text not null check (length(name) between 1 and 120),
    location text not null default '' check (length(location) <= 200),
    capacity_mw real not null check (capacity_mw >= 0 and capacity_mw <= 10000),
    -- JSON of app::fleet::Tariff: flat, time of use, or 24 hourly prices (USD/kWh)
    tariff text not null,
    owner_user_id integer references user_account (user_id) on delete set null,
    created_at_ms integer not null,
    updated_at_ms integer not null
);
insert into site_new (site_id, name, location, capacity_mw, tariff, owner_user_id,
        created_at_ms, updated_at_ms)
    select site_id, name, location, capacity_mw, tariff, owner_user_id, created_at_ms,
        updated_at_ms
    from site;
-- AUTOINCREMENT never hands out an id twice, even one whose row is gone: the counter moves
-- with the rows.
delete from sqlite_sequence where name = 'site_new';
insert into sqlite_sequence (name, seq) select 'site_new', seq from sqlite_sequence where name = 'site';
drop table site;
alter table site_new rename to site;
-- One namespace per owner; 0 (no account has it) stands for the sites nobody owns.
create unique index site_owner_name on site (coalesce(owner_user_id, 0), name);

create table miner_new (
    miner_id integer primary key autoincrement,
    site_id integer not null references site (site_id) on delete cascade,
    customer_id integer references customer (customer_id) on delete set null,
    -- the catalogue entry; the name is kept so a later catalogue edit never orphans a miner
    asic_model_id integer references asic_model (asic_model_id) on delete set null,
    model_name text not null check (length(model_name) between 1 and 120),
    -- unique within a site (miner_site_serial)
    serial text not null check (length(serial) between 1 and 64),
    -- IPv4 dotted quad, unique within a site (farms reuse private ranges across sites)
    ip text not null check (length(ip) between 7 and 15),
    -- lower-case, colon-separated; unique within a site (miner_site_mac)
    mac text check (length(mac) = 17),
    rack text not null default '' check (length(rack) <= 40),
    status text not null check (status in ('active', 'maintenance', 'retired')),
    approval text not null check (approval in ('draft', 'pending', 'approved', 'rejected')),
    -- why it was rejected, or the approver's remark
    approval_note text check (length(approval_note) <= 500),
    approved_by_user_id integer references user_account (user_id) on delete set null,
    created_at_ms integer not null,
    updated_at_ms integer not null,
    unique (site_id, ip)
);
insert into miner_new (miner_id, site_id, customer_id, asic_model_id, model_name, serial, ip,
        mac, rack, status, approval, approval_note, approved_by_user_id, created_at_ms,
        updated_at_ms)
    select miner_id, site_id, customer_id, asic_model_id, model_name, serial, ip, mac, rack,
        status, approval, approval_note, approved_by_user_id, created_at_ms, updated_at_ms
    from miner;
-- A deleted miner's raw samples outlive it for up to 24 h (telemetry_raw has no foreign key):
-- its id must never come back.
delete from sqlite_sequence where name = 'miner_new';
insert into sqlite_sequence (name, seq) select 'miner_new', seq from sqlite_sequence where name = 'miner';
drop table miner;
alter table miner_new rename to miner;
-- Also the miner table's default order (by serial within a site), as before.
create unique index miner_site_serial on miner (site_id, serial);
create unique index miner_site_mac on miner (site_id, mac) where mac is not null;
create index miner_site_customer on miner (site_id, customer_id);
create index miner_customer on miner (customer_id);

create temp table migration_check (
    broken_references integer not null
        constraint "a row points at a site or miner that is gone" check (broken_references = 0)
);
insert into migration_check
    select count(*) from pragma_foreign_key_check('site')
    union all select count(*) from pragma_foreign_key_check('miner')
    union all select count(*) from pragma_foreign_key_check('miner_live')
    union all select count(*) from pragma_foreign_key_check('collector_key')
    union all select count(*) from pragma_foreign_key_check('alert')
    union all select count(*) from pragma_foreign_key_check('alert_book')
    union all select count(*) from pragma_foreign_key_check('telemetry_site_5m');
drop table temp.migration_check;
drop table temp.migration_guard;
