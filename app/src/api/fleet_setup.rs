//! Setting up the hosting fleet from the browser: sites with their tariff and owner, hosting
//! customers with the client account that signs in for them, and single miners added, edited
//! or removed. Site owners set up their own sites and the miners on them; customers link
//! portal accounts to miners, which is granting access, so only user managers (owner, admin)
//! keep them. Every change is checked here, audited, and announced to open pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::fleet::forms::{CustomerForm, MinerForm, SiteForm};
use crate::fleet::{Customer, Miner, Site};

/// A site as the setup page lists it, with its owner's e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSetup {
    pub site: Site,
    pub owner_email: Option<String>,
}

/// The sites the caller may set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSetupList {
    pub sites: Vec<SiteSetup>,
    /// Staff name a site's owner; a site owner's sites are always their own.
    pub may_name_owner: bool,
}

/// A hosting customer with the e-mail of its portal account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerEntry {
    pub customer: Customer,
    pub portal_email: Option<String>,
}

/// What the miner form offers on a site: the catalogue's models and the customers the caller
/// may name, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerOptions {
    pub models: Vec<String>,
    pub customers: Vec<(i64, String)>,
}

#[server(endpoint = "list_site_setup")]
pub async fn list_site_setup() -> Result<SiteSetupList, AppError> {
    use crate::access::{Access, Module, Role};
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    let owner = crate::api::fleet::ssr::site_owner_filter(&caller)?;
    let sites = store.list_sites(owner).await?;
    let mut owners: Vec<i64> = sites.iter().filter_map(|s| s.owner_user_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let emails = store.emails_of(&owners).await?;
    let sites = sites
        .into_iter()
        .map(|site| {
            let owner_email = site.owner_user_id.and_then(|id| emails.get(&id).cloned());
            SiteSetup { site, owner_email }
        })
        .collect();
    Ok(SiteSetupList {
        sites,
        may_name_owner: caller.member()?.role != Role::MiningSiteOwner,
    })
}

/// Creates a site (`site_id` empty) or replaces one's fields. A site owner's sites are their
/// own whatever the form says.
#[server(endpoint = "save_site")]
pub async fn save_site(
    #[server(default)] site_id: Option<i64>,
    form: SiteForm,
) -> Result<Site, AppError> {
    use crate::access::{Access, Module, Role};
    use crate::error::Rejection;
    use crate::ssr::identity;
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let member = caller.member()?;
    let parsed = form.parse().map_err(AppError::Rejected)?;
    let store = crate::ssr::store()?;
    let mut site = parsed.site;
    site.owner_user_id = if member.role == Role::MiningSiteOwner {
        Some(member.user_id)
    } else {
        match parsed.owner_email {
            Some(email) => Some(
                ssr::account_with_role(&*store, &email, Role::MiningSiteOwner)
                    .await
                    .map_err(|e| e.unwrap_or(AppError::Rejected(Rejection::SiteOwnerInvalid)))?,
            ),
            None => None,
        }
    };
    if let Some(site_id) = site_id {
        crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    }
    // "Rockdale" and "rockdale" would be two sites in the database but one to the people
    // choosing between them. Only among the same owner's sites (or the staff's, owned by
    // nobody): another host's names are neither taken from this one nor revealed to it.
    let taken = store.list_sites(None).await?.into_iter().any(|other| {
        Some(other.site_id) != site_id
            && other.owner_user_id == site.owner_user_id
            && other.name.to_lowercase() == site.name.to_lowercase()
    });
    if taken {
        return Err(AppError::Rejected(Rejection::SiteNameTaken));
    }
    let now_ms = identity::now_ms();
    let (saved, action) = match site_id {
        Some(site_id) => (
            store.update_site(site_id, &site, now_ms).await,
            "site.update",
        ),
        None => (store.create_site(&site, now_ms).await, "site.create"),
    };
    let saved = saved.map_err(|err| crate::ssr::conflict_as(err, Rejection::SiteNameTaken))?;
    identity::audit(
        &*store,
        &caller,
        action,
        "ok",
        saved.owner_user_id,
        serde_json::json!({ "site_id": saved.site_id, "name": saved.name, "tariff": saved.tariff }),
    )
    .await?;
    crate::ssr::tell_pages(saved.site_id, crate::telemetry::SiteChange::Inventory);
    Ok(saved)
}

/// Deletes a site with its miners, readings, alerts and collector keys. The caller types the
/// site's name, so a slip of the mouse deletes nothing.
#[server(endpoint = "delete_site")]
pub async fn delete_site(
    site_id: i64,
    #[server(default)] confirm_name: String,
) -> Result<(), AppError> {
    use crate::access::{Access, Module};
    use crate::error::Rejection;
    use crate::ssr::identity;
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    let site = crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    if confirm_name.trim() != site.name {
        return Err(AppError::Rejected(Rejection::ConfirmationMismatch));
    }
    store.delete_site(site_id).await?;
    identity::audit(
        &*store,
        &caller,
        "site.delete",
        "ok",
        site.owner_user_id,
        serde_json::json!({ "site_id": site_id, "name": site.name }),
    )
    .await?;
    crate::ssr::tell_pages(site_id, crate::telemetry::SiteChange::Inventory);
    Ok(())
}

#[server(endpoint = "list_customers")]
pub async fn list_customers() -> Result<Vec<CustomerEntry>, AppError> {
    use crate::access::{Access, Module};
    crate::ssr::auth::guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let customers = store.list_customers().await?;
    let accounts: Vec<i64> = customers.iter().filter_map(|c| c.user_id).collect();
    let mut emails = store.emails_of(&accounts).await?;
    Ok(customers
        .into_iter()
        .map(|customer| {
            // Each account speaks for one customer at most, so its address moves out.
            let portal_email = customer.user_id.and_then(|id| emails.remove(&id));
            CustomerEntry {
                customer,
                portal_email,
            }
        })
        .collect())
}

/// Creates a customer (`customer_id` empty) or replaces one's fields. The portal account must
/// be a client account that speaks for no other customer.
#[server(endpoint = "save_customer")]
pub async fn save_customer(
    #[server(default)] customer_id: Option<i64>,
    form: CustomerForm,
) -> Result<Customer, AppError> {
    use crate::access::{Access, Module, Role};
    use crate::error::Rejection;
    use crate::fleet::NewCustomer;
    use crate::ssr::identity;
    let caller = crate::ssr::auth::guard(Module::UserManage, Access::Full)?;
    let parsed = form.parse().map_err(AppError::Rejected)?;
    let store = crate::ssr::store()?;
    if let Some(id) = customer_id {
        store.get_customer(id).await?;
    }
    let user_id = match &parsed.portal_email {
        Some(email) => Some(
            ssr::account_with_role(&*store, email, Role::Client)
                .await
                .map_err(|e| e.unwrap_or(AppError::Rejected(Rejection::PortalAccountInvalid)))?,
        ),
        None => None,
    };
    // Told apart here, so each collision gets its own message; the unique indexes stay the
    // last word when two admins save at once.
    for other in store.list_customers().await? {
        if Some(other.customer_id) == customer_id {
            continue;
        }
        if other.name.to_lowercase() == parsed.name.to_lowercase() {
            return Err(AppError::Rejected(Rejection::CustomerNameTaken));
        }
        if user_id.is_some() && other.user_id == user_id {
            return Err(AppError::Rejected(Rejection::PortalAccountTaken));
        }
    }
    let customer = NewCustomer {
        name: parsed.name,
        contact_email: parsed.contact_email,
        user_id,
    };
    let now_ms = identity::now_ms();
    let (saved, action) = match customer_id {
        Some(id) => (
            store.update_customer(id, &customer, now_ms).await,
            "customer.update",
        ),
        None => (
            store.create_customer(&customer, now_ms).await,
            "customer.create",
        ),
    };
    let saved = saved.map_err(|err| crate::ssr::conflict_as(err, Rejection::CustomerNameTaken))?;
    identity::audit(
        &*store,
        &caller,
        action,
        "ok",
        saved.user_id,
        serde_json::json!({ "customer_id": saved.customer_id, "name": saved.name }),
    )
    .await?;
    Ok(saved)
}

/// Deletes a customer; its miners stay on their sites, the host's own until reassigned.
#[server(endpoint = "delete_customer")]
pub async fn delete_customer(customer_id: i64) -> Result<(), AppError> {
    use crate::access::{Access, Module};
    use crate::ssr::identity;
    let caller = crate::ssr::auth::guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let customer = store.get_customer(customer_id).await?;
    let site_ids = store.customer_site_ids(customer_id).await?;
    store.delete_customer(customer_id).await?;
    identity::audit(
        &*store,
        &caller,
        "customer.delete",
        "ok",
        customer.user_id,
        serde_json::json!({ "customer_id": customer_id, "name": customer.name }),
    )
    .await?;
    for site_id in site_ids {
        crate::ssr::tell_pages(site_id, crate::telemetry::SiteChange::Inventory);
    }
    Ok(())
}

#[server(endpoint = "miner_choices")]
pub async fn miner_choices(site_id: i64) -> Result<MinerOptions, AppError> {
    use crate::access::{Access, Module};
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    let models = store
        .list_asic_models()
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect();
    let customers = ssr::nameable_customers(&*store, &caller, site_id)
        .await?
        .into_iter()
        .map(|c| (c.customer_id, c.name))
        .collect();
    Ok(MinerOptions { models, customers })
}

/// Adds a miner to the site as a draft (`miner_id` empty), or replaces the fields of one of
/// its miners; the approval state stays, so an edit never slips a miner past review.
#[server(endpoint = "save_miner")]
pub async fn save_miner(
    site_id: i64,
    #[server(default)] miner_id: Option<i64>,
    form: MinerForm,
) -> Result<Miner, AppError> {
    use crate::access::{Access, Module};
    use crate::error::Rejection;
    use crate::fleet::InsertOutcome;
    use crate::fleet::forms::{miner_field_rejection, taken_field, taken_rejection};
    use crate::ssr::{StoreError, identity};
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    crate::api::fleet::managed_site(&*store, &caller, site_id).await?;
    if let Some(id) = miner_id
        && store.get_miner(id).await?.site_id != site_id
    {
        return Err(AppError::NotFound);
    }
    let models = store.list_asic_models().await?;
    let miner = form.parse(&models).map_err(AppError::Rejected)?;
    // The server polls what is stored here: never its own machine or the cloud's metadata.
    let ip: std::net::Ipv4Addr = miner
        .ip
        .parse()
        .map_err(|_| AppError::Rejected(Rejection::MinerIpInvalid))?;
    if let Err(refusal) = crate::ssr::miner_addresses().check(ip) {
        tracing::warn!(site_id, %ip, refusal = refusal.code(), "miner address refused");
        return Err(AppError::Rejected(Rejection::MinerIpReserved));
    }
    if let Some(customer_id) = miner.customer_id {
        let nameable = ssr::nameable_customers(&*store, &caller, site_id).await?;
        if !nameable.iter().any(|c| c.customer_id == customer_id) {
            return Err(AppError::Rejected(Rejection::MinerCustomerInvalid));
        }
    }
    let now_ms = identity::now_ms();
    let saved = match miner_id {
        Some(id) => store
            .update_miner(id, &miner, now_ms)
            .await
            .map_err(|err| match err {
                StoreError::Conflict { constraint } => match taken_field(&constraint) {
                    Some(field) => AppError::Rejected(taken_rejection(field)),
                    None => StoreError::Conflict { constraint }.into(),
                },
                other => other.into(),
            })?,
        None => match store
            .insert_miners(site_id, &[miner], now_ms)
            .await?
            .first()
        {
            Some(InsertOutcome::Inserted { miner_id }) => store.get_miner(*miner_id).await?,
            Some(InsertOutcome::Duplicate { field }) => {
                return Err(AppError::Rejected(taken_rejection(*field)));
            }
            Some(InsertOutcome::Invalid { error }) => {
                return Err(AppError::Rejected(miner_field_rejection(*error)));
            }
            None => return Err(AppError::Internal),
        },
    };
    identity::audit(
        &*store,
        &caller,
        if miner_id.is_some() { "miner.update" } else { "miner.create" },
        "ok",
        None,
        serde_json::json!({ "site_id": site_id, "miner_id": saved.miner_id, "serial": saved.serial }),
    )
    .await?;
    crate::ssr::tell_pages(site_id, crate::telemetry::SiteChange::Inventory);
    Ok(saved)
}

/// Removes a miner from its site with its readings and alerts.
#[server(endpoint = "delete_miner")]
pub async fn delete_miner(miner_id: i64) -> Result<(), AppError> {
    use crate::access::{Access, Module};
    use crate::ssr::identity;
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let store = crate::ssr::store()?;
    let miner = store.get_miner(miner_id).await?;
    crate::api::fleet::managed_site(&*store, &caller, miner.site_id).await?;
    store.delete_miners(miner.site_id, &[miner_id]).await?;
    identity::audit(
        &*store,
        &caller,
        "miner.delete",
        "ok",
        None,
        serde_json::json!({ "site_id": miner.site_id, "miner_id": miner_id, "serial": miner.serial }),
    )
    .await?;
    crate::ssr::tell_pages(miner.site_id, crate::telemetry::SiteChange::Inventory);
    Ok(())
}

/// The web import names customers too, under the same rule as the miner form.
#[cfg(feature = "ssr")]
pub use ssr::nameable_customers;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::access::Role;
    use crate::error::AppError;
    use crate::fleet::Customer;
    use crate::ssr::auth::Caller;
    use crate::ssr::{Store, StoreError};

    /// The id of the account with `email` when it has `role`; `Err(None)` when there is no
    /// such account (the caller's rejection), `Err(Some(_))` when the store failed.
    pub async fn account_with_role(
        store: &dyn Store,
        email: &str,
        role: Role,
    ) -> Result<i64, Option<AppError>> {
        match store.user_by_email(email).await {
            Ok(user) if user.role == role && user.claims_unconfirmed_email() => Err(Some(
                AppError::Rejected(crate::error::Rejection::EmailUnverified),
            )),
            Ok(user) if user.role == role => Ok(user.user_id),
            Ok(_) | Err(StoreError::NotFound) => Err(None),
            Err(other) => Err(Some(other.into())),
        }
    }

    /// The customers the caller may give a miner of `site_id` to: staff any; a site owner those
    /// already hosted on the site, since customers are shared across hosts and one host must
    /// not learn another's clients.
    pub async fn nameable_customers(
        store: &dyn Store,
        caller: &Caller,
        site_id: i64,
    ) -> Result<Vec<Customer>, AppError> {
        if caller.member()?.role == Role::MiningSiteOwner {
            Ok(store.site_customers(site_id).await?)
        } else {
            Ok(store.list_customers().await?)
        }
    }
}
