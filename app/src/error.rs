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
}

impl AppError {
    /// The HTTP status for this error, in one table for server functions and REST alike.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unavailable => 503,
            Self::Internal => 500,
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
