//! The signed-in user's own page: who they are, their wallets, their API keys.

use leptos::prelude::*;

use crate::access::{Access, Module, Role, Viewer};
use crate::account::{ApiKeyInfo, WalletLink};
use crate::api::keys::{CreateApiKey, RevokeApiKey, list_api_keys};
use crate::api::wallet::{UnlinkWallet, list_wallets};
use crate::components::error_view::FormError;
use crate::components::error_view::Refusal;
use crate::components::page_title::PageTitle;
use crate::components::session::use_viewer;
use crate::components::wallet::WalletButton;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::format_time;
use crate::routes::admin_users::RoleName;

lazy_page!(AccountRoute, AccountPage);

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer().0;
    view! {
        <PageTitle text=|i18n| t_string!(i18n, account_title) />
        <h1>{t!(i18n, account_title)}</h1>
        <Suspense fallback=|| ()>
            {move || {
                viewer
                    .get()
                    .map(|found| match found.ok().flatten() {
                        None => view! { <Refusal error=AppError::SignInRequired /> }.into_any(),
                        Some(viewer) => view! { <AccountDetails viewer /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn AccountDetails(viewer: Viewer) -> impl IntoView {
    let i18n = use_i18n();
    let keys_allowed = viewer.may(Module::Settings, Access::Read);
    let role = viewer.role;
    view! {
        <section class="card">
            <dl class="figures" id="account-summary">
                <div>
                    <dt>{t!(i18n, field_display_name)}</dt>
                    <dd>{viewer.display_name.clone()}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, field_email)}</dt>
                    <dd>{viewer.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, account_role)}</dt>
                    <dd id="account-role"><RoleName role /></dd>
                </div>
            </dl>
            {(viewer.email.is_some() && !viewer.email_verified)
                .then(|| view! { <p class="notice" id="unverified">{t!(i18n, account_unverified)}</p> })}
        </section>
        <Wallets />
        {keys_allowed.then(|| view! { <ApiKeys own_role=role /> })}
    }
}

/// The wallets that sign in to this account, each with when it was linked and a way to unlink it:
/// after a reset, or on seeing one they do not know, people must be able to close that door.
#[component]
fn Wallets() -> impl IntoView {
    let i18n = use_i18n();
    let unlink = ServerAction::<UnlinkWallet>::new();
    let linked = RwSignal::new(0_u32);
    let wallets = Resource::new(
        move || (unlink.version().get(), linked.get()),
        |_| list_wallets(),
    );
    let error = Signal::derive(move || unlink.value().get().and_then(Result::err));
    view! {
        <section class="card" id="wallets">
            <h2>{t!(i18n, account_wallets)}</h2>
            <Transition fallback=|| ()>
                {move || {
                    wallets.get().map(|found| match found {
                        Err(error) => view! { <Refusal error /> }.into_any(),
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted" id="account-no-wallet">{t!(i18n, account_no_wallets)}</p> }.into_any()
                        }
                        Ok(list) => view! { <WalletList list unlink /> }.into_any(),
                    })
                }}
            </Transition>
            <FormError error />
            <WalletButton link=true on_linked=Callback::new(move |()| linked.update(|n| *n += 1)) />
        </section>
    }
}

#[component]
fn WalletList(list: Vec<WalletLink>, unlink: ServerAction<UnlinkWallet>) -> impl IntoView {
    let i18n = use_i18n();
    let items = list
        .into_iter()
        .map(|wallet| {
            let (address, shown, field) = (
                wallet.address.clone(),
                wallet.address.clone(),
                wallet.address,
            );
            view! {
                <li class="wallet-link" data-address=address>
                    <code class="wallet-address">{shown}</code>
                    <span class="muted">
                        " · " {t!(i18n, account_wallet_linked)} " " {format_time(wallet.linked_at_ms)}
                    </span>
                    <ActionForm action=unlink attr:class="inline-form">
                        <input type="hidden" name="address" value=field />
                        <button type="submit" class="link-button">{t!(i18n, account_wallet_unlink)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="wallet-links" id="account-wallets">{items}</ul> }
}

#[component]
fn ApiKeys(own_role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    let roles: Vec<Role> = Role::ALL.into_iter().filter(|r| *r >= own_role).collect();
    view! {
        <section class="card" id="api-keys">
            <h2>{t!(i18n, keys_title)}</h2>
            <p class="muted">{t!(i18n, keys_intro)}</p>
            <ActionForm action=create attr:class="form-grid" attr:id="key-form">
                <label>
                    {t!(i18n, keys_name)}
                    <input type="text" name="name" maxlength="80" required />
                </label>
                <label>
                    {t!(i18n, account_role)}
                    <select name="role">
                        {roles
                            .into_iter()
                            .map(|role| view! { <option value=role.as_str()><RoleName role /></option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit" class="button" id="key-create">{t!(i18n, keys_create)}</button>
                <FormError error />
            </ActionForm>
            {move || {
                create
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|key| {
                        view! {
                            <div class="notice" role="status">
                                <p>{t!(i18n, keys_created)}</p>
                                <code class="secret" id="key-secret">{key.secret}</code>
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| ()>
                {move || {
                    keys.get()
                        .map(|found| match found {
                            Err(error) => view! { <Refusal error /> }.into_any(),
                            Ok(keys) if keys.is_empty() => view! { <p class="muted">{t!(i18n, keys_none)}</p> }.into_any(),
                            Ok(keys) => view! { <KeyTable keys revoke /> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn KeyTable(keys: Vec<ApiKeyInfo>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = keys
        .into_iter()
        .map(|key| {
            let id = key.api_key_id;
            let role = key.role;
            view! {
                <tr>
                    <th scope="row">{key.name.clone()}</th>
                    <td><code>{format!("{}…", key.prefix)}</code></td>
                    <td><RoleName role /></td>
                    <td>{format_time(key.created_at_ms)}</td>
                    <td>{key.last_used_at_ms.map_or_else(|| t_string!(i18n, keys_never).to_owned(), format_time)}</td>
                    <td>
                        {if key.revoked {
                            view! { <span class="muted">{t!(i18n, keys_revoked)}</span> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=revoke attr:class="inline-form">
                                    <input type="hidden" name="api_key_id" value=id.to_string() />
                                    <button type="submit" class="link-button">{t!(i18n, keys_revoke)}</button>
                                </ActionForm>
                            }
                                .into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" id="key-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, keys_name)}</th>
                        <th scope="col">{t!(i18n, keys_prefix)}</th>
                        <th scope="col">{t!(i18n, account_role)}</th>
                        <th scope="col">{t!(i18n, keys_created_at)}</th>
                        <th scope="col">{t!(i18n, keys_last_used)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
