//! The English/中文 switch. The choice is kept in a cookie so that every later page is rendered
//! in it; a first visit follows the browser's Accept-Language.

use leptos::prelude::*;
use leptos_i18n::Locale as _;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::preferences::{LANGUAGE_COOKIE, write_cookie};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |_| {
        let next = match i18n.get_locale() {
            Locale::en => Locale::zh,
            Locale::zh => Locale::en,
        };
        i18n.set_locale(next);
        write_cookie(LANGUAGE_COOKIE, next.as_str());
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
