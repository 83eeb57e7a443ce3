//! How `serve`, `collect` and `minersim` learn that the operator wants them to stop.

/// Completes at the first SIGINT or SIGTERM. The handlers are registered by this call, not
/// when the future is first polled: a signal that arrives between a readiness line and the
/// first poll must stop the process gracefully, not kill it with the default action.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = received(interrupt, "SIGINT") => tracing::info!("SIGINT received"),
                () = received(terminate, "SIGTERM") => tracing::info!("SIGTERM received"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("Ctrl-C received");
    }
}

/// Waits for a registered signal; never completes when registering failed (logged once).
#[cfg(unix)]
async fn received(signal: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(err) => {
            tracing::error!(%err, "cannot listen for {name}");
            std::future::pending::<()>().await;
        }
    }
}
