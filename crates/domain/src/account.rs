//! Accounts as the pages see them: users in the admin list, API keys, audit entries, and the
//! input rules both sides apply (an e-mail address, a display name).

use serde::{Deserialize, Serialize};

use crate::access::Role;

/// One account in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user_id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub role: Role,
    pub wallets: Vec<String>,
    pub email_verified: bool,
    pub disabled: bool,
    pub access_expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub last_login_at_ms: Option<i64>,
}

/// A page of accounts and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// An API key as its owner sees it: never the key itself after creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub api_key_id: i64,
    pub name: String,
    pub prefix: String,
    pub role: Role,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked: bool,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub info: ApiKeyInfo,
    pub secret: String,
}

/// What went into the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Actions starting with this, e.g. `login` or `user.role`.
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// A mail the server could not send itself (no SMTP, or SMTP refused it). The link it was to
/// carry is stored only as a hash and never shown: an admin who may manage the addressee hands
/// over a new one instead (`hand_over_link`), which ends the old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub outbox_mail_id: i64,
    pub to_email: String,
    pub subject: String,
    /// `verify_email` or `reset_password`.
    pub purpose: String,
    /// The account the link is for, and its role: who may hand it over depends on it.
    pub user_id: Option<i64>,
    pub role: Option<crate::access::Role>,
    pub created_at_ms: i64,
}

/// A link handed over by an admin: shown once, to pass on by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedOverLink {
    pub to_email: String,
    pub link: String,
}

/// A wallet linked to the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletLink {
    /// EIP-55 checksummed.
    pub address: String,
    pub linked_at_ms: i64,
}

/// Rows per page in the admin lists.
pub const PER_PAGE: u32 = 25;

/// A normalised e-mail address: trimmed, lower-cased, one `@` with text on both sides and a dot
/// in the domain. Deliverability is proven by the verification link, not by a pattern.
pub fn normalise_email(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace);
    valid.then_some(email)
}

/// A display name: trimmed, 1 to 80 characters, no control characters.
pub fn normalise_display_name(text: &str) -> Option<String> {
    bounded_label(text, 80)
}

/// Trimmed text of 1 to `max_chars` characters without control characters: the rule for every
/// name people type (accounts, keys, catalogue models).
pub fn bounded_label(text: &str, max_chars: usize) -> Option<String> {
    let label = text.trim();
    let count = label.chars().count();
    ((1..=max_chars).contains(&count) && !label.chars().any(char::is_control))
        .then(|| label.to_owned())
}

/// A local path to go to after signing in; anything else (another site, a protocol-relative
/// `//host`) becomes the home page, so the sign-in form cannot be used to send people away.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => "/account".to_owned(),
    }
}

/// A path on this site with no host. Browsers drop TAB, CR and LF inside a URL and read a
/// backslash as a slash, so `/<TAB>/evil.example` and `/\evil` both mean `//evil.example`:
/// hence no control character or whitespace anywhere, no backslash, and no second slash first.
fn is_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
        && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/batch?x=1")), "/batch?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/a\r\nSet-Cookie: x",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{85}/evil.example",
            "/a\\b",
            "",
            "/\u{2028}/x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/account", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/account");
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalise_email("  Alice@Example.COM "),
            Some("alice@example.com".to_owned())
        );
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "a b@x.io",
            "a@@x.io",
            "a@x.",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            normalise_display_name(" 矿场 A "),
            Some("矿场 A".to_owned())
        );
        assert_eq!(normalise_display_name("   "), None);
        assert_eq!(normalise_display_name(&"x".repeat(81)), None);
        assert_eq!(normalise_display_name("a\u{7}b"), None);
    }
}
