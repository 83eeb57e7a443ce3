-- Hosting fleet inventory (issue #6): sites, hosting customers, miners and the keys a site's
-- collector signs in with. Times are unix milliseconds (UTC).

create table site (
    site_id bigint generated always as identity primary key,
    name text not null unique check (length(name) between 1 and 120),
    location text not null default '' check (length(location) <= 200),
    capacity_mw double precision not null check (capacity_mw >= 0 and capacity_mw <= 10000),
    -- JSON of app::fleet::Tariff: flat, time of use, or 24 hourly prices (USD/kWh)
    tariff text not null,
    owner_user_id bigint references user_account (user_id) on delete set null,
    created_at_ms bigint not null,
    updated_at_ms bigint not null
);

-- A hosting client. `user_id` links the account that signs in to the client portal.
create table customer (
    customer_id bigint generated always as identity primary key,
    name text not null unique check (length(name) between 1 and 120),
    contact_email text check (length(contact_email) <= 254),
    user_id bigint unique references user_account (user_id) on delete set null,
    created_at_ms bigint not null,
    updated_at_ms bigint not null
);

create table miner (
    miner_id bigint generated always as identity primary key,
    site_id bigint not null references site (site_id) on delete cascade,
    customer_id bigint references customer (customer_id) on delete set null,
    -- the catalogue entry; the name is kept so a later catalogue edit never orphans a miner
    asic_model_id bigint references asic_model (asic_model_id) on delete set null,
    model_name text not null check (length(model_name) between 1 and 120),
    serial text not null unique check (length(serial) between 1 and 64),
    -- IPv4 dotted quad, unique within a site (farms reuse private ranges across sites)
    ip text not null check (length(ip) between 7 and 15),
    -- lower-case, colon-separated
    mac text check (length(mac) = 17),
    rack text not null default '' check (length(rack) <= 40),
    status text not null check (status in ('active', 'maintenance', 'retired')),
    approval text not null check (approval in ('draft', 'pending', 'approved', 'rejected')),
    -- why it was rejected, or the approver's remark
    approval_note text check (length(approval_note) <= 500),
    approved_by_user_id bigint references user_account (user_id) on delete set null,
    created_at_ms bigint not null,
    updated_at_ms bigint not null,
    unique (site_id, ip)
);
create unique index miner_mac on miner (mac) where mac is not null;
create index miner_site_customer on miner (site_id, customer_id);
create index miner_customer on miner (customer_id);

-- Keys of standalone collectors, by SHA-256 (hex); each one writes to its site only.
create table collector_key (
    key_hash text primary key,
    site_id bigint not null references site (site_id) on delete cascade,
    label text not null check (length(label) between 1 and 80),
    created_at_ms bigint not null,
    last_used_at_ms bigint,
    revoked_at_ms bigint
);
create index collector_key_site on collector_key (site_id);
