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
                $page().into_any()
            }
        }
    };
}

pub mod account;
pub mod admin_audit;
pub mod admin_users;
pub mod batch;
pub mod calculator;
pub mod catalogue;
pub mod home;
pub mod login;
pub mod network;
pub mod not_found;
pub mod password;
pub mod register;
pub mod setup;
pub mod verify;
