//! What a user sees when part of a page fails: a translated message, never internals.

use leptos::prelude::*;

use crate::components::session::Refusal;
use crate::error::{AppError, Rejection};
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t, t_string, use_i18n};

/// The translated message for an error the server returned.
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    match error {
        AppError::NotFound => t_string!(i18n, error_not_found).to_owned(),
        AppError::Unavailable => t_string!(i18n, error_unavailable).to_owned(),
        AppError::Internal => t_string!(i18n, error_internal).to_owned(),
        AppError::SignInRequired => t_string!(i18n, error_sign_in_required).to_owned(),
        AppError::Forbidden => t_string!(i18n, error_forbidden).to_owned(),
        AppError::RateLimited { retry_after_secs } => {
            let secs = *retry_after_secs;
            t_string!(i18n, error_rate_limited, secs).to_string()
        }
        AppError::Rejected(rejection) => rejection_text(i18n, *rejection).to_owned(),
    }
}

fn rejection_text(i18n: I18nContext<Locale>, rejection: Rejection) -> &'static str {
    match rejection {
        Rejection::InvalidCredentials => t_string!(i18n, rejection_invalid_credentials),
        Rejection::AccountDisabled => t_string!(i18n, rejection_account_disabled),
        Rejection::AccessExpired => t_string!(i18n, rejection_access_expired),
        Rejection::EmailInvalid => t_string!(i18n, rejection_email_invalid),
        Rejection::EmailTaken => t_string!(i18n, rejection_email_taken),
        Rejection::NameInvalid => t_string!(i18n, rejection_name_invalid),
        Rejection::PasswordTooShort => t_string!(i18n, rejection_password_too_short),
        Rejection::PasswordTooLong => t_string!(i18n, rejection_password_too_long),
        Rejection::PasswordContainsEmail => t_string!(i18n, rejection_password_contains_email),
        Rejection::PasswordTooCommon => t_string!(i18n, rejection_password_too_common),
        Rejection::PasswordMismatch => t_string!(i18n, rejection_password_mismatch),
        Rejection::LinkInvalid => t_string!(i18n, rejection_link_invalid),
        Rejection::WalletOnlySignIn => t_string!(i18n, rejection_wallet_only_sign_in),
        Rejection::SessionRequired => t_string!(i18n, rejection_session_required),
        Rejection::EmailUnverified => t_string!(i18n, rejection_email_unverified),
        Rejection::PublicUrlUnset => t_string!(i18n, rejection_public_url_unset),
        Rejection::SetupDone => t_string!(i18n, rejection_setup_done),
        Rejection::WalletAddressInvalid => t_string!(i18n, rejection_wallet_address_invalid),
        Rejection::WalletChainUnsupported => t_string!(i18n, rejection_wallet_chain_unsupported),
        Rejection::WalletNonceExpired => t_string!(i18n, rejection_wallet_nonce_expired),
        Rejection::WalletMessageTampered => t_string!(i18n, rejection_wallet_message_tampered),
        Rejection::WalletSignatureInvalid => t_string!(i18n, rejection_wallet_signature_invalid),
        Rejection::WalletAlreadyLinked => t_string!(i18n, rejection_wallet_already_linked),
        Rejection::RoleNotAssignable => t_string!(i18n, rejection_role_not_assignable),
        Rejection::OwnAccount => t_string!(i18n, rejection_own_account),
        Rejection::LastOwner => t_string!(i18n, rejection_last_owner),
        Rejection::KeyNameInvalid => t_string!(i18n, rejection_key_name_invalid),
        Rejection::DateInvalid => t_string!(i18n, rejection_date_invalid),
        Rejection::ModelNameInvalid => t_string!(i18n, rejection_model_name_invalid),
        Rejection::ModelNameTaken => t_string!(i18n, rejection_model_name_taken),
        Rejection::ManufacturerInvalid => t_string!(i18n, rejection_manufacturer_invalid),
        Rejection::HashrateInvalid => t_string!(i18n, rejection_hashrate_invalid),
        Rejection::PowerInvalid => t_string!(i18n, rejection_power_invalid),
        Rejection::PriceInvalid => t_string!(i18n, rejection_price_invalid),
        Rejection::CoolingInvalid => t_string!(i18n, rejection_cooling_invalid),
        Rejection::ScenarioNameInvalid => t_string!(i18n, rejection_scenario_name_invalid),
        Rejection::ScenarioNameTaken => t_string!(i18n, rejection_scenario_name_taken),
        Rejection::ScenarioInvalid => t_string!(i18n, rejection_scenario_invalid),
        Rejection::ScenarioLimit => t_string!(i18n, rejection_scenario_limit),
        Rejection::AlertResolved => t_string!(i18n, rejection_alert_resolved),
        Rejection::MinersNotChosen => t_string!(i18n, rejection_miners_not_chosen),
        Rejection::ReviewNoteInvalid => t_string!(i18n, rejection_review_note_invalid),
        Rejection::SiteNameInvalid => t_string!(i18n, rejection_site_name_invalid),
        Rejection::SiteNameTaken => t_string!(i18n, rejection_site_name_taken),
        Rejection::LocationInvalid => t_string!(i18n, rejection_location_invalid),
        Rejection::CapacityInvalid => t_string!(i18n, rejection_capacity_invalid),
        Rejection::SiteOwnerInvalid => t_string!(i18n, rejection_site_owner_invalid),
        Rejection::TariffKindInvalid => t_string!(i18n, rejection_tariff_kind_invalid),
        Rejection::TariffPriceInvalid => t_string!(i18n, rejection_tariff_price_invalid),
        Rejection::TariffHourInvalid => t_string!(i18n, rejection_tariff_hour_invalid),
        Rejection::TariffPeakEmpty => t_string!(i18n, rejection_tariff_peak_empty),
        Rejection::TariffHourCount => t_string!(i18n, rejection_tariff_hour_count),
        Rejection::ConfirmationMismatch => t_string!(i18n, rejection_confirmation_mismatch),
        Rejection::CustomerNameInvalid => t_string!(i18n, rejection_customer_name_invalid),
        Rejection::CustomerNameTaken => t_string!(i18n, rejection_customer_name_taken),
        Rejection::PortalAccountInvalid => t_string!(i18n, rejection_portal_account_invalid),
        Rejection::PortalAccountTaken => t_string!(i18n, rejection_portal_account_taken),
        Rejection::MinerModelInvalid => t_string!(i18n, rejection_miner_model_invalid),
        Rejection::MinerSerialInvalid => t_string!(i18n, rejection_miner_serial_invalid),
        Rejection::MinerIpInvalid => t_string!(i18n, rejection_miner_ip_invalid),
        Rejection::MinerIpReserved => t_string!(i18n, rejection_miner_ip_reserved),
        Rejection::MinerMacInvalid => t_string!(i18n, rejection_miner_mac_invalid),
        Rejection::MinerRackInvalid => t_string!(i18n, rejection_miner_rack_invalid),
        Rejection::MinerStatusInvalid => t_string!(i18n, rejection_miner_status_invalid),
        Rejection::MinerCustomerInvalid => t_string!(i18n, rejection_miner_customer_invalid),
        Rejection::SerialTaken => t_string!(i18n, rejection_serial_taken),
        Rejection::IpTaken => t_string!(i18n, rejection_ip_taken),
        Rejection::MacTaken => t_string!(i18n, rejection_mac_taken),
    }
}

/// Sets the HTTP status of the page being rendered on the server to the error's, so a refused
/// page answers 401/403 and not 200.
pub fn set_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

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
