//! `POST /api/v1/calculate`.

use app::ssr::auth::Caller;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use domain::access::{Access, Module};
use domain::calculate::{CalcContext, CalcFieldError, CalcRequest};
use domain::error_body::FieldProblem;

use crate::calculate::run;
use crate::http::auth::{error_response, guarded};
use crate::http::error::{invalid_input_body, unavailable};
use crate::state::AppState;

pub const CALCULATE_PATH: &str = "/api/v1/calculate";

pub fn router() -> Router<AppState> {
    Router::new().route(
        CALCULATE_PATH,
        guarded(CALCULATE_PATH, post(calculate_handler)),
    )
}

/// `POST /api/v1/calculate`: JSON in, JSON out; 422 with every field error on bad input. The
/// host side (markup, site cost) is for the roles that may see it; others get 401/403.
pub async fn calculate_handler(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Response {
    let request: CalcRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return refused_fields(vec![CalcFieldError {
                field: "body".to_owned(),
                code: "invalid_json".to_owned(),
                message: err.to_string(),
            }]);
        }
    };
    if request.has_host_fields() {
        let caller = caller.map(|Extension(caller)| caller).unwrap_or_default();
        if let Err(error) = caller.require(Module::HostFigures, Access::Read) {
            return error_response(error);
        }
    }
    // The chain tip places the halvings and picks the subsidy, as in the browser.
    let context = CalcContext {
        next_block_height: state.market.network().map(|r| r.sourced.value.height + 1),
    };
    match run(&request, Some(&state.store), context).await {
        Ok(Ok(response)) => Json(response).into_response(),
        Ok(Err(errors)) => refused_fields(errors),
        Err(err) => {
            tracing::error!(error = %err, "calculate: catalogue unavailable");
            unavailable()
        }
    }
}

/// 422 in the one error body, every refused field in `fields`. Until the release after next,
/// the same list also as the top-level `errors` that earlier clients read (README, API).
fn refused_fields(errors: Vec<CalcFieldError>) -> Response {
    let fields = errors
        .iter()
        .map(|e| FieldProblem {
            field: e.field.clone(),
            code: e.code.clone(),
            message: e.message.clone(),
        })
        .collect();
    let mut body = serde_json::to_value(invalid_input_body(fields)).unwrap_or_default();
    body["errors"] = serde_json::to_value(&errors).unwrap_or_default();
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}
