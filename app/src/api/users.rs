//! Administering accounts: the list, creating, roles, access periods, disabling, deleting, login
//! history, the mail outbox and the audit log. Every change is audited with who, what and from
//! where.

use leptos::prelude::*;

use crate::access::Role;
use crate::account::{AuditFilter, AuditPage, HandedOverLink, OutboxMail, UserPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access::{Access, Module},
    account::{PER_PAGE, UserSummary},
    error::Rejection,
    ssr::Store,
    ssr::accounts::{NewUser, TokenPurpose, UserChange, UserRecord},
    ssr::auth::{Caller, guard},
    ssr::identity,
};

/// Accounts matching `search` (e-mail, name or wallet), newest first, a page at a time.
#[server(endpoint = "list_users")]
pub async fn list_users(search: String, page: u32) -> Result<UserPage, AppError> {
    // Not `UserList`: that is the reference's site-scoped list, which needs sites (issue #6);
    // the whole list of accounts and their e-mail addresses is for those who manage them.
    guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let offset = i64::from(page) * i64::from(PER_PAGE);
    let (records, total) = store
        .list_users(search.trim(), offset, i64::from(PER_PAGE))
        .await?;
    let mut users = Vec::with_capacity(records.len());
    for record in records {
        let wallets = store.wallets_of(record.user_id).await?;
        users.push(summary(record, wallets));
    }
    Ok(UserPage {
        users,
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[cfg(feature = "ssr")]
fn summary(user: UserRecord, wallets: Vec<String>) -> UserSummary {
    UserSummary {
        user_id: user.user_id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        wallets,
        email_verified: user.email_verified_at_ms.is_some(),
        disabled: user.disabled_at_ms.is_some(),
        access_expires_at_ms: user.access_expires_at_ms,
        created_at_ms: user.created_at_ms,
        last_login_at_ms: user.last_login_at_ms,
    }
}

/// Creates an account without a password; the person sets one through the link this returns
/// (also mailed, or left in the outbox without SMTP).
#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    display_name: String,
    role: Role,
) -> Result<String, AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let actor = caller.member()?;
    if !actor.role.may_assign(role) {
        return Err(AppError::Rejected(Rejection::RoleNotAssignable));
    }
    let services = identity::services()?;
    let store = crate::ssr::store()?;
    let email = crate::account::normalise_email(&email)
        .ok_or(AppError::Rejected(Rejection::EmailInvalid))?;
    let display_name = crate::account::normalise_display_name(&display_name)
        .ok_or(AppError::Rejected(Rejection::NameInvalid))?;
    let user = store
        .create_user(&NewUser {
            email: Some(email.clone()),
            display_name,
            password_hash: None,
            role,
            email_verified_at_ms: None,
            access_expires_at_ms: None,
            created_at_ms: identity::now_ms(),
        })
        .await
        .map_err(identity::email_taken)?;
    let link = identity::issue_link(
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
        "user.create",
        "ok",
        Some(user.user_id),
        serde_json::json!({ "email": email, "role": role }),
    )
    .await?;
    Ok(link)
}

/// Loads the target and checks the actor may act on it: never on themselves (no self-promotion
/// or self-lockout), and only on accounts below their own role (the owner excepted).
#[cfg(feature = "ssr")]
async fn target(store: &dyn Store, caller: &Caller, user_id: i64) -> Result<UserRecord, AppError> {
    let actor = caller.member()?;
    if actor.user_id == user_id {
        return Err(AppError::Rejected(Rejection::OwnAccount));
    }
    let user = store.user_by_id(user_id).await?;
    if !actor.role.may_assign(user.role) {
        return Err(AppError::Rejected(Rejection::RoleNotAssignable));
    }
    Ok(user)
}

/// Refuses a change that would leave no active owner.
#[cfg(feature = "ssr")]
async fn keep_an_owner(store: &dyn Store, user: &UserRecord) -> Result<(), AppError> {
    if user.role != Role::Owner {
        return Ok(());
    }
    if store
        .other_active_owners(user.user_id, identity::now_ms())
        .await?
        == 0
    {
        return Err(AppError::Rejected(Rejection::LastOwner));
    }
    Ok(())
}

#[server(endpoint = "set_user_role")]
pub async fn set_user_role(user_id: i64, role: Role) -> Result<(), AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let user = target(&*store, &caller, user_id).await?;
    if !caller.member()?.role.may_assign(role) {
        return Err(AppError::Rejected(Rejection::RoleNotAssignable));
    }
    if role < user.role && user.claims_unconfirmed_email() {
        return Err(AppError::Rejected(Rejection::EmailUnverified));
    }
    if role != Role::Owner {
        keep_an_owner(&*store, &user).await?;
    }
    store.update_user(user_id, &UserChange::Role(role)).await?;
    // Sessions carry no role (it is read per request), so nothing else needs ending.
    identity::audit(
        &*store,
        &caller,
        "user.role",
        "ok",
        Some(user_id),
        serde_json::json!({ "from": user.role, "to": role }),
    )
    .await
}

/// Sets or clears the end of the account's access period (`YYYY-MM-DD`, access ends at 00:00
/// UTC of that day; empty for no end).
#[server(endpoint = "set_user_access")]
pub async fn set_user_access(user_id: i64, expires_on: String) -> Result<(), AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let user = target(&*store, &caller, user_id).await?;
    let expires = match expires_on.trim() {
        "" => None,
        day => Some(
            crate::market::day_from_iso(day).ok_or(AppError::Rejected(Rejection::DateInvalid))?,
        ),
    };
    if expires.is_some() {
        keep_an_owner(&*store, &user).await?;
    }
    store
        .update_user(user_id, &UserChange::AccessExpiry(expires))
        .await?;
    identity::audit(
        &*store,
        &caller,
        "user.access",
        "ok",
        Some(user_id),
        serde_json::json!({ "from": user.access_expires_at_ms, "to": expires }),
    )
    .await
}

/// Disables (ending every session and key use at once) or re-enables an account.
#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let store = crate::ssr::store()?;
    let user = target(&*store, &caller, user_id).await?;
    if disabled {
        keep_an_owner(&*store, &user).await?;
    }
    let at = disabled.then(identity::now_ms);
    store
        .update_user(user_id, &UserChange::Disabled(at))
        .await?;
    if disabled {
        store.delete_user_sessions(user_id).await?;
    }
    identity::audit(
        &*store,
        &caller,
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        "ok",
        Some(user_id),
        serde_json::json!({}),
    )
    .await
}

/// Deletes an account with its sessions, wallets and keys; the audit log keeps its history.
/// Owner only.
#[server(endpoint = "delete_user")]
pub async fn delete_user(user_id: i64) -> Result<(), AppError> {
    let caller = guard(Module::UserDelete, Access::Full)?;
    let store = crate::ssr::store()?;
    let user = target(&*store, &caller, user_id).await?;
    keep_an_owner(&*store, &user).await?;
    store.delete_user(user_id).await?;
    identity::audit(
        &*store,
        &caller,
        "user.delete",
        "ok",
        Some(user_id),
        serde_json::json!({ "email": user.email, "role": user.role }),
    )
    .await
}

/// The audit log, filtered. Owners and admins.
#[server(endpoint = "list_audit")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    guard(Module::Audit, Access::Read)?;
    let store = crate::ssr::store()?;
    let per_page = crate::account::PER_PAGE * 2;
    let offset = i64::from(filter.page) * i64::from(per_page);
    let (entries, total) = store
        .list_audit(&filter, offset, i64::from(per_page))
        .await?;
    Ok(AuditPage {
        entries,
        total,
        page: filter.page,
        per_page,
    })
}

/// Sign-ins of one account (successes and failures), newest first.
#[server(endpoint = "login_history")]
pub async fn login_history(user_id: i64, page: u32) -> Result<AuditPage, AppError> {
    guard(Module::UserManage, Access::Full)?;
    list_audit(AuditFilter {
        action: Some("login".to_owned()),
        subject_user_id: Some(user_id),
        page,
        ..AuditFilter::default()
    })
    .await
}

/// Mail the server could not send, for an admin to pass on: only mail to accounts the caller
/// may manage (their own included), so an admin never sees an owner's reset. No mail holds its
/// link; `hand_over_link` makes a new one.
#[server(endpoint = "list_outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMail>, AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let actor = caller.member()?;
    let store = crate::ssr::store()?;
    let mails = store.list_outbox(identity::now_ms()).await?;
    Ok(mails
        .into_iter()
        .filter(|mail| may_hand_over(actor, mail))
        .collect())
}

#[cfg(feature = "ssr")]
fn may_hand_over(actor: &crate::ssr::auth::Member, mail: &OutboxMail) -> bool {
    match (mail.user_id, mail.role) {
        (Some(user_id), _) if user_id == actor.user_id => true,
        (Some(_), Some(role)) => actor.role.may_assign(role),
        _ => false,
    }
}

/// Makes a new link for a mail in the outbox and returns it, once, for the admin to pass on by
/// hand; every open link of that kind for the account ends with it (and the mail leaves the
/// outbox). Needs a browser session: the link opens the account.
#[server(endpoint = "hand_over_link")]
pub async fn hand_over_link(outbox_mail_id: i64) -> Result<HandedOverLink, AppError> {
    let caller = guard(Module::UserManage, Access::Full)?;
    let actor = identity::session_member(&caller)?;
    let services = identity::services()?;
    let store = crate::ssr::store()?;
    let now = identity::now_ms();
    let mail = store.outbox_mail(outbox_mail_id, now).await?;
    // Mail the caller may not manage is answered as if it did not exist.
    if !may_hand_over(actor, &mail) {
        return Err(AppError::NotFound);
    }
    let user_id = mail.user_id.ok_or(AppError::NotFound)?;
    let purpose = match mail.purpose.as_str() {
        "verify_email" => TokenPurpose::VerifyEmail,
        "reset_password" => TokenPurpose::ResetPassword,
        _ => return Err(AppError::NotFound),
    };
    let origin = identity::public_origin(&services.settings)?;
    store.revoke_tokens(user_id, purpose, now).await?;
    let link =
        identity::issue_link(&*store, &services, purpose, Some(user_id), None, &origin).await?;
    identity::audit(
        &*store,
        &caller,
        "link.hand_over",
        "ok",
        Some(user_id),
        serde_json::json!({ "to": mail.to_email, "purpose": purpose.as_str() }),
    )
    .await?;
    Ok(HandedOverLink {
        to_email: mail.to_email,
        link,
    })
}
