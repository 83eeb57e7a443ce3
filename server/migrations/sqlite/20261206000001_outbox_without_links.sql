-- Issue #19: the outbox never holds a secret link. A mail waiting there names its account and
-- what the link was for; an admin who may manage that account hands over a new link (shown
-- once), which ends the old one. Bodies written before this held the link in plain text: they
-- are emptied, and their links stay usable only by whoever already has them.
alter table outbox_mail add column user_id integer references user_account (user_id) on delete cascade;
alter table outbox_mail add column purpose text
    check (purpose is null or purpose in ('verify_email', 'reset_password', 'setup_owner'));
update outbox_mail set
    user_id = (select t.user_id from auth_token t where t.token_hash = outbox_mail.token_hash),
    purpose = (select t.purpose from auth_token t where t.token_hash = outbox_mail.token_hash);
update outbox_mail set body = '' where token_hash is not null;
create index outbox_mail_user on outbox_mail (user_id);
-- the purge of used and expired links, and of idle sessions
create index auth_token_expiry on auth_token (expires_at_ms);
create index auth_token_user on auth_token (user_id, purpose);
create index user_session_seen on user_session (last_seen_at_ms);
create index siwe_nonce_expiry on siwe_nonce (expires_at_ms);
