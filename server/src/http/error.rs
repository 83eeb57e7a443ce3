//! The one error body of the REST API (`domain::error_body`): every refusal under `/api/v1`
//! answers `{"error":{"code","message","fields":[…]}}`, as server functions do. Refusals that
//! are an `AppError` go through `auth::error_response`; the REST-only ones are built here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::error_body::{ErrorBody, FieldProblem};

/// A refusal with its status, code and message.
pub fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, Json(ErrorBody::new(code, message))).into_response()
}

/// 422 for input whose fields are wrong, each named with its own code.
pub fn invalid_input_body(fields: Vec<FieldProblem>) -> ErrorBody {
    ErrorBody::new("invalid_input", "the input has errors; see fields").with_fields(fields)
}

/// 503: a part the request needs (the database, a market read) is not there now.
pub fn unavailable() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the service is unavailable",
    )
}

/// 500: something failed that the caller cannot fix; the cause is in the server's log.
pub fn internal() -> Response {
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
    )
}
