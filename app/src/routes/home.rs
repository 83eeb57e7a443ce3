//! The landing page. Its own WASM chunk, like every page: the quick estimate's code (float
//! formatting, the estimate maths) is then fetched with it rather than carried by the shell.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::quick_estimate::QuickEstimate;
use crate::i18n::{t, use_i18n};

lazy_page!(HomeRoute, HomePage);

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <section class="hero">
            <h1 id="tagline">{t!(i18n, tagline)}</h1>
            <p class="lead">{t!(i18n, intro)}</p>
        </section>
        <QuickEstimate />
    }
}
