//! Server functions, grouped by resource. Each one is thin: context, parse, call, map errors.

pub mod alerts;
pub mod auth;
pub mod catalogue;
pub mod collector_keys;
pub mod fleet;
pub mod fleet_setup;
pub mod keys;
pub mod market;
pub mod scenarios;
pub mod users;
pub mod wallet;

use crate::access::{Access, Module};

/// Every server function with the permission its guard checks first; `None` marks the open
/// ones (signing in and the single-use links, which check the credentials they carry). The
/// access walk test calls each guarded one as every role and checks the answer against the
/// matrix, and fails on a server function missing here.
pub const SERVER_FNS: &[(&str, Option<(Module, Access)>)] = &[
    ("/api/who_am_i", None),
    ("/api/needs_setup", None),
    ("/api/register", None),
    ("/api/login", None),
    ("/api/logout", None),
    ("/api/verify_email", None),
    ("/api/request_password_reset", None),
    ("/api/reset_password", None),
    ("/api/setup_owner", None),
    ("/api/wallet_challenge", None),
    ("/api/wallet_sign_in", None),
    (
        "/api/list_asic_models",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/create_asic_model",
        Some((Module::Catalogue, Access::Full)),
    ),
    (
        "/api/update_asic_model",
        Some((Module::Catalogue, Access::Full)),
    ),
    (
        "/api/delete_asic_model",
        Some((Module::Catalogue, Access::Full)),
    ),
    (
        "/api/list_saved_scenarios",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/save_scenario",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/rename_saved_scenario",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/delete_saved_scenario",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/current_market",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/network_history",
        Some((Module::Network, Access::Read)),
    ),
    (
        "/api/list_sites",
        Some((Module::SiteManagement, Access::Read)),
    ),
    (
        "/api/review_miners",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/list_site_setup",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/save_site",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/delete_site",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/list_collector_keys",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/create_collector_key",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/revoke_collector_key",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/miner_choices",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/save_miner",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/delete_miner",
        Some((Module::SiteManagement, Access::Full)),
    ),
    (
        "/api/list_customers",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/save_customer",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/delete_customer",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/list_site_miners",
        Some((Module::StatusMonitor, Access::Read)),
    ),
    (
        "/api/my_fleet_totals",
        Some((Module::StatusMonitor, Access::Read)),
    ),
    (
        "/api/miner_detail",
        Some((Module::StatusMonitor, Access::Read)),
    ),
    (
        "/api/list_alerts",
        Some((Module::StatusMonitor, Access::Read)),
    ),
    (
        "/api/acknowledge_alert",
        Some((Module::StatusMonitor, Access::Full)),
    ),
    ("/api/list_users", Some((Module::UserManage, Access::Full))),
    ("/api/create_user", Some((Module::UserManage, Access::Full))),
    (
        "/api/set_user_role",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/set_user_access",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/set_user_disabled",
        Some((Module::UserManage, Access::Full)),
    ),
    ("/api/delete_user", Some((Module::UserDelete, Access::Full))),
    ("/api/list_audit", Some((Module::Audit, Access::Read))),
    (
        "/api/login_history",
        Some((Module::UserManage, Access::Full)),
    ),
    ("/api/list_outbox", Some((Module::UserManage, Access::Full))),
    (
        "/api/hand_over_link",
        Some((Module::UserManage, Access::Full)),
    ),
    (
        "/api/list_wallets",
        Some((Module::Calculator, Access::Read)),
    ),
    (
        "/api/unlink_wallet",
        Some((Module::Calculator, Access::Read)),
    ),
    ("/api/list_api_keys", Some((Module::Settings, Access::Read))),
    (
        "/api/create_api_key",
        Some((Module::Settings, Access::Read)),
    ),
    (
        "/api/revoke_api_key",
        Some((Module::Settings, Access::Read)),
    ),
];

/// Guarded server functions that also need a signed-in account (they keep the caller's own
/// data): a visitor gets 401 even where the module is open to guests.
pub const SIGNED_IN_ONLY: &[&str] = &[
    "/api/list_wallets",
    "/api/unlink_wallet",
    "/api/list_saved_scenarios",
    "/api/save_scenario",
    "/api/rename_saved_scenario",
    "/api/delete_saved_scenario",
];
