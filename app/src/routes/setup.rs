//! The first run: creating the owner account from the one-time link the server printed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SetupOwner;
use crate::components::error_view::FormError;
use crate::components::page_title::PageTitle;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let setup = ServerAction::<SetupOwner>::new();
    let error = Signal::derive(move || setup.value().get().and_then(Result::err));
    view! {
        <PageTitle text=|i18n| t_string!(i18n, setup_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, setup_title)}</h1>
            <p class="muted">{t!(i18n, setup_intro)}</p>
            <ActionForm action=setup attr:class="form-grid auth-form" attr:id="setup-form">
                <input type="hidden" name="token" prop:value=token />
                <label>
                    {t!(i18n, field_display_name)}
                    <input type="text" name="display_name" autocomplete="name" maxlength="80" required />
                </label>
                <label>
                    {t!(i18n, field_email)}
                    <input type="email" name="email" autocomplete="email" required />
                </label>
                <label>
                    {t!(i18n, field_password)}
                    <input type="password" name="password" autocomplete="new-password" minlength="10" required />
                </label>
                <label>
                    {t!(i18n, field_password_again)}
                    <input type="password" name="password_again" autocomplete="new-password" minlength="10" required />
                </label>
                <button type="submit" class="button" id="setup-submit">{t!(i18n, setup_submit)}</button>
                <FormError error />
            </ActionForm>
        </section>
    }
}
