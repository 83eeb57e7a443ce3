//! Adding one miner to a site, and editing or removing one, in a form. Its state lives in
//! [`MinerEdit`], outside the pages' live-refreshed parts, so a refresh mid-typing loses
//! nothing.

use leptos::prelude::*;

use crate::api::fleet_setup::{DeleteMiner, MinerOptions, SaveMiner, miner_choices};
use crate::components::bound::{bound_input, bound_select};
use crate::components::error_view::{ErrorView, FormError};
use crate::fleet::forms::MinerForm;
use crate::fleet::{Miner, MinerStatus};
use crate::i18n::{t, t_string, use_i18n};

/// The miner form of a page: which site's miner is open (none while closed), the miner being
/// edited (none while adding), the fields, and the save and delete actions.
#[derive(Clone, Copy)]
pub(crate) struct MinerEdit {
    pub site: RwSignal<Option<i64>>,
    pub miner_id: RwSignal<Option<i64>>,
    pub form: RwSignal<MinerForm>,
    pub save: ServerAction<SaveMiner>,
    pub delete: ServerAction<DeleteMiner>,
}

impl MinerEdit {
    pub fn new() -> Self {
        let site = RwSignal::new(None::<i64>);
        let save = ServerAction::<SaveMiner>::new();
        // A saved miner closes the form; a refused one keeps it open with what was typed.
        Effect::new(move |_| {
            if matches!(save.value().get(), Some(Ok(_))) {
                site.set(None);
            }
        });
        Self {
            site,
            miner_id: RwSignal::new(None),
            form: RwSignal::new(MinerForm::blank()),
            save,
            delete: ServerAction::new(),
        }
    }

    pub fn open_add(self, site_id: i64) {
        self.miner_id.set(None);
        self.form.set(MinerForm::blank());
        self.save.clear();
        self.site.set(Some(site_id));
    }

    pub fn open_edit(self, miner: &Miner) {
        self.miner_id.set(Some(miner.miner_id));
        self.form.set(MinerForm::of(miner));
        self.save.clear();
        self.delete.clear();
        self.site.set(Some(miner.site_id));
    }
}

/// On a site's page: the "Add a miner" button, and the form once it is pressed.
#[component]
pub(crate) fn AddMinerCard(site_id: i64, edit: MinerEdit) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || edit.site.get() == Some(site_id) && edit.miner_id.with(Option::is_none);
    let added = move || !open() && matches!(edit.save.value().get(), Some(Ok(_)));
    view! {
        <section class="card" id="add-miner" aria-labelledby="add-miner-title">
            <h2 id="add-miner-title">{t!(i18n, miner_form_add_title)}</h2>
            <Show
                when=open
                fallback=move || view! {
                    <p>
                        <button type="button" class="button" id="add-miner-open" on:click=move |_| edit.open_add(site_id)>
                            {t!(i18n, miner_form_add)}
                        </button>
                        <Show when=added>
                            " "
                            <span class="muted" role="status" id="miner-added">{t!(i18n, miner_form_added)}</span>
                        </Show>
                    </p>
                }
            >
                <p class="muted small">{t!(i18n, miner_form_add_hint)}</p>
                <MinerEditor edit />
            </Show>
        </section>
    }
}

/// The fields, save, cancel and (when editing) delete.
#[component]
pub(crate) fn MinerEditor(edit: MinerEdit) -> impl IntoView {
    let i18n = use_i18n();
    // Owned by the open form, fetched when it opens: a resource of the page would outlive the
    // form, and its pending read would resume in the closed form's disposed scope.
    let site = edit.site;
    let choices = Resource::new(
        move || site.get(),
        |site| async move {
            match site {
                Some(site_id) => miner_choices(site_id).await,
                None => Ok(MinerOptions::default()),
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move {
                    choices.await.map(|choices| view! { <MinerFields edit choices /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn MinerFields(edit: MinerEdit, choices: MinerOptions) -> impl IntoView {
    let i18n = use_i18n();
    let form = edit.form;
    let confirming = RwSignal::new(false);
    let error = Signal::derive(move || {
        edit.save
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| edit.delete.value().get().and_then(Result::err))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(site_id) = edit.site.get_untracked() {
            edit.save.dispatch(SaveMiner {
                site_id,
                miner_id: edit.miner_id.get_untracked(),
                form: form.get_untracked(),
            });
        }
    };
    let delete = move |_| {
        if let Some(miner_id) = edit.miner_id.get_untracked() {
            edit.delete.dispatch(DeleteMiner { miner_id });
        }
    };
    // `selected` as well as the select's value: options rendered after the value is set
    // would otherwise show the first one.
    let models = choices
        .models
        .into_iter()
        .map(|name| {
            let chosen = name.clone();
            let selected = move || form.with(|f| f.model_name.eq_ignore_ascii_case(&chosen));
            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    let customers = choices
        .customers
        .into_iter()
        .map(|(id, name)| {
            let id = id.to_string();
            let chosen = id.clone();
            let selected = move || form.with(|f| f.customer_id == chosen);
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    let statuses = [
        MinerStatus::Active,
        MinerStatus::Maintenance,
        MinerStatus::Retired,
    ]
    .into_iter()
    .map(|status| {
        let text = move || match status {
            MinerStatus::Active => t_string!(i18n, miner_status_active),
            MinerStatus::Maintenance => t_string!(i18n, miner_status_maintenance),
            MinerStatus::Retired => t_string!(i18n, miner_status_retired),
        };
        let selected = move || form.with(|f| f.status == status.code());
        view! { <option value=status.code() selected=selected>{text}</option> }
    })
    .collect_view();
    let editing = move || edit.miner_id.with(Option::is_some);
    view! {
        <form class="form-grid" id="miner-form" on:submit=submit>
            <label>
                <span>{t!(i18n, sites_col_model)}</span>
                {bound_select(form, "miner-model", |f| &f.model_name, |f| &mut f.model_name, view! {
                    <option value="" disabled=true>{t!(i18n, miner_form_choose_model)}</option>
                    {models}
                })}
            </label>
            <label>
                <span>{t!(i18n, sites_col_serial)}</span>
                {bound_input(form, "miner-serial", "text", |f| &f.serial, |f| &mut f.serial)}
            </label>
            <label>
                <span>{t!(i18n, sites_col_ip)}</span>
                {bound_input(form, "miner-ip", "text", |f| &f.ip, |f| &mut f.ip)}
            </label>
            <label>
                <span>{t!(i18n, miner_mac)}</span>
                {bound_input(form, "miner-mac", "text", |f| &f.mac, |f| &mut f.mac)}
            </label>
            <label>
                <span>{t!(i18n, sites_col_rack)}</span>
                {bound_input(form, "miner-rack", "text", |f| &f.rack, |f| &mut f.rack)}
            </label>
            <label>
                <span>{t!(i18n, miner_form_status)}</span>
                {bound_select(form, "miner-status", |f| &f.status, |f| &mut f.status, statuses)}
            </label>
            <label>
                <span>{t!(i18n, sites_col_customer)}</span>
                {bound_select(form, "miner-customer", |f| &f.customer_id, |f| &mut f.customer_id, view! {
                    <option value="">{t!(i18n, miner_form_host_own)}</option>
                    {customers}
                })}
            </label>
            <div class="form-actions">
                <button type="submit" class="button" id="miner-save">{t!(i18n, site_setup_save)}</button>
                <button type="button" class="link" id="miner-cancel" on:click=move |_| edit.site.set(None)>
                    {t!(i18n, site_setup_cancel)}
                </button>
                <Show when=editing>
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="link danger" id="miner-delete" on:click=move |_| confirming.set(true)>
                                {t!(i18n, miner_form_delete)}
                            </button>
                        }
                    >
                        <span class="small">{t!(i18n, miner_form_delete_hint)}</span>
                        <button type="button" class="link danger" id="miner-confirm-delete" on:click=delete>
                            {t!(i18n, catalogue_confirm_delete)}
                        </button>
                    </Show>
                </Show>
            </div>
            <FormError error />
        </form>
    }
}
