//! The page's `<title>`, translated.
//!
//! On the server the text is read while the page is being built. `leptos_axum` renders the
//! `<head>` after the body, and a title closure read then can find the request's reactive values
//! already disposed. Under load that panicked the request (an empty reply, or a hang until the
//! request timeout). In the browser the title stays reactive, so switching the language
//! retitles the page.

use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

use crate::i18n::{Locale, use_i18n};

#[component]
pub fn PageTitle(text: fn(I18nContext<Locale>) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=head_text(move || text(i18n)) /> }
}

/// Text for the `<head>` (title, meta): read now on the server, reactive in the browser.
pub fn head_text(text: impl Fn() -> &'static str + Send + Sync + 'static) -> TextProp {
    #[cfg(feature = "ssr")]
    return TextProp::from(text());
    #[cfg(not(feature = "ssr"))]
    TextProp::from(text)
}
