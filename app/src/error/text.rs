//! The words for an error, in the reader's language, and the HTTP status a refused page
//! answers with: one table for pages, forms and error bodies alike.

#[cfg(feature = "ssr")]
use leptos::prelude::use_context;
use leptos_i18n::I18nContext;

use super::{AppError, Rejection};
use crate::i18n::{Locale, td_string};

/// The translated message for an error the server returned.
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    error_text_in(i18n.get_locale(), error)
}

/// The message for an error in a given language: pages follow the reader's choice, error
/// bodies the request's `Accept-Language` (English for server functions, whose page translates
/// by code).
pub fn error_text_in(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::NotFound => td_string!(locale, error_not_found).to_owned(),
        AppError::Unavailable => td_string!(locale, error_unavailable).to_owned(),
        AppError::Internal => td_string!(locale, error_internal).to_owned(),
        AppError::SignInRequired => td_string!(locale, error_sign_in_required).to_owned(),
        AppError::Forbidden => td_string!(locale, error_forbidden).to_owned(),
        AppError::RateLimited { retry_after_secs } => {
            let secs = *retry_after_secs;
            td_string!(locale, error_rate_limited, secs).to_string()
        }
        AppError::Rejected(rejection) => rejection_text(locale, *rejection).to_owned(),
    }
}

fn rejection_text(locale: Locale, rejection: Rejection) -> &'static str {
    match rejection {
        Rejection::InvalidCredentials => td_string!(locale, rejection_invalid_credentials),
        Rejection::AccountDisabled => td_string!(locale, rejection_account_disabled),
        Rejection::AccessExpired => td_string!(locale, rejection_access_expired),
        Rejection::EmailInvalid => td_string!(locale, rejection_email_invalid),
        Rejection::EmailTaken => td_string!(locale, rejection_email_taken),
        Rejection::NameInvalid => td_string!(locale, rejection_name_invalid),
        Rejection::PasswordTooShort => td_string!(locale, rejection_password_too_short),
        Rejection::PasswordTooLong => td_string!(locale, rejection_password_too_long),
        Rejection::PasswordContainsEmail => td_string!(locale, rejection_password_contains_email),
        Rejection::PasswordTooCommon => td_string!(locale, rejection_password_too_common),
        Rejection::PasswordMismatch => td_string!(locale, rejection_password_mismatch),
        Rejection::LinkInvalid => td_string!(locale, rejection_link_invalid),
        Rejection::WalletOnlySignIn => td_string!(locale, rejection_wallet_only_sign_in),
        Rejection::SessionRequired => td_string!(locale, rejection_session_required),
        Rejection::EmailUnverified => td_string!(locale, rejection_email_unverified),
        Rejection::PublicUrlUnset => td_string!(locale, rejection_public_url_unset),
        Rejection::SetupDone => td_string!(locale, rejection_setup_done),
        Rejection::WalletAddressInvalid => td_string!(locale, rejection_wallet_address_invalid),
        Rejection::WalletChainUnsupported => td_string!(locale, rejection_wallet_chain_unsupported),
        Rejection::WalletNonceExpired => td_string!(locale, rejection_wallet_nonce_expired),
        Rejection::WalletMessageTampered => td_string!(locale, rejection_wallet_message_tampered),
        Rejection::WalletSignatureInvalid => td_string!(locale, rejection_wallet_signature_invalid),
        Rejection::WalletAlreadyLinked => td_string!(locale, rejection_wallet_already_linked),
        Rejection::RoleNotAssignable => td_string!(locale, rejection_role_not_assignable),
        Rejection::OwnAccount => td_string!(locale, rejection_own_account),
        Rejection::LastOwner => td_string!(locale, rejection_last_owner),
        Rejection::KeyNameInvalid => td_string!(locale, rejection_key_name_invalid),
        Rejection::DateInvalid => td_string!(locale, rejection_date_invalid),
        Rejection::ModelNameInvalid => td_string!(locale, rejection_model_name_invalid),
        Rejection::ModelNameTaken => td_string!(locale, rejection_model_name_taken),
        Rejection::ManufacturerInvalid => td_string!(locale, rejection_manufacturer_invalid),
        Rejection::HashrateInvalid => td_string!(locale, rejection_hashrate_invalid),
        Rejection::PowerInvalid => td_string!(locale, rejection_power_invalid),
        Rejection::PriceInvalid => td_string!(locale, rejection_price_invalid),
        Rejection::CoolingInvalid => td_string!(locale, rejection_cooling_invalid),
        Rejection::ScenarioNameInvalid => td_string!(locale, rejection_scenario_name_invalid),
        Rejection::ScenarioNameTaken => td_string!(locale, rejection_scenario_name_taken),
        Rejection::ScenarioInvalid => td_string!(locale, rejection_scenario_invalid),
        Rejection::ScenarioLimit => td_string!(locale, rejection_scenario_limit),
        Rejection::AlertResolved => td_string!(locale, rejection_alert_resolved),
        Rejection::MinersNotChosen => td_string!(locale, rejection_miners_not_chosen),
        Rejection::ReviewNoteInvalid => td_string!(locale, rejection_review_note_invalid),
        Rejection::SiteNameInvalid => td_string!(locale, rejection_site_name_invalid),
        Rejection::SiteNameTaken => td_string!(locale, rejection_site_name_taken),
        Rejection::LocationInvalid => td_string!(locale, rejection_location_invalid),
        Rejection::CapacityInvalid => td_string!(locale, rejection_capacity_invalid),
        Rejection::SiteOwnerInvalid => td_string!(locale, rejection_site_owner_invalid),
        Rejection::TariffKindInvalid => td_string!(locale, rejection_tariff_kind_invalid),
        Rejection::TariffPriceInvalid => td_string!(locale, rejection_tariff_price_invalid),
        Rejection::TariffHourInvalid => td_string!(locale, rejection_tariff_hour_invalid),
        Rejection::TariffPeakEmpty => td_string!(locale, rejection_tariff_peak_empty),
        Rejection::TariffHourCount => td_string!(locale, rejection_tariff_hour_count),
        Rejection::ConfirmationMismatch => td_string!(locale, rejection_confirmation_mismatch),
        Rejection::CustomerNameInvalid => td_string!(locale, rejection_customer_name_invalid),
        Rejection::CustomerNameTaken => td_string!(locale, rejection_customer_name_taken),
        Rejection::PortalAccountInvalid => td_string!(locale, rejection_portal_account_invalid),
        Rejection::PortalAccountTaken => td_string!(locale, rejection_portal_account_taken),
        Rejection::MinerModelInvalid => td_string!(locale, rejection_miner_model_invalid),
        Rejection::MinerSerialInvalid => td_string!(locale, rejection_miner_serial_invalid),
        Rejection::MinerIpInvalid => td_string!(locale, rejection_miner_ip_invalid),
        Rejection::MinerIpReserved => td_string!(locale, rejection_miner_ip_reserved),
        Rejection::MinerMacInvalid => td_string!(locale, rejection_miner_mac_invalid),
        Rejection::MinerRackInvalid => td_string!(locale, rejection_miner_rack_invalid),
        Rejection::MinerStatusInvalid => td_string!(locale, rejection_miner_status_invalid),
        Rejection::MinerCustomerInvalid => td_string!(locale, rejection_miner_customer_invalid),
        Rejection::SerialTaken => td_string!(locale, rejection_serial_taken),
        Rejection::IpTaken => td_string!(locale, rejection_ip_taken),
        Rejection::MacTaken => td_string!(locale, rejection_mac_taken),
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
