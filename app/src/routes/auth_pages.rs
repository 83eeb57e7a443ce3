//! The signing-in pages under `/auth/…`, one route and one WASM chunk for all of them: each
//! route of the router costs the shell its share of generic routing code, so pages that belong
//! together share one.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::routes::login::LoginPage;
use crate::routes::not_found::NotFoundPage;
use crate::routes::password::{ForgotPage, ResetPage};
use crate::routes::register::RegisterPage;
use crate::routes::setup::SetupPage;
use crate::routes::verify::VerifyPage;

/// Where a signing-in page lives: `/auth/{page}`.
pub fn auth_path(page: &str) -> String {
    format!("/auth/{page}")
}

lazy_page!(AuthRoute, AuthPages);

#[component]
pub fn AuthPages() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("page").as_deref() {
        Some("login") => LoginPage().into_any(),
        Some("register") => RegisterPage().into_any(),
        Some("forgot") => ForgotPage().into_any(),
        Some("reset") => ResetPage().into_any(),
        Some("verify") => VerifyPage().into_any(),
        Some("setup") => SetupPage().into_any(),
        _ => NotFoundPage().into_any(),
    }
}
