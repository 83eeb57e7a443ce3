//! Choices a visitor makes without an account (language, theme), kept in first-party cookies so
//! the server renders them on the first byte: read from the request on the server, from
//! `document.cookie` in the browser.

/// Cookie holding the chosen language ("en" or "zh").
pub const LANGUAGE_COOKIE: &str = "lang";
/// Cookie holding the chosen theme ("light" or "dark").
pub const THEME_COOKIE: &str = "theme";

const ONE_YEAR_SECS: u32 = 365 * 24 * 3600;

/// Where `leptos_i18n` finds the visitor's languages while rendering on the server: a stored
/// choice first, then the browser's `Accept-Language`. In the browser it reads `<html lang>`,
/// which the server set from the same answer.
pub fn preferred_languages() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| {
        #[cfg(feature = "ssr")]
        {
            let parts = leptos::prelude::use_context::<http::request::Parts>()?;
            let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
            if let Some(choice) = header(http::header::COOKIE)
                .and_then(|cookies| find_cookie(cookies, LANGUAGE_COOKIE))
            {
                return Some(choice.to_owned());
            }
            header(http::header::ACCEPT_LANGUAGE).map(str::to_owned)
        }
        #[cfg(not(feature = "ssr"))]
        None
    })
}

/// The value of cookie `name` in a `Cookie` header or `document.cookie` string.
pub fn find_cookie<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .map(str::trim)
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The cookie `name` of the request being rendered (server) or of the page (browser).
pub fn read_cookie(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
        find_cookie(header, name).map(str::to_owned)
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use leptos::wasm_bindgen::JsCast;
        let document: web_sys::HtmlDocument = leptos::prelude::document().unchecked_into();
        let cookies = document.cookie().ok()?;
        find_cookie(&cookies, name).map(str::to_owned)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let _ = name;
        None
    }
}

/// Remembers a choice for a year, for every path of the site (browser only).
pub fn write_cookie(name: &str, value: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use leptos::wasm_bindgen::JsCast;
        let document: web_sys::HtmlDocument = leptos::prelude::document().unchecked_into();
        let cookie = format!("{name}={value}; path=/; max-age={ONE_YEAR_SECS}; samesite=lax");
        if document.set_cookie(&cookie).is_err() {
            leptos::logging::warn!("could not store the {name} preference");
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = (name, value, ONE_YEAR_SECS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_others() {
        let header = "session=abc; lang=zh; theme=dark";
        assert_eq!(find_cookie(header, "lang"), Some("zh"));
        assert_eq!(find_cookie(header, "theme"), Some("dark"));
        assert_eq!(find_cookie(header, "session"), Some("abc"));
    }

    #[test]
    fn a_prefix_of_another_name_does_not_match() {
        assert_eq!(find_cookie("language=en; themes=x", "lang"), None);
        assert_eq!(find_cookie("language=en; themes=x", "theme"), None);
        assert_eq!(find_cookie("", "lang"), None);
    }
}
