//! User administration: search and paging, adding users, roles, access periods, disabling,
//! deleting (owner only), and the mail waiting to be passed on.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::access::{Access, Module, Role};
use crate::account::{OutboxMail, UserPage, UserSummary};
use crate::api::users::{
    CreateUser, DeleteUser, HandOverLink, SetUserAccess, SetUserDisabled, SetUserRole, list_outbox,
    list_users,
};
use crate::components::error_view::FormError;
use crate::components::error_view::Refusal;
use crate::components::page_title::PageTitle;
use crate::components::session::{RequireAccess, use_viewer};
use crate::i18n::{t, t_string, use_i18n};

/// A role's translated name.
#[component]
pub fn RoleName(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    move || match role {
        Role::Owner => t_string!(i18n, role_owner),
        Role::Admin => t_string!(i18n, role_admin),
        Role::MiningSiteOwner => t_string!(i18n, role_mining_site_owner),
        Role::Operator => t_string!(i18n, role_operator),
        Role::Client => t_string!(i18n, role_client),
        Role::Guest => t_string!(i18n, role_guest),
    }
}

use crate::market::format_time;

/// The actions of the page, shared by every row so one resource refetches after any of them.
#[derive(Clone, Copy)]
struct Actions {
    role: ServerAction<SetUserRole>,
    access: ServerAction<SetUserAccess>,
    disabled: ServerAction<SetUserDisabled>,
    delete: ServerAction<DeleteUser>,
    create: ServerAction<CreateUser>,
}

impl Actions {
    fn version(self) -> usize {
        self.role.version().get()
            + self.access.version().get()
            + self.disabled.version().get()
            + self.delete.version().get()
            + self.create.version().get()
    }

    fn error(self) -> Option<crate::error::AppError> {
        [
            self.role.value().get().and_then(Result::err),
            self.access.value().get().and_then(Result::err),
            self.disabled.value().get().and_then(Result::err),
            self.delete.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, users_title) />
        <h1>{t!(i18n, users_title)}</h1>
        <RequireAccess module=Module::UserManage need=Access::Full>
            <UsersAdmin />
        </RequireAccess>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let actions = Actions {
        role: ServerAction::new(),
        access: ServerAction::new(),
        disabled: ServerAction::new(),
        delete: ServerAction::new(),
        create: ServerAction::new(),
    };
    let users = Resource::new(
        move || (search(), page(), actions.version()),
        |(search, page, _)| list_users(search, page),
    );
    let hand_over = ServerAction::<HandOverLink>::new();
    let outbox = Resource::new(
        move || (actions.version(), hand_over.version().get()),
        |_| list_outbox(),
    );
    let action_error = Signal::derive(move || actions.error());
    let create_error = Signal::derive(move || actions.create.value().get().and_then(Result::err));
    let viewer = use_viewer().0;
    let viewer_role = move || {
        viewer
            .get()
            .and_then(Result::ok)
            .flatten()
            .map_or(Role::Guest, |v| v.role)
    };
    view! {
        <form method="get" action="/admin/users" class="search-form" role="search">
            <input type="search" name="q" prop:value=search id="user-search"
                aria-label=move || t_string!(i18n, users_search)
                placeholder=move || t_string!(i18n, users_search) />
            <button type="submit" class="button">{t!(i18n, audit_filter)}</button>
        </form>
        <FormError error=action_error />
        <Transition fallback=|| ()>
            {move || {
                users
                    .get()
                    .map(|found| match found {
                        Err(error) => view! { <Refusal error /> }.into_any(),
                        Ok(page) => view! { <UserTable page actions actor=viewer_role() /> }.into_any(),
                    })
            }}
        </Transition>
        <section class="card">
            <h2>{t!(i18n, users_create_title)}</h2>
            <ActionForm action=actions.create attr:class="form-grid" attr:id="create-user-form">
                <label>
                    {t!(i18n, field_display_name)}
                    <input type="text" name="display_name" maxlength="80" required />
                </label>
                <label>
                    {t!(i18n, field_email)}
                    <input type="email" name="email" required />
                </label>
                <label>
                    {t!(i18n, account_role)}
                    <RoleSelect current=Role::Client actor=viewer_role() />
                </label>
                <button type="submit" class="button" id="create-user-submit">{t!(i18n, users_create_submit)}</button>
                <FormError error=create_error />
            </ActionForm>
            {move || {
                actions
                    .create
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|link| {
                        view! {
                            <div class="notice" role="status">
                                <p>{t!(i18n, users_created_link)}</p>
                                <code class="secret" id="created-link">{link}</code>
                            </div>
                        }
                    })
            }}
        </section>
        <section class="card" id="outbox">
            <h2>{t!(i18n, users_outbox_title)}</h2>
            <p class="muted">{t!(i18n, users_outbox_intro)}</p>
            <Transition fallback=|| ()>
                {move || outbox.get().map(|found| match found {
                    Err(error) => view! { <Refusal error /> }.into_any(),
                    Ok(mails) => view! { <Outbox mails hand_over /> }.into_any(),
                })}
            </Transition>
            <FormError error=Signal::derive(move || hand_over.value().get().and_then(Result::err)) />
            {move || {
                hand_over
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|handed| {
                        view! {
                            <div class="notice" role="status" id="handed-over" data-to=handed.to_email.clone()>
                                <p>{t!(i18n, users_outbox_handed_over)} " " <strong>{handed.to_email.clone()}</strong></p>
                                <code class="secret" id="handed-over-link">{handed.link}</code>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn RoleSelect(current: Role, actor: Role) -> impl IntoView {
    let options = Role::ALL
        .into_iter()
        .filter(|role| actor.may_assign(*role) || *role == current)
        .map(|role| view! { <option value=role.as_str() selected=role == current><RoleName role /></option> })
        .collect_view();
    view! { <select name="role">{options}</select> }
}

#[component]
fn UserTable(page: UserPage, actions: Actions, actor: Role) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let pages = u32::try_from((total + i64::from(page.per_page) - 1) / i64::from(page.per_page))
        .unwrap_or(1)
        .max(1);
    let current = page.page;
    let query = use_query_map();
    let link = move |to: u32| {
        let q = query.read().get("q").unwrap_or_default();
        format!(
            "/admin/users?q={}&page={to}",
            crate::scenario::percent_encode(&q)
        )
    };
    if page.users.is_empty() {
        return view! { <p class="muted" id="users-none">{t!(i18n, users_none)}</p> }.into_any();
    }
    let rows = page
        .users
        .into_iter()
        .map(|user| view! { <UserRow user actions actor /> })
        .collect_view();
    let display_page = current + 1;
    view! {
        <p class="muted" id="users-total">{t!(i18n, users_total, count = total)}</p>
        <div class="table-scroll">
            <table class="data-table" id="users-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, field_display_name)}</th>
                        <th scope="col">{t!(i18n, field_email)}</th>
                        <th scope="col">{t!(i18n, account_role)}</th>
                        <th scope="col">{t!(i18n, users_expires)}</th>
                        <th scope="col">{t!(i18n, users_status)}</th>
                        <th scope="col">{t!(i18n, users_last_login)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, users_title)>
            {(current > 0).then(|| view! { <a class="button" href=link(current - 1)>{t!(i18n, page_prev)}</a> })}
            <span>{t!(i18n, page_of, page = display_page, pages)}</span>
            {(current + 1 < pages).then(|| view! { <a class="button" href=link(current + 1)>{t!(i18n, page_next)}</a> })}
        </nav>
    }
        .into_any()
}

#[component]
fn UserRow(user: UserSummary, actions: Actions, actor: Role) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.user_id.to_string();
    let (id_role, id_access, id_disabled, id_delete) = (id.clone(), id.clone(), id.clone(), id);
    let may_change = actor.may_assign(user.role);
    let may_delete = crate::access::access(actor, Module::UserDelete) == Access::Full;
    let expires = user
        .access_expires_at_ms
        .map(crate::market::iso_date)
        .unwrap_or_default();
    let contact = user
        .email
        .clone()
        .or_else(|| user.wallets.first().cloned())
        .unwrap_or_default();
    let status = move || {
        let mut parts = vec![if user.disabled {
            t_string!(i18n, users_disabled)
        } else {
            t_string!(i18n, users_active)
        }];
        if user.email.is_some() && !user.email_verified {
            parts.push(t_string!(i18n, users_unverified));
        }
        parts.join(", ")
    };
    let role = user.role;
    let history = format!("/admin/audit?subject={}&action=login", user.user_id);
    view! {
        <tr data-user=contact.clone()>
            <th scope="row">{user.display_name.clone()}</th>
            <td>{contact.clone()}</td>
            <td>
                {if may_change {
                    view! {
                        <ActionForm action=actions.role attr:class="inline-form">
                            <input type="hidden" name="user_id" value=id_role />
                            <RoleSelect current=role actor />
                            <button type="submit" class="link-button" data-action="save-role">{t!(i18n, users_save)}</button>
                        </ActionForm>
                    }
                        .into_any()
                } else {
                    view! { <RoleName role /> }.into_any()
                }}
            </td>
            <td>
                {if may_change {
                    view! {
                        <ActionForm action=actions.access attr:class="inline-form">
                            <input type="hidden" name="user_id" value=id_access />
                            <input type="date" name="expires_on" value=expires.clone() aria-label=move || t_string!(i18n, users_expires) />
                            <button type="submit" class="link-button" data-action="save-access">{t!(i18n, users_save)}</button>
                        </ActionForm>
                    }
                        .into_any()
                } else {
                    view! { <span>{expires.clone()}</span> }.into_any()
                }}
            </td>
            <td>{status}</td>
            <td>{user.last_login_at_ms.map(format_time).unwrap_or_default()}</td>
            <td class="row-actions">
                {may_change.then(|| view! {
                    <ActionForm action=actions.disabled attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_disabled />
                        <input type="hidden" name="disabled" value=(!user.disabled).to_string() />
                        <button type="submit" class="link-button" data-action="toggle-disabled">
                            {if user.disabled { t_string!(i18n, users_enable) } else { t_string!(i18n, users_disable) }}
                        </button>
                    </ActionForm>
                })}
                {(may_change && may_delete).then(|| view! {
                    <ActionForm action=actions.delete attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_delete />
                        <button type="submit" class="link-button danger" data-action="delete">{t!(i18n, users_delete)}</button>
                    </ActionForm>
                })}
                <a href=history>{t!(i18n, users_history)}</a>
            </td>
        </tr>
    }
}

#[component]
fn Outbox(mails: Vec<OutboxMail>, hand_over: ServerAction<HandOverLink>) -> impl IntoView {
    let i18n = use_i18n();
    if mails.is_empty() {
        return view! { <p class="muted">{t!(i18n, users_outbox_empty)}</p> }.into_any();
    }
    mails
        .into_iter()
        .map(|mail| {
            let purpose = mail.purpose.clone();
            view! {
                <article class="mail" data-to=mail.to_email.clone()>
                    <p><strong>{mail.to_email.clone()}</strong> " · " {format_time(mail.created_at_ms)}</p>
                    <p>
                        {move || if purpose == "verify_email" {
                            t_string!(i18n, users_outbox_purpose_verify)
                        } else {
                            t_string!(i18n, users_outbox_purpose_reset)
                        }}
                    </p>
                    <ActionForm action=hand_over attr:class="inline-form">
                        <input type="hidden" name="outbox_mail_id" value=mail.outbox_mail_id.to_string() />
                        <button type="submit" class="button">{t!(i18n, users_outbox_hand_over)}</button>
                    </ActionForm>
                </article>
            }
        })
        .collect_view()
        .into_any()
}
