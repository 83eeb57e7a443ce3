//! `GET /api/v1/live`: the live-update stream (`crate::live`) for the caller's sites.

use std::convert::Infallible;
use std::time::Duration;

use app::ssr::auth::Caller;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use domain::telemetry::{LIVE_EVENT, LIVE_PATH};
use futures_util::Stream;

use crate::http::auth::{error_response, guarded};
use crate::live::{Feed, Visible};
use crate::state::AppState;

/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn router() -> Router<AppState> {
    Router::new().route(LIVE_PATH, guarded(LIVE_PATH, get(live_handler)))
}

fn events(feed: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(feed, |mut feed| async move {
        let update = feed.next().await?;
        let event = Event::default()
            .event(LIVE_EVENT)
            .json_data(&update)
            .expect("a LiveUpdate always serializes");
        Some((Ok(event), feed))
    })
}

/// `GET /api/v1/live`: the stream for the caller, over the sites they may see (the route's
/// guard has checked their role already).
pub async fn live_handler(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
) -> Response {
    let caller = caller.map(|Extension(c)| c).unwrap_or_default();
    let visible = match app::api::fleet::visible_site_ids(&*state.store, &caller).await {
        Ok(None) => Visible::Every,
        Ok(Some(sites)) => Visible::Only(sites.into_iter().collect()),
        Err(error) => return error_response(error),
    };
    let stream = events(state.live.subscribe(visible));
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}
