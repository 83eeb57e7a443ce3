//! Roles and the permission matrix: who may do what, defined once. The server enforces it in
//! every server function and REST endpoint (`crate::ssr::guard`); the browser only uses it to hide
//! what the user could not open anyway.
//!
//! The matrix is the original's RBAC v2.0 table (reference §5.2), kept module for module so that
//! hosting, curtailment and finance features find their rows ready when they arrive.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The six roles, most powerful first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    MiningSiteOwner,
    Operator,
    Client,
    Guest,
}

impl Role {
    pub const ALL: [Self; 6] = [
        Self::Owner,
        Self::Admin,
        Self::MiningSiteOwner,
        Self::Operator,
        Self::Client,
        Self::Guest,
    ];

    /// The name stored in the database and used in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::MiningSiteOwner => "mining_site_owner",
            Self::Operator => "operator",
            Self::Client => "client",
            Self::Guest => "guest",
        }
    }

    fn column(self) -> usize {
        self as usize
    }

    /// Whether this role may give `other` to someone: only to roles below its own, except that
    /// the owner may appoint other owners.
    pub fn may_assign(self, other: Self) -> bool {
        self == Self::Owner || (self <= Self::Admin && other > self)
    }

    /// Whether this role sees the host side of hosting figures (site cost, markup, host profit).
    pub fn sees_host_figures(self) -> bool {
        access(self, Module::HostFigures) >= Access::Read
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// How much of a module a role may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    None,
    /// See, but not change.
    Read,
    Full,
}

/// The parts of the product a permission is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    Calculator,
    Settings,
    Dashboard,
    SiteManagement,
    BatchCreate,
    StatusMonitor,
    Ticket,
    Usage,
    Reconciliation,
    CurtailmentStrategy,
    CurtailmentPredict,
    CurtailmentExecute,
    CurtailmentEmergency,
    CurtailmentHistory,
    CustomerManagement,
    CustomerView,
    Transaction,
    Invoice,
    BrokerCommission,
    ActivityLog,
    BatchCalculator,
    Network,
    Technical,
    Derivatives,
    MarketIntel,
    BtcPredict,
    RoiExplain,
    AnomalyDetect,
    PowerOptimize,
    /// Create, edit, disable users and assign roles.
    UserManage,
    UserDelete,
    UserList,
    SystemHealth,
    SystemEvent,
    /// The audit log: who did what, when and from where.
    Audit,
    /// Editing reference data such as the ASIC catalogue.
    Catalogue,
    /// The host side of hosting figures: the site's energy cost, the markup and the host's
    /// profit. Clients see what they pay, never what the host earns on it.
    HostFigures,
    BlockchainVerify,
    SlaNft,
    Billing,
    CryptoPayment,
    ReportPdf,
    ReportOffice,
    RemoteRequest,
    RemoteAudit,
    RemoteExecute,
}

const F: Access = Access::Full;
const R: Access = Access::Read;
const N: Access = Access::None;

/// Module → access per role, in `Role::ALL` order: owner, admin, site owner, operator, client,
/// guest. Reference §5.2; `Audit` and `Catalogue` (owner and admin) and `HostFigures` are ours.
const MATRIX: &[(Module, [Access; 6])] = &[
    (Module::Calculator, [F, F, F, R, F, F]),
    (Module::Settings, [F, F, F, R, F, N]),
    (Module::Dashboard, [F, F, F, R, F, R]),
    (Module::SiteManagement, [F, F, F, R, N, N]),
    (Module::BatchCreate, [F, F, F, N, N, N]),
    (Module::StatusMonitor, [F, F, F, F, R, N]),
    (Module::Ticket, [F, F, F, F, F, N]),
    (Module::Usage, [F, F, F, R, R, N]),
    (Module::Reconciliation, [F, F, F, R, R, N]),
    (Module::CurtailmentStrategy, [F, F, F, F, R, N]),
    (Module::CurtailmentPredict, [F, F, F, F, N, N]),
    (Module::CurtailmentExecute, [F, F, F, F, N, N]),
    (Module::CurtailmentEmergency, [F, F, F, F, N, N]),
    (Module::CurtailmentHistory, [F, F, F, F, R, N]),
    (Module::CustomerManagement, [F, F, F, N, N, N]),
    (Module::CustomerView, [F, F, F, N, N, N]),
    (Module::Transaction, [F, F, F, N, R, N]),
    (Module::Invoice, [F, F, F, N, R, N]),
    (Module::BrokerCommission, [F, F, F, N, N, N]),
    (Module::ActivityLog, [F, F, F, N, N, N]),
    (Module::BatchCalculator, [F, F, F, N, F, N]),
    (Module::Network, [F, F, F, R, R, N]),
    (Module::Technical, [F, F, F, R, R, R]),
    (Module::Derivatives, [F, F, F, N, R, N]),
    (Module::MarketIntel, [F, F, F, R, R, N]),
    (Module::BtcPredict, [F, F, F, R, R, R]),
    (Module::RoiExplain, [F, F, F, R, R, R]),
    (Module::AnomalyDetect, [F, F, F, F, R, N]),
    (Module::PowerOptimize, [F, F, F, F, R, N]),
    (Module::UserManage, [F, F, N, N, N, N]),
    (Module::UserDelete, [F, N, N, N, N, N]),
    (Module::UserList, [F, F, R, R, R, N]),
    (Module::SystemHealth, [F, F, N, R, N, N]),
    (Module::SystemEvent, [F, F, R, F, N, N]),
    (Module::Audit, [F, F, N, N, N, N]),
    (Module::Catalogue, [F, F, N, N, N, N]),
    (Module::HostFigures, [F, F, F, N, N, N]),
    (Module::BlockchainVerify, [F, F, F, R, R, N]),
    (Module::SlaNft, [F, F, F, N, R, N]),
    (Module::Billing, [F, F, F, N, R, N]),
    (Module::CryptoPayment, [F, F, F, N, F, N]),
    (Module::ReportPdf, [F, F, F, R, F, R]),
    (Module::ReportOffice, [F, F, F, N, F, N]),
    (Module::RemoteRequest, [F, F, F, F, F, N]),
    (Module::RemoteAudit, [F, F, F, F, R, N]),
    (Module::RemoteExecute, [F, F, F, F, N, N]),
];

/// What `role` may do with `module`. A module missing from the matrix grants nothing.
pub fn access(role: Role, module: Module) -> Access {
    MATRIX
        .iter()
        .find(|(m, _)| *m == module)
        .map_or(Access::None, |(_, row)| row[role.column()])
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody is signed in and the module needs more than a visitor has.
    #[error("sign-in required")]
    SignInRequired,
    #[error("{role} lacks {need:?} access to {module:?}")]
    Forbidden {
        role: Role,
        module: Module,
        need: Access,
    },
}

/// The single check behind every guard. Visitors who are not signed in count as guests for the
/// matrix; when a guest would be refused, they are told to sign in rather than that they lack a
/// role.
pub fn check(role: Option<Role>, module: Module, need: Access) -> Result<(), Denied> {
    let effective = role.unwrap_or(Role::Guest);
    if access(effective, module) >= need {
        return Ok(());
    }
    match role {
        None => Err(Denied::SignInRequired),
        Some(role) => Err(Denied::Forbidden { role, module, need }),
    }
}

/// The signed-in person as the pages see them: enough to greet them and to hide what their role
/// cannot open. Never trusted by the server, which resolves the caller from the session itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub wallet_address: Option<String>,
    pub role: Role,
    pub email_verified: bool,
}

impl Viewer {
    pub fn may(&self, module: Module, need: Access) -> bool {
        access(self.role, module) >= need
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn roles_are_ordered_from_owner_to_guest() {
        assert!(Role::Owner < Role::Admin);
        assert!(Role::Client < Role::Guest);
        let mut sorted = Role::ALL;
        sorted.sort();
        assert_eq!(sorted, Role::ALL);
    }

    #[test]
    fn every_module_has_exactly_one_row() {
        for (i, (module, _)) in MATRIX.iter().enumerate() {
            assert!(
                MATRIX[i + 1..].iter().all(|(other, _)| other != module),
                "{module:?} appears twice"
            );
        }
    }

    #[test]
    fn the_owner_has_full_access_everywhere_and_nobody_has_more_than_a_higher_role() {
        for (module, row) in MATRIX {
            assert_eq!(row[0], Access::Full, "{module:?}");
            // Access never grows as roles go down, except where the reference grants clients
            // more than operators (they buy and pay; operators run machines).
            assert!(row[0] >= row[1] && row[1] >= row[2], "{module:?}");
        }
    }

    #[test]
    fn reference_cells_are_kept() {
        assert_eq!(access(Role::Operator, Module::Calculator), Access::Read);
        assert_eq!(access(Role::Guest, Module::Calculator), Access::Full);
        assert_eq!(access(Role::Client, Module::BatchCalculator), Access::Full);
        assert_eq!(
            access(Role::Operator, Module::BatchCalculator),
            Access::None
        );
        assert_eq!(
            access(Role::MiningSiteOwner, Module::UserList),
            Access::Read
        );
        assert_eq!(access(Role::Admin, Module::UserDelete), Access::None);
        assert_eq!(access(Role::Operator, Module::SystemEvent), Access::Full);
    }

    #[test]
    fn visitors_are_asked_to_sign_in_and_members_are_refused() {
        assert_eq!(check(None, Module::Calculator, Access::Full), Ok(()));
        assert_eq!(
            check(None, Module::BatchCalculator, Access::Read),
            Err(Denied::SignInRequired)
        );
        assert_eq!(
            check(Some(Role::Guest), Module::BatchCalculator, Access::Read),
            Err(Denied::Forbidden {
                role: Role::Guest,
                module: Module::BatchCalculator,
                need: Access::Read
            })
        );
        assert_eq!(
            check(Some(Role::Operator), Module::Network, Access::Read),
            Ok(())
        );
        assert!(check(Some(Role::Operator), Module::Network, Access::Full).is_err());
    }

    #[test]
    fn only_the_owner_appoints_owners_and_admins_assign_below_themselves() {
        assert!(Role::Owner.may_assign(Role::Owner));
        assert!(Role::Admin.may_assign(Role::Client));
        assert!(!Role::Admin.may_assign(Role::Admin));
        assert!(!Role::Admin.may_assign(Role::Owner));
        assert!(!Role::MiningSiteOwner.may_assign(Role::Guest));
    }
}
