//! Who is signed in, as the pages see it: a resource every page shares, the account menu of the
//! header, and the guard that keeps a page's content from a role the matrix refuses.
//!
//! Hiding is for the user's sake only: the server checks every request itself.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::access::{self, Access, Module, Viewer};
use crate::api::auth::who_am_i;
use crate::components::error_view::Refusal;
use crate::error::AppError;
use crate::i18n::{t, use_i18n};

/// The signed-in user, refetched at each navigation so that signing in or out shows at once.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Option<Viewer>, AppError>>);

pub fn provide_viewer() {
    let location = use_location();
    let resource = Resource::new(move || location.pathname.get(), |_| who_am_i());
    provide_context(ViewerResource(resource));
}

pub fn use_viewer() -> ViewerResource {
    use_context::<ViewerResource>().expect("provide_viewer runs in the layout")
}

/// Shows `children` only to callers the matrix allows `need` on `module`.
#[component]
pub fn RequireAccess(module: Module, need: Access, children: ChildrenFn) -> impl IntoView {
    let viewer = use_viewer().0;
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                viewer
                    .get()
                    .map(|found| {
                        let role = found.ok().flatten().map(|v| v.role);
                        match access::check(role, module, need) {
                            Ok(()) => children.with_value(|c| c()).into_any(),
                            Err(denied) => view! { <Refusal error=AppError::from(denied) /> }.into_any(),
                        }
                    })
            }}
        </Suspense>
    }
}

/// The header's account part: sign-in link, or the user's name, admin links and sign-out.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer().0;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                viewer
                    .get()
                    .map(|found| match found.ok().flatten() {
                        None => {
                            view! { <A href="/auth/login" attr:id="nav-sign-in">{t!(i18n, nav_sign_in)}</A> }
                                .into_any()
                        }
                        Some(viewer) => {
                            let users = viewer.may(Module::UserManage, Access::Full);
                            let audit = viewer.may(Module::Audit, Access::Read);
                            view! {
                                <span class="account-menu">
                                    <A href="/account" attr:id="nav-account">{viewer.display_name.clone()}</A>
                                    {users.then(|| view! { <A href="/admin/users" attr:id="nav-users">{t!(i18n, nav_users)}</A> })}
                                    {audit.then(|| view! { <A href="/admin/audit" attr:id="nav-audit">{t!(i18n, nav_audit)}</A> })}
                                    // A plain form: signing out loads the home page afresh, so
                                    // nothing of the account stays on screen (and the shell
                                    // carries no action code for it).
                                    <form method="post" action=LOGOUT_PATH class="inline-form">
                                        <button type="submit" class="link-button" id="sign-out">
                                            {t!(i18n, sign_out)}
                                        </button>
                                    </form>
                                </span>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// The logout server function's address, posted to by the header's sign-out form.
const LOGOUT_PATH: &str = "/api/logout";
