-- The miner table's default order (by serial within a site) read from an index, so page 1 and
-- the last page need no sort of the whole site (benches/miner_list.rs). The list sorts text
-- by code point (collate "C", as SQLite does), which the unique index on serial, in the
-- database's collation, cannot serve.
create index miner_site_serial on miner (site_id, serial collate "C");
