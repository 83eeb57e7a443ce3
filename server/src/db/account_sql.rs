//! The accounts SQL both engines share: users, wallets, sessions, tokens, mail outbox, SIWE
//! nonces, API keys and the audit log (`accounts_impl` runs it).

const USER_COLUMNS: &str = "user_id, email, display_name, password_hash, role, email_verified_at_ms, \
     disabled_at_ms, access_expires_at_ms, created_at_ms, last_login_at_ms";

pub fn select_user(condition: &str) -> String {
    format!("select {USER_COLUMNS} from user_account where {condition}")
}

pub const COUNT_USERS: &str = "select count(*) from user_account";

pub const OTHER_ACTIVE_OWNERS: &str = "
    select count(*) from user_account
    where role = 'owner' and user_id <> $1 and disabled_at_ms is null
      and (access_expires_at_ms is null or access_expires_at_ms > $2)";

pub fn insert_user() -> String {
    format!(
        "insert into user_account (email, display_name, password_hash, role, email_verified_at_ms,
             access_expires_at_ms, created_at_ms)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning {USER_COLUMNS}"
    )
}

pub fn user_by_wallet() -> String {
    format!(
        "select {USER_COLUMNS} from user_account
         where user_id = (select user_id from wallet where address = $1)"
    )
}

/// `$1` is a `like` pattern that is already lower-case and escaped.
const USER_SEARCH: &str =
    "(lower(email) like $1 escape '\\' or lower(display_name) like $1 escape '\\'
     or exists (select 1 from wallet w where w.user_id = user_account.user_id
                and lower(w.address) like $1 escape '\\'))";

pub fn list_users() -> String {
    format!(
        "select {USER_COLUMNS} from user_account where {USER_SEARCH}
         order by created_at_ms desc, user_id desc limit $2 offset $3"
    )
}

pub fn count_users_matching() -> String {
    format!("select count(*) from user_account where {USER_SEARCH}")
}

pub const SET_ROLE: &str = "update user_account set role = $2 where user_id = $1";
pub const SET_ACCESS_EXPIRY: &str =
    "update user_account set access_expires_at_ms = $2 where user_id = $1";
pub const SET_DISABLED: &str = "update user_account set disabled_at_ms = $2 where user_id = $1";
pub const SET_PASSWORD: &str = "update user_account set password_hash = $2 where user_id = $1";
pub const SET_EMAIL_VERIFIED: &str = "update user_account set email_verified_at_ms = coalesce(email_verified_at_ms, $2) where user_id = $1";
pub const SET_LAST_LOGIN: &str = "update user_account set last_login_at_ms = $2 where user_id = $1";
pub const DELETE_USER: &str = "delete from user_account where user_id = $1";

pub const LINK_WALLET: &str =
    "insert into wallet (address, user_id, linked_at_ms) values ($1, $2, $3)";
pub const WALLETS_OF: &str =
    "select address from wallet where user_id = $1 order by linked_at_ms, address";
pub const WALLET_LINKS: &str =
    "select address, linked_at_ms from wallet where user_id = $1 order by linked_at_ms, address";
pub const UNLINK_WALLET: &str = "delete from wallet where user_id = $1 and address = $2";

pub const INSERT_SESSION: &str = "
    insert into user_session
        (session_hash, user_id, created_at_ms, last_seen_at_ms, expires_at_ms, ip, user_agent, method)
    values ($1, $2, $3, $3, $4, $5, $6, $7)";
pub const SELECT_SESSION: &str = "
    select session_hash, user_id, created_at_ms, last_seen_at_ms, expires_at_ms, method
    from user_session where session_hash = $1";
/// A session joined to its account and the account's first wallet (as `WALLETS_OF` orders).
pub fn signed_in() -> String {
    let user_columns: Vec<String> = USER_COLUMNS
        .split(',')
        .map(|column| format!("u.{}", column.trim()))
        .collect();
    format!(
        "select {}, s.session_hash, s.created_at_ms as session_created_at_ms, s.last_seen_at_ms,
                s.expires_at_ms, s.method,
                (select w.address from wallet w where w.user_id = u.user_id
                 order by w.linked_at_ms, w.address limit 1) as wallet_address
         from user_session s join user_account u on u.user_id = s.user_id
         where s.session_hash = $1",
        user_columns.join(", ")
    )
}

pub const TOUCH_SESSION: &str =
    "update user_session set last_seen_at_ms = $2 where session_hash = $1";
pub const DELETE_SESSION: &str = "delete from user_session where session_hash = $1";
pub const DELETE_USER_SESSIONS: &str = "delete from user_session where user_id = $1";

pub const INSERT_TOKEN: &str = "
    insert into auth_token (token_hash, purpose, user_id, created_at_ms, expires_at_ms)
    values ($1, $2, $3, $4, $5)";
pub const TAKE_TOKEN: &str = "
    update auth_token set used_at_ms = $3
    where token_hash = $1 and purpose = $2 and used_at_ms is null and expires_at_ms > $3
    returning user_id";
pub const PEEK_TOKEN: &str = "
    select user_id from auth_token
    where token_hash = $1 and purpose = $2 and used_at_ms is null and expires_at_ms > $3";
pub const DELETE_TOKEN_MAIL: &str = "delete from outbox_mail where token_hash = $1";
/// `$1` account, `$2` purpose: the mails of its open links, dropped before the links end.
pub const DELETE_OPEN_TOKEN_MAILS: &str = "
    delete from outbox_mail where token_hash in (
        select token_hash from auth_token
        where user_id = $1 and purpose = $2 and used_at_ms is null)";
pub const REVOKE_TOKENS: &str = "
    update auth_token set used_at_ms = $3
    where user_id = $1 and purpose = $2 and used_at_ms is null and expires_at_ms > $3";

pub const INSERT_MAIL: &str = "
    insert into outbox_mail (to_email, subject, body, token_hash, user_id, purpose, created_at_ms)
    values ($1, $2, $3, $4, $5, $6, $7)";
/// `$1` now; the addressee's role decides who may see a mail.
const OUTBOX: &str = "
    select m.outbox_mail_id, m.to_email, m.subject, coalesce(m.purpose, t.purpose) as purpose,
           m.user_id, u.role, m.created_at_ms
    from outbox_mail m
    left join auth_token t on t.token_hash = m.token_hash
    left join user_account u on u.user_id = m.user_id
    where m.sent_at_ms is null
      and (m.token_hash is null or (t.used_at_ms is null and t.expires_at_ms > $1))";

pub fn list_outbox() -> String {
    format!("{OUTBOX} order by m.created_at_ms desc, m.outbox_mail_id desc limit 200")
}

pub fn outbox_mail() -> String {
    format!("{OUTBOX} and m.outbox_mail_id = $2")
}

pub const PURGE_SESSIONS: &str =
    "delete from user_session where expires_at_ms <= $1 or last_seen_at_ms <= $2";
pub const PURGE_TOKEN_MAILS: &str = "
    delete from outbox_mail where token_hash in (
        select token_hash from auth_token where used_at_ms is not null or expires_at_ms <= $1)";
pub const PURGE_TOKENS: &str =
    "delete from auth_token where used_at_ms is not null or expires_at_ms <= $1";
pub const PURGE_NONCES: &str = "delete from siwe_nonce where expires_at_ms <= $1";

pub const INSERT_NONCE: &str =
    "insert into siwe_nonce (nonce, message, link_user_id, expires_at_ms) values ($1, $2, $3, $4)";
pub const TAKE_NONCE: &str =
    "delete from siwe_nonce where nonce = $1 returning message, link_user_id, expires_at_ms";

const API_KEY_COLUMNS: &str =
    "api_key_id, user_id, name, prefix, role, created_at_ms, last_used_at_ms, revoked_at_ms";

pub fn insert_api_key() -> String {
    format!(
        "insert into api_key (user_id, name, prefix, key_hash, role, created_at_ms)
         values ($1, $2, $3, $4, $5, $6) returning {API_KEY_COLUMNS}"
    )
}

pub fn list_api_keys() -> String {
    format!(
        "select {API_KEY_COLUMNS} from api_key where user_id = $1
         order by revoked_at_ms is not null, created_at_ms desc"
    )
}

pub fn api_key_by_hash() -> String {
    format!("select {API_KEY_COLUMNS} from api_key where key_hash = $1 and revoked_at_ms is null")
}

pub const REVOKE_API_KEY: &str = "
    update api_key set revoked_at_ms = coalesce(revoked_at_ms, $3)
    where api_key_id = $1 and user_id = $2";
pub const TOUCH_API_KEY: &str = "update api_key set last_used_at_ms = $2 where api_key_id = $1";

pub const INSERT_AUDIT: &str = "
    insert into audit_event
        (at_ms, action, outcome, actor_user_id, actor, subject_user_id, ip, user_agent, detail)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// `$1` action pattern, `$2` actor, `$3` subject, `$4` since, `$5` until; null means any.
const AUDIT_FILTER: &str = "
    ($1 is null or action like $1 escape '\\')
    and ($2 is null or actor_user_id = $2)
    and ($3 is null or subject_user_id = $3)
    and ($4 is null or at_ms >= $4)
    and ($5 is null or at_ms < $5)";

pub fn list_audit() -> String {
    format!(
        "select audit_event_id, at_ms, action, outcome, actor_user_id, actor, subject_user_id, ip,
                user_agent, detail
         from audit_event where {AUDIT_FILTER}
         order by at_ms desc, audit_event_id desc limit $6 offset $7"
    )
}

pub fn count_audit() -> String {
    format!("select count(*) from audit_event where {AUDIT_FILTER}")
}

/// A `like` pattern matching text that contains (or, with `prefix_only`, starts with) `needle`
/// literally.
pub fn like_pattern(needle: &str, prefix_only: bool) -> String {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    if prefix_only {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}
