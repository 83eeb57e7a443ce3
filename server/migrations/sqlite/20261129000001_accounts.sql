-- Accounts, sessions and everything that proves who a caller is (issue #5). Times are unix
-- milliseconds (UTC). Secrets are never stored: sessions, tokens and API keys by SHA-256 hash.

create table user_account (
    user_id integer primary key autoincrement,
    -- lower-cased; null for an account that only signs in with a wallet
    email text unique,
    display_name text not null,
    -- argon2id PHC string; null when the account has no password (wallet only, or not set yet)
    password_hash text,
    role text not null check (role in ('owner', 'admin', 'mining_site_owner', 'operator', 'client', 'guest')),
    email_verified_at_ms integer,
    -- set while the account is disabled
    disabled_at_ms integer,
    -- the end of the access period; null means no end
    access_expires_at_ms integer,
    created_at_ms integer not null,
    last_login_at_ms integer
);
create index user_account_role on user_account (role);

-- EIP-55 checksummed addresses; one account per wallet, any number of wallets per account.
create table wallet (
    address text primary key,
    user_id integer not null references user_account (user_id) on delete cascade,
    linked_at_ms integer not null
);
create index wallet_user on wallet (user_id);

create table user_session (
    -- SHA-256 (hex) of the cookie value
    session_hash text primary key,
    user_id integer not null references user_account (user_id) on delete cascade,
    created_at_ms integer not null,
    last_seen_at_ms integer not null,
    -- absolute expiry; the idle limit is checked against last_seen_at_ms
    expires_at_ms integer not null,
    ip text,
    user_agent text,
    -- 'password', 'wallet' or 'setup'
    method text not null
);
create index user_session_user on user_session (user_id);

-- Single-use links: e-mail verification, password reset, first-run owner setup.
create table auth_token (
    token_hash text primary key,
    purpose text not null check (purpose in ('verify_email', 'reset_password', 'setup_owner')),
    -- null only for the first-run setup token, which creates the account
    user_id integer references user_account (user_id) on delete cascade,
    created_at_ms integer not null,
    expires_at_ms integer not null,
    used_at_ms integer
);

-- Mail waiting for delivery. Without SMTP, owners and admins read it in the app and pass the
-- link on; a row is removed once sent or once its link is used.
create table outbox_mail (
    outbox_mail_id integer primary key autoincrement,
    to_email text not null,
    subject text not null,
    body text not null,
    token_hash text references auth_token (token_hash) on delete cascade,
    created_at_ms integer not null,
    sent_at_ms integer
);

-- SIWE: the exact message issued with each nonce; taken (deleted) when used.
create table siwe_nonce (
    nonce text primary key,
    message text not null,
    -- the account that asked to link a wallet; null for a sign-in
    link_user_id integer references user_account (user_id) on delete cascade,
    expires_at_ms integer not null
);

create table api_key (
    api_key_id integer primary key autoincrement,
    user_id integer not null references user_account (user_id) on delete cascade,
    name text not null,
    -- the first characters of the key, to recognise it in a list
    prefix text not null,
    key_hash text not null unique,
    -- the key acts with this role at most (never above its owner's current role)
    role text not null check (role in ('owner', 'admin', 'mining_site_owner', 'operator', 'client', 'guest')),
    created_at_ms integer not null,
    last_used_at_ms integer,
    revoked_at_ms integer
);
create index api_key_user on api_key (user_id);

-- Who did what, when and from where. Rows outlive the accounts they name.
create table audit_event (
    audit_event_id integer primary key autoincrement,
    at_ms integer not null,
    -- e.g. 'login.success', 'user.role', 'api_key.create'
    action text not null,
    -- 'ok' or 'denied' or 'failed'
    outcome text not null,
    actor_user_id integer,
    -- the actor as they were named at the time (e-mail, wallet, key prefix)
    actor text,
    -- the account the action was about
    subject_user_id integer,
    ip text,
    user_agent text,
    -- JSON with the action's details (old and new role, key name…)
    detail text not null
);
create index audit_event_at on audit_event (at_ms);
create index audit_event_subject on audit_event (subject_user_id, at_ms);
create index audit_event_action on audit_event (action, at_ms);
