//! `store::accounts::AccountStore` on either engine, over the statements in `account_sql`.

use crate::db::{SqlStore, account_rows, account_sql, exec, fleet_sql, store_error};

#[async_trait::async_trait]
impl store::accounts::AccountStore for SqlStore {
    async fn count_users(&self) -> Result<i64, store::StoreError> {
        exec::query_scalar::<i64>(account_sql::COUNT_USERS)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)
    }

    async fn other_active_owners(
        &self,
        user_id: i64,
        now_ms: i64,
    ) -> Result<i64, store::StoreError> {
        exec::query_scalar::<i64>(account_sql::OTHER_ACTIVE_OWNERS)
            .bind(user_id)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)
    }

    async fn create_user(
        &self,
        user: &store::accounts::NewUser,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        exec::query_as::<account_rows::UserRow>(&account_sql::insert_user())
            .bind(&user.email)
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.role.as_str())
            .bind(user.email_verified_at_ms)
            .bind(user.access_expires_at_ms)
            .bind(user.created_at_ms)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn emails_of(
        &self,
        user_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, placeholders};
        let mut emails = std::collections::HashMap::with_capacity(user_ids.len());
        for chunk in user_ids.chunks(IN_LIST_CHUNK) {
            let sql = format!(
                "select user_id, email from user_account \
                 where email is not null and user_id in ({})",
                placeholders(1, chunk.len())
            );
            let mut query = exec::query_as::<(i64, String)>(&sql).persistent(false);
            for id in chunk {
                query = query.bind(*id);
            }
            emails.extend(query.fetch_all(&self.db).await.map_err(store_error)?);
        }
        Ok(emails)
    }

    async fn user_by_id(
        &self,
        user_id: i64,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        exec::query_as::<account_rows::UserRow>(&account_sql::select_user("user_id = $1"))
            .bind(user_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn user_by_email(
        &self,
        email: &str,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        exec::query_as::<account_rows::UserRow>(&account_sql::select_user("email = $1"))
            .bind(email)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn user_by_wallet(
        &self,
        address: &str,
    ) -> Result<store::accounts::UserRecord, store::StoreError> {
        exec::query_as::<account_rows::UserRow>(&account_sql::user_by_wallet())
            .bind(address)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn list_users(
        &self,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<store::accounts::UserRecord>, i64), store::StoreError> {
        let pattern = account_sql::like_pattern(&search.to_lowercase(), false);
        let total = exec::query_scalar::<i64>(&account_sql::count_users_matching())
            .bind(&pattern)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        let users = exec::query_as::<account_rows::UserRow>(&account_sql::list_users())
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
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
        use crate::db::account_sql as q;
        use store::accounts::UserChange;
        let query = exec::query(match change {
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
        query.execute(&self.db).await.map_err(store_error)?.found()
    }

    async fn delete_user(&self, user_id: i64) -> Result<(), store::StoreError> {
        exec::query(account_sql::DELETE_USER)
            .bind(user_id)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn link_wallet(
        &self,
        user_id: i64,
        address: &str,
        at_ms: i64,
    ) -> Result<(), store::StoreError> {
        exec::query(account_sql::LINK_WALLET)
            .bind(address)
            .bind(user_id)
            .bind(at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn wallets_of(&self, user_id: i64) -> Result<Vec<String>, store::StoreError> {
        exec::query_scalar::<String>(account_sql::WALLETS_OF)
            .bind(user_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }

    async fn wallet_links(
        &self,
        user_id: i64,
    ) -> Result<Vec<domain::account::WalletLink>, store::StoreError> {
        let rows = exec::query_as::<(String, i64)>(account_sql::WALLET_LINKS)
            .bind(user_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(address, linked_at_ms)| domain::account::WalletLink {
                address,
                linked_at_ms,
            })
            .collect())
    }

    async fn unlink_wallet(&self, user_id: i64, address: &str) -> Result<(), store::StoreError> {
        exec::query(account_sql::UNLINK_WALLET)
            .bind(user_id)
            .bind(address)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn create_session(
        &self,
        session: &store::accounts::NewSession,
    ) -> Result<(), store::StoreError> {
        exec::query(account_sql::INSERT_SESSION)
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
            .map_err(store_error)
    }

    async fn signed_in(
        &self,
        session_hash: &str,
    ) -> Result<store::accounts::SignedIn, store::StoreError> {
        exec::query_as::<account_rows::SignedInRow>(&account_sql::signed_in())
            .bind(session_hash)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn session(
        &self,
        session_hash: &str,
    ) -> Result<store::accounts::SessionRecord, store::StoreError> {
        exec::query_as::<account_rows::SessionRow>(account_sql::SELECT_SESSION)
            .bind(session_hash)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn touch_session(
        &self,
        session_hash: &str,
        now_ms: i64,
    ) -> Result<(), store::StoreError> {
        exec::query(account_sql::TOUCH_SESSION)
            .bind(session_hash)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), store::StoreError> {
        exec::query(account_sql::DELETE_SESSION)
            .bind(session_hash)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<(), store::StoreError> {
        exec::query(account_sql::DELETE_USER_SESSIONS)
            .bind(user_id)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn create_token(
        &self,
        token: &store::accounts::NewToken,
    ) -> Result<(), store::StoreError> {
        exec::query(account_sql::INSERT_TOKEN)
            .bind(&token.token_hash)
            .bind(token.purpose.as_str())
            .bind(token.user_id)
            .bind(token.created_at_ms)
            .bind(token.expires_at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn take_token(
        &self,
        token_hash: &str,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, store::StoreError> {
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let user_id = exec::query_scalar::<Option<i64>>(account_sql::TAKE_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now_ms)
            .fetch_optional(&mut tx)
            .await
            .map_err(store_error)?
            .ok_or(store::StoreError::NotFound)?;
        exec::query(account_sql::DELETE_TOKEN_MAIL)
            .bind(token_hash)
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(user_id)
    }

    async fn peek_token(
        &self,
        token_hash: &str,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, store::StoreError> {
        exec::query_scalar::<Option<i64>>(account_sql::PEEK_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now_ms)
            .fetch_optional(&self.db)
            .await
            .map_err(store_error)?
            .ok_or(store::StoreError::NotFound)
    }

    async fn revoke_tokens(
        &self,
        user_id: i64,
        purpose: store::accounts::TokenPurpose,
        now_ms: i64,
    ) -> Result<u64, store::StoreError> {
        let mut tx = self.db.begin().await.map_err(store_error)?;
        exec::query(account_sql::DELETE_OPEN_TOKEN_MAILS)
            .bind(user_id)
            .bind(purpose.as_str())
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        let done = exec::query(account_sql::REVOKE_TOKENS)
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(done.rows_affected())
    }

    async fn queue_mail(&self, mail: &store::accounts::NewMail) -> Result<(), store::StoreError> {
        exec::query(account_sql::INSERT_MAIL)
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
            .map_err(store_error)
    }

    async fn list_outbox(
        &self,
        now_ms: i64,
    ) -> Result<Vec<domain::account::OutboxMail>, store::StoreError> {
        let rows = exec::query_as::<account_rows::OutboxRow>(&account_sql::list_outbox())
            .bind(now_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn outbox_mail(
        &self,
        outbox_mail_id: i64,
        now_ms: i64,
    ) -> Result<domain::account::OutboxMail, store::StoreError> {
        exec::query_as::<account_rows::OutboxRow>(&account_sql::outbox_mail())
            .bind(now_ms)
            .bind(outbox_mail_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn purge_auth(
        &self,
        now_ms: i64,
        idle_before_ms: i64,
    ) -> Result<store::accounts::AuthPurge, store::StoreError> {
        use crate::db::account_sql as sql;
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let sessions = exec::query(sql::PURGE_SESSIONS)
            .bind(now_ms)
            .bind(idle_before_ms)
            .execute(&mut tx)
            .await
            .map_err(store_error)?
            .rows_affected();
        exec::query(sql::PURGE_TOKEN_MAILS)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(store_error)?;
        let tokens = exec::query(sql::PURGE_TOKENS)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(store_error)?
            .rows_affected();
        let nonces = exec::query(sql::PURGE_NONCES)
            .bind(now_ms)
            .execute(&mut tx)
            .await
            .map_err(store_error)?
            .rows_affected();
        tx.commit().await.map_err(store_error)?;
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
        exec::query(account_sql::INSERT_NONCE)
            .bind(nonce)
            .bind(message)
            .bind(link_user_id)
            .bind(expires_at_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn take_siwe_nonce(
        &self,
        nonce: &str,
    ) -> Result<(String, Option<i64>, i64), store::StoreError> {
        exec::query_as::<(String, Option<i64>, i64)>(account_sql::TAKE_NONCE)
            .bind(nonce)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)
    }

    async fn create_api_key(
        &self,
        key: &store::accounts::NewApiKeyRecord,
    ) -> Result<domain::account::ApiKeyInfo, store::StoreError> {
        exec::query_as::<account_rows::ApiKeyRow>(&account_sql::insert_api_key())
            .bind(key.user_id)
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(&key.key_hash)
            .bind(key.role.as_str())
            .bind(key.created_at_ms)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn list_api_keys(
        &self,
        user_id: i64,
    ) -> Result<Vec<domain::account::ApiKeyInfo>, store::StoreError> {
        exec::query_as::<account_rows::ApiKeyRow>(&account_sql::list_api_keys())
            .bind(user_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
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
        exec::query(account_sql::REVOKE_API_KEY)
            .bind(api_key_id)
            .bind(user_id)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn api_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<(domain::account::ApiKeyInfo, i64), store::StoreError> {
        let row = exec::query_as::<account_rows::ApiKeyRow>(&account_sql::api_key_by_hash())
            .bind(key_hash)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        let user_id = row.user_id;
        Ok((row.try_into()?, user_id))
    }

    async fn touch_api_key(&self, api_key_id: i64, now_ms: i64) -> Result<(), store::StoreError> {
        exec::query(account_sql::TOUCH_API_KEY)
            .bind(api_key_id)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn record_audit(
        &self,
        event: &store::accounts::NewAuditEvent,
    ) -> Result<(), store::StoreError> {
        exec::query(account_sql::INSERT_AUDIT)
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
            .map_err(store_error)
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
            .map(|a| account_sql::like_pattern(a, true));
        let total = exec::query_scalar::<i64>(&account_sql::count_audit())
            .bind(&action)
            .bind(filter.actor_user_id)
            .bind(filter.subject_user_id)
            .bind(filter.since_ms)
            .bind(filter.until_ms)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        let rows = exec::query_as::<account_rows::AuditRow>(&account_sql::list_audit())
            .bind(&action)
            .bind(filter.actor_user_id)
            .bind(filter.subject_user_id)
            .bind(filter.since_ms)
            .bind(filter.until_ms)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok((rows.into_iter().map(Into::into).collect(), total))
    }
}
