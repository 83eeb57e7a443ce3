//! What a user sees when part of a page fails: a translated message, never internals.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};

/// Shows the errors an `ErrorBoundary` caught.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i18n = use_i18n();
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let text = match error.downcast_ref::<AppError>() {
                    Some(AppError::NotFound) => t_string!(i18n, error_not_found),
                    Some(AppError::Unavailable) => t_string!(i18n, error_unavailable),
                    _ => t_string!(i18n, error_internal),
                };
                view! { <li>{text}</li> }
            })
            .collect_view()
    };
    view! {
        <section class="card error" role="alert">
            <h2>{t!(i18n, error_title)}</h2>
            <ul>{messages}</ul>
        </section>
    }
}
