//! The frame of every page: header with navigation and switches, main content, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::error_view::ErrorView;
use crate::components::language::LanguageSwitch;
use crate::components::session::{AccountMenu, provide_viewer};
use crate::components::theme::ThemeToggle;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    provide_viewer();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <A href="/" attr:class="brand">
                <img src="/favicon.svg" alt="" width="28" height="28" />
                <span>{t!(i18n, app_name)}</span>
            </A>
            <nav class="site-nav" aria-label=move || t_string!(i18n, nav_main)>
                <A href="/" exact=true>{t!(i18n, nav_home)}</A>
                <A href="/calculator">{t!(i18n, nav_calculator)}</A>
                <A href="/batch">{t!(i18n, nav_batch)}</A>
                <A href="/catalogue">{t!(i18n, nav_catalogue)}</A>
                <A href="/network">{t!(i18n, nav_network)}</A>
                <A href="/sites">{t!(i18n, nav_sites)}</A>
            </nav>
            <div class="site-tools">
                <AccountMenu />
                <LanguageSwitch />
                <ThemeToggle />
            </div>
        </header>
        <main id="main" class="site-main">
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>{children()}</ErrorBoundary>
        </main>
        <footer class="site-footer">{t!(i18n, footer)}</footer>
    }
}
