//! `/sites/setup`: the sites a caller runs, created, edited and deleted in the browser — name,
//! location, capacity, the electricity tariff (flat, time-of-use or 24 hourly prices) and, for
//! staff, the site owner's account — and, for user managers, the hosting customers with the
//! client account that signs in to each one's portal (`customers`).

use leptos::prelude::*;

use crate::access::{Access, Module, Role};
use crate::api::fleet_setup::{DeleteSite, SaveSite, SiteSetup, list_site_setup};
use crate::components::bound::{bound_input, bound_select, bound_textarea};
use crate::components::error_view::{ErrorView, FormError};
use crate::components::page_title::PageTitle;
use crate::components::session::{RequireAccess, use_viewer};
use crate::fleet::forms::{SiteForm, TARIFF_FLAT, TARIFF_HOURLY, TARIFF_TIME_OF_USE};
use crate::fleet::{Site, Tariff};
use crate::i18n::{t, t_string, use_i18n};
use domain::number::trim_number;

mod collectors;
mod customers;

lazy_page!(SiteSetupRoute, SiteSetupPage);

#[component]
pub fn SiteSetupPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, site_setup_title) />
        <h1>{t!(i18n, site_setup_title)}</h1>
        <p class="muted">
            <a href="/sites" id="setup-back">{t!(i18n, site_setup_back)}</a>
        </p>
        <RequireAccess module=Module::SiteManagement need=Access::Full>
            <SetupBody />
        </RequireAccess>
    }
}

/// Rendered once the viewer is known (inside `RequireAccess`).
#[component]
fn SetupBody() -> impl IntoView {
    let viewer = use_viewer().0;
    let (names_owner, manages_users) = viewer
        .get_untracked()
        .and_then(Result::ok)
        .flatten()
        .map_or((false, false), |v| {
            (
                v.role != Role::MiningSiteOwner,
                v.may(Module::UserManage, Access::Full),
            )
        });
    view! {
        <Sites names_owner />
        {manages_users.then(|| view! { <customers::Customers /> })}
    }
}

/// The page's site actions, shared so the list refetches after any of them.
#[derive(Clone, Copy)]
struct SiteEdits {
    save: ServerAction<SaveSite>,
    delete: ServerAction<DeleteSite>,
    /// The site being edited; `None` while adding.
    editing: RwSignal<Option<i64>>,
    form: RwSignal<SiteForm>,
    /// The site whose collector keys are open below the list.
    keys: collectors::OpenKeys,
}

#[component]
fn Sites(names_owner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let edits = SiteEdits {
        save: ServerAction::new(),
        delete: ServerAction::new(),
        editing: RwSignal::new(None),
        form: RwSignal::new(SiteForm::blank()),
        keys: RwSignal::new(None),
    };
    // A saved site empties the form; a refused one keeps what was typed.
    Effect::new(move |_| {
        if matches!(edits.save.value().get(), Some(Ok(_))) {
            edits.editing.set(None);
            edits.form.set(SiteForm::blank());
        }
    });
    // The list is read again after a delete only when one happened: redrawing it after a refused
    // one would close the row's confirmation, and its message with it.
    let deleted = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if matches!(edits.delete.value().get(), Some(Ok(()))) {
            deleted.update(|count| *count += 1);
            edits.keys.set(None);
        }
    });
    let list = Resource::new(
        move || (edits.save.version().get(), deleted.get()),
        |_| list_site_setup(),
    );
    view! {
        <SiteEditor edits names_owner />
        <Transition fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move {
                    list.await.map(|list| view! { <SiteList sites=list.sites edits /> })
                })}
            </ErrorBoundary>
        </Transition>
        {move || {
            edits
                .keys
                .get()
                .map(|(site_id, name)| view! { <collectors::CollectorKeys site_id name open=edits.keys /> })
        }}
    }
}

#[component]
fn SiteEditor(edits: SiteEdits, names_owner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let form = edits.form;
    let error = Signal::derive(move || edits.save.value().get().and_then(Result::err));
    let saved = move || matches!(edits.save.value().get(), Some(Ok(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        edits.save.dispatch(SaveSite {
            site_id: edits.editing.get_untracked(),
            form: form.get_untracked(),
        });
    };
    let hidden_unless = move |kind: &'static str| move || form.with(|f| f.tariff_kind != kind);
    let owner = names_owner.then(|| {
        view! {
            <label>
                <span>{t!(i18n, site_setup_owner)}</span>
                {bound_input(form, "site-owner", "email", |f| &f.owner_email, |f| &mut f.owner_email)}
                <small class="muted">{t!(i18n, site_setup_owner_hint)}</small>
            </label>
        }
    });
    let tariff_options = view! {
        <option value=TARIFF_FLAT>{t!(i18n, site_setup_tariff_flat)}</option>
        <option value=TARIFF_TIME_OF_USE>{t!(i18n, site_setup_tariff_time_of_use)}</option>
        <option value=TARIFF_HOURLY>{t!(i18n, site_setup_tariff_hourly)}</option>
    };
    view! {
        <section class="card" id="site-editor" aria-labelledby="site-editor-title">
            <h2 id="site-editor-title">
                {move || if edits.editing.with(Option::is_some) {
                    t_string!(i18n, site_setup_site_editing)
                } else {
                    t_string!(i18n, site_setup_site_add)
                }}
            </h2>
            {(!names_owner).then(|| view! { <p class="muted small">{t!(i18n, site_setup_own_sites)}</p> })}
            <form class="form-grid" id="site-form" on:submit=submit>
                <label>
                    <span>{t!(i18n, site_setup_site_name)}</span>
                    {bound_input(form, "site-name", "text", |f| &f.name, |f| &mut f.name)}
                </label>
                <label>
                    <span>{t!(i18n, site_setup_location)}</span>
                    {bound_input(form, "site-location", "text", |f| &f.location, |f| &mut f.location)}
                </label>
                <label>
                    <span>{t!(i18n, site_setup_capacity)}</span>
                    {bound_input(form, "site-capacity", "text", |f| &f.capacity_mw, |f| &mut f.capacity_mw)}
                </label>
                {owner}
                <label>
                    <span>{t!(i18n, site_setup_tariff)}</span>
                    {bound_select(form, "site-tariff-kind", |f| &f.tariff_kind, |f| &mut f.tariff_kind, tariff_options)}
                </label>
                <label hidden=hidden_unless(TARIFF_FLAT)>
                    <span>{t!(i18n, site_setup_price)}</span>
                    {bound_input(form, "site-flat-price", "text", |f| &f.flat_usd_kwh, |f| &mut f.flat_usd_kwh)}
                </label>
                <label hidden=hidden_unless(TARIFF_TIME_OF_USE)>
                    <span>{t!(i18n, site_setup_peak_price)}</span>
                    {bound_input(form, "site-peak-price", "text", |f| &f.peak_usd_kwh, |f| &mut f.peak_usd_kwh)}
                </label>
                <label hidden=hidden_unless(TARIFF_TIME_OF_USE)>
                    <span>{t!(i18n, site_setup_offpeak_price)}</span>
                    {bound_input(form, "site-offpeak-price", "text", |f| &f.offpeak_usd_kwh, |f| &mut f.offpeak_usd_kwh)}
                </label>
                <label hidden=hidden_unless(TARIFF_TIME_OF_USE)>
                    <span>{t!(i18n, site_setup_peak_start)}</span>
                    {bound_input(form, "site-peak-start", "text", |f| &f.peak_start_hour, |f| &mut f.peak_start_hour)}
                </label>
                <label hidden=hidden_unless(TARIFF_TIME_OF_USE)>
                    <span>{t!(i18n, site_setup_peak_end)}</span>
                    {bound_input(form, "site-peak-end", "text", |f| &f.peak_end_hour, |f| &mut f.peak_end_hour)}
                </label>
                <label class="wide" hidden=hidden_unless(TARIFF_HOURLY)>
                    <span>{t!(i18n, site_setup_hourly_prices)}</span>
                    {bound_textarea(form, "site-hourly-prices", |f| &f.hourly_usd_kwh, |f| &mut f.hourly_usd_kwh)}
                    <small class="muted">{t!(i18n, site_setup_hourly_hint)}</small>
                </label>
                <div class="form-actions">
                    <button type="submit" class="button" id="site-save">{t!(i18n, site_setup_save)}</button>
                    <Show when=move || edits.editing.with(Option::is_some)>
                        <button type="button" class="link" id="site-cancel" on:click=move |_| {
                            edits.editing.set(None);
                            edits.form.set(SiteForm::blank());
                        }>{t!(i18n, site_setup_cancel)}</button>
                    </Show>
                    <Show when=saved>
                        <span class="muted" role="status" id="site-saved">{t!(i18n, site_setup_saved)}</span>
                    </Show>
                </div>
                <FormError error />
            </form>
        </section>
    }
}

/// The tariff in a few words: "flat 0.05 USD/kWh", the peak window, or the hourly range.
fn tariff_text(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, tariff: &Tariff) -> String {
    match tariff {
        Tariff::Flat { usd_kwh } => {
            let price = trim_number(*usd_kwh);
            t_string!(i18n, site_setup_tariff_flat_text, price).to_string()
        }
        Tariff::TimeOfUse {
            peak_usd_kwh,
            offpeak_usd_kwh,
            peak_start_hour,
            peak_end_hour,
        } => {
            let peak = trim_number(*peak_usd_kwh);
            let offpeak = trim_number(*offpeak_usd_kwh);
            let start = format!("{peak_start_hour:02}:00");
            let end = format!("{peak_end_hour:02}:00");
            t_string!(
                i18n,
                site_setup_tariff_time_of_use_text,
                peak,
                start,
                end,
                offpeak
            )
            .to_string()
        }
        Tariff::Hourly { usd_kwh } => {
            let low = trim_number(usd_kwh.iter().copied().fold(f64::INFINITY, f64::min));
            let high = trim_number(usd_kwh.iter().copied().fold(0.0, f64::max));
            t_string!(i18n, site_setup_tariff_hourly_text, low, high).to_string()
        }
    }
}

#[component]
fn SiteList(sites: Vec<SiteSetup>, edits: SiteEdits) -> impl IntoView {
    let i18n = use_i18n();
    if sites.is_empty() {
        return view! { <p class="muted" id="setup-sites-none">{t!(i18n, site_setup_sites_none)}</p> }
            .into_any();
    }
    let rows = sites
        .into_iter()
        .map(|SiteSetup { site, owner_email }| {
            let Site {
                site_id,
                name,
                location,
                capacity_mw,
                tariff,
                ..
            } = site.clone();
            let tariff = move || tariff_text(i18n, &tariff);
            let none = move || t_string!(i18n, out_none).to_owned();
            let owner = owner_email.clone().unwrap_or_else(none);
            view! {
                <tr data-site=name.clone()>
                    <th scope="row"><a href=format!("/sites?site={site_id}")>{name.clone()}</a></th>
                    <td>{location}</td>
                    <td class="num">{trim_number(capacity_mw)}</td>
                    <td class="site-tariff">{tariff}</td>
                    <td>{owner}</td>
                    <SiteActions setup=SiteSetup { site, owner_email } edits />
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" id="setup-sites">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, site_setup_site_name)}</th>
                        <th scope="col">{t!(i18n, site_setup_location)}</th>
                        <th scope="col" class="num">{t!(i18n, site_setup_capacity)}</th>
                        <th scope="col">{t!(i18n, site_setup_tariff)}</th>
                        <th scope="col">{t!(i18n, site_setup_owner)}</th>
                        <th scope="col">{t!(i18n, catalogue_actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Edit, and delete once the site's name is typed: deleting takes every miner and reading
/// of the site with it.
#[component]
fn SiteActions(setup: SiteSetup, edits: SiteEdits) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let site_id = setup.site.site_id;
    let site_name = setup.site.name.clone();
    let error = Signal::derive(move || {
        confirming
            .get()
            .then(|| edits.delete.value().get().and_then(Result::err))
            .flatten()
    });
    let edit = move |_| {
        edits.editing.set(Some(site_id));
        edits
            .form
            .set(SiteForm::of(&setup.site, setup.owner_email.as_deref()));
        edits.save.clear();
    };
    let delete = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        edits.delete.dispatch(DeleteSite {
            site_id,
            confirm_name: typed.get_untracked(),
        });
    };
    view! {
        <td class="row-actions">
            <button type="button" class="link site-edit" on:click=edit>{t!(i18n, catalogue_edit)}</button>
            <button type="button" class="link site-keys" on:click=move |_| {
                edits.keys.set(Some((site_id, site_name.clone())));
            }>{t!(i18n, collector_keys_title)}</button>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="link site-delete" on:click=move |_| {
                        edits.delete.clear();
                        confirming.set(true);
                    }>{t!(i18n, catalogue_delete)}</button>
                }
            >
                <form class="inline-form site-confirm" on:submit=delete>
                    <label>
                        <span class="small">{t!(i18n, site_setup_type_name)}</span>
                        <input
                            type="text"
                            class="site-confirm-name"
                            prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit" class="link danger site-confirm-delete">{t!(i18n, site_setup_delete_site)}</button>
                    <button type="button" class="link" on:click=move |_| confirming.set(false)>
                        {t!(i18n, site_setup_cancel)}
                    </button>
                    <FormError error />
                </form>
            </Show>
        </td>
    }
}
