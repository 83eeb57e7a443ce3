//! API keys for machine clients of `/api/v1`: created by their owner, shown once, hashed at
//! rest, acting with at most the owner's role, revocable, with their last use shown.

use leptos::prelude::*;

use crate::access::Role;
use crate::account::{ApiKeyInfo, NewApiKey};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access::{Access, Module},
    error::Rejection,
    ssr::accounts::NewApiKeyRecord,
    ssr::auth::guard,
    ssr::identity,
};

/// Only a browser session may manage keys: a leaked key must not be able to mint others.
#[cfg(feature = "ssr")]
fn session_member() -> Result<(crate::ssr::auth::Caller, i64, Role), AppError> {
    let caller = guard(Module::Settings, Access::Read)?;
    let member = identity::session_member(&caller)?;
    let (user_id, role) = (member.user_id, member.role);
    Ok((caller, user_id, role))
}

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyInfo>, AppError> {
    let (_, user_id, _) = session_member()?;
    let store = crate::ssr::store()?;
    Ok(store.list_api_keys(user_id).await?)
}

/// Creates a key acting as `role` (the caller's own or a lower one). The secret is in the answer
/// and nowhere else.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String, role: Role) -> Result<NewApiKey, AppError> {
    let (caller, user_id, own_role) = session_member()?;
    let name = crate::account::normalise_display_name(&name)
        .ok_or(AppError::Rejected(Rejection::KeyNameInvalid))?;
    if role < own_role {
        return Err(AppError::Rejected(Rejection::RoleNotAssignable));
    }
    let store = crate::ssr::store()?;
    let key = ::auth::token::new_api_key();
    let info = store
        .create_api_key(&NewApiKeyRecord {
            user_id,
            name: name.clone(),
            prefix: key.prefix,
            key_hash: key.hash,
            role,
            created_at_ms: identity::now_ms(),
        })
        .await?;
    identity::audit(
        &*store,
        &caller,
        "api_key.create",
        "ok",
        Some(user_id),
        serde_json::json!({ "name": name, "prefix": info.prefix, "role": role }),
    )
    .await?;
    Ok(NewApiKey {
        info,
        secret: key.plain,
    })
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(api_key_id: i64) -> Result<(), AppError> {
    let (caller, user_id, _) = session_member()?;
    let store = crate::ssr::store()?;
    store
        .revoke_api_key(api_key_id, user_id, identity::now_ms())
        .await?;
    identity::audit(
        &*store,
        &caller,
        "api_key.revoke",
        "ok",
        Some(user_id),
        serde_json::json!({ "api_key_id": api_key_id }),
    )
    .await
}
