//! A chart drawn by ECharts from a charming option. The server renders the component's
//! children (an SVG of the same figures) so the page reads without JavaScript; in the browser,
//! once ECharts has loaded, the chart takes their place and follows every input change.

use charming::Chart;
use leptos::prelude::*;

/// Where the page loads ECharts from (copied from npm's `echarts` package by the build).
pub const ECHARTS_SCRIPT: &str = "/vendor/echarts.min.js";

#[component]
pub fn EChart(
    /// Id of the element ECharts draws into; unique on the page.
    id: &'static str,
    #[prop(into)] chart: Signal<Chart>,
    /// What to show until ECharts draws, and without JavaScript.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::drive(id, chart);
    #[cfg(not(feature = "hydrate"))]
    let _ = chart;
    view! {
        <div class="echart">
            <div class="echart-canvas" id=id></div>
            <div class="echart-fallback">{children.map(|c| c())}</div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use charming::Chart;
    use charming::renderer::{Echarts, WasmRenderer};
    use charming::theme::Theme as EchartsTheme;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use web_sys::js_sys::{Function, Reflect};

    use crate::components::theme::{Theme, use_theme};

    /// The page's `echarts` global, once its deferred script has run.
    fn echarts_global() -> Option<JsValue> {
        Reflect::get(&window(), &JsValue::from_str("echarts"))
            .ok()
            .filter(JsValue::is_object)
    }

    fn dark(choice: Option<Theme>) -> bool {
        choice.map_or_else(
            || {
                window()
                    .match_media("(prefers-color-scheme: dark)")
                    .ok()
                    .flatten()
                    .is_some_and(|query| query.matches())
            },
            |theme| theme == Theme::Dark,
        )
    }

    /// Frees the chart drawn in `element`, so it can be drawn again in another theme.
    fn dispose(element: &web_sys::Element) {
        let Some(dispose) = echarts_global()
            .and_then(|echarts| Reflect::get(&echarts, &JsValue::from_str("dispose")).ok())
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return;
        };
        let _ = dispose.call1(&JsValue::NULL, element);
    }

    /// Sets the whole option, not merged into the last one: a payback marker or a series that
    /// is gone from the new option must go from the chart too.
    fn replace_option(drawn: &Echarts, option: &Chart) {
        let Ok(value) = web_sys::js_sys::JSON::parse(&option.to_string()) else {
            return;
        };
        let target: &JsValue = drawn.as_ref();
        if let Some(set_option) = Reflect::get(target, &JsValue::from_str("setOption"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = set_option.call2(target, &value, &JsValue::TRUE);
        }
    }

    pub(super) fn drive(id: &'static str, chart: Signal<Chart>) {
        let theme = use_theme();
        // ECharts is a deferred script and may run after hydration: try again on `load`.
        let loaded = RwSignal::new(echarts_global().is_some());
        if !loaded.get_untracked() {
            let handle = window_event_listener(leptos::ev::load, move |_| {
                loaded.set(echarts_global().is_some());
            });
            on_cleanup(move || handle.remove());
        }
        let instance = StoredValue::new_local(None::<(Echarts, bool)>);
        let resize = window_event_listener(leptos::ev::resize, move |_| {
            instance.with_value(|i| {
                if let Some((chart, _)) = i {
                    chart.resize(JsValue::UNDEFINED);
                }
            });
        });
        on_cleanup(move || resize.remove());

        Effect::new(move |_| {
            let option = chart.get();
            let dark = dark(theme.choice());
            if !loaded.get() {
                return;
            }
            let Some(element) = document().get_element_by_id(id) else {
                return;
            };
            let current = instance.with_value(|i| i.as_ref().map(|(_, dark)| *dark));
            if current == Some(dark) {
                instance.with_value(|i| {
                    if let Some((drawn, _)) = i {
                        replace_option(drawn, &option);
                    }
                });
                return;
            }
            if current.is_some() {
                dispose(&element);
            }
            // Shown before drawing, so that ECharts measures the real width.
            if let Some(frame) = element.parent_element() {
                let _ = frame.class_list().add_1("drawn");
            }
            let renderer = WasmRenderer::new_opt(None, None).theme(if dark {
                EchartsTheme::Dark
            } else {
                EchartsTheme::Default
            });
            match renderer.render(id, &option) {
                Ok(drawn) => instance.set_value(Some((drawn, dark))),
                Err(err) => leptos::logging::warn!("chart {id}: {err}"),
            }
        });
    }
}
