-- Alerts (issue #6): one row per alert, from the moment it opens until it resolves, kept after
-- that as history. The engine's state between polling cycles (streaks, cooldowns) is one JSON
-- document per site in alert_book, written in the same transaction as the rows it explains;
-- its version lets several servers (or a restarted one) notice that another wrote it since.
create table alert (
    alert_id bigint generated always as identity primary key,
    site_id bigint not null references site (site_id) on delete cascade,
    miner_id bigint not null references miner (miner_id) on delete cascade,
    kind text not null check (kind in ('temperature', 'offline', 'hashrate_low', 'hardware_errors', 'fan_stopped', 'dead_boards')),
    severity text not null check (severity in ('warning', 'critical')),
    opened_at_ms bigint not null,
    escalated_at_ms bigint,
    resolved_at_ms bigint,
    -- the reading that opened (or escalated) it, in the kind's unit, and its threshold
    value double precision not null,
    threshold double precision not null,
    acknowledged_by_user_id bigint references user_account (user_id) on delete set null,
    acknowledged_at_ms bigint,
    -- when the e-mail about it went out; null while none was sent
    notified_at_ms bigint
);
-- At most one open alert per miner and kind: the engine's invariant, kept by the database too.
create unique index alert_open on alert (miner_id, kind) where resolved_at_ms is null;
create index alert_site_open on alert (site_id, opened_at_ms) where resolved_at_ms is null;
create index alert_site_opened on alert (site_id, opened_at_ms);

create table alert_book (
    site_id bigint primary key references site (site_id) on delete cascade,
    book text not null,
    version bigint not null,
    updated_at_ms bigint not null
);
