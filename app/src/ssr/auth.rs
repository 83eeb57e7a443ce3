//! Who is calling, and the one guard every server function goes through.
//!
//! The server's middleware resolves the caller once per request (session cookie or API key) and
//! puts a [`Caller`] into the request's extensions; Leptos hands the request parts to server
//! functions and page renders, where [`caller`] reads it back.

use leptos::prelude::use_context;

use crate::access::{self, Access, Module, Role, Viewer};
use crate::error::AppError;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session; the hash identifies the row to end at logout.
    Session { session_hash: String },
    /// A machine client of `/api/v1`.
    ApiKey { api_key_id: i64, prefix: String },
}

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    /// The role in force for this request: an API key's role, capped by its owner's.
    pub role: Role,
    pub display_name: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub wallet_address: Option<String>,
    pub credential: Credential,
}

impl Member {
    /// How the audit log names them.
    pub fn label(&self) -> String {
        match (&self.credential, &self.email, &self.wallet_address) {
            (Credential::ApiKey { prefix, .. }, _, _) => format!("api key {prefix}…"),
            (_, Some(email), _) => email.clone(),
            (_, None, Some(wallet)) => wallet.clone(),
            (_, None, None) => format!("user {}", self.user_id),
        }
    }

    pub fn viewer(&self) -> Viewer {
        Viewer {
            user_id: self.user_id,
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            wallet_address: self.wallet_address.clone(),
            role: self.role,
            email_verified: self.email_verified,
        }
    }
}

/// The caller of one request, signed in or not, and where they call from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub member: Option<Member>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Caller {
    pub fn role(&self) -> Option<Role> {
        self.member.as_ref().map(|m| m.role)
    }

    /// The one permission check: the matrix decides, `Denied` becomes 401 or 403.
    pub fn require(&self, module: Module, need: Access) -> Result<(), AppError> {
        access::check(self.role(), module, need).map_err(|denied| {
            tracing::info!(
                user_id = self.member.as_ref().map(|m| m.user_id),
                ?module,
                ?need,
                %denied,
                "permission refused"
            );
            AppError::from(denied)
        })
    }

    /// The signed-in member, or 401.
    pub fn member(&self) -> Result<&Member, AppError> {
        self.member.as_ref().ok_or(AppError::SignInRequired)
    }
}

/// The caller of the request being handled. Without the middleware (a misconfigured router),
/// nobody is signed in, so the guard fails closed.
pub fn caller() -> Caller {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
        .unwrap_or_default()
}

/// Checks the caller against the matrix and returns them: the first line of every server
/// function.
pub fn guard(module: Module, need: Access) -> Result<Caller, AppError> {
    let caller = caller();
    caller.require(module, need)?;
    Ok(caller)
}
