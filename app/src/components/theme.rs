//! Light/dark theme. The choice lives in a cookie so the server renders the right theme on the
//! first byte (no flash); without a choice, the CSS follows the system preference.

use leptos::prelude::*;
use leptos_meta::Html;

use crate::i18n::{t_string, use_i18n};
use crate::preferences::{THEME_COOKIE, read_cookie, write_cookie};

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
    choice: RwSignal<Option<Theme>>,
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
        self.choice.set(Some(theme));
        write_cookie(THEME_COOKIE, theme.as_str());
    }
}

pub fn use_theme() -> ThemeContext {
    expect_context::<ThemeContext>()
}

#[component]
pub fn ThemeProvider(children: Children) -> impl IntoView {
    let choice = RwSignal::new(read_cookie(THEME_COOKIE).as_deref().and_then(Theme::parse));
    provide_context(ThemeContext { choice });
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
