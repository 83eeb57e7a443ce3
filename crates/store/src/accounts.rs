//! The accounts part of storage: users, wallets, sessions, single-use tokens, SIWE nonces, API
//! keys, the mail outbox and the audit log. Implemented for SQLite and PostgreSQL by the server.

use async_trait::async_trait;

use crate::StoreError;
use domain::access::Role;
use domain::account::{ApiKeyInfo, AuditEntry, AuditFilter, OutboxMail, WalletLink};

/// A session as a request resolves it: the session, its account, the first wallet linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub session: SessionRecord,
    pub user: UserRecord,
    pub wallet_address: Option<String>,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user_id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub email_verified_at_ms: Option<i64>,
    pub disabled_at_ms: Option<i64>,
    pub access_expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub last_login_at_ms: Option<i64>,
}

impl UserRecord {
    /// Whether the account may be used at `now_ms`: not disabled, access period not over.
    pub fn is_active(&self, now_ms: i64) -> bool {
        self.disabled_at_ms.is_none() && self.access_expires_at_ms.is_none_or(|end| now_ms < end)
    }

    /// Registered by someone who typed this address and has not yet proved they read its mail.
    /// Rights given to the address must wait: whoever registers `victim@corp` first would get
    /// them. (An account an admin created has no password until its link is used, and its
    /// address is the admin's choice.)
    pub fn claims_unconfirmed_email(&self) -> bool {
        self.email.is_some() && self.email_verified_at_ms.is_none() && self.password_hash.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Option<String>,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub email_verified_at_ms: Option<i64>,
    pub access_expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

/// One change to an account.
#[derive(Debug, Clone)]
pub enum UserChange {
    Role(Role),
    AccessExpiry(Option<i64>),
    Disabled(Option<i64>),
    PasswordHash(String),
    EmailVerified(i64),
    LastLogin(i64),
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_hash: String,
    pub user_id: i64,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub method: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub session_hash: String,
    pub user_id: i64,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
    pub method: String,
}

/// What a single-use token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    SetupOwner,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::SetupOwner => "setup_owner",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub token_hash: String,
    pub purpose: TokenPurpose,
    pub user_id: Option<i64>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewApiKeyRecord {
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub role: Role,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub at_ms: i64,
    pub action: String,
    pub outcome: &'static str,
    pub actor_user_id: Option<i64>,
    pub actor: Option<String>,
    pub subject_user_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: String,
}

/// A mail waiting in the outbox. Its body never holds a secret link (see `OutboxMail`).
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub token_hash: Option<String>,
    pub user_id: Option<i64>,
    pub purpose: Option<TokenPurpose>,
    pub created_at_ms: i64,
}

/// What one purge of expired sign-in material removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthPurge {
    pub sessions: u64,
    pub tokens: u64,
    pub nonces: u64,
}

#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    async fn count_users(&self) -> Result<i64, StoreError>;
    /// Owners other than `user_id` that are enabled and within their access period.
    async fn other_active_owners(&self, user_id: i64, now_ms: i64) -> Result<i64, StoreError>;
    /// `Conflict` when the e-mail address is taken.
    async fn create_user(&self, user: &NewUser) -> Result<UserRecord, StoreError>;
    async fn user_by_id(&self, user_id: i64) -> Result<UserRecord, StoreError>;
    async fn user_by_email(&self, email: &str) -> Result<UserRecord, StoreError>;
    /// The e-mail addresses of those of `user_ids` that exist and have one, in one read per
    /// few hundred ids, for lists that name an account on every row.
    async fn emails_of(
        &self,
        user_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError>;
    async fn user_by_wallet(&self, address: &str) -> Result<UserRecord, StoreError>;
    /// Accounts whose e-mail, name or wallet contains `search`, newest first.
    async fn list_users(
        &self,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<UserRecord>, i64), StoreError>;
    async fn update_user(&self, user_id: i64, change: &UserChange) -> Result<(), StoreError>;
    async fn delete_user(&self, user_id: i64) -> Result<(), StoreError>;

    /// `Conflict` when the wallet is already linked (to this or another account).
    async fn link_wallet(&self, user_id: i64, address: &str, at_ms: i64) -> Result<(), StoreError>;
    async fn wallets_of(&self, user_id: i64) -> Result<Vec<String>, StoreError>;
    /// The account's wallets with when each was linked, oldest first.
    async fn wallet_links(&self, user_id: i64) -> Result<Vec<WalletLink>, StoreError>;
    /// `NotFound` unless the wallet is linked to `user_id`.
    async fn unlink_wallet(&self, user_id: i64, address: &str) -> Result<(), StoreError>;

    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError>;
    async fn session(&self, session_hash: &str) -> Result<SessionRecord, StoreError>;
    /// The session with its account and the account's first wallet (as `wallets_of` orders
    /// them), in one read: what every signed-in request needs. `NotFound` when there is no
    /// such session.
    async fn signed_in(&self, session_hash: &str) -> Result<SignedIn, StoreError>;
    async fn touch_session(&self, session_hash: &str, now_ms: i64) -> Result<(), StoreError>;
    async fn delete_session(&self, session_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of the account (password change, disable, role change).
    async fn delete_user_sessions(&self, user_id: i64) -> Result<(), StoreError>;

    async fn create_token(&self, token: &NewToken) -> Result<(), StoreError>;
    /// Marks the token used and returns its account, if it exists for `purpose`, is unused and
    /// unexpired; `NotFound` otherwise. Single use holds under concurrency: one caller wins.
    async fn take_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// The account of an unused, unexpired token for `purpose`, without using it; `NotFound`
    /// otherwise.
    async fn peek_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Ends every unused link of `purpose` for the account (and drops the mails that carried
    /// them); returns how many were open.
    async fn revoke_tokens(
        &self,
        user_id: i64,
        purpose: TokenPurpose,
        now_ms: i64,
    ) -> Result<u64, StoreError>;

    async fn queue_mail(&self, mail: &NewMail) -> Result<(), StoreError>;
    /// Unsent mail whose link is still open, newest first.
    async fn list_outbox(&self, now_ms: i64) -> Result<Vec<OutboxMail>, StoreError>;
    /// One unsent mail whose link is still open; `NotFound` otherwise.
    async fn outbox_mail(&self, outbox_mail_id: i64, now_ms: i64)
    -> Result<OutboxMail, StoreError>;

    /// Deletes sessions past their absolute end or idle since `idle_before_ms`, links that were
    /// used or have expired (with their mails), and expired SIWE nonces.
    async fn purge_auth(&self, now_ms: i64, idle_before_ms: i64) -> Result<AuthPurge, StoreError>;

    async fn create_siwe_nonce(
        &self,
        nonce: &str,
        message: &str,
        link_user_id: Option<i64>,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the nonce and returns its message and linking account; `NotFound` when unknown.
    /// The caller checks the expiry, so an expired nonce is consumed too.
    async fn take_siwe_nonce(&self, nonce: &str) -> Result<(String, Option<i64>, i64), StoreError>;

    async fn create_api_key(&self, key: &NewApiKeyRecord) -> Result<ApiKeyInfo, StoreError>;
    async fn list_api_keys(&self, user_id: i64) -> Result<Vec<ApiKeyInfo>, StoreError>;
    /// `NotFound` unless the key belongs to `user_id`.
    async fn revoke_api_key(
        &self,
        api_key_id: i64,
        user_id: i64,
        now_ms: i64,
    ) -> Result<(), StoreError>;
    /// The key's owner and the key, if the key is not revoked.
    async fn api_key_by_hash(&self, key_hash: &str) -> Result<(ApiKeyInfo, i64), StoreError>;
    async fn touch_api_key(&self, api_key_id: i64, now_ms: i64) -> Result<(), StoreError>;

    async fn record_audit(&self, event: &NewAuditEvent) -> Result<(), StoreError>;
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64), StoreError>;
}
