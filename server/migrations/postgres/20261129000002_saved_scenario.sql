-- Calculator scenarios a signed-in user saved under a name. The inputs are the calculator's
-- URL query, so opening a saved scenario is opening its link.
create table saved_scenario (
    scenario_id bigint generated always as identity primary key,
    user_id bigint not null references user_account (user_id) on delete cascade,
    name text not null check (char_length(name) between 1 and 80),
    query text not null check (char_length(query) <= 2000),
    created_at_ms bigint not null,
    updated_at_ms bigint not null,
    unique (user_id, name)
);
