//! Inputs bound to one field of a form held in a single signal, so a form of many fields is
//! one value to fill, reset and send, and each input still updates only its own field.

use leptos::prelude::*;

/// A text input (`kind` "text", "email", …) showing and setting the field `read` / `write`
/// name.
pub fn bound_input<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    id: &'static str,
    kind: &'static str,
    read: fn(&F) -> &String,
    write: fn(&mut F) -> &mut String,
) -> impl IntoView + use<F> {
    view! {
        <input
            type=kind
            id=id
            name=id
            prop:value=move || form.with(|f| read(f).clone())
            on:input=move |ev| form.update(|f| *write(f) = event_target_value(&ev))
        />
    }
}

/// A text area bound like [`bound_input`].
pub fn bound_textarea<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    id: &'static str,
    read: fn(&F) -> &String,
    write: fn(&mut F) -> &mut String,
) -> impl IntoView + use<F> {
    view! {
        <textarea
            id=id
            name=id
            rows="4"
            prop:value=move || form.with(|f| read(f).clone())
            on:input=move |ev| form.update(|f| *write(f) = event_target_value(&ev))
        ></textarea>
    }
}

/// A select bound like [`bound_input`]; `options` are its `<option>` elements.
pub fn bound_select<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    id: &'static str,
    read: fn(&F) -> &String,
    write: fn(&mut F) -> &mut String,
    options: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <select
            id=id
            name=id
            prop:value=move || form.with(|f| read(f).clone())
            on:change=move |ev| form.update(|f| *write(f) = event_target_value(&ev))
        >
            {options}
        </select>
    }
}
