//! Timing of in-browser computations, exposed to the end-to-end suite as `data-compute-ms`.

/// Milliseconds since page load in the browser; 0 on the server, where nothing is timed.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        if let Some(performance) = leptos::prelude::window().performance() {
            return performance.now();
        }
    }
    0.0
}
