-- Issue #19: names and serials are unique where they mean something, not across every host. A
-- site's name is unique among its owner's sites (the sites nobody owns, run by staff, share one
-- namespace); a miner's serial and MAC are unique within its site. Before, a host told "serial
-- taken" learnt that another host had that machine, and one who registered a name first kept
-- every other host from using it.

alter table site drop constraint site_name_key;
-- One namespace per owner; 0 (no account has it) stands for the sites nobody owns.
create unique index site_owner_name on site (coalesce(owner_user_id, 0), name);

alter table miner drop constraint miner_serial_key;
-- In the database's collation, beside miner_site_serial (collate "C") that serves the order.
alter table miner add constraint miner_site_id_serial_key unique (site_id, serial);
drop index miner_mac;
create unique index miner_site_mac on miner (site_id, mac) where mac is not null;
