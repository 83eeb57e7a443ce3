//! Administration under `/admin/…`: one route and one WASM chunk for its pages (see
//! `auth_pages.rs` for why).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::routes::admin_audit::AdminAuditPage;
use crate::routes::admin_users::AdminUsersPage;
use crate::routes::not_found::NotFoundPage;

lazy_page!(AdminRoute, AdminPages);

#[component]
pub fn AdminPages() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("section").as_deref() {
        Some("users") => AdminUsersPage().into_any(),
        Some("audit") => AdminAuditPage().into_any(),
        _ => NotFoundPage().into_any(),
    }
}
