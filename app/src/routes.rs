//! One page component per file.

/// Declares `$route`, the page `$page` loaded as its own WASM chunk (`cargo leptos build
/// --split`), so that the shell and the other pages do not carry its code.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        #[derive(Debug, Clone, Copy)]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                // The page's own code arrives after the shell has hydrated; the marker tells
                // tests (and anything else) when its inputs and buttons really respond.
                let hydrated = RwSignal::new(false);
                Effect::new(move |_| hydrated.set(true));
                view! {
                    <div class="lazy-page" data-lazy-page="" data-page-hydrated=move || hydrated.get().then_some("true")>
                        {$page()}
                    </div>
                }
                .into_any()
            }
        }
    };
}

pub mod account;
pub mod admin;
pub mod admin_audit;
pub mod admin_users;
pub mod auth_pages;
pub mod batch;
pub mod calculator;
pub mod catalogue;
pub mod home;
pub mod login;
pub mod miner;
pub mod network;
pub mod not_found;
pub mod password;
pub mod register;
pub mod saved_scenarios;
pub mod setup;
pub mod site_setup;
pub mod sites;
pub mod verify;
