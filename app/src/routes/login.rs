//! Signing in: e-mail and password, or a wallet; links to registration and password reset.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{Login, needs_setup};
use crate::components::error_view::FormError;
use crate::components::page_title::PageTitle;
use crate::components::wallet::WalletButton;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    let setup = Resource::new(|| (), |()| needs_setup());
    view! {
        <PageTitle text=|i18n| t_string!(i18n, login_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, login_title)}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    setup
                        .get()
                        .and_then(Result::ok)
                        .filter(|needed| *needed)
                        .map(|_| view! { <p class="notice" id="setup-hint">{t!(i18n, login_setup_hint)}</p> })
                }}
            </Suspense>
            <ActionForm action=login attr:class="form-grid auth-form" attr:id="login-form">
                <label>
                    {t!(i18n, field_email)}
                    <input type="email" name="email" autocomplete="username" required />
                </label>
                <label>
                    {t!(i18n, field_password)}
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <input type="hidden" name="next" prop:value=next />
                <button type="submit" class="button" id="login-submit">{t!(i18n, login_submit)}</button>
                <FormError error />
            </ActionForm>
            <p class="muted auth-or">{t!(i18n, login_or)}</p>
            {move || view! { <WalletButton next=crate::account::safe_next(Some(&next())) /> }}
            <p class="auth-links">
                <A href="/auth/register">{t!(i18n, login_register)}</A>
                " · "
                <A href="/auth/forgot">{t!(i18n, login_forgot)}</A>
            </p>
        </section>
    }
}
