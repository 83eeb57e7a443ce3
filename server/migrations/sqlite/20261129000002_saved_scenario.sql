-- Calculator scenarios a signed-in user saved under a name. The inputs are the calculator's
-- URL query, so opening a saved scenario is opening its link.
create table saved_scenario (
    scenario_id integer primary key autoincrement,
    user_id integer not null references user_account (user_id) on delete cascade,
    name text not null check (length(name) between 1 and 80),
    query text not null check (length(query) <= 2000),
    created_at_ms integer not null,
    updated_at_ms integer not null,
    unique (user_id, name)
);
