//! The one error type the browser sees. It carries no internal detail: causes are logged on the
//! server and the user gets a translated message.

mod text;
pub use text::{error_text, error_text_in, set_status};

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use domain::error_body::{ErrorBody, ErrorInfo};

/// On the wire, REST and server functions alike, as the one error body
/// (`{"error":{"code","message"}}`, see `domain::error_body`), with the message in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[serde(into = "ErrorBody", from = "ErrorBody")]
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
    /// The stable code of the error body.
    pub fn code(&self) -> String {
        match self {
            Self::NotFound => "not_found".to_owned(),
            Self::Unavailable => "unavailable".to_owned(),
            Self::Internal => "internal".to_owned(),
            Self::SignInRequired => "sign_in_required".to_owned(),
            Self::Forbidden => "forbidden".to_owned(),
            Self::RateLimited { .. } => "rate_limited".to_owned(),
            Self::Rejected(rejection) => rejection.code(),
        }
    }

    /// The error body, its message in `locale`.
    pub fn body(&self, locale: crate::i18n::Locale) -> ErrorBody {
        let body = ErrorBody::new(self.code(), text::error_text_in(locale, self));
        match self {
            Self::RateLimited { retry_after_secs } => body.with_retry_after(*retry_after_secs),
            _ => body,
        }
    }

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

impl From<AppError> for ErrorBody {
    fn from(error: AppError) -> Self {
        error.body(crate::i18n::Locale::en)
    }
}

impl From<ErrorBody> for AppError {
    /// A code this build does not know (a newer server) reads as an internal error.
    fn from(body: ErrorBody) -> Self {
        let ErrorInfo {
            code,
            retry_after_secs,
            ..
        } = body.error;
        match code.as_str() {
            "not_found" => Self::NotFound,
            "unavailable" => Self::Unavailable,
            "sign_in_required" => Self::SignInRequired,
            "forbidden" => Self::Forbidden,
            "rate_limited" => Self::RateLimited {
                retry_after_secs: retry_after_secs.unwrap_or(1),
            },
            other => Rejection::from_code(other).map_or(Self::Internal, Self::Rejected),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_survives_the_error_body() {
        for error in [
            AppError::NotFound,
            AppError::Unavailable,
            AppError::Internal,
            AppError::SignInRequired,
            AppError::Forbidden,
            AppError::RateLimited {
                retry_after_secs: 42,
            },
            AppError::Rejected(Rejection::EmailTaken),
        ] {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["error"]["code"], error.code());
            assert!(!json["error"]["message"].as_str().unwrap().is_empty());
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error);
        }
        let limited = serde_json::to_value(AppError::RateLimited {
            retry_after_secs: 42,
        })
        .unwrap();
        assert_eq!(limited["error"]["retry_after_secs"], 42);
    }

    #[test]
    fn no_refusal_takes_the_code_of_a_general_error() {
        for code in [
            "not_found",
            "unavailable",
            "internal",
            "sign_in_required",
            "forbidden",
            "rate_limited",
        ] {
            assert_eq!(Rejection::from_code(code), None, "{code}");
        }
    }
}
