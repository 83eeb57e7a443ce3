//! Light/dark theme. The choice lives in a cookie so the server renders the right theme on the
//! first byte (no flash); without a choice, the CSS follows the system preference.

use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_use::{SameSite, UseCookieOptions, use_cookie_with_options};

use crate::i18n::{t_string, use_i18n};

const COOKIE: &str = "theme";
const ONE_YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    const fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }
}

/// The user's theme choice, or none to follow the system.
#[derive(Debug, Clone, Copy)]
pub struct ThemeContext {
    choice: Signal<Option<Theme>>,
    set_choice: Callback<Theme>,
}

impl ThemeContext {
    pub fn choice(self) -> Option<Theme> {
        self.choice.get()
    }

    /// The value of `<meta name="color-scheme">`.
    pub fn color_scheme(self) -> &'static str {
        match self.choice.get() {
            Some(theme) => theme.as_str(),
            None => "light dark",
        }
    }

    pub fn set(self, theme: Theme) {
        self.set_choice.run(theme);
    }
}

pub fn use_theme() -> ThemeContext {
    expect_context::<ThemeContext>()
}

#[component]
pub fn ThemeProvider(children: Children) -> impl IntoView {
    let (cookie, set_cookie) = use_cookie_with_options::<String, FromToStringCodec>(
        COOKIE,
        UseCookieOptions::default()
            .max_age(ONE_YEAR_MS)
            .path("/")
            .same_site(SameSite::Lax),
    );
    let choice = Signal::derive(move || cookie.get().as_deref().and_then(Theme::parse));
    let set_choice = Callback::new(move |theme: Theme| set_cookie.set(Some(theme.as_str().into())));
    provide_context(ThemeContext { choice, set_choice });
    let data_theme = move || choice.get().map(Theme::as_str);
    view! {
        <Html {..} data-theme=data_theme />
        {children()}
    }
}

/// Flips between light and dark. When no choice was made yet, the system's preference decides
/// what "the other one" is.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let i18n = use_i18n();
    let theme = use_theme();
    let on_click = move |_| {
        let current = theme.choice().unwrap_or_else(system_theme);
        theme.set(match current {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        });
    };
    let label = move || match theme.choice() {
        Some(Theme::Dark) => t_string!(i18n, theme_to_light),
        _ => t_string!(i18n, theme_to_dark),
    };
    view! {
        <button
            type="button"
            class="icon-button"
            id="theme-toggle"
            aria-label=label
            title=label
            on:click=on_click
        >
            <span aria-hidden="true">"◐"</span>
        </button>
    }
}

fn system_theme() -> Theme {
    #[cfg(feature = "hydrate")]
    {
        let dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches());
        if dark {
            return Theme::Dark;
        }
    }
    Theme::Light
}
