//! One site's collector keys, opened from its row: make a key (shown once, with the command
//! that runs the collector on the farm's network), see when each was last used, revoke one.

use leptos::prelude::*;

use crate::api::collector_keys::{
    CreateCollectorKey, NewCollectorKey, RevokeCollectorKey, list_collector_keys,
};
use crate::components::error_view::{ErrorView, FormError};
use crate::fleet::CollectorKey;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::format_time;

/// The site whose keys are open, with its name for the heading; `None` when closed.
pub type OpenKeys = RwSignal<Option<(i64, String)>>;

#[component]
pub fn CollectorKeys(site_id: i64, name: String, open: OpenKeys) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCollectorKey>::new();
    let revoke = ServerAction::<RevokeCollectorKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        move |_| list_collector_keys(site_id),
    );
    let label = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            label.set(String::new());
        }
    });
    // Opening the card from a row far above brings it into view, on a phone too.
    let label_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = label_input.get() {
            let _ = input.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        revoke.clear();
        create.dispatch(CreateCollectorKey {
            site_id,
            label: label.get_untracked(),
        });
    };
    view! {
        <section class="card" id="collector-keys" aria-labelledby="collector-keys-title">
            <h2 id="collector-keys-title">{t!(i18n, collector_keys_title)}" — "{name}</h2>
            <p class="muted">{t!(i18n, collector_keys_intro)}</p>
            <form class="form-grid" id="collector-key-form" on:submit=submit>
                <label>
                    <span>{t!(i18n, keys_name)}</span>
                    <input
                        type="text"
                        id="collector-key-label"
                        maxlength="80"
                        node_ref=label_input
                        prop:value=move || label.get()
                        on:input=move |ev| label.set(event_target_value(&ev))
                    />
                </label>
                <div class="form-actions">
                    <button type="submit" class="button" id="collector-key-create">{t!(i18n, keys_create)}</button>
                    <button type="button" class="link" id="collector-keys-close" on:click=move |_| open.set(None)>
                        {t!(i18n, collector_keys_close)}
                    </button>
                </div>
                <FormError error />
            </form>
            {move || create.value().get().and_then(Result::ok).map(|key| view! { <NewKey key site_id /> })}
            <Transition fallback=|| ()>
                <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                    {move || Suspend::new(async move {
                        keys.await.map(|keys| view! { <KeyTable keys site_id revoke create /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The secret, once, and the command that starts the collector with it.
#[component]
fn NewKey(key: NewCollectorKey, site_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let command = format!(
        "HASHINSIGHT_COLLECTOR_KEY={} hashinsight collect --site {site_id} --server {}",
        key.secret,
        this_server()
    );
    view! {
        <div class="notice" role="status">
            <p>{t!(i18n, keys_created)}</p>
            <code class="secret" id="collector-key-secret">{key.secret}</code>
            <p>{t!(i18n, collector_keys_run)}</p>
            <code class="secret" id="collector-key-command">{command}</code>
        </div>
    }
}

/// The address the browser reached this server at, which is what the collector should call.
fn this_server() -> String {
    // A new key only exists after a click, so this runs in the browser.
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[component]
fn KeyTable(
    keys: Vec<CollectorKey>,
    site_id: i64,
    revoke: ServerAction<RevokeCollectorKey>,
    create: ServerAction<CreateCollectorKey>,
) -> impl IntoView {
    let i18n = use_i18n();
    if keys.is_empty() {
        return view! { <p class="muted" id="collector-keys-none">{t!(i18n, keys_none)}</p> }
            .into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| {
            let last_used = key
                .last_used_at_ms
                .map_or_else(|| t_string!(i18n, keys_never).to_owned(), format_time);
            let state = if let Some(at_ms) = key.revoked_at_ms {
                let revoked = format!("{} {}", t_string!(i18n, keys_revoked), format_time(at_ms));
                view! { <span class="muted">{revoked}</span> }.into_any()
            } else {
                let prefix = key.key_hash_prefix.clone();
                let revoke_key = move |_| {
                    create.clear();
                    revoke.dispatch(RevokeCollectorKey {
                        site_id,
                        key_hash_prefix: prefix.clone(),
                    });
                };
                view! {
                    <button type="button" class="link danger collector-key-revoke" on:click=revoke_key>
                        {t!(i18n, keys_revoke)}
                    </button>
                }
                    .into_any()
            };
            view! {
                <tr data-key=key.label.clone()>
                    <th scope="row">{key.label.clone()}</th>
                    <td><code>{format!("{}…", key.key_hash_prefix)}</code></td>
                    <td>{format_time(key.created_at_ms)}</td>
                    <td>{last_used}</td>
                    <td class="row-actions">{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" id="collector-key-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, keys_name)}</th>
                        <th scope="col">{t!(i18n, collector_keys_fingerprint)}</th>
                        <th scope="col">{t!(i18n, keys_created_at)}</th>
                        <th scope="col">{t!(i18n, keys_last_used)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
