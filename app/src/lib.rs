//! HashInsight's user interface: the page shell, routes, components and server functions.
//! Compiled twice: with `ssr` inside the server, with `hydrate` into the browser bundle.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod api;
// The vocabulary lives in the domain crate; these names keep `crate::fleet::…` and
// `app::fleet::…` paths meaning what they did.
pub use domain::{
    access, account, batch, calculate, catalogue, estimate, fleet, market, network, saved_scenario,
    scenario, telemetry,
};
pub mod chart_options;
pub mod components;
pub mod error;
pub mod preferences;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod timing;

use leptos::prelude::*;
use leptos_meta::{Body, Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::components::layout::Layout;
use crate::components::page_title::head_text;
use crate::components::theme::{ThemeProvider, use_theme};
use crate::i18n::{I18nContextProvider, t_string, use_i18n};
use crate::routes::{
    account::AccountRoute, admin::AdminRoute, auth_pages::AuthRoute, batch::BatchRoute,
    calculator::CalculatorRoute, catalogue::CatalogueRoute, home::HomeRoute, miner::MinerRoute,
    network::NetworkRoute, not_found::NotFoundPage, site_setup::SiteSetupRoute, sites::SitesRoute,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <SecurityPolicy />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy, with the nonce Leptos puts on its inline scripts for this
/// response: only our own scripts run, and no other site may frame the page.
#[component]
fn SecurityPolicy() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider ssr_lang_header_getter=preferences::preferred_languages()>
            <ThemeProvider>
                <Head />
                <Router>
                    <Layout>
                        <Routes fallback=NotFoundPage>
                            <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/calculator") view={Lazy::<CalculatorRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/batch") view={Lazy::<BatchRoute>::new()} ssr=SsrMode::Async />
                            // Rendered whole before sending, so it reads with JavaScript off.
                            <Route path=path!("/catalogue") view={Lazy::<CatalogueRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/network") view={Lazy::<NetworkRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/sites") view={Lazy::<SitesRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/sites/setup") view={Lazy::<SiteSetupRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/sites/miners/:miner_id") view={Lazy::<MinerRoute>::new()} ssr=SsrMode::Async />
                            // Signing in, and administration: one route each (see routes/auth_pages.rs).
                            <Route path=path!("/auth/:page") view={Lazy::<AuthRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("/admin/:section") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                        </Routes>
                    </Layout>
                </Router>
            </ThemeProvider>
        </I18nContextProvider>
    }
}

/// Document-wide metadata that follows the language and theme.
#[component]
fn Head() -> impl IntoView {
    let i18n = use_i18n();
    let theme = use_theme();
    // Effects run only in the browser, after hydration: the marker tells tests and scripts
    // that the page is interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Body {..} data-hydrated=move || hydrated.get().then_some("true") />
        <Stylesheet id="leptos" href="/pkg/hashinsight.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=move |page: String| {
            if page.is_empty() { "HashInsight".to_owned() } else { format!("{page} · HashInsight") }
        } />
        <Meta name="description" content=head_text(move || t_string!(i18n, tagline)) />
        <Meta name="color-scheme" content=head_text(move || theme.color_scheme()) />
    }
}
