//! The miner inventory's REST routes (the use case is in `crate::inventory`):
//! `POST /api/v1/miners/import?site_id=N` (an event stream of progress, then the report) and
//! `GET /api/v1/miners/export?site_id=N` (CSV). Both are site management (import: full,
//! export: read); a site owner reaches only their own sites, any other answers 404.

use std::convert::Infallible;

use app::ssr::auth::Caller;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::fleet::import::{ImportEvent, MINER_EXPORT_PATH, MINER_IMPORT_PATH};
use serde::Deserialize;
use store::Store;
use tokio::sync::mpsc;

use crate::http::auth::{error_response, guarded};
use crate::inventory::{Destination, import, inventory_rows};
use crate::state::AppState;

/// The largest upload: the import's own limit plus room for a multipart-free body.
pub const MAX_BODY_BYTES: usize = fleet::import::MAX_FILE_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            MINER_IMPORT_PATH,
            guarded(
                MINER_IMPORT_PATH,
                post(import_handler).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
            ),
        )
        .route(
            MINER_EXPORT_PATH,
            guarded(MINER_EXPORT_PATH, get(export_handler)),
        )
}

#[derive(Debug, Deserialize)]
pub struct SiteParam {
    pub site_id: i64,
}

/// `POST /api/v1/miners/import?site_id=N` (the route's guard has checked the role).
pub async fn import_handler(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Query(param): Query<SiteParam>,
    body: Bytes,
) -> Response {
    let caller = caller.map(|Extension(c)| c).unwrap_or_default();
    let site = match app::api::fleet::managed_site(&*state.store, &caller, param.site_id).await {
        Ok(site) => site,
        Err(error) => return error_response(error),
    };
    let (sender, receiver) = mpsc::unbounded_channel();
    // The import runs to its end even when the page goes away: it is one transaction, and
    // what it stored shows in the table either way.
    // A site owner may only name customers already hosted on the site: customers are shared
    // across hosts, and the refusals must not tell one host another's clients.
    let customers =
        match app::api::fleet_setup::nameable_customers(&*state.store, &caller, site.site_id).await
        {
            Ok(customers) => customers,
            Err(error) => return error_response(error),
        };
    tokio::spawn(run_import(
        state.store.clone(),
        state.live.clone(),
        Destination {
            site_id: site.site_id,
            customers,
            addresses: state.miner_addresses.policy().clone(),
        },
        body,
        sender,
    ));
    let events = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = receiver.recv().await?;
        let data = serde_json::to_string(&event).unwrap_or_default();
        Some((Ok::<_, Infallible>(Event::default().data(data)), receiver))
    });
    Sse::new(events).into_response()
}

async fn run_import(
    store: std::sync::Arc<dyn Store>,
    live: crate::live::LiveHub,
    destination: Destination,
    body: Bytes,
    events: mpsc::UnboundedSender<ImportEvent>,
) {
    let site_id = destination.site_id;
    let event = match import(&*store, destination, body, &events).await {
        Ok(report) => {
            if report.imported > 0 {
                // Other pages on the site show the new drafts without a reload.
                live.publish(
                    site_id,
                    crate::live::Change::Inventory,
                    domain::clock::unix_now_ms(),
                );
            }
            ImportEvent::Done { report }
        }
        Err(refused) => refused,
    };
    // A page that went away hears nothing; the outcome is in the table and the log.
    let _ = events.send(event);
}

/// `GET /api/v1/miners/export?site_id=N`: every miner of the site, by serial.
pub async fn export_handler(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Query(param): Query<SiteParam>,
) -> Response {
    let caller = caller.map(|Extension(c)| c).unwrap_or_default();
    let site = match app::api::fleet::managed_site(&*state.store, &caller, param.site_id).await {
        Ok(site) => site,
        Err(error) => return error_response(error),
    };
    let rows = match inventory_rows(&*state.store, site.site_id).await {
        Ok(rows) => rows,
        Err(error) => return error_response(error),
    };
    // A byte-order mark so that Excel reads the Chinese names as UTF-8.
    let body = format!("\u{feff}{}", fleet::import::inventory_csv(&rows));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"hashinsight-site-{}-miners.csv\"",
        site.site_id
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
