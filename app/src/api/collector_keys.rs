//! Keys for a site's standalone collector (`hashinsight collect`), made in the browser by whoever
//! manages the site: shown once, stored as a hash, revocable, with their last use. While a site
//! has a usable key it is its collector's, and the server stops polling it (`[poll] auto`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::fleet::CollectorKey;

#[cfg(feature = "ssr")]
use crate::{
    access::{Access, Module},
    error::Rejection,
    ssr::auth::guard,
    ssr::identity,
};

/// A key just made. The secret is in this answer and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCollectorKey {
    pub info: CollectorKey,
    pub secret: String,
}

/// The site's keys, usable ones first, newest first.
#[server(endpoint = "list_collector_keys")]
pub async fn list_collector_keys(site_id: i64) -> Result<Vec<CollectorKey>, AppError> {
    let caller = guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    Ok(store.list_collector_keys(site_id).await?)
}

#[server(endpoint = "create_collector_key")]
pub async fn create_collector_key(
    site_id: i64,
    #[server(default)] label: String,
) -> Result<NewCollectorKey, AppError> {
    let caller = guard(Module::SiteManagement, Access::Full)?;
    // Only a browser session makes secrets: a leaked API key must not be able to make more.
    identity::session_member(&caller)?;
    let label = crate::account::bounded_label(&label, 80)
        .ok_or(AppError::Rejected(Rejection::KeyNameInvalid))?;
    let store = crate::ssr::store()?;
    let site = crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    let key = ::auth::token::new_collector_key();
    let info = store
        .create_collector_key(site_id, &key.hash, &label, identity::now_ms())
        .await?;
    identity::audit(
        &*store,
        &caller,
        "collector_key.create",
        "ok",
        site.owner_user_id,
        serde_json::json!({ "site_id": site_id, "label": label, "key": info.key_hash_prefix }),
    )
    .await?;
    Ok(NewCollectorKey {
        info,
        secret: key.plain,
    })
}

/// Revokes the site's key shown as `key_hash_prefix`; its collector's next upload is refused.
#[server(endpoint = "revoke_collector_key")]
pub async fn revoke_collector_key(site_id: i64, key_hash_prefix: String) -> Result<(), AppError> {
    let caller = guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    let site = crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    store
        .revoke_collector_key(site_id, &key_hash_prefix, identity::now_ms())
        .await?;
    identity::audit(
        &*store,
        &caller,
        "collector_key.revoke",
        "ok",
        site.owner_user_id,
        serde_json::json!({ "site_id": site_id, "key": key_hash_prefix }),
    )
    .await
}
