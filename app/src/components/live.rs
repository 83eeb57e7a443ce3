//! Live figures: a counter that grows whenever the server says the caller's sites changed, so
//! the resources that read it fetch again without a reload. The server pushes the news over
//! its event stream ([`LIVE_PATH`]); an event is only a nudge, the page then reads its figures
//! through its usual server functions. Where the stream cannot be had (a proxy that refuses
//! it, a browser without `EventSource`), the counter grows on a timer instead. It never grows
//! on the server.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::telemetry::{LIVE_EVENT, LIVE_PATH};

/// How often the page reads again without the stream: the collector's default cycle.
pub const FALLBACK_REFRESH_MS: u64 = 60_000;

/// The counter; every page showing fleet figures reads one.
pub fn live_tick() -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0_u32);
    #[cfg(feature = "hydrate")]
    browser::listen(set_tick);
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_tick, FALLBACK_REFRESH_MS);
    tick
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use web_sys::EventSource;

    use super::{FALLBACK_REFRESH_MS, LIVE_EVENT, LIVE_PATH};

    type Listener = Closure<dyn FnMut(web_sys::Event)>;

    pub(super) fn listen(set_tick: WriteSignal<u32>) {
        let bump = move || set_tick.update(|t| *t = t.wrapping_add(1));
        let Ok(source) = EventSource::new(LIVE_PATH) else {
            fall_back(bump);
            return;
        };
        let on_update: Listener = Closure::new(move |_| bump());
        // The browser reconnects by itself after a dropped connection; only a stream it has
        // given up on (closed: refused, or not an event stream) falls back to the timer.
        let fell_back = StoredValue::new(false);
        let watched = source.clone();
        // The timer is started from an event handler: under the page's owner, so it stops
        // with the page.
        let owner = Owner::current();
        let on_error: Listener = Closure::new(move |_| {
            if watched.ready_state() == EventSource::CLOSED && !fell_back.get_value() {
                fell_back.set_value(true);
                match &owner {
                    Some(owner) => owner.with(|| fall_back(bump)),
                    None => fall_back(bump),
                }
            }
        });
        let _ =
            source.add_event_listener_with_callback(LIVE_EVENT, on_update.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        // The closures must live as long as the stream; both go when the page does.
        let held = StoredValue::new_local(Some((source, on_update, on_error)));
        on_cleanup(move || {
            if let Some(Some((source, _, _))) = held.try_update_value(Option::take) {
                source.close();
            }
        });
    }

    fn fall_back(bump: impl Fn() + 'static) {
        if let Ok(handle) =
            set_interval_with_handle(bump, std::time::Duration::from_millis(FALLBACK_REFRESH_MS))
        {
            on_cleanup(move || handle.clear());
        }
    }
}
