//! The English/中文 switch. The choice is kept in a cookie by leptos_i18n; a first visit follows
//! the browser's Accept-Language.

use leptos::prelude::*;

use crate::i18n::{Locale, t, t_string, use_i18n};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |_| {
        let next = match i18n.get_locale() {
            Locale::en => Locale::zh,
            Locale::zh => Locale::en,
        };
        i18n.set_locale(next);
    };
    view! {
        <button
            type="button"
            class="language-switch"
            id="language-switch"
            aria-label=move || t_string!(i18n, switch_language_label)
            on:click=on_click
        >
            {t!(i18n, switch_language)}
        </button>
    }
}
