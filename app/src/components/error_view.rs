//! What a user sees when part of a page fails: a translated message, never internals.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::error::{AppError, error_text, set_status};
use crate::i18n::{t, use_i18n};

/// One error as a form shows it, next to the button that caused it.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|error| {
            view! {
                <p class="field-error form-error" role="alert">
                    {error_text(i18n, &error)}
                </p>
            }
        })
    }
}

/// Shows the errors an `ErrorBoundary` caught.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i18n = use_i18n();
    let refusals = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let error = error
                    .downcast_ref::<AppError>()
                    .cloned()
                    .unwrap_or(AppError::Internal);
                view! { <Refusal error /> }
            })
            .collect_view()
    };
    view! {
        <section class="error-list">
            <h2 class="visually-hidden">{t!(i18n, error_title)}</h2>
            {refusals}
        </section>
    }
}

/// A refusal with its translated message (and a sign-in link when signing in would help); on
/// the server it also sets the response status.
#[component]
pub fn Refusal(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    set_status(&error);
    let location = use_location();
    let sign_in = (error == AppError::SignInRequired).then(|| {
        let href = move || {
            let here = format!("{}{}", location.pathname.get(), location.search.get());
            format!(
                "/auth/login?next={}",
                crate::scenario::percent_encode(&here)
            )
        };
        view! {
            " "
            <a href=href id="sign-in-to-continue">{t!(i18n, nav_sign_in)}</a>
        }
    });
    view! {
        <section class="card error" role="alert" id="refusal">
            <p>{error_text(i18n, &error)} {sign_in}</p>
        </section>
    }
}
