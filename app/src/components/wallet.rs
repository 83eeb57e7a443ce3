//! The MetaMask button: asks the browser's EIP-1193 provider (`window.ethereum`) for the account
//! and a `personal_sign` of the message the server issued, then sends the signature back.

use leptos::prelude::*;

use crate::error::AppError;
use crate::error::error_text;
use crate::i18n::{t, t_string, use_i18n};

/// What the button is doing or has ended with.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // set by the browser code only
enum WalletState {
    Idle,
    Waiting,
    NoWallet,
    Declined,
    Failed(String),
    Refused(AppError),
    Linked,
}

/// Signs in with a wallet (then goes to `next`), or with `link` adds the wallet to the signed-in
/// account and tells `on_linked`.
#[component]
pub fn WalletButton(
    #[prop(optional)] link: bool,
    #[prop(optional, into)] next: Option<String>,
    #[prop(optional)] on_linked: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(WalletState::Idle);
    // Effects run only once this page's code has hydrated: until then a click would be lost,
    // so tests (and styles) can wait for the marker.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let next = next.unwrap_or_else(|| "/account".to_owned());
    let on_click = move |_| {
        state.set(WalletState::Waiting);
        #[cfg(feature = "hydrate")]
        {
            let next = next.clone();
            leptos::task::spawn_local(async move {
                let outcome = browser::sign(link).await;
                state.set(match outcome {
                    Ok(()) if link => {
                        if let Some(on_linked) = on_linked {
                            on_linked.run(());
                        }
                        WalletState::Linked
                    }
                    Ok(()) => {
                        // A full load: every part of the page learns who is signed in.
                        let _ = window().location().assign(&next);
                        WalletState::Waiting
                    }
                    Err(browser::WalletError::NoProvider) => WalletState::NoWallet,
                    Err(browser::WalletError::Declined) => WalletState::Declined,
                    Err(browser::WalletError::Provider(reason)) => WalletState::Failed(reason),
                    Err(browser::WalletError::Server(err)) => WalletState::Refused(err),
                });
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (link, &next, on_linked);
    };
    let deep_link = move || {
        // MetaMask's mobile app opens a page in its own browser, where the wallet exists.
        #[cfg(feature = "hydrate")]
        {
            let location = window().location();
            let host = location.host().unwrap_or_default();
            let path = location.pathname().unwrap_or_default();
            format!("https://metamask.app.link/dapp/{host}{path}")
        }
        #[cfg(not(feature = "hydrate"))]
        String::new()
    };
    let message = move || {
        match state.get() {
        WalletState::Idle => None,
        WalletState::Waiting => Some(view! { <p class="muted" role="status">{t!(i18n, wallet_waiting)}</p> }.into_any()),
        WalletState::Linked => Some(view! { <p class="notice" role="status" id="wallet-linked">{t!(i18n, wallet_linked)}</p> }.into_any()),
        WalletState::NoWallet => Some(
            view! {
                <div class="notice" role="alert" id="wallet-missing">
                    <p>{t!(i18n, wallet_none)}</p>
                    <p><a href=deep_link class="button">{t!(i18n, wallet_open_app)}</a></p>
                </div>
            }
            .into_any(),
        ),
        WalletState::Declined => Some(view! { <p class="field-error" role="alert">{t!(i18n, wallet_declined)}</p> }.into_any()),
        WalletState::Failed(reason) => Some(
            view! { <p class="field-error" role="alert">{t_string!(i18n, wallet_failed, reason).to_string()}</p> }
                .into_any(),
        ),
        WalletState::Refused(err) => Some(
            view! { <p class="field-error" role="alert" id="wallet-error">{error_text(i18n, &err)}</p> }.into_any(),
        ),
    }
    };
    view! {
        <div class="wallet">
            <button
                type="button"
                class="button wallet-button"
                id=if link { "wallet-link" } else { "wallet-sign-in" }
                on:click=on_click
                data-ready=move || ready.get().then_some("true")
                disabled=move || state.get() == WalletState::Waiting
            >
                {move || if link { t_string!(i18n, wallet_link) } else { t_string!(i18n, wallet_sign_in) }}
            </button>
            {message}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use crate::error::AppError;

    pub enum WalletError {
        NoProvider,
        /// The user said no in the wallet (EIP-1193 code 4001).
        Declined,
        Provider(String),
        Server(AppError),
    }

    fn provider() -> Option<JsValue> {
        let ethereum = js_sys::Reflect::get(&leptos::prelude::window(), &"ethereum".into()).ok()?;
        (!ethereum.is_undefined() && !ethereum.is_null()).then_some(ethereum)
    }

    /// `ethereum.request({ method, params })`.
    async fn request(
        ethereum: &JsValue,
        method: &str,
        params: &[JsValue],
    ) -> Result<JsValue, WalletError> {
        let args = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&args, &key.into(), value);
        set("method", &method.into()).map_err(provider_error)?;
        if !params.is_empty() {
            let array: js_sys::Array = params.iter().collect();
            set("params", &array).map_err(provider_error)?;
        }
        let request: js_sys::Function = js_sys::Reflect::get(ethereum, &"request".into())
            .map_err(provider_error)?
            .dyn_into()
            .map_err(|_| WalletError::Provider("ethereum.request is not a function".to_owned()))?;
        let promise: js_sys::Promise = request
            .call1(ethereum, &args)
            .map_err(provider_error)?
            .dyn_into()
            .map_err(|_| {
                WalletError::Provider("ethereum.request did not return a promise".to_owned())
            })?;
        JsFuture::from(promise).await.map_err(provider_error)
    }

    fn provider_error(err: JsValue) -> WalletError {
        let code = js_sys::Reflect::get(&err, &"code".into())
            .ok()
            .and_then(|c| c.as_f64());
        if code == Some(4001.0) {
            return WalletError::Declined;
        }
        let message = js_sys::Reflect::get(&err, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{err:?}"));
        WalletError::Provider(message)
    }

    /// The account, a signature of the server's message, and the server's verdict.
    pub async fn sign(link: bool) -> Result<(), WalletError> {
        let ethereum = provider().ok_or(WalletError::NoProvider)?;
        let accounts = request(&ethereum, "eth_requestAccounts", &[]).await?;
        let address = js_sys::Array::from(&accounts)
            .get(0)
            .as_string()
            .ok_or_else(|| WalletError::Provider("the wallet shared no account".to_owned()))?;
        let chain_hex = request(&ethereum, "eth_chainId", &[])
            .await?
            .as_string()
            .unwrap_or_default();
        let chain_id = u64::from_str_radix(chain_hex.trim_start_matches("0x"), 16)
            .map_err(|_| WalletError::Provider(format!("unreadable chain id {chain_hex:?}")))?;
        let message = crate::api::wallet::wallet_challenge(address.clone(), chain_id, link)
            .await
            .map_err(WalletError::Server)?;
        // personal_sign takes the message as hex of its UTF-8 bytes, which every wallet shows as
        // text; EIP-191 prefixes and hashes it.
        let hex: String = std::iter::once("0x".to_owned())
            .chain(message.bytes().map(|b| format!("{b:02x}")))
            .collect();
        let signature = request(&ethereum, "personal_sign", &[hex.into(), address.into()])
            .await?
            .as_string()
            .ok_or_else(|| WalletError::Provider("the wallet returned no signature".to_owned()))?;
        crate::api::wallet::wallet_sign_in(message, signature)
            .await
            .map_err(WalletError::Server)
    }
}
