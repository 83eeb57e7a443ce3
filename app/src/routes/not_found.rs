//! The 404 page; on the server it also sets the status code.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_title::PageTitle;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, not_found_title) />
        <section class="card" id="not-found">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_body)}</p>
            <A href="/">{t!(i18n, back_home)}</A>
        </section>
    }
}
