//! Creating an account (guest role until an administrator gives another).

use leptos::prelude::*;

use crate::api::auth::Register;
use crate::components::error_view::FormError;
use crate::components::page_title::PageTitle;
use crate::components::wallet::WalletButton;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<Register>::new();
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    view! {
        <PageTitle text=|i18n| t_string!(i18n, register_title) />
        <section class="card auth-card">
            <h1>{t!(i18n, register_title)}</h1>
            <p class="muted">{t!(i18n, register_hint)}</p>
            <ActionForm action=register attr:class="form-grid auth-form" attr:id="register-form">
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
                <button type="submit" class="button" id="register-submit">{t!(i18n, register_submit)}</button>
                <FormError error />
            </ActionForm>
            <p class="muted auth-or">{t!(i18n, login_or)}</p>
            <WalletButton />
        </section>
    }
}
