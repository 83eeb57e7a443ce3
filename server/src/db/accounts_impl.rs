//! The accounts SQL both engines share and `AccountStore` over it, as `store_impl` does for
//! the catalogue.

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
pub const WALLETS_OF: &str = "select address from wallet where user_id = $1 order by linked_at_ms";
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

use crate::db::SqlStore;

#[async_trait::async_trait]
impl store::accounts::AccountStore for SqlStore {
    async fn count_users(&self) -> Result<i64, store::StoreError> {
        crate::db::exec::query_scalar::<i64>(crate::db::accounts_impl::COUNT_USERS)
            .fetch_one(&self.db)
            .await
            .map_err(crate::db::store_error)
    }

    async fn other_active_owners(
        &self,
        user_id: i64,
        now_ms: i64,
    ) -> Result<i64, store::StoreError> {
        crate::db::exec::query_scalar::<i64>(crate::db::accounts_impl::OTHER_ACTIVE_OWNERS)
            .bind(user_id)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map_err(crate::db::store_error)
    }

    async fn create_user(
        &self,
        user: &store::accounts::NewUser,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::UserRow>(
            &crate::db::accounts_impl::insert_user(),
        )
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(user.email_verified_at_ms)
        .bind(user.access_expires_at_ms)
        .bind(user.created_at_ms)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn emails_of(
        &self,
        user_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, store::StoreError> {
        use crate::db::fleet_sql::{IN_LIST_CHUNK, placeholders};
        let mut emails = std::collections::HashMap::with_capacity(user_ids.len());
        for chunk in user_ids.chunks(IN_LIST_CHUNK) {
            let sql = format!(
                "select user_id, email from user_account \
                 where email is not null and user_id in ({})",
                placeholders(1, chunk.len())
            );
            let mut query = crate::db::exec::query_as::<(i64, String)>(&sql).persistent(false);
            for id in chunk {
                query = query.bind(*id);
            }
            emails.extend(
                query
                    .fetch_all(&self.db)
                    .await
                    .map_err(crate::db::store_error)?,
            );
        }
        Ok(emails)
    }

    async fn user_by_id(
        &self,
        user_id: i64,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::UserRow>(
            &crate::db::accounts_impl::select_user("user_id = $1"),
        )
        .bind(user_id)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn user_by_email(
        &self,
        email: &str,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::UserRow>(
            &crate::db::accounts_impl::select_user("email = $1"),
        )
        .bind(email)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn user_by_wallet(
        &self,
        address: &str,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::UserRow>(
            &crate::db::accounts_impl::user_by_wallet(),
        )
        .bind(address)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn list_users(
        &self,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<store::accounts::UserRecord>, i64), store::StoreError> {
        let pattern = crate::db::accounts_impl::like_pattern(&search.to_lowercase(), false);
        let total =
            crate::db::exec::query_scalar::<i64>(&crate::db::accounts_impl::count_users_matching())
                .bind(&pattern)
                .fetch_one(&self.db)
                .await
                .map_err(crate::db::store_error)?;
        let users = crate::db::exec::query_as::<crate::db::account_rows::UserRow>(
            &crate::db::accounts_impl::list_users(),
        )
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<Vec<_>, _>>()?;
        Ok((users, total))
    }

    async fn update_user(
        &self,
        user_id: i64,
        change: &store::accounts::UserChange,
    ) -> Result<(), store::StoreError> {
        use crate::db::accounts_impl as q;
        use store::accounts::UserChange;
        let query = crate::db::exec::query(match change {
            UserChange::Role(_) => q::SET_ROLE,
            UserChange::AccessExpiry(_) => q::SET_ACCESS_EXPIRY,
            UserChange::Disabled(_) => q::SET_DISABLED,
            UserChange::PasswordHash(_) => q::SET_PASSWORD,
            UserChange::EmailVerified(_) => q::SET_EMAIL_VERIFIED,
            UserChange::LastLogin(_) => q::SET_LAST_LOGIN,
        })
        .bind(user_id);
        let query = match change {
            UserChange::Role(role) => query.bind(role.as_str()),
            UserChange::AccessExpiry(at) | UserChange::Disabled(at) => query.bind(*at),
            UserChange::PasswordHash(hash) => query.bind(hash.as_str()),
            UserChange::EmailVerified(at) | UserChange::LastLogin(at) => query.bind(Some(*at)),
        };
        let done = query
            .execute(&self.db)
            .await
            .map_err(crate::db::store_error)?;
        if done.rows_affected() == 0 {
            return Err(store::StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_user(&self, user_id: i64) -> Result<(), store::StoreError> {
        let done = crate::db::exec::query(crate::db::accounts_impl::DELETE_USER)
            .bind(user_id)
            .execute(&self.db)
            .await
            .map_err(crate::db::store_error)?;
        if done.rows_affected() == 0 {
            return Err(store::StoreError::NotFound);
        }
        Ok(())
    }

    async fn link_wallet(
        &self,
        user_id: i64,
        address: &str,
        at_ms: i64,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::LINK_WALLET)
            .bind(address)
            .bind(user_id)
            .bind(at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn wallets_of(&self, user_id: i64) -> Result<Vec<String>, store::StoreError> {
        crate::db::exec::query_scalar::<String>(crate::db::accounts_impl::WALLETS_OF)
            .bind(user_id)
            .fetch_all(&self.db)
            .await
            .map_err(crate::db::store_error)
    }

    async fn wallet_links(
        &self,
        user_id: i64,
    ) -> Result<Vec<domain::account::WalletLink>, store::StoreError> {
        let rows =
            crate::db::exec::query_as::<(String, i64)>(crate::db::accounts_impl::WALLET_LINKS)
                .bind(user_id)
                .fetch_all(&self.db)
                .await
                .map_err(crate::db::store_error)?;
        Ok(rows
            .into_iter()
            .map(|(address, linked_at_ms)| domain::account::WalletLink {
                address,
                linked_at_ms,
            })
            .collect())
    }

    async fn unlink_wallet(&self, user_id: i64, address: &str) -> Result<(), store::StoreError> {
        let done = crate::db::exec::query(crate::db::accounts_impl::UNLINK_WALLET)
            .bind(user_id)
            .bind(address)
            .execute(&self.db)
            .await
            .map_err(crate::db::store_error)?;
        if done.rows_affected() == 0 {
            return Err(store::StoreError::NotFound);
        }
        Ok(())
    }

    async fn create_session(
        &self,
        session: &store::accounts::NewSession,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::INSERT_SESSION)
            .bind(&session.session_hash)
            .bind(session.user_id)
            .bind(session.created_at_ms)
            .bind(session.expires_at_ms)
            .bind(&session.ip)
            .bind(&session.user_agent)
            .bind(session.method)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn session(
        &self,
        session_hash: &str,
    ) -> Result<store::accounts::SessionRecord, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::SessionRow>(
            crate::db::accounts_impl::SELECT_SESSION,
        )
        .bind(session_hash)
        .fetch_one(&self.db)
        .await
        .map(Into::into)
        .map_err(crate::db::store_error)
    }

    async fn touch_session(
        &self,
        session_hash: &str,
        now_ms: i64,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::TOUCH_SESSION)
            .bind(session_hash)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::DELETE_SESSION)
            .bind(session_hash)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::DELETE_USER_SESSIONS)
            .bind(user_id)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn create_token(
        &self,
        token: &store::accounts::NewToken,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::INSERT_TOKEN)
            .bind(&token.token_hash)
            .bind(token.purpose.as_str())
            .bind(token.user_id)
            .bind(token.created_at_ms)
            .bind(token.expires_at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn take_token(
        &self,
        token_hash: &str,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, store::StoreError> {
        let mut tx = self.db.begin().await.map_err(crate::db::store_error)?;
        let user_id =
            crate::db::exec::query_scalar::<Option<i64>>(crate::db::accounts_impl::TAKE_TOKEN)
                .bind(token_hash)
                .bind(purpose.as_str())
                .bind(now_ms)
                .fetch_optional(&mut tx)
                .await
                .map_err(crate::db::store_error)?
                .ok_or(store::StoreError::NotFound)?;
        crate::db::exec::query(crate::db::accounts_impl::DELETE_TOKEN_MAIL)
            .bind(token_hash)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?;
        tx.commit().await.map_err(crate::db::store_error)?;
        Ok(user_id)
    }

    async fn peek_token(
        &self,
        token_hash: &str,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, store::StoreError> {
        crate::db::exec::query_scalar::<Option<i64>>(crate::db::accounts_impl::PEEK_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now_ms)
            .fetch_optional(&self.db)
            .await
            .map_err(crate::db::store_error)?
            .ok_or(store::StoreError::NotFound)
    }

    async fn revoke_tokens(
        &self,
        user_id: i64,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<u64, store::StoreError> {
        let mut tx = self.db.begin().await.map_err(crate::db::store_error)?;
        crate::db::exec::query(crate::db::accounts_impl::DELETE_OPEN_TOKEN_MAILS)
            .bind(user_id)
            .bind(purpose.as_str())
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?;
        let done = crate::db::exec::query(crate::db::accounts_impl::REVOKE_TOKENS)
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?;
        tx.commit().await.map_err(crate::db::store_error)?;
        Ok(done.rows_affected())
    }

    async fn queue_mail(&self, mail: &store::accounts::NewMail) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::INSERT_MAIL)
            .bind(&mail.to_email)
            .bind(&mail.subject)
            .bind(&mail.body)
            .bind(&mail.token_hash)
            .bind(mail.user_id)
            .bind(mail.purpose.map(store::accounts::TokenPurpose::as_str))
            .bind(mail.created_at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn list_outbox(
        &self,
        now_ms: i64,
    ) -> Result<Vec<domain::account::OutboxMail>, store::StoreError> {
        let rows = crate::db::exec::query_as::<crate::db::account_rows::OutboxRow>(
            &crate::db::accounts_impl::list_outbox(),
        )
        .bind(now_ms)
        .fetch_all(&self.db)
        .await
        .map_err(crate::db::store_error)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn outbox_mail(
        &self,
        outbox_mail_id: i64,
        now_ms: i64,
    ) -> Result<domain::account::OutboxMail, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::OutboxRow>(
            &crate::db::accounts_impl::outbox_mail(),
        )
        .bind(now_ms)
        .bind(outbox_mail_id)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn purge_auth(
        &self,
        now_ms: i64,
        idle_before_ms: i64,
    ) -> Result<store::accounts::AuthPurge, store::StoreError> {
        use crate::db::accounts_impl as sql;
        let mut tx = self.db.begin().await.map_err(crate::db::store_error)?;
        let sessions = crate::db::exec::query(sql::PURGE_SESSIONS)
            .bind(now_ms)
            .bind(idle_before_ms)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?
            .rows_affected();
        crate::db::exec::query(sql::PURGE_TOKEN_MAILS)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?;
        let tokens = crate::db::exec::query(sql::PURGE_TOKENS)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?
            .rows_affected();
        let nonces = crate::db::exec::query(sql::PURGE_NONCES)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(crate::db::store_error)?
            .rows_affected();
        tx.commit().await.map_err(crate::db::store_error)?;
        Ok(store::accounts::AuthPurge {
            sessions,
            tokens,
            nonces,
        })
    }

    async fn create_siwe_nonce(
        &self,
        nonce: &str,
        message: &str,
        link_user_id: Option<i64>,
        expires_at_ms: i64,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::INSERT_NONCE)
            .bind(nonce)
            .bind(message)
            .bind(link_user_id)
            .bind(expires_at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn take_siwe_nonce(
        &self,
        nonce: &str,
    ) -> Result<(String, Option<i64>, i64), store::StoreError> {
        crate::db::exec::query_as::<(String, Option<i64>, i64)>(
            crate::db::accounts_impl::TAKE_NONCE,
        )
        .bind(nonce)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)
    }

    async fn create_api_key(
        &self,
        key: &store::accounts::NewApiKeyRecord,
    ) -> Result<domain::account::ApiKeyInfo, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::ApiKeyRow>(
            &crate::db::accounts_impl::insert_api_key(),
        )
        .bind(key.user_id)
        .bind(&key.name)
        .bind(&key.prefix)
        .bind(&key.key_hash)
        .bind(key.role.as_str())
        .bind(key.created_at_ms)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .try_into()
    }

    async fn list_api_keys(
        &self,
        user_id: i64,
    ) -> Result<Vec<domain::account::ApiKeyInfo>, store::StoreError> {
        crate::db::exec::query_as::<crate::db::account_rows::ApiKeyRow>(
            &crate::db::accounts_impl::list_api_keys(),
        )
        .bind(user_id)
        .fetch_all(&self.db)
        .await
        .map_err(crate::db::store_error)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
    }

    async fn revoke_api_key(
        &self,
        api_key_id: i64,
        user_id: i64,
        now_ms: i64,
    ) -> Result<(), store::StoreError> {
        let done = crate::db::exec::query(crate::db::accounts_impl::REVOKE_API_KEY)
            .bind(api_key_id)
            .bind(user_id)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map_err(crate::db::store_error)?;
        if done.rows_affected() == 0 {
            return Err(store::StoreError::NotFound);
        }
        Ok(())
    }

    async fn api_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<(domain::account::ApiKeyInfo, i64), store::StoreError> {
        let row = crate::db::exec::query_as::<crate::db::account_rows::ApiKeyRow>(
            &crate::db::accounts_impl::api_key_by_hash(),
        )
        .bind(key_hash)
        .fetch_one(&self.db)
        .await
        .map_err(crate::db::store_error)?;
        let user_id = row.user_id;
        Ok((row.try_into()?, user_id))
    }

    async fn touch_api_key(&self, api_key_id: i64, now_ms: i64) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::TOUCH_API_KEY)
            .bind(api_key_id)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn record_audit(
        &self,
        event: &store::accounts::NewAuditEvent,
    ) -> Result<(), store::StoreError> {
        crate::db::exec::query(crate::db::accounts_impl::INSERT_AUDIT)
            .bind(event.at_ms)
            .bind(&event.action)
            .bind(event.outcome)
            .bind(event.actor_user_id)
            .bind(&event.actor)
            .bind(event.subject_user_id)
            .bind(&event.ip)
            .bind(&event.user_agent)
            .bind(&event.detail)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(crate::db::store_error)
    }

    async fn list_audit(
        &self,
        filter: &domain::account::AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<domain::account::AuditEntry>, i64), store::StoreError> {
        let action = filter
            .action
            .as_deref()
            .map(|a| crate::db::accounts_impl::like_pattern(a, true));
        let total = crate::db::exec::query_scalar::<i64>(&crate::db::accounts_impl::count_audit())
            .bind(&action)
            .bind(filter.actor_user_id)
            .bind(filter.subject_user_id)
            .bind(filter.since_ms)
            .bind(filter.until_ms)
            .fetch_one(&self.db)
            .await
            .map_err(crate::db::store_error)?;
        let rows = crate::db::exec::query_as::<crate::db::account_rows::AuditRow>(
            &crate::db::accounts_impl::list_audit(),
        )
        .bind(&action)
        .bind(filter.actor_user_id)
        .bind(filter.subject_user_id)
        .bind(filter.since_ms)
        .bind(filter.until_ms)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.db)
        .await
        .map_err(crate::db::store_error)?;
        Ok((rows.into_iter().map(Into::into).collect(), total))
    }
}
