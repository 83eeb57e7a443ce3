//! The calculator's saved scenarios: save the current inputs under a name, open, rename or
//! delete one. Opening loads the inputs in place (no page load); without JavaScript each name is
//! a plain link to its calculator address.

use leptos::prelude::*;

use crate::api::scenarios::{
    DeleteSavedScenario, RenameSavedScenario, SaveScenario, list_saved_scenarios,
};
use crate::components::error_view::FormError;
use crate::error::{AppError, Rejection};
use crate::i18n::{t, t_string, use_i18n};
use crate::market::iso_date;
use crate::saved_scenario::SavedScenario;
use crate::scenario::{Scenario, percent_encode};

/// The list and its actions. Created with the page's other resources (before any `Suspend`),
/// so that the server's answer is the one the browser hydrates with: a resource created deeper
/// in nested `Suspend`s was fetched again in the browser, and the page failed to hydrate.
#[derive(Clone, Copy)]
pub struct SavedData {
    save: ServerAction<SaveScenario>,
    rename: ServerAction<RenameSavedScenario>,
    delete: ServerAction<DeleteSavedScenario>,
    list: Resource<Result<Vec<SavedScenario>, AppError>>,
}

impl Default for SavedData {
    fn default() -> Self {
        let save = ServerAction::<SaveScenario>::new();
        let rename = ServerAction::<RenameSavedScenario>::new();
        let delete = ServerAction::<DeleteSavedScenario>::new();
        // Visitors get `SignInRequired`, and the page shows them a sign-in link instead.
        let list = Resource::new(
            move || {
                (
                    save.version().get(),
                    rename.version().get(),
                    delete.version().get(),
                )
            },
            |_| list_saved_scenarios(),
        );
        Self {
            save,
            rename,
            delete,
            list,
        }
    }
}

#[component]
pub fn SavedScenarios(
    scenario: Memo<Scenario>,
    signed_in: bool,
    data: SavedData,
    /// Puts a saved scenario's query into the inputs.
    load: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = if signed_in {
        view! { <SavedList scenario data load /> }.into_any()
    } else {
        let next = move || {
            let here = format!("/calculator?{}", scenario.with(Scenario::to_query));
            format!("/auth/login?next={}", percent_encode(&here))
        };
        view! {
            <p><a href=next id="saved-sign-in">{t!(i18n, saved_sign_in)}</a></p>
        }
        .into_any()
    };
    view! {
        <section class="card" id="saved-scenarios" aria-labelledby="saved-title">
            <h2 id="saved-title">{t!(i18n, saved_title)}</h2>
            {body}
        </section>
    }
}

#[component]
fn SavedList(scenario: Memo<Scenario>, data: SavedData, load: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let SavedData {
        save,
        rename,
        delete,
        list,
    } = data;
    let name = RwSignal::new(String::new());
    let save_result = move || save.value().get();
    let error = Signal::derive(move || {
        save_result()
            .and_then(Result::err)
            .or_else(|| rename.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    let name_taken = move || {
        matches!(
            save_result(),
            Some(Err(AppError::Rejected(Rejection::ScenarioNameTaken)))
        )
    };
    let saved = move || matches!(save_result(), Some(Ok(_))) && !save.pending().get();
    let query = move || scenario.with(Scenario::to_query);
    let save_path = <SaveScenario as leptos::server_fn::ServerFn>::PATH;
    let submit = move |replace: bool| {
        save.dispatch(SaveScenario {
            name: name.get_untracked(),
            query: scenario.with_untracked(Scenario::to_query),
            replace,
        });
    };
    view! {
        <form
            class="saved-form"
            id="saved-form"
            method="post"
            action=save_path
            on:submit=move |ev| {
                ev.prevent_default();
                submit(false);
            }
        >
            <label>
                <span>{t!(i18n, saved_name)}</span>
                <input
                    type="text"
                    name="name"
                    id="saved-name"
                    maxlength="80"
                    required
                    bind:value=name
                />
            </label>
            <input type="hidden" name="query" prop:value=query />
            <input type="hidden" name="replace" value="false" />
            <button type="submit" class="button" id="saved-save">{t!(i18n, saved_save)}</button>
            <Show when=name_taken>
                <button type="button" class="button secondary" id="saved-replace" on:click=move |_| submit(true)>
                    {t!(i18n, saved_replace)}
                </button>
            </Show>
            <Show when=saved>
                <span class="muted" role="status" id="saved-done">{t!(i18n, saved_done)}</span>
            </Show>
            <FormError error />
        </form>
        <Transition fallback=|| ()>
            {move || {
                list.get().map(|found| match found {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone())) /> }.into_any(),
                    Ok(items) if items.is_empty() => view! {
                        <p class="muted" id="saved-none">{t!(i18n, saved_none)}</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="saved-list" id="saved-list">
                            {items
                                .into_iter()
                                .map(|saved| view! { <SavedItem saved load rename delete /> })
                                .collect_view()}
                        </ul>
                    }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn SavedItem(
    saved: SavedScenario,
    load: Callback<String>,
    rename: ServerAction<RenameSavedScenario>,
    delete: ServerAction<DeleteSavedScenario>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = saved.scenario_id;
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let new_name = RwSignal::new(saved.name.clone());
    let date = iso_date(saved.updated_at_ms);
    let query = saved.query.clone();
    view! {
        <li class="saved-item" data-scenario-name=saved.name.clone()>
            <Show
                when=move || renaming.get()
                fallback={
                    let name = saved.name.clone();
                    let href = saved.href();
                    let query = query.clone();
                    move || {
                        let query = query.clone();
                        view! {
                            <a
                                href=href.clone()
                                class="saved-open"
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    load.run(query.clone());
                                }
                            >
                                {name.clone()}
                            </a>
                        }
                    }
                }
            >
                <input type="text" class="saved-rename-input" maxlength="80" bind:value=new_name />
                <button type="button" class="button" on:click=move |_| {
                    rename.dispatch(RenameSavedScenario { scenario_id: id, name: new_name.get_untracked() });
                    renaming.set(false);
                }>{t!(i18n, saved_save)}</button>
                <button type="button" class="link" on:click=move |_| renaming.set(false)>
                    {t!(i18n, saved_cancel)}
                </button>
            </Show>
            <small class="muted">{move || t_string!(i18n, saved_updated, date = date.clone()).to_string()}</small>
            <span class="saved-actions">
                <button type="button" class="link saved-rename" on:click=move |_| renaming.set(true)>
                    {t!(i18n, saved_rename)}
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="link saved-delete" on:click=move |_| confirming.set(true)>
                            {t!(i18n, saved_delete)}
                        </button>
                    }
                >
                    <button type="button" class="link danger saved-confirm-delete" on:click=move |_| {
                        delete.dispatch(DeleteSavedScenario { scenario_id: id });
                    }>{t!(i18n, saved_confirm_delete)}</button>
                    <button type="button" class="link" on:click=move |_| confirming.set(false)>
                        {t!(i18n, saved_cancel)}
                    </button>
                </Show>
            </span>
        </li>
    }
}
