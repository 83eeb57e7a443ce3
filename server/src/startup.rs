//! Building the HTTP application: router, middleware, listener, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use anyhow::Context;
use app::ssr::MarketFeed;
use app::ssr::identity::AuthServices;
use app::{App, shell};
use axum::http::{HeaderName, Request, StatusCode};

use axum::{Router, middleware};
use leptos::config::{LeptosOptions, get_configuration};
use leptos::prelude::provide_context;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Settings;
use crate::db;
use crate::market::{Feed, Market};
use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    shutdown_grace: Duration,
    market: Market,
    upkeep: tokio::task::JoinHandle<()>,
    /// The sites polled from the server (`[poll]`), one task each under this one.
    poller: tokio::task::JoinHandle<()>,
    /// The simulated farm `[demo] miners` asks for, polled like any other site.
    demo: Option<crate::demo::DemoFarm>,
    alerts: Arc<crate::alerts::Alerting>,
    live: crate::live::LiveHub,
}

/// Links in mails and the domain wallets sign for come from `[auth] public_url`. Without it
/// only a loopback `Host` is believed, which is right only for a server nobody else reaches:
/// listening anywhere else needs the URL, and the start says so rather than serving links
/// that point wherever a request's `Host` header says.
fn check_public_url(
    auth: &app::ssr::identity::AuthSettings,
    addr: SocketAddr,
) -> anyhow::Result<()> {
    auth.validate().map_err(anyhow::Error::msg)?;
    if auth.public_url.is_none() && !addr.ip().is_loopback() {
        anyhow::bail!(
            "listening on {addr} needs [auth] public_url (APP__AUTH__PUBLIC_URL), e.g. \
             https://mining.example.com: mailed links and wallet sign-in are made for that \
             address, never from a request's Host header"
        );
    }
    Ok(())
}

impl Application {
    /// Opens the database (migrating it), builds the router and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let leptos_options = leptos_options()?;
        let addr = settings.server.addr.unwrap_or(leptos_options.site_addr);
        check_public_url(&settings.auth, addr)?;
        let store = db::open(&settings.database).await?;
        let mut market = Market::start(&settings.market).await?;
        market.record_history(store.clone());
        let mailer = crate::mail::SmtpMailer::from_settings(&settings.mail)?.map(Arc::new);
        let auth = Arc::new(
            AuthServices::new(
                settings.auth.clone(),
                mailer
                    .clone()
                    .map(|m| m as Arc<dyn app::ssr::identity::Mailer>),
            )
            .map_err(|err| anyhow::anyhow!("[auth] password settings: {err}"))?,
        );
        settings
            .alerts
            .rules
            .validate()
            .map_err(|err| anyhow::anyhow!("[alerts.rules] {err}"))?;
        let live = crate::live::LiveHub::default();
        let alerts = Arc::new(crate::alerts::Alerting::new(
            store.clone(),
            &settings.alerts,
            mailer,
            settings.auth.public_url.clone(),
            live.clone(),
        ));
        let state = AppState {
            leptos_options,
            store,
            market: market.service.clone(),
            auth,
            alerts,
            live: live.clone(),
            // Which addresses may be miners': refused when stored and again when polled.
            miner_addresses: Arc::new(crate::addresses::MinerAddresses::new(
                crate::addresses::policy(&settings.poll, &settings.demo, addr.ip()),
            )),
        };
        let upkeep = crate::jobs::upkeep::spawn(
            state.store.clone(),
            state.alerts.clone(),
            Duration::from_secs(settings.auth.session_idle_secs),
        );
        let alerts = state.alerts.clone();
        settings.poll.validate()?;
        settings.demo.validate()?;
        let demo = crate::demo::start(&settings.demo, &*state.store).await?;
        let mut poll = settings.poll.clone();
        if let Some(farm) = &demo
            && !poll.sites.contains(&farm.site_id)
        {
            poll.sites.push(farm.site_id);
        }
        let poller = crate::jobs::poller::spawn(
            &poll,
            state.store.clone(),
            alerts.clone(),
            &live,
            state.miner_addresses.clone(),
        );
        let (state_store, state_auth) = (state.store.clone(), state.auth.clone());
        let router = build_router(
            state,
            Duration::from_secs(settings.server.request_timeout_secs),
        );
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let origin = crate::accounts::origin(&state_auth, listener.local_addr()?);
        crate::accounts::announce_setup(&*state_store, &state_auth, &origin).await?;
        Ok(Self {
            listener,
            router,
            shutdown_grace: Duration::from_secs(settings.server.shutdown_grace_secs),
            market,
            upkeep,
            poller,
            demo,
            alerts,
            live,
        })
    }

    /// The server's alert engine, for the sweep in tests.
    pub fn alerts(&self) -> Arc<crate::alerts::Alerting> {
        self.alerts.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until SIGINT or SIGTERM.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(crate::shutdown::shutdown_signal()).await
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish within the grace
    /// period.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let addr = self.local_addr();
        tracing::info!(%addr, "HashInsight listening on http://{addr}");
        let grace = self.shutdown_grace;
        let mut market = self.market;
        let upkeep = self.upkeep;
        let poller = self.poller;
        let demo = self.demo;
        let live = self.live;
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let server = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            // Open live streams would otherwise hold the shutdown for the whole grace period.
            live.close();
            let _ = stopping_tx.send(());
        });
        tokio::select! {
            result = server => result.context("serving HTTP")?,
            () = async {
                let _ = stopping_rx.await;
                tokio::time::sleep(grace).await;
            } => tracing::warn!(?grace, "grace period over; closing remaining connections"),
        }
        market.stop();
        upkeep.abort();
        poller.abort();
        if let Some(farm) = demo {
            farm.shutdown().await;
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Leptos's options from the `LEPTOS_*` environment that cargo-leptos sets (and bakes in at
/// build time); a plain `cargo build` gets the same defaults.
fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let baked = option_env!("LEPTOS_OUTPUT_NAME").is_some();
    if baked || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        return Ok(get_configuration(None)
            .context("reading LEPTOS_* settings")?
            .leptos_options);
    }
    Ok(LeptosOptions::builder()
        .output_name("hashinsight")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 3000)))
        .build())
}

/// The page routes, found by rendering the app once per process.
///
/// Leptos suppresses every `Resource` whose first poll happens while any thread is generating
/// a route list (a process-wide flag), and such a resource never resolves: the page's stream
/// stalls until the request times out. A process that builds more than one router while another
/// serves pages (the test suite runs dozens) would hang renders at random, so the list is made
/// once, before any router exists, and shared.
static PAGE_ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// The whole HTTP surface, exactly as production runs it; tests call this too.
pub fn build_router(state: AppState, request_timeout: Duration) -> Router {
    let routes = PAGE_ROUTES.clone();
    let context = context_provider(&state);
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::new()
        .merge(crate::http::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(middleware::from_fn(crate::http::auth::server_fn_status))
        .layer(middleware::from_fn(crate::http::auth::same_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::auth::resolve_caller,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::auth::security_headers,
        ))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// What every page render and server function finds in its Leptos context.
fn context_provider(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let store = state.store.clone();
    let market: Arc<dyn MarketFeed> = Arc::new(Feed(state.market.clone()));
    let auth = state.auth.clone();
    let news: Arc<dyn app::ssr::LiveNews> = Arc::new(state.live.clone());
    let miner_addresses = state.miner_addresses.policy().clone();
    let temperature_limits = state.alerts.temperature_limits();
    move || {
        provide_context(store.clone());
        provide_context(market.clone());
        provide_context(auth.clone());
        provide_context(news.clone());
        provide_context(miner_addresses.clone());
        provide_context(temperature_limits);
    }
}
