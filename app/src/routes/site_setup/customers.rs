//! The hosting customers, for user managers: name, contact e-mail, and the client account that
//! signs in to the portal and sees the customer's miners there.

use leptos::prelude::*;

use crate::api::fleet_setup::{CustomerEntry, DeleteCustomer, SaveCustomer, list_customers};
use crate::components::bound::bound_input;
use crate::components::error_view::{ErrorView, FormError};
use crate::fleet::forms::CustomerForm;
use crate::i18n::{t, t_string, use_i18n};

#[derive(Clone, Copy)]
struct CustomerEdits {
    save: ServerAction<SaveCustomer>,
    delete: ServerAction<DeleteCustomer>,
    /// The customer being edited; `None` while adding.
    editing: RwSignal<Option<i64>>,
    form: RwSignal<CustomerForm>,
}

#[component]
pub(super) fn Customers() -> impl IntoView {
    let i18n = use_i18n();
    let edits = CustomerEdits {
        save: ServerAction::new(),
        delete: ServerAction::new(),
        editing: RwSignal::new(None),
        form: RwSignal::new(CustomerForm::default()),
    };
    Effect::new(move |_| {
        if matches!(edits.save.value().get(), Some(Ok(_))) {
            edits.editing.set(None);
            edits.form.set(CustomerForm::default());
        }
    });
    let list = Resource::new(
        move || (edits.save.version().get(), edits.delete.version().get()),
        |_| list_customers(),
    );
    view! {
        <section class="card" id="customers" aria-labelledby="customers-title">
            <h2 id="customers-title">{t!(i18n, customers_title)}</h2>
            <p class="muted small">{t!(i18n, customers_hint)}</p>
            <CustomerEditor edits />
            <Transition fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                    {move || Suspend::new(async move {
                        list.await.map(|customers| view! { <CustomerList customers edits /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn CustomerEditor(edits: CustomerEdits) -> impl IntoView {
    let i18n = use_i18n();
    let form = edits.form;
    let error = Signal::derive(move || {
        edits
            .save
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| edits.delete.value().get().and_then(Result::err))
    });
    let saved = move || matches!(edits.save.value().get(), Some(Ok(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        edits.save.dispatch(SaveCustomer {
            customer_id: edits.editing.get_untracked(),
            form: form.get_untracked(),
        });
    };
    view! {
        <form class="form-grid" id="customer-form" on:submit=submit>
            <label>
                <span>{t!(i18n, customers_name)}</span>
                {bound_input(form, "customer-name", "text", |f| &f.name, |f| &mut f.name)}
            </label>
            <label>
                <span>{t!(i18n, customers_contact)}</span>
                {bound_input(form, "customer-contact", "email", |f| &f.contact_email, |f| &mut f.contact_email)}
            </label>
            <label>
                <span>{t!(i18n, customers_portal)}</span>
                {bound_input(form, "customer-portal", "email", |f| &f.portal_email, |f| &mut f.portal_email)}
                <small class="muted">{t!(i18n, customers_portal_hint)}</small>
            </label>
            <div class="form-actions">
                <button type="submit" class="button" id="customer-save">
                    {move || if edits.editing.with(Option::is_some) {
                        t_string!(i18n, site_setup_save)
                    } else {
                        t_string!(i18n, customers_add)
                    }}
                </button>
                <Show when=move || edits.editing.with(Option::is_some)>
                    <button type="button" class="link" id="customer-cancel" on:click=move |_| {
                        edits.editing.set(None);
                        edits.form.set(CustomerForm::default());
                    }>{t!(i18n, site_setup_cancel)}</button>
                </Show>
                <Show when=saved>
                    <span class="muted" role="status" id="customer-saved">{t!(i18n, site_setup_saved)}</span>
                </Show>
            </div>
            <FormError error />
        </form>
    }
}

#[component]
fn CustomerList(customers: Vec<CustomerEntry>, edits: CustomerEdits) -> impl IntoView {
    let i18n = use_i18n();
    if customers.is_empty() {
        return view! { <p class="muted" id="customers-none">{t!(i18n, customers_none)}</p> }
            .into_any();
    }
    let none = move || t_string!(i18n, out_none).to_owned();
    let rows = customers
        .into_iter()
        .map(|entry| {
            let customer = &entry.customer;
            let contact = customer.contact_email.clone().unwrap_or_else(none);
            let portal = entry.portal_email.clone().unwrap_or_else(none);
            view! {
                <tr data-customer=customer.name.clone()>
                    <th scope="row">{customer.name.clone()}</th>
                    <td>{contact}</td>
                    <td class="customer-portal">{portal}</td>
                    <CustomerActions entry=entry.clone() edits />
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" id="customers-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, customers_name)}</th>
                        <th scope="col">{t!(i18n, customers_contact)}</th>
                        <th scope="col">{t!(i18n, customers_portal)}</th>
                        <th scope="col">{t!(i18n, catalogue_actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Edit, and delete behind a second click that says what happens to the miners.
#[component]
fn CustomerActions(entry: CustomerEntry, edits: CustomerEdits) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let customer_id = entry.customer.customer_id;
    let edit = move |_| {
        edits.editing.set(Some(customer_id));
        edits.form.set(CustomerForm::of(
            &entry.customer,
            entry.portal_email.as_deref(),
        ));
        edits.save.clear();
    };
    view! {
        <td class="row-actions">
            <button type="button" class="link customer-edit" on:click=edit>{t!(i18n, catalogue_edit)}</button>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="link customer-delete" on:click=move |_| confirming.set(true)>
                        {t!(i18n, catalogue_delete)}
                    </button>
                }
            >
                <span class="small">{t!(i18n, customers_delete_hint)}</span>
                <button type="button" class="link danger customer-confirm-delete" on:click=move |_| {
                    edits.delete.dispatch(DeleteCustomer { customer_id });
                }>{t!(i18n, catalogue_confirm_delete)}</button>
                <button type="button" class="link" on:click=move |_| confirming.set(false)>
                    {t!(i18n, site_setup_cancel)}
                </button>
            </Show>
        </td>
    }
}
