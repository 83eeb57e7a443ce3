//! MetaMask sign-in with SIWE (EIP-4361): the server issues the exact message with a
//! single-use nonce, the wallet signs it (EIP-191 `personal_sign`), the server checks the message
//! is the one it issued and recovers the signer with alloy.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access::Role, error::Rejection, ssr::accounts::NewUser, ssr::auth::Caller, ssr::identity,
};

/// Issues the message to sign for `address` on `chain_id`. With `link`, the signed message will
/// add the wallet to the signed-in account instead of signing in; that changes how the account
/// is entered, so it takes a browser session (an API key of any role gets 403: a wallet linked
/// through a guest key would later sign in with the owner's full role). Open to visitors,
/// limited per IP.
#[server(endpoint = "wallet_challenge")]
pub async fn wallet_challenge(
    address: String,
    chain_id: u64,
    link: bool,
) -> Result<String, AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    services.limit_ip("nonce", &caller)?;
    let store = crate::ssr::store()?;
    let link_user_id = if link {
        Some(identity::session_member(&caller)?.user_id)
    } else {
        None
    };
    let address: ::auth::siwe::Address = address
        .trim()
        .parse()
        .map_err(|_| AppError::Rejected(Rejection::WalletAddressInvalid))?;
    if !services.settings.siwe_chain_ids.contains(&chain_id) {
        return Err(AppError::Rejected(Rejection::WalletChainUnsupported));
    }
    let origin = identity::public_origin(&services.settings)?;
    let nonce = ::auth::token::new_nonce();
    let ttl = std::time::Duration::from_secs(services.settings.siwe_nonce_ttl_secs);
    let statement = if link {
        "Link this wallet to your HashInsight account."
    } else {
        "Sign in to HashInsight."
    };
    let message = ::auth::siwe::build(
        authority(&origin),
        address,
        &origin,
        chain_id,
        &nonce,
        time::OffsetDateTime::now_utc(),
        ttl,
        statement,
    )
    .to_string();
    let expires_at_ms =
        identity::now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    store
        .create_siwe_nonce(&nonce, &message, link_user_id, expires_at_ms)
        .await?;
    Ok(message)
}

/// Signs in (or links, if the message was issued for linking) with a signed SIWE message. A new
/// wallet becomes a guest account.
#[server(endpoint = "wallet_sign_in")]
pub async fn wallet_sign_in(message: String, signature: String) -> Result<(), AppError> {
    let caller = crate::ssr::auth::caller();
    let services = identity::services()?;
    services.limit_ip("wallet", &caller)?;
    let store = crate::ssr::store()?;
    let result = check_signed(&*store, &services, &message, &signature).await;
    let (address, link_user_id) = match result {
        Ok(checked) => checked,
        Err(err) => {
            identity::audit(
                &*store,
                &caller,
                "login.failure",
                "failed",
                None,
                serde_json::json!({ "method": "wallet", "reason": format!("{err:?}") }),
            )
            .await?;
            return Err(err);
        }
    };
    if let Some(user_id) = link_user_id {
        return link(&*store, &caller, user_id, &address).await;
    }
    let user = match store.user_by_wallet(&address).await {
        Ok(user) => user,
        Err(crate::ssr::StoreError::NotFound) => {
            create_wallet_user(&*store, &caller, &address).await?
        }
        Err(err) => return Err(err.into()),
    };
    let started = identity::start_session(&*store, &services, &caller, &user, "wallet").await;
    identity::audit(
        &*store,
        &caller,
        if started.is_ok() {
            "login.success"
        } else {
            "login.denied"
        },
        if started.is_ok() { "ok" } else { "denied" },
        Some(user.user_id),
        serde_json::json!({ "method": "wallet", "wallet": address }),
    )
    .await?;
    started
}

/// The wallets linked to the caller's account, oldest first. A browser session only: the list
/// is part of how the account is entered.
#[server(endpoint = "list_wallets")]
#[cfg_attr(feature = "ssr", allow(clippy::unused_async))]
pub async fn list_wallets() -> Result<Vec<crate::account::WalletLink>, AppError> {
    let caller = crate::ssr::auth::guard(
        crate::access::Module::Calculator,
        crate::access::Access::Read,
    )?;
    let member = identity::session_member(&caller)?;
    let store = crate::ssr::store()?;
    Ok(store.wallet_links(member.user_id).await?)
}

/// Unlinks one of the caller's wallets (audited). Refused when it is the only way into the
/// account (no password), and to API keys.
#[server(endpoint = "unlink_wallet")]
pub async fn unlink_wallet(address: String) -> Result<(), AppError> {
    let caller = crate::ssr::auth::guard(
        crate::access::Module::Calculator,
        crate::access::Access::Read,
    )?;
    let member = identity::session_member(&caller)?;
    let store = crate::ssr::store()?;
    let user = store.user_by_id(member.user_id).await?;
    let wallets = store.wallets_of(user.user_id).await?;
    let Some(address) = wallets
        .iter()
        .find(|linked| linked.eq_ignore_ascii_case(address.trim()))
        .cloned()
    else {
        return Err(AppError::NotFound);
    };
    if user.password_hash.is_none() && wallets.len() == 1 {
        return Err(AppError::Rejected(Rejection::WalletOnlySignIn));
    }
    store.unlink_wallet(user.user_id, &address).await?;
    identity::audit(
        &*store,
        &caller,
        "wallet.unlink",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "wallet": address }),
    )
    .await
}

/// `host[:port]` of an origin, the SIWE `domain`.
#[cfg(feature = "ssr")]
fn authority(origin: &str) -> &str {
    origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/')
}

/// Takes the nonce (so the message can never be used again, whatever happens next) and checks
/// the message is exactly the one issued and signed by its address.
#[cfg(feature = "ssr")]
async fn check_signed(
    store: &dyn crate::ssr::Store,
    services: &identity::AuthServices,
    message: &str,
    signature: &str,
) -> Result<(String, Option<i64>), AppError> {
    let parsed = ::auth::siwe::parse(message)
        .map_err(|_| AppError::Rejected(Rejection::WalletMessageTampered))?;
    let (issued, link_user_id, expires_at_ms) = match store.take_siwe_nonce(&parsed.nonce).await {
        Ok(found) => found,
        // Unknown or already used: a replay, or a message the server never issued.
        Err(crate::ssr::StoreError::NotFound) => {
            return Err(AppError::Rejected(Rejection::WalletNonceExpired));
        }
        Err(err) => return Err(err.into()),
    };
    if identity::now_ms() >= expires_at_ms {
        return Err(AppError::Rejected(Rejection::WalletNonceExpired));
    }
    if issued != message {
        return Err(AppError::Rejected(Rejection::WalletMessageTampered));
    }
    let origin = identity::public_origin(&services.settings)?;
    let ttl = std::time::Duration::from_secs(services.settings.siwe_nonce_ttl_secs);
    let expect = ::auth::siwe::Expectations {
        domain: authority(&origin),
        uri: &origin,
        chain_ids: &services.settings.siwe_chain_ids,
        nonce: &parsed.nonce,
        now: time::OffsetDateTime::now_utc(),
        max_age: ttl,
        clock_skew: std::time::Duration::from_mins(1),
    };
    let verified = ::auth::siwe::verify(message, signature, &expect).map_err(|err| {
        tracing::info!(%err, "SIWE verification refused");
        AppError::Rejected(match err {
            ::auth::siwe::SiweError::Expired | ::auth::siwe::SiweError::NotYetValid => {
                Rejection::WalletNonceExpired
            }
            ::auth::siwe::SiweError::BadSignature
            | ::auth::siwe::SiweError::SignerMismatch { .. } => Rejection::WalletSignatureInvalid,
            ::auth::siwe::SiweError::ChainMismatch { .. } => Rejection::WalletChainUnsupported,
            _ => Rejection::WalletMessageTampered,
        })
    })?;
    Ok((verified.address.to_checksum(None), link_user_id))
}

#[cfg(feature = "ssr")]
async fn link(
    store: &dyn crate::ssr::Store,
    caller: &Caller,
    user_id: i64,
    address: &str,
) -> Result<(), AppError> {
    // The nonce was issued to this account; only the same account, in a browser session, may
    // complete the link.
    if identity::session_member(caller)?.user_id != user_id {
        return Err(AppError::Rejected(Rejection::WalletMessageTampered));
    }
    store
        .link_wallet(user_id, address, identity::now_ms())
        .await
        .map_err(|err| crate::ssr::conflict_as(err, Rejection::WalletAlreadyLinked))?;
    identity::audit(
        store,
        caller,
        "wallet.link",
        "ok",
        Some(user_id),
        serde_json::json!({ "wallet": address }),
    )
    .await
}

#[cfg(feature = "ssr")]
async fn create_wallet_user(
    store: &dyn crate::ssr::Store,
    caller: &Caller,
    address: &str,
) -> Result<crate::ssr::accounts::UserRecord, AppError> {
    let now = identity::now_ms();
    let short = format!("{}…{}", &address[..6], &address[address.len() - 4..]);
    let user = store
        .create_user(&NewUser {
            email: None,
            display_name: short,
            password_hash: None,
            role: Role::Guest,
            email_verified_at_ms: None,
            access_expires_at_ms: None,
            created_at_ms: now,
        })
        .await?;
    store.link_wallet(user.user_id, address, now).await?;
    identity::audit(
        store,
        caller,
        "user.register",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "wallet": address }),
    )
    .await?;
    Ok(user)
}
