//! Confirming an e-mail address. A button, not the link itself, confirms: mail scanners that
//! open links must not use them up.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::VerifyEmail;
use crate::components::error_view::FormError;
use crate::components::page_title::PageTitle;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let verify = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || verify.value().get().and_then(Result::err));
    let done = move || matches!(verify.value().get(), Some(Ok(())));
    view! {
        <PageTitle text=|i18n| t_string!(i18n, verify_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, verify_title)}</h1>
            <Show
                when=done
                fallback=move || {
                    view! {
                        <ActionForm action=verify attr:class="form-grid auth-form" attr:id="verify-form">
                            <input type="hidden" name="token" prop:value=token />
                            <button type="submit" class="button" id="verify-submit">{t!(i18n, verify_submit)}</button>
                            <FormError error />
                        </ActionForm>
                    }
                }
            >
                <p class="notice" role="status" id="verify-done">{t!(i18n, verify_done)}</p>
            </Show>
        </section>
    }
}
