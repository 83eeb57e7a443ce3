//! The ASIC catalogue, rendered on the server so it reads without JavaScript. Owners and admins
//! (`Module::Catalogue`) also add, edit and delete models here; every change is audited and
//! reaches the calculator, the batch calculator and the API at once.

use leptos::prelude::*;

use crate::access::{Access, Module};
use crate::api::catalogue::{CreateAsicModel, DeleteAsicModel, UpdateAsicModel, list_asic_models};
use crate::catalogue::{AsicModel, AsicModelForm, Cooling};
use crate::components::error_view::{ErrorView, FormError};
use crate::components::page_title::PageTitle;
use crate::components::session::use_viewer;
use crate::i18n::{t, t_string, use_i18n};

lazy_page!(CatalogueRoute, CataloguePage);

#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer().0;
    view! {
        <PageTitle text=|i18n| t_string!(i18n, catalogue_title) />
        <h1>{t!(i18n, catalogue_title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, catalogue_loading)}</p> }>
            {move || Suspend::new(async move {
                let editor = viewer
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|v| v.may(Module::Catalogue, Access::Full));
                view! { <Catalogue editor /> }
            })}
        </Suspense>
    }
}

/// The actions of the page, shared so that one list refetches after any of them.
#[derive(Clone, Copy)]
struct Edits {
    create: ServerAction<CreateAsicModel>,
    update: ServerAction<UpdateAsicModel>,
    delete: ServerAction<DeleteAsicModel>,
    /// The model being edited, if any.
    editing: RwSignal<Option<AsicModel>>,
}

#[component]
fn Catalogue(editor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let edits = Edits {
        create: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
        editing: RwSignal::new(None),
    };
    let models = Resource::new(
        move || {
            (
                edits.create.version().get(),
                edits.update.version().get(),
                edits.delete.version().get(),
            )
        },
        |_| list_asic_models(),
    );
    view! {
        {editor.then(|| view! { <Editor edits /> })}
        <Suspense fallback=move || view! { <p>{t!(i18n, catalogue_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move {
                    models.await.map(|models| view! { <CatalogueTable models editor edits /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The add / edit form. Editing a model fills it; saving or cancelling empties it again.
#[component]
fn Editor(edits: Edits) -> impl IntoView {
    let i18n = use_i18n();
    let blank = AsicModelForm {
        cooling: Cooling::Air.as_str().to_owned(),
        ..AsicModelForm::default()
    };
    let name = RwSignal::new(String::new());
    let manufacturer = RwSignal::new(String::new());
    let hashrate_ths = RwSignal::new(String::new());
    let power_w = RwSignal::new(String::new());
    let cooling = RwSignal::new(blank.cooling.clone());
    let release_date = RwSignal::new(String::new());
    let price_usd = RwSignal::new(String::new());
    let fill = move |form: AsicModelForm| {
        name.set(form.name);
        manufacturer.set(form.manufacturer);
        hashrate_ths.set(form.hashrate_ths);
        power_w.set(form.power_w);
        cooling.set(form.cooling);
        release_date.set(form.release_date);
        price_usd.set(form.price_usd);
    };
    let blank_form = blank.clone();
    Effect::new(move |_| match edits.editing.get() {
        Some(model) => fill(AsicModelForm::of(&model)),
        None => fill(blank_form.clone()),
    });
    // A successful save empties the form; a refused one keeps what was typed.
    Effect::new(move |_| {
        let created = matches!(edits.create.value().get(), Some(Ok(_)));
        let updated = matches!(edits.update.value().get(), Some(Ok(_)));
        if created || updated {
            edits.editing.set(None);
            fill(blank.clone());
        }
    });
    let error = Signal::derive(move || {
        edits
            .create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| edits.update.value().get().and_then(Result::err))
            .or_else(|| edits.delete.value().get().and_then(Result::err))
    });
    let done = move || {
        let ok = |v: Option<Result<AsicModel, _>>| matches!(v, Some(Ok(_)));
        ok(edits.create.value().get())
            || ok(edits.update.value().get())
            || matches!(edits.delete.value().get(), Some(Ok(())))
    };
    let form = move || AsicModelForm {
        name: name.get_untracked(),
        manufacturer: manufacturer.get_untracked(),
        hashrate_ths: hashrate_ths.get_untracked(),
        power_w: power_w.get_untracked(),
        cooling: cooling.get_untracked(),
        release_date: release_date.get_untracked(),
        price_usd: price_usd.get_untracked(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match edits.editing.get_untracked() {
            Some(model) => {
                edits.update.dispatch(UpdateAsicModel {
                    asic_model_id: model.asic_model_id,
                    form: form(),
                });
            }
            None => {
                edits.create.dispatch(CreateAsicModel { form: form() });
            }
        }
    };
    let text_field = move |label: &'static str, id: &'static str, signal: RwSignal<String>| {
        view! {
            <label>
                <span>{label}</span>
                <input type="text" id=id bind:value=signal />
            </label>
        }
    };
    view! {
        <section class="card" id="catalogue-editor" aria-labelledby="catalogue-editor-title">
            <h2 id="catalogue-editor-title">
                {move || if edits.editing.with(Option::is_some) {
                    t_string!(i18n, catalogue_editing)
                } else {
                    t_string!(i18n, catalogue_add)
                }}
            </h2>
            <p class="muted small">{t!(i18n, catalogue_admin_hint)}</p>
            <form class="form-grid" id="catalogue-form" on:submit=submit>
                {move || text_field(t_string!(i18n, catalogue_model), "model-name", name)}
                {move || text_field(t_string!(i18n, catalogue_manufacturer), "model-manufacturer", manufacturer)}
                {move || text_field(t_string!(i18n, catalogue_hashrate), "model-hashrate", hashrate_ths)}
                {move || text_field(t_string!(i18n, catalogue_power), "model-power", power_w)}
                <label>
                    <span>{t!(i18n, catalogue_cooling)}</span>
                    <select id="model-cooling" on:change=move |ev| cooling.set(event_target_value(&ev)) prop:value=move || cooling.get()>
                        <option value="air">{t!(i18n, cooling_air)}</option>
                        <option value="hydro">{t!(i18n, cooling_hydro)}</option>
                        <option value="immersion">{t!(i18n, cooling_immersion)}</option>
                    </select>
                </label>
                {move || text_field(t_string!(i18n, catalogue_release_date), "model-release-date", release_date)}
                {move || text_field(t_string!(i18n, catalogue_price), "model-price", price_usd)}
                <div class="form-actions">
                    <button type="submit" class="button" id="model-save">{t!(i18n, catalogue_save)}</button>
                    <Show when=move || edits.editing.with(Option::is_some)>
                        <button type="button" class="link" id="model-cancel" on:click=move |_| edits.editing.set(None)>
                            {t!(i18n, catalogue_cancel)}
                        </button>
                    </Show>
                    <Show when=done>
                        <span class="muted" role="status" id="catalogue-saved">{t!(i18n, catalogue_saved)}</span>
                    </Show>
                </div>
                <FormError error />
            </form>
        </section>
    }
}

#[component]
fn CatalogueTable(models: Vec<AsicModel>, editor: bool, edits: Edits) -> impl IntoView {
    let i18n = use_i18n();
    let count = models.len();
    let rows = models
        .into_iter()
        .map(|model| {
            let cooling = move || match model.cooling {
                Cooling::Air => t_string!(i18n, cooling_air),
                Cooling::Hydro => t_string!(i18n, cooling_hydro),
                Cooling::Immersion => t_string!(i18n, cooling_immersion),
            };
            let actions = editor.then(|| view! { <ModelActions model=model.clone() edits /> });
            view! {
                <tr data-model=model.name.clone()>
                    <th scope="row">{model.name.clone()}</th>
                    <td>{model.manufacturer.clone()}</td>
                    <td class="num">{format!("{:.1}", model.hashrate_hs / 1e12)}</td>
                    <td class="num">{format!("{:.0}", model.power_w)}</td>
                    <td class="num">{format!("{:.2}", model.efficiency_j_per_th())}</td>
                    <td>{cooling}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" id="catalogue-count">{t!(i18n, catalogue_count, count)}</p>
        <div class="table-scroll">
            <table class="data-table" id="catalogue-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, catalogue_model)}</th>
                        <th scope="col">{t!(i18n, catalogue_manufacturer)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_hashrate)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_power)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_efficiency)}</th>
                        <th scope="col">{t!(i18n, catalogue_cooling)}</th>
                        {editor.then(|| view! { <th scope="col">{t!(i18n, catalogue_actions)}</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Edit, and delete behind a second click.
#[component]
fn ModelActions(model: AsicModel, edits: Edits) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let id = model.asic_model_id;
    view! {
        <td class="row-actions">
            <button type="button" class="link model-edit" on:click=move |_| {
                edits.editing.set(Some(model.clone()));
            }>{t!(i18n, catalogue_edit)}</button>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="link model-delete" on:click=move |_| confirming.set(true)>
                        {t!(i18n, catalogue_delete)}
                    </button>
                }
            >
                <button type="button" class="link danger model-confirm-delete" on:click=move |_| {
                    edits.delete.dispatch(DeleteAsicModel { asic_model_id: id });
                }>{t!(i18n, catalogue_confirm_delete)}</button>
                <button type="button" class="link" on:click=move |_| confirming.set(false)>
                    {t!(i18n, catalogue_cancel)}
                </button>
            </Show>
        </td>
    }
}
