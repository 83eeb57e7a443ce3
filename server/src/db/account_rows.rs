//! Account row types as the database returns them, converted to app types at the edge.

use domain::access::Role;
use domain::account::{ApiKeyInfo, AuditEntry, OutboxMail};
use store::StoreError;
use store::accounts::{SessionRecord, SignedIn, UserRecord};

fn role(table: &str, id: i64, text: &str) -> Result<Role, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{table} {id}: role {text:?}")))
}

#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub email_verified_at_ms: Option<i64>,
    pub disabled_at_ms: Option<i64>,
    pub access_expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub last_login_at_ms: Option<i64>,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        Ok(Self {
            role: role("user_account", row.user_id, &row.role)?,
            user_id: row.user_id,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            email_verified_at_ms: row.email_verified_at_ms,
            disabled_at_ms: row.disabled_at_ms,
            access_expires_at_ms: row.access_expires_at_ms,
            created_at_ms: row.created_at_ms,
            last_login_at_ms: row.last_login_at_ms,
        })
    }
}

/// A session, its account and first wallet, as `account_sql::signed_in` selects them.
#[derive(Debug, sqlx::FromRow)]
pub struct SignedInRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub session_hash: String,
    pub session_created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
    pub method: String,
    pub wallet_address: Option<String>,
}

impl TryFrom<SignedInRow> for SignedIn {
    type Error = StoreError;

    fn try_from(row: SignedInRow) -> Result<Self, Self::Error> {
        Ok(Self {
            session: SessionRecord {
                session_hash: row.session_hash,
                user_id: row.user.user_id,
                created_at_ms: row.session_created_at_ms,
                last_seen_at_ms: row.last_seen_at_ms,
                expires_at_ms: row.expires_at_ms,
                method: row.method,
            },
            user: row.user.try_into()?,
            wallet_address: row.wallet_address,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub session_hash: String,
    pub user_id: i64,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
    pub method: String,
}

impl From<SessionRow> for SessionRecord {
    fn from(row: SessionRow) -> Self {
        Self {
            session_hash: row.session_hash,
            user_id: row.user_id,
            created_at_ms: row.created_at_ms,
            last_seen_at_ms: row.last_seen_at_ms,
            expires_at_ms: row.expires_at_ms,
            method: row.method,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub api_key_id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub role: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl TryFrom<ApiKeyRow> for ApiKeyInfo {
    type Error = StoreError;

    fn try_from(row: ApiKeyRow) -> Result<Self, Self::Error> {
        Ok(Self {
            role: role("api_key", row.api_key_id, &row.role)?,
            api_key_id: row.api_key_id,
            name: row.name,
            prefix: row.prefix,
            created_at_ms: row.created_at_ms,
            last_used_at_ms: row.last_used_at_ms,
            revoked: row.revoked_at_ms.is_some(),
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub audit_event_id: i64,
    pub at_ms: i64,
    pub action: String,
    pub outcome: String,
    pub actor_user_id: Option<i64>,
    pub actor: Option<String>,
    pub subject_user_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        Self {
            audit_event_id: row.audit_event_id,
            at_ms: row.at_ms,
            action: row.action,
            outcome: row.outcome,
            actor_user_id: row.actor_user_id,
            actor: row.actor,
            subject_user_id: row.subject_user_id,
            ip: row.ip,
            user_agent: row.user_agent,
            detail: row.detail,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub outbox_mail_id: i64,
    pub to_email: String,
    pub subject: String,
    pub purpose: Option<String>,
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub created_at_ms: i64,
}

impl TryFrom<OutboxRow> for OutboxMail {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        Ok(Self {
            outbox_mail_id: row.outbox_mail_id,
            to_email: row.to_email,
            subject: row.subject,
            purpose: row.purpose.unwrap_or_default(),
            user_id: row.user_id,
            role: row
                .role
                .as_deref()
                .map(|text| role("outbox_mail", row.outbox_mail_id, text))
                .transpose()?,
            created_at_ms: row.created_at_ms,
        })
    }
}
