//! Forgotten passwords: asking for a link, and choosing a new password with it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{RequestPasswordReset, ResetPassword};
use crate::components::error_view::FormError;
use crate::components::page_title::PageTitle;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || request.value().get().and_then(Result::err));
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <PageTitle text=|i18n| t_string!(i18n, forgot_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, forgot_title)}</h1>
            <p class="muted">{t!(i18n, forgot_intro)}</p>
            <ActionForm action=request attr:class="form-grid auth-form" attr:id="forgot-form">
                <label>
                    {t!(i18n, field_email)}
                    <input type="email" name="email" autocomplete="email" required />
                </label>
                <button type="submit" class="button">{t!(i18n, forgot_submit)}</button>
                <FormError error />
            </ActionForm>
            <Show when=sent>
                <p class="notice" role="status" id="forgot-sent">{t!(i18n, forgot_sent)}</p>
            </Show>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || reset.value().get().and_then(Result::err));
    view! {
        <PageTitle text=|i18n| t_string!(i18n, reset_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, reset_title)}</h1>
            <ActionForm action=reset attr:class="form-grid auth-form" attr:id="reset-form">
                <input type="hidden" name="token" prop:value=token />
                <label>
                    {t!(i18n, field_password)}
                    <input type="password" name="password" autocomplete="new-password" minlength="10" required />
                </label>
                <label>
                    {t!(i18n, field_password_again)}
                    <input type="password" name="password_again" autocomplete="new-password" minlength="10" required />
                </label>
                <button type="submit" class="button" id="reset-submit">{t!(i18n, reset_submit)}</button>
                <FormError error />
            </ActionForm>
        </section>
    }
}
