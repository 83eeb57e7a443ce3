//! Why a request with well-formed content was refused: the refusals that each have their own
//! translated message (the UI's `AppError::Rejected`) and HTTP status.

use serde::{Deserialize, Serialize};

/// Why a request with well-formed but unacceptable content was refused; each has its own
/// translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// Unknown e-mail or wrong password; deliberately the same message for both.
    InvalidCredentials,
    AccountDisabled,
    AccessExpired,
    EmailInvalid,
    EmailTaken,
    NameInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordContainsEmail,
    PasswordTooCommon,
    PasswordMismatch,
    /// A verification, reset or setup link that is unknown, used or expired.
    LinkInvalid,
    /// The first owner exists already.
    SetupDone,
    WalletAddressInvalid,
    WalletChainUnsupported,
    WalletNonceExpired,
    /// The signed message is not the one the server issued (changed, or replayed).
    WalletMessageTampered,
    WalletSignatureInvalid,
    WalletAlreadyLinked,
    /// Unlinking the wallet would leave the account with no way to sign in.
    WalletOnlySignIn,
    /// A change to one's own account made with an API key: only a browser session may.
    SessionRequired,
    /// Raising or linking an account whose e-mail address is not confirmed: whoever registered
    /// the address first would get its rights.
    EmailUnverified,
    /// No `[auth] public_url` and a request for another host than this machine: no link or
    /// wallet message can be made.
    PublicUrlUnset,
    /// The role is above what the acting user may give.
    RoleNotAssignable,
    /// An admin action on one's own account that would lock oneself out.
    OwnAccount,
    /// The change would leave the installation without an active owner.
    LastOwner,
    KeyNameInvalid,
    DateInvalid,
    /// Catalogue fields, each with its own message.
    ModelNameInvalid,
    ModelNameTaken,
    ManufacturerInvalid,
    HashrateInvalid,
    PowerInvalid,
    PriceInvalid,
    CoolingInvalid,
    ScenarioNameInvalid,
    ScenarioNameTaken,
    /// The saved inputs are not a calculator scenario (unknown field, too long).
    ScenarioInvalid,
    /// The user has saved as many scenarios as one account may keep.
    ScenarioLimit,
    /// Acknowledging an alert that resolved meanwhile.
    AlertResolved,
    /// An approval step with no miner ticked, or more than one page of them.
    MinersNotChosen,
    /// A review note longer than allowed, or with control characters.
    ReviewNoteInvalid,
    /// Site setup fields, each with its own message.
    SiteNameInvalid,
    SiteNameTaken,
    LocationInvalid,
    CapacityInvalid,
    /// The e-mail names no site-owner account.
    SiteOwnerInvalid,
    TariffKindInvalid,
    TariffPriceInvalid,
    TariffHourInvalid,
    TariffPeakEmpty,
    TariffHourCount,
    /// A deletion whose typed confirmation does not match what it deletes.
    ConfirmationMismatch,
    CustomerNameInvalid,
    CustomerNameTaken,
    /// The e-mail names no client account.
    PortalAccountInvalid,
    /// The client account speaks for another customer already.
    PortalAccountTaken,
    /// Miner fields, each with its own message.
    MinerModelInvalid,
    MinerSerialInvalid,
    MinerIpInvalid,
    /// Loopback, link-local, multicast, reserved or the server's own: never a miner's.
    MinerIpReserved,
    MinerMacInvalid,
    MinerRackInvalid,
    MinerStatusInvalid,
    /// No customer the caller may name.
    MinerCustomerInvalid,
    SerialTaken,
    IpTaken,
    MacTaken,
}

impl Rejection {
    /// The stable code programs see in an error body (`email_taken`): the serde name.
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The refusal a code names; `None` for a code that is not a refusal's.
    pub fn from_code(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
    }

    pub fn status_code(self) -> u16 {
        match self {
            Self::InvalidCredentials
            | Self::WalletNonceExpired
            | Self::WalletMessageTampered
            | Self::WalletSignatureInvalid => 401,
            Self::AccountDisabled
            | Self::AccessExpired
            | Self::RoleNotAssignable
            | Self::SessionRequired => 403,
            Self::PublicUrlUnset => 503,
            Self::EmailTaken
            | Self::WalletAlreadyLinked
            | Self::WalletOnlySignIn
            | Self::EmailUnverified
            | Self::SetupDone
            | Self::LastOwner
            | Self::ModelNameTaken
            | Self::ScenarioNameTaken
            | Self::ScenarioLimit
            | Self::AlertResolved
            | Self::SiteNameTaken
            | Self::CustomerNameTaken
            | Self::PortalAccountTaken
            | Self::SerialTaken
            | Self::IpTaken
            | Self::MacTaken => 409,
            _ => 422,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for rejection in [
            Rejection::EmailTaken,
            Rejection::MinerIpReserved,
            Rejection::SessionRequired,
        ] {
            assert_eq!(Rejection::from_code(&rejection.code()), Some(rejection));
        }
        assert_eq!(Rejection::EmailTaken.code(), "email_taken");
        assert_eq!(Rejection::from_code("no_such_refusal"), None);
    }
}
