//! The WASM entry point: hydrate the server-rendered page and nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: the calculator and batch pages are separate WASM chunks (`cargo leptos --split`),
    // loaded before the page they render is hydrated.
    leptos::mount::hydrate_lazy(app::App);
}
