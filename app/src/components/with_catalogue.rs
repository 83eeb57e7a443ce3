//! Loads the ASIC catalogue once for a page and renders the page's body with it, with the
//! shared loading message and error view.

use leptos::prelude::*;

use crate::api::catalogue::list_asic_models;
use crate::catalogue::AsicModel;
use crate::components::error_view::ErrorView;
use crate::i18n::{t, use_i18n};

#[component]
pub fn WithCatalogue<V>(render: fn(Vec<AsicModel>) -> V) -> impl IntoView
where
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let models = Resource::new(|| (), |()| list_asic_models());
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, catalogue_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move { models.await.map(render) })}
            </ErrorBoundary>
        </Suspense>
    }
}
