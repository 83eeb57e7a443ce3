//! Signing in and out: e-mail and password, wallet (SIWE), first-run owner, verification and
//! password-reset links. Every function names its permission check first.

use leptos::prelude::*;

use crate::access::Viewer;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access::Role,
    error::Rejection,
    ssr::accounts::{NewUser, TokenPurpose, UserChange},
    ssr::identity,
};

/// The signed-in user, if any. Public: it only ever describes the caller to themselves.
#[server(endpoint = "who_am_i")]
#[cfg_attr(feature = "ssr", allow(clippy::unused_async))] // a server function is async by contract
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    let caller = crate::ssr::auth::caller();
    Ok(caller.member.as_ref().map(crate::ssr::auth::Member::viewer))
}

/// Whether the installation still waits for its first owner (the sign-in page then explains
/// where the setup link is). Public.
#[server(endpoint = "needs_setup")]
pub async fn needs_setup() -> Result<bool, AppError> {
    let store = crate::ssr::store()?;
    Ok(store.count_users().await? == 0)
}

/// Creates an account with the guest role (admins raise it) and signs it in. Open to visitors.
#[server(endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    services.limit_ip("register", &caller)?;
    let store = crate::ssr::store()?;
    let email = crate::account::normalise_email(&email)
        .ok_or(AppError::Rejected(Rejection::EmailInvalid))?;
    let display_name = crate::account::normalise_display_name(&display_name)
        .ok_or(AppError::Rejected(Rejection::NameInvalid))?;
    identity::check_password(&password, &password_again, &email)?;
    let password_hash = identity::hash_password(&services, password).await?;
    let user = store
        .create_user(&NewUser {
            email: Some(email.clone()),
            display_name,
            password_hash: Some(password_hash),
            role: Role::Guest,
            email_verified_at_ms: None,
            access_expires_at_ms: None,
            created_at_ms: identity::now_ms(),
        })
        .await
        .map_err(identity::email_taken)?;
    identity::issue_link(
        &*store,
        &services,
        TokenPurpose::VerifyEmail,
        Some(user.user_id),
        Some(&email),
        &identity::public_origin(&services.settings)?,
    )
    .await?;
    identity::audit(
        &*store,
        &caller,
        "user.register",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "email": email }),
    )
    .await?;
    identity::start_session(&*store, &services, &caller, &user, "password").await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Signs in with e-mail and password. Unknown e-mail and wrong password get the same answer in
/// the same time; repeated failures wait longer each time, per account and address and per
/// address.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    services.limit_ip("login", &caller)?;
    let store = crate::ssr::store()?;
    let email = crate::account::normalise_email(&email).unwrap_or_default();
    let now = std::time::Instant::now();
    // Failures count per account *from this address* and per address: keyed on the account
    // alone, anyone could keep anyone's account locked by typing wrong passwords for it. A
    // botnet guessing one account still pays an argon2 run and a growing wait per address, and
    // the real user always has the reset link, which signs them in.
    let ip = caller.ip.as_deref().unwrap_or("-");
    let account_key = format!("account:{email}@{ip}");
    let ip_key = format!("ip:{ip}");
    for key in [&account_key, &ip_key] {
        if let Some(wait) = services.failures.blocked(key, now) {
            return Err(identity::rate_limited(wait));
        }
    }
    let user = match store.user_by_email(&email).await {
        Ok(user) => Some(user),
        Err(crate::ssr::StoreError::NotFound) => None,
        Err(err) => return Err(err.into()),
    };
    let phc = user.as_ref().and_then(|u| u.password_hash.clone());
    let valid = identity::verify_password(&services, password, phc).await?;
    let known_user_id = user.as_ref().map(|u| u.user_id);
    let Some(user) = user.filter(|_| valid) else {
        services.failures.record_failure(&account_key, now);
        services.failures.record_failure(&ip_key, now);
        identity::audit(
            &*store,
            &caller,
            "login.failure",
            "failed",
            known_user_id,
            serde_json::json!({ "email": email, "method": "password" }),
        )
        .await?;
        return Err(AppError::Rejected(Rejection::InvalidCredentials));
    };
    services.failures.record_success(&account_key);
    let started = identity::start_session(&*store, &services, &caller, &user, "password").await;
    let outcome = if started.is_ok() { "ok" } else { "denied" };
    identity::audit(
        &*store,
        &caller,
        if started.is_ok() {
            "login.success"
        } else {
            "login.denied"
        },
        outcome,
        Some(user.user_id),
        serde_json::json!({ "method": "password" }),
    )
    .await?;
    started?;
    leptos_axum::redirect(&crate::account::safe_next(next.as_deref()));
    Ok(())
}

/// Ends the caller's session. Open to anyone (a visitor without a session changes nothing).
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    let store = crate::ssr::store()?;
    if let Some(member) = &caller.member {
        identity::audit(
            &*store,
            &caller,
            "logout",
            "ok",
            Some(member.user_id),
            serde_json::json!({}),
        )
        .await?;
    }
    identity::end_session(&*store, &services, &caller).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Confirms an e-mail address from the link mailed at registration. The token is the proof.
#[server(endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let store = crate::ssr::store()?;
    let user_id = take_link(&*store, &token, TokenPurpose::VerifyEmail).await?;
    let user_id = user_id.ok_or(AppError::Rejected(Rejection::LinkInvalid))?;
    store
        .update_user(user_id, &UserChange::EmailVerified(identity::now_ms()))
        .await?;
    identity::audit(
        &*store,
        &caller,
        "user.verify_email",
        "ok",
        Some(user_id),
        serde_json::json!({}),
    )
    .await
}

/// Asks for a password-reset link. The answer is the same whether the address has an account,
/// so the form cannot be used to find out who has one.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    services.limit_ip("reset", &caller)?;
    let store = crate::ssr::store()?;
    let Some(email) = crate::account::normalise_email(&email) else {
        return Err(AppError::Rejected(Rejection::EmailInvalid));
    };
    if services
        .resets_per_account
        .check(&email, std::time::Instant::now())
        .is_err()
    {
        // Quietly: telling the requester would reveal that the account exists.
        return Ok(());
    }
    match store.user_by_email(&email).await {
        Ok(user) if user.is_active(identity::now_ms()) => {
            identity::issue_link(
                &*store,
                &services,
                TokenPurpose::ResetPassword,
                Some(user.user_id),
                Some(&email),
                &identity::public_origin(&services.settings)?,
            )
            .await?;
            identity::audit(
                &*store,
                &caller,
                "password.reset_requested",
                "ok",
                Some(user.user_id),
                serde_json::json!({}),
            )
            .await?;
        }
        Ok(_) | Err(crate::ssr::StoreError::NotFound) => {}
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

/// Sets a new password from a reset link, ends every session of the account, and signs in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    let store = crate::ssr::store()?;
    // Looked at first and used up only once the new password passes, so a refused password
    // can be corrected with the same link.
    let user_id = peek_link(&*store, &token, TokenPurpose::ResetPassword)
        .await?
        .ok_or(AppError::Rejected(Rejection::LinkInvalid))?;
    let user = store.user_by_id(user_id).await?;
    let email = user.email.clone().unwrap_or_default();
    identity::check_password(&password, &password_again, &email)?;
    take_link(&*store, &token, TokenPurpose::ResetPassword).await?;
    let password_hash = identity::hash_password(&services, password).await?;
    store
        .update_user(user.user_id, &UserChange::PasswordHash(password_hash))
        .await?;
    // Whoever holds the link also holds the mailbox: the address is now verified.
    store
        .update_user(user.user_id, &UserChange::EmailVerified(identity::now_ms()))
        .await?;
    // A reset is how an account is taken back: every other door closes with it. Other reset
    // links, every session, and the wallets linked to the account (one may be the intruder's;
    // the owner links theirs again from the account page).
    let other_links = store
        .revoke_tokens(
            user.user_id,
            TokenPurpose::ResetPassword,
            identity::now_ms(),
        )
        .await?;
    store.delete_user_sessions(user.user_id).await?;
    let wallets = store.wallets_of(user.user_id).await?;
    for wallet in &wallets {
        store.unlink_wallet(user.user_id, wallet).await?;
    }
    services.failures.record_success(&format!(
        "account:{email}@{}",
        caller.ip.as_deref().unwrap_or("-")
    ));
    identity::audit(
        &*store,
        &caller,
        "password.reset",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "links_ended": other_links, "wallets_unlinked": wallets }),
    )
    .await?;
    identity::start_session(&*store, &services, &caller, &user, "password").await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Creates the first owner from the one-time link `serve` printed. Refused once any account
/// exists.
#[server(endpoint = "setup_owner")]
pub async fn setup_owner(
    token: String,
    email: String,
    display_name: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    let store = crate::ssr::store()?;
    if store.count_users().await? > 0 {
        return Err(AppError::Rejected(Rejection::SetupDone));
    }
    peek_link(&*store, &token, TokenPurpose::SetupOwner).await?;
    let email = crate::account::normalise_email(&email)
        .ok_or(AppError::Rejected(Rejection::EmailInvalid))?;
    let display_name = crate::account::normalise_display_name(&display_name)
        .ok_or(AppError::Rejected(Rejection::NameInvalid))?;
    identity::check_password(&password, &password_again, &email)?;
    take_link(&*store, &token, TokenPurpose::SetupOwner).await?;
    let password_hash = identity::hash_password(&services, password).await?;
    let user = store
        .create_user(&NewUser {
            email: Some(email.clone()),
            display_name,
            password_hash: Some(password_hash),
            role: Role::Owner,
            // The person at the server's console is trusted with the address they type.
            email_verified_at_ms: Some(identity::now_ms()),
            access_expires_at_ms: None,
            created_at_ms: identity::now_ms(),
        })
        .await?;
    identity::audit(
        &*store,
        &caller,
        "user.setup_owner",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "email": email }),
    )
    .await?;
    identity::start_session(&*store, &services, &caller, &user, "setup").await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// A link's account, or the translated refusal when it is unknown, used or expired.
#[cfg(feature = "ssr")]
fn link_account(
    found: Result<Option<i64>, crate::ssr::StoreError>,
) -> Result<Option<i64>, AppError> {
    match found {
        Ok(user_id) => Ok(user_id),
        Err(crate::ssr::StoreError::NotFound) => Err(AppError::Rejected(Rejection::LinkInvalid)),
        Err(err) => Err(err.into()),
    }
}

/// Uses up the link: single use holds under concurrency.
#[cfg(feature = "ssr")]
async fn take_link(
    store: &dyn crate::ssr::Store,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Option<i64>, AppError> {
    let hash = ::auth::token::hash_secret(token);
    link_account(store.take_token(&hash, purpose, identity::now_ms()).await)
}

/// Looks the link up without using it.
#[cfg(feature = "ssr")]
async fn peek_link(
    store: &dyn crate::ssr::Store,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Option<i64>, AppError> {
    let hash = ::auth::token::hash_secret(token);
    link_account(store.peek_token(&hash, purpose, identity::now_ms()).await)
}
