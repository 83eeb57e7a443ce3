//! The one error type the browser sees. It carries no internal detail: causes are logged on the
//! server and the user gets a translated message.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("the service is unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    #[error("sign-in required")]
    SignInRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("refused: {0:?}")]
    Rejected(Rejection),
}

pub use domain::rejection::Rejection;

impl From<crate::access::Denied> for AppError {
    fn from(denied: crate::access::Denied) -> Self {
        match denied {
            crate::access::Denied::SignInRequired => Self::SignInRequired,
            crate::access::Denied::Forbidden { .. } => Self::Forbidden,
        }
    }
}

impl AppError {
    /// The HTTP status for this error, in one table for server functions and REST alike.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unavailable => 503,
            Self::Internal => 500,
            Self::SignInRequired => 401,
            Self::Forbidden => 403,
            Self::RateLimited { .. } => 429,
            Self::Rejected(rejection) => rejection.status_code(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::warn!(error = %value, "server function transport error");
        let _ = value;
        Self::Internal
    }
}
