//! The HTTP side of access control: who is calling (once per request), the same-origin rule for
//! changes, security headers, and the guard of the REST endpoints.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use app::error::AppError;
use app::ssr::auth::Caller;
use app::ssr::identity::{self, SESSION_COOKIE};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use domain::access::{Access, Module};

use crate::state::AppState;

/// What a refused API call answers: the one error body (`AppError` serializes as
/// `{"error":{"code","message"}}`), with the status from `AppError::status_code`.
pub fn error_response(error: AppError) -> Response {
    let (mut parts, body) = axum::Json(error.clone()).into_response().into_parts();
    set_error_status(&error, &mut parts.status, &mut parts.headers);
    Response::from_parts(parts, body)
}

/// The status of `error` from `AppError::status_code`, and `Retry-After` when it asks to wait:
/// one mapping for REST refusals and server-function errors.
fn set_error_status(error: &AppError, status: &mut StatusCode, headers: &mut HeaderMap) {
    *status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let AppError::RateLimited { retry_after_secs } = error
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        headers.insert(header::RETRY_AFTER, value);
    }
}

/// The guard of a REST route, as a layer that runs before the handler parses anything: the
/// same check server functions make.
pub fn require(
    module: Module,
    need: Access,
) -> impl Fn(Request, Next) -> Pin<Box<dyn Future<Output = Response> + Send>>
+ Clone
+ Send
+ Sync
+ 'static {
    move |request: Request, next: Next| {
        Box::pin(async move {
            let caller = request
                .extensions()
                .get::<Caller>()
                .cloned()
                .unwrap_or_default();
            match caller.require(module, need) {
                Ok(()) => next.run(request).await,
                Err(error) => error_response(error),
            }
        })
    }
}

/// `route` behind the guard of its row in [`super::REST_ENDPOINTS`].
pub fn guarded(path: &str, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    let (module, need) = super::REST_ENDPOINTS
        .iter()
        .find(|(_, p, _, _)| *p == path)
        .map_or_else(
            || panic!("{path} is missing from REST_ENDPOINTS"),
            |(_, _, module, need)| (*module, *need),
        );
    route.layer(axum::middleware::from_fn(require(module, need)))
}

/// Paths that never need the caller: static files and health checks.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/vendor/")
        || path == "/healthz"
        || path == "/favicon.svg"
        || path == "/favicon.ico"
}

/// Resolves the caller from the session cookie or `Authorization: Bearer <api key>` and puts it
/// into the request for handlers and server functions.
pub async fn resolve_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| app::preferences::find_cookie(cookies, SESSION_COOKIE))
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned());
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(300).collect());
    let forwarded_for: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| {
            identity::client_ip(
                addr.ip(),
                &forwarded_for,
                &state.auth.settings.trusted_proxies,
            )
            .to_string()
        });
    let caller = identity::resolve_caller(
        &*state.store,
        &state.auth.settings,
        cookie.as_deref(),
        bearer.as_deref(),
        ip,
        user_agent,
    )
    .await;
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// Refuses state-changing requests a browser sent from another site. SameSite=Lax already keeps
/// the session cookie off cross-site POSTs; this also covers same-site subdomains and requests
/// without cookies. Clients that are not browsers send neither header and are let through (they
/// authenticate with keys, which no other site can make a browser send).
pub async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !is_same_origin(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-origin change refused");
        return error_response(AppError::Forbidden);
    }
    next.run(request).await
}

fn is_same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin" || site == "none";
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Server functions answer every `Err` with 500; this gives the answer the status of its
/// `AppError` (401, 403, 409, 422, 429…), from the one table in `AppError::status_code`, so
/// programs and tests can tell a refusal from a failure. Only server-function paths, and only
/// their small error bodies, are read.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = {
        let path = request.uri().path();
        path.starts_with("/api/") && !path.starts_with("/api/v1/")
    };
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        set_error_status(&error, &mut parts.status, &mut parts.headers);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Headers on every response. Pages set their own CSP with a per-response nonce (`app::shell`);
/// everything else gets one that allows nothing.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = state
        .auth
        .settings
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"))
        || request
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        );
    }
    if https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!is_same_origin(&headers(&[
            ("sec-fetch-site", "same-site"),
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ])));
    }

    #[test]
    fn otherwise_the_origin_must_name_this_host() {
        assert!(is_same_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("origin", "null"),
            ("host", "a")
        ])));
        // curl and other programs
        assert!(is_same_origin(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
