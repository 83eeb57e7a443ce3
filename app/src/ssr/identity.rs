//! Proving who someone is: sessions and their cookie, API keys, single-use links, mail, rate
//! limits and the audit trail. Server functions call these; the server's middleware calls
//! [`resolve_caller`] once per request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::error::{AppError, Rejection};
use crate::ssr::Store;
use crate::ssr::StoreError;
use crate::ssr::accounts::{
    NewAuditEvent, NewMail, NewSession, NewToken, SignedIn, TokenPurpose, UserChange, UserRecord,
};
use crate::ssr::auth::{Caller, Credential, Member};

/// The session cookie. `HttpOnly` and `SameSite=Lax`; `Secure` when the site is served over HTTPS.
pub const SESSION_COOKIE: &str = "hi_session";

/// Settings of `[auth]` in the configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// The address users reach the site at, e.g. `https://mining.example.com`; links in mails
    /// and SIWE messages use it. Unset: only a loopback `Host` (`127.0.0.1:3000`, `localhost`)
    /// is believed, and the server refuses to listen anywhere but on loopback.
    pub public_url: Option<String>,
    /// A session ends after this long without a request.
    pub session_idle_secs: u64,
    /// A session ends this long after sign-in, whatever its use.
    pub session_absolute_secs: u64,
    /// How long verification and reset links work.
    pub link_ttl_secs: u64,
    /// How long the first-run owner link works.
    pub setup_ttl_secs: u64,
    /// Chains a wallet may sign in from (EIP-155 ids); 1 is Ethereum mainnet.
    pub siwe_chain_ids: Vec<u64>,
    /// How long a SIWE nonce can be used.
    pub siwe_nonce_ttl_secs: u64,
    /// Attempts per IP per minute at sign-in, wallet nonces, registration and reset requests.
    pub attempts_per_ip_per_minute: u32,
    /// argon2id memory per password check, KiB (19,456 = OWASP's minimum for argon2id).
    pub password_memory_kib: u32,
    /// argon2id passes per password check.
    pub password_iterations: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed (exact addresses, e.g. `127.0.0.1`):
    /// per-address limits and the audit log then see the client, not the proxy. Empty: the
    /// socket's peer is the client, and the header is ignored (anyone can write it).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            session_idle_secs: 8 * 3600,
            session_absolute_secs: 7 * 24 * 3600,
            link_ttl_secs: 24 * 3600,
            setup_ttl_secs: 24 * 3600,
            siwe_chain_ids: vec![1],
            siwe_nonce_ttl_secs: 300,
            attempts_per_ip_per_minute: 20,
            password_memory_kib: ::auth::password::DEFAULT_M_COST_KIB,
            password_iterations: ::auth::password::DEFAULT_T_COST,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Sends mail when SMTP is configured.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
}

/// Everything the sign-in paths share, built once by the server and found in the context.
pub struct AuthServices {
    pub settings: AuthSettings,
    pub hasher: ::auth::password::PasswordHasher,
    pub mailer: Option<Arc<dyn Mailer>>,
    /// Sign-in, registration, nonce and reset requests per IP.
    pub per_ip: ::auth::rate_limit::RateLimiter,
    /// Reset mails per account, so nobody floods an inbox.
    pub resets_per_account: ::auth::rate_limit::RateLimiter,
    /// Failed sign-ins per account and per IP, with growing waits.
    pub failures: ::auth::rate_limit::FailureBackoff,
}

impl AuthSettings {
    /// Refuses a public URL that is not a bare `http(s)://host[:port]` origin (links and SIWE
    /// messages are built on it).
    pub fn validate(&self) -> Result<(), String> {
        let Some(url) = &self.public_url else {
            return Ok(());
        };
        let authority = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .map(|rest| rest.trim_end_matches('/'));
        match authority {
            Some(authority)
                if !authority.is_empty()
                    && !authority.contains(['/', '?', '#', '@', ' '])
                    && !authority.chars().any(char::is_control) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "[auth] public_url {url:?} must be an origin such as https://mining.example.com"
            )),
        }
    }
}

/// The client's address: the socket's peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` (read right to left) that is not one of the trusted proxies.
/// Entries left of that one were written by the client and prove nothing.
pub fn client_ip(
    peer: std::net::IpAddr,
    forwarded_for: &[&str],
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut nearest = peer;
    for entry in forwarded_for
        .iter()
        .rev()
        .flat_map(|header| header.rsplit(','))
    {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return ip,
            Err(_) => return nearest,
        }
    }
    nearest
}

impl AuthServices {
    /// Fails on argon2 parameters the library refuses (e.g. less than 8 KiB of memory).
    pub fn new(
        settings: AuthSettings,
        mailer: Option<Arc<dyn Mailer>>,
    ) -> Result<Self, ::auth::password::PasswordError> {
        let hasher = ::auth::password::PasswordHasher::with_params(
            settings.password_memory_kib,
            settings.password_iterations,
            1,
        )?;
        let per_minute = settings.attempts_per_ip_per_minute;
        Ok(Self {
            settings,
            hasher,
            mailer,
            per_ip: ::auth::rate_limit::RateLimiter::new(per_minute, Duration::from_mins(1)),
            resets_per_account: ::auth::rate_limit::RateLimiter::new(3, Duration::from_mins(15)),
            failures: ::auth::rate_limit::FailureBackoff::default(),
        })
    }

    /// Counts an attempt of `kind` from the caller's IP; 429 past the limit.
    pub fn limit_ip(&self, kind: &str, caller: &Caller) -> Result<(), AppError> {
        let key = format!("{kind}:{}", caller.ip.as_deref().unwrap_or("-"));
        self.per_ip
            .check(&key, Instant::now())
            .map_err(|retry| rate_limited(retry.0))
    }
}

pub fn rate_limited(wait: Duration) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait.as_secs().max(1),
    }
}

/// The services the server put into the context.
pub fn services() -> Result<Arc<AuthServices>, AppError> {
    use_context::<Arc<AuthServices>>().ok_or_else(|| {
        tracing::error!("no AuthServices in the request context");
        AppError::Internal
    })
}

pub use domain::clock::unix_now_ms as now_ms;

fn secs_ms(secs: u64) -> i64 {
    i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX)
}

/// The signed-in member if they came with a browser session: changes to one's own account
/// (wallets, keys, password) are refused to API keys, which must never act beyond their own
/// role on the account that made them.
pub fn session_member(caller: &Caller) -> Result<&Member, AppError> {
    let member = caller.member()?;
    if matches!(member.credential, Credential::Session { .. }) {
        Ok(member)
    } else {
        tracing::info!(
            user_id = member.user_id,
            "account change with an API key refused"
        );
        Err(AppError::Rejected(Rejection::SessionRequired))
    }
}

/// Resolves the caller of a request from its session cookie or `Authorization: Bearer` API key.
/// Unknown, expired or disabled credentials make an anonymous caller; they never fail the
/// request (the guard decides what an anonymous caller may do).
pub async fn resolve_caller(
    store: &dyn Store,
    settings: &AuthSettings,
    session_cookie: Option<&str>,
    bearer: Option<&str>,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Caller {
    let now = now_ms();
    let member = match (bearer, session_cookie) {
        (Some(key), _) => member_from_api_key(store, key, now).await,
        (None, Some(cookie)) => member_from_session(store, settings, cookie, now).await,
        (None, None) => None,
    };
    Caller {
        member,
        ip,
        user_agent,
    }
}

async fn member_from_session(
    store: &dyn Store,
    settings: &AuthSettings,
    cookie: &str,
    now: i64,
) -> Option<Member> {
    let session_hash = ::auth::token::hash_secret(cookie);
    // One read per request: the session, its account and the wallet the header shows.
    let SignedIn {
        session,
        user,
        wallet_address,
    } = ok_or_log(store.signed_in(&session_hash).await)?;
    let idle_end = session
        .last_seen_at_ms
        .saturating_add(secs_ms(settings.session_idle_secs));
    if now >= session.expires_at_ms || now >= idle_end {
        let _ = store.delete_session(&session_hash).await;
        return None;
    }
    if !user.is_active(now) {
        return None;
    }
    // One write a minute at most keeps the idle clock right without a write per request.
    if now - session.last_seen_at_ms > 60_000 {
        let _ = store.touch_session(&session_hash, now).await;
    }
    Some(member_of(
        &user,
        user.role,
        wallet_address,
        Credential::Session { session_hash },
    ))
}

async fn member_from_api_key(store: &dyn Store, key: &str, now: i64) -> Option<Member> {
    if !::auth::token::looks_like_api_key(key) {
        return None;
    }
    let (info, user_id) = ok_or_log(
        store
            .api_key_by_hash(&::auth::token::hash_secret(key))
            .await,
    )?;
    let user = ok_or_log(store.user_by_id(user_id).await)?;
    if !user.is_active(now) {
        return None;
    }
    if info.last_used_at_ms.is_none_or(|at| now - at > 60_000) {
        let _ = store.touch_api_key(info.api_key_id, now).await;
    }
    // A key never acts above its owner's current role: a demoted owner's keys are demoted too.
    let role = info.role.max(user.role);
    Some(member_of(
        &user,
        role,
        None,
        Credential::ApiKey {
            api_key_id: info.api_key_id,
            prefix: info.prefix,
        },
    ))
}

fn member_of(
    user: &UserRecord,
    role: Role,
    wallet_address: Option<String>,
    credential: Credential,
) -> Member {
    Member {
        user_id: user.user_id,
        role,
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified_at_ms.is_some(),
        wallet_address,
        credential,
    }
}

fn ok_or_log<T>(result: Result<T, StoreError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(StoreError::NotFound) => None,
        Err(err) => {
            tracing::error!(error = %err, "resolving the caller");
            None
        }
    }
}

/// Whether the response should mark cookies `Secure`: the public URL is HTTPS, or a proxy
/// says the request came over HTTPS.
pub fn is_https(settings: &AuthSettings) -> bool {
    if let Some(url) = &settings.public_url {
        return url.starts_with("https://");
    }
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
    })
}

/// The site's origin as users reach it, for links and SIWE messages: the configured public URL,
/// else the request's `Host` if it names this machine. Any other `Host` is refused: a link or a
/// SIWE domain built from it would send people (or their signatures) to whoever sent the header.
pub fn public_origin(settings: &AuthSettings) -> Result<String, AppError> {
    if let Some(url) = &settings.public_url {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    let host = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    match host {
        Some(host) if is_loopback_authority(&host) => {
            let scheme = if is_https(settings) { "https" } else { "http" };
            Ok(format!("{scheme}://{host}"))
        }
        None => Ok("http://127.0.0.1:3000".to_owned()),
        Some(host) => {
            tracing::error!(
                host = %host.chars().take(100).collect::<String>(),
                "a request names a host other than this machine and [auth] public_url is unset: \
                 no link or wallet message is made from it; set [auth] public_url"
            );
            Err(AppError::Rejected(Rejection::PublicUrlUnset))
        }
    }
}

/// `host[:port]` naming this machine: `localhost`, `127.0.0.0/8` or `[::1]`.
pub fn is_loopback_authority(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((host, port)) if port.is_empty() || is_port(port) => host,
            _ => return false,
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) if is_port(port) => host,
            Some(_) => return false,
            None => authority,
        },
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_port(text: &str) -> bool {
    text.strip_prefix(':')
        .unwrap_or(text)
        .parse::<u16>()
        .is_ok()
}

fn set_cookie(value: &str, max_age_secs: u64, secure: bool) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    if let Ok(header) = http::HeaderValue::from_str(&cookie) {
        response.append_header(http::header::SET_COOKIE, header);
    }
}

/// Signs `user` in: ends the session the browser had (the id changes at every sign-in, so a
/// planted cookie never becomes a signed-in one), creates a new one and sets its cookie.
pub async fn start_session(
    store: &dyn Store,
    services: &AuthServices,
    caller: &Caller,
    user: &UserRecord,
    method: &'static str,
) -> Result<(), AppError> {
    let now = now_ms();
    if !user.is_active(now) {
        return Err(AppError::Rejected(if user.disabled_at_ms.is_some() {
            Rejection::AccountDisabled
        } else {
            Rejection::AccessExpired
        }));
    }
    if let Some(Member {
        credential: Credential::Session { session_hash },
        ..
    }) = &caller.member
    {
        store.delete_session(session_hash).await?;
    }
    let secret = ::auth::token::new_secret();
    let settings = &services.settings;
    store
        .create_session(&NewSession {
            session_hash: secret.hash,
            user_id: user.user_id,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(secs_ms(settings.session_absolute_secs)),
            ip: caller.ip.clone(),
            user_agent: caller.user_agent.clone(),
            method,
        })
        .await?;
    store
        .update_user(user.user_id, &UserChange::LastLogin(now))
        .await?;
    set_cookie(
        &secret.plain,
        settings.session_absolute_secs,
        is_https(settings),
    );
    Ok(())
}

/// Ends the caller's session and clears the cookie.
pub async fn end_session(
    store: &dyn Store,
    services: &AuthServices,
    caller: &Caller,
) -> Result<(), AppError> {
    if let Some(Member {
        credential: Credential::Session { session_hash },
        ..
    }) = &caller.member
    {
        store.delete_session(session_hash).await?;
    }
    set_cookie("", 0, is_https(&services.settings));
    Ok(())
}

/// Writes one audit event. A failure to write is logged and fails the action: a privileged
/// action that cannot be recorded does not happen silently.
pub async fn audit(
    store: &dyn Store,
    caller: &Caller,
    action: &str,
    outcome: &'static str,
    subject_user_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let event = NewAuditEvent {
        at_ms: now_ms(),
        action: action.to_owned(),
        outcome,
        actor_user_id: caller.member.as_ref().map(|m| m.user_id),
        actor: caller.member.as_ref().map(Member::label),
        subject_user_id,
        ip: caller.ip.clone(),
        user_agent: caller.user_agent.clone(),
        detail: detail.to_string(),
    };
    store.record_audit(&event).await.map_err(|err| {
        tracing::error!(error = %err, action, "could not write the audit log");
        AppError::Internal
    })
}

/// Creates a single-use link and delivers it: by SMTP when configured. Otherwise the outbox
/// records that a mail waits for the account, without the link (only its hash is stored): an
/// admin who may manage the account hands over a new one. Returns the link.
pub async fn issue_link(
    store: &dyn Store,
    services: &AuthServices,
    purpose: TokenPurpose,
    user_id: Option<i64>,
    to_email: Option<&str>,
    origin: &str,
) -> Result<String, AppError> {
    let now = now_ms();
    let secret = ::auth::token::new_secret();
    let ttl_secs = match purpose {
        TokenPurpose::SetupOwner => services.settings.setup_ttl_secs,
        _ => services.settings.link_ttl_secs,
    };
    store
        .create_token(&NewToken {
            token_hash: secret.hash.clone(),
            purpose,
            user_id,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(secs_ms(ttl_secs)),
        })
        .await?;
    let path = match purpose {
        TokenPurpose::VerifyEmail => "/auth/verify",
        TokenPurpose::ResetPassword => "/auth/reset",
        TokenPurpose::SetupOwner => "/auth/setup",
    };
    let link = format!("{origin}{path}?token={}", secret.plain);
    if let Some(to) = to_email {
        let (subject, body) = mail_text(purpose, &link, ttl_secs / 3600);
        let sent = match &services.mailer {
            Some(mailer) => match mailer.send(to, &subject, &body).await {
                Ok(()) => true,
                Err(err) => {
                    tracing::warn!(%err, "SMTP refused a mail; it waits in the outbox");
                    false
                }
            },
            None => false,
        };
        if !sent {
            let (_, withheld) = mail_text(purpose, LINK_WITHHELD, ttl_secs / 3600);
            store
                .queue_mail(&NewMail {
                    to_email: to.to_owned(),
                    subject,
                    body: withheld,
                    token_hash: Some(secret.hash),
                    user_id,
                    purpose: Some(purpose),
                    created_at_ms: now,
                })
                .await?;
        }
    }
    Ok(link)
}

/// Where an outbox mail's link would be: the link itself is never at rest.
const LINK_WITHHELD: &str = "[link withheld / 链接不予保存]";

/// Mail in both languages: the recipient's choice is not known when an admin creates the
/// account, and a bilingual mail is never in the wrong one.
fn mail_text(purpose: TokenPurpose, link: &str, hours: u64) -> (String, String) {
    let (en_subject, zh_subject, en_action, zh_action) = match purpose {
        TokenPurpose::VerifyEmail => (
            "Confirm your e-mail address",
            "确认您的电子邮件地址",
            "confirm your e-mail address",
            "确认您的电子邮件地址",
        ),
        TokenPurpose::ResetPassword => (
            "Set your password",
            "设置您的密码",
            "set a new password",
            "设置新密码",
        ),
        TokenPurpose::SetupOwner => (
            "Create the owner account",
            "创建所有者账户",
            "create the owner account",
            "创建所有者账户",
        ),
    };
    let subject = format!("HashInsight: {en_subject} / {zh_subject}");
    let body = format!(
        "Open this link within {hours} hours to {en_action}:\n{link}\n\n\
         请在 {hours} 小时内打开此链接以{zh_action}：\n{link}\n\n\
         If you did not ask for this, ignore this mail. / 如果这不是您的请求，请忽略此邮件。\n"
    );
    (subject, body)
}

/// Creating an account whose e-mail address another account has: the translated refusal.
pub fn email_taken(err: StoreError) -> AppError {
    crate::ssr::conflict_as(err, Rejection::EmailTaken)
}

/// The same password rules everywhere, as translated refusals.
pub fn check_password(password: &str, again: &str, email: &str) -> Result<(), AppError> {
    use ::auth::password::PasswordPolicyError as P;
    if password != again {
        return Err(AppError::Rejected(Rejection::PasswordMismatch));
    }
    ::auth::password::check_policy(password, email).map_err(|err| {
        AppError::Rejected(match err {
            P::TooShort { .. } => Rejection::PasswordTooShort,
            P::TooLong { .. } => Rejection::PasswordTooLong,
            P::ContainsEmail => Rejection::PasswordContainsEmail,
            P::TooCommon => Rejection::PasswordTooCommon,
        })
    })
}

/// Hashes on a blocking thread: argon2 takes tens of milliseconds of CPU by design and must not
/// stall the async workers.
pub async fn hash_password(
    services: &Arc<AuthServices>,
    password: String,
) -> Result<String, AppError> {
    let services = services.clone();
    tokio_blocking(move || services.hasher.hash(&password))
        .await?
        .map_err(|err| {
            tracing::error!(%err, "hashing a password");
            AppError::Internal
        })
}

/// Verifies on a blocking thread; with no stored hash, spends the same time on a dummy so the
/// answer's timing does not tell which e-mail addresses have accounts.
pub async fn verify_password(
    services: &Arc<AuthServices>,
    password: String,
    phc: Option<String>,
) -> Result<bool, AppError> {
    let services = services.clone();
    tokio_blocking(move || {
        if let Some(phc) = phc {
            services.hasher.verify(&password, &phc)
        } else {
            services.hasher.verify_dummy(&password);
            false
        }
    })
    .await
}

async fn tokio_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|err| {
        tracing::error!(%err, "blocking task failed");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("127.0.0.1")];
        // No trusted proxy: the header is the caller's own words.
        assert_eq!(
            client_ip(ip("203.0.113.9"), &["1.2.3.4"], &[]),
            ip("203.0.113.9")
        );
        // Not from the proxy: ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), &["1.2.3.4"], &proxy),
            ip("203.0.113.9")
        );
        // From the proxy: the rightmost entry it appended.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &["6.6.6.6, 198.51.100.7"], &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(
                ip("127.0.0.1"),
                &["6.6.6.6", "198.51.100.7, 127.0.0.1"],
                &proxy
            ),
            ip("198.51.100.7")
        );
        // Garbage stops the walk at the last address that was trusted.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &["nonsense"], &proxy),
            ip("127.0.0.1")
        );
        assert_eq!(client_ip(ip("127.0.0.1"), &[], &proxy), ip("127.0.0.1"));
    }

    #[test]
    fn only_this_machine_is_believed_without_a_public_url() {
        for good in [
            "127.0.0.1:3000",
            "localhost",
            "LOCALHOST:80",
            "[::1]:3000",
            "127.9.8.7",
        ] {
            assert!(is_loopback_authority(good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "10.0.0.1:3000",
            "[::1]evil",
            "127.0.0.1:notaport",
            "",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn a_public_url_is_a_bare_origin() {
        let with = |url: &str| AuthSettings {
            public_url: Some(url.to_owned()),
            ..AuthSettings::default()
        };
        assert!(with("https://mining.example.com").validate().is_ok());
        assert!(with("http://127.0.0.1:3000/").validate().is_ok());
        for bad in [
            "mining.example.com",
            "https://",
            "https://a/b",
            "https://u@a",
            "ftp://a",
        ] {
            assert!(with(bad).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn mails_carry_the_link_in_both_languages() {
        let (subject, body) = mail_text(TokenPurpose::ResetPassword, "http://x/reset?token=t", 24);
        assert!(subject.contains("Set your password") && subject.contains("设置您的密码"));
        assert_eq!(body.matches("http://x/reset?token=t").count(), 2);
        assert!(body.contains("24 hours") && body.contains("24 小时"));
    }
}
