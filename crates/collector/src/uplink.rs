//! The rules for the collector's connection to the HashInsight server: which server URLs it
//! accepts and an HTTP client that never follows a redirect. Every uplink request carries the
//! site's collector key, so plain `http://` beyond this machine would show the key to anyone on
//! the way, and a followed redirect would hand it to whatever host the answer names.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use url::{Host, Url};

pub use crate::error::{Redirected, ServerUrlError};

/// The `User-Agent` of every uplink request.
pub const USER_AGENT: &str = concat!("hashinsight-collector/", env!("CARGO_PKG_VERSION"));
/// The longest `Location` quoted in a [`Redirected`] error.
const LOCATION_CHARS: usize = 300;

/// A checked server base URL: `https://` to any host, or `http://` to a loopback one
/// (127.0.0.0/8, `[::1]`, `localhost`: labs, tests, the local simulator); no `user:pass@`, no
/// query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    url: Url,
}

impl ServerUrl {
    pub fn parse(input: &str) -> Result<Self, ServerUrlError> {
        let url = Url::parse(input.trim()).map_err(|e| ServerUrlError::Invalid(e.to_string()))?;
        let scheme = url.scheme();
        if scheme != "https" && scheme != "http" {
            return Err(ServerUrlError::Scheme {
                scheme: scheme.to_owned(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ServerUrlError::Userinfo);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ServerUrlError::QueryOrFragment);
        }
        let Some(host) = url.host() else {
            return Err(ServerUrlError::Invalid("no host".to_owned()));
        };
        if scheme == "http" && !is_loopback(&host) {
            return Err(ServerUrlError::PlainHttp {
                host: host.to_string(),
            });
        }
        Ok(Self { url })
    }

    /// The URL of an API path (`/api/v1/…`) on this server, under the base URL's own path.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url.as_str().trim_end_matches('/'))
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

impl FromStr for ServerUrl {
    type Err = ServerUrlError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

/// This machine: any 127.0.0.0/8 address, `::1`, or the name `localhost`. The URL parser has
/// already normalised the host (lower case, IPv4 in dotted decimal), so `LOCALHOST` and
/// `0x7f.1` count, while `localhost.example.com` or `::ffff:127.0.0.1` do not.
fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => *name == "localhost",
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The uplink's HTTP client: a redirect comes back as the 3xx answer itself (see
/// [`refuse_redirect`]), never as a request to the host it names.
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(USER_AGENT)
        .build()
}

/// A 3xx answer as the error that says where it pointed; any other answer passes.
pub fn refuse_redirect(response: &reqwest::Response) -> Result<(), Redirected> {
    let status = response.status();
    if !status.is_redirection() {
        return Ok(());
    }
    let location = match response.headers().get(reqwest::header::LOCATION) {
        None => "nowhere (no Location header)".to_owned(),
        Some(value) => match value.to_str() {
            Ok(value) => response
                .url()
                .join(value)
                .map_or_else(|_| value.to_owned(), String::from),
            Err(_) => "an unreadable Location header".to_owned(),
        },
    };
    Err(Redirected {
        status: status.as_u16(),
        location: location.chars().take(LOCATION_CHARS).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(url: &str) -> ServerUrl {
        ServerUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn refused(url: &str) -> ServerUrlError {
        ServerUrl::parse(url).expect_err(url)
    }

    #[test]
    fn https_is_accepted_for_any_host() {
        for url in [
            "https://hashinsight.example.com",
            "https://hashinsight.example.com:8443/",
            "https://10.0.0.1/hashinsight/",
            "https://[2001:db8::1]:443",
            "HTTPS://HashInsight.Example.com",
            " https://hashinsight.example.com/\n",
        ] {
            accepted(url);
        }
    }

    #[test]
    fn plain_http_is_accepted_for_loopback_hosts() {
        for url in [
            "http://127.0.0.1:3000",
            "http://127.0.0.5",
            "http://127.255.255.254:8080/",
            "http://[::1]:3000",
            "http://[::1]",
            "http://localhost:3000",
            "http://LOCALHOST",
            // The parser's reading of these is 127.0.0.1 too, and so is the request's.
            "http://0x7f.1:3000",
            "http://127.0.0.1\\@example.com",
        ] {
            accepted(url);
        }
    }

    #[test]
    fn plain_http_beyond_loopback_is_refused() {
        for (url, host) in [
            ("http://10.0.0.1", "10.0.0.1"),
            ("http://10.0.0.1:3000/", "10.0.0.1"),
            ("http://example.com", "example.com"),
            ("http://192.168.1.20:3000", "192.168.1.20"),
            ("http://0.0.0.0:3000", "0.0.0.0"),
            ("http://[2001:db8::1]", "[2001:db8::1]"),
            ("http://[::ffff:127.0.0.1]", "[::ffff:7f00:1]"),
            ("http://localhost.example.com", "localhost.example.com"),
            ("http://127.0.0.1.nip.io", "127.0.0.1.nip.io"),
            ("http://localhost.", "localhost."),
        ] {
            assert_eq!(
                refused(url),
                ServerUrlError::PlainHttp {
                    host: host.to_owned()
                },
                "{url}"
            );
        }
        // What looks like a loopback address after `#`, `?` or `@` is not the host.
        assert_eq!(
            refused("http://example.com/#@127.0.0.1"),
            ServerUrlError::QueryOrFragment
        );
        assert_eq!(
            refused("http://example.com/?@127.0.0.1"),
            ServerUrlError::QueryOrFragment
        );
        assert_eq!(
            refused("http://example.com/@127.0.0.1"),
            ServerUrlError::PlainHttp {
                host: "example.com".to_owned()
            }
        );
    }

    #[test]
    fn user_names_and_passwords_are_refused() {
        for url in [
            "https://user:pass@hashinsight.example.com",
            "https://user@hashinsight.example.com",
            "https://:pass@hashinsight.example.com",
            "http://user:pass@127.0.0.1:3000",
            "http://127.0.0.1@example.com",
        ] {
            assert_eq!(refused(url), ServerUrlError::Userinfo, "{url}");
        }
        let message = refused("https://user:hunter2@example.com").to_string();
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn other_schemes_are_refused() {
        for (url, scheme) in [
            ("ftp://hashinsight.example.com", "ftp"),
            ("ftp://127.0.0.1", "ftp"),
            ("file:///etc/passwd", "file"),
            ("ws://127.0.0.1:3000", "ws"),
            ("wss://hashinsight.example.com", "wss"),
        ] {
            assert_eq!(
                refused(url),
                ServerUrlError::Scheme {
                    scheme: scheme.to_owned()
                },
                "{url}"
            );
        }
    }

    #[test]
    fn what_is_not_a_url_is_refused() {
        for url in ["", "hashinsight.example.com", "https://", "http://[::1"] {
            assert!(matches!(refused(url), ServerUrlError::Invalid(_)), "{url}");
        }
        assert_eq!(
            refused("https://hashinsight.example.com/?site=1"),
            ServerUrlError::QueryOrFragment
        );
    }

    #[test]
    fn the_messages_say_what_is_allowed() {
        let message = refused("http://10.0.0.1:3000").to_string();
        assert!(message.contains("10.0.0.1"), "{message}");
        assert!(message.contains("https://"), "{message}");
        assert!(message.contains("127.0.0.0/8"), "{message}");
        let message = refused("ftp://example.com").to_string();
        assert!(message.contains("ftp://"), "{message}");
    }

    #[test]
    fn endpoints_go_under_the_base_path() {
        let path = "/api/v1/collector/targets";
        for (base, endpoint) in [
            (
                "https://hashinsight.example.com",
                "https://hashinsight.example.com",
            ),
            (
                "https://hashinsight.example.com/",
                "https://hashinsight.example.com",
            ),
            (
                "https://example.com/hashinsight/",
                "https://example.com/hashinsight",
            ),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("http://0x7f.1:3000", "http://127.0.0.1:3000"),
        ] {
            assert_eq!(
                accepted(base).endpoint(path),
                format!("{endpoint}{path}"),
                "{base}"
            );
        }
        let parsed: ServerUrl = "http://localhost:3000".parse().unwrap();
        assert_eq!(parsed.to_string(), "http://localhost:3000/");
    }
}
