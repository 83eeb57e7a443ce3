//! Settings: defaults that work out of the box → optional TOML file → environment
//! (`DATABASE_URL`, `APP__SECTION__KEY`) → command-line flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::cli::Cli;
pub use crate::secret_url::DatabaseUrl;

const DEFAULT_CONFIG_FILE: &str = "hashinsight.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub market: MarketSettings,
    pub auth: app::ssr::identity::AuthSettings,
    pub mail: crate::mail::MailSettings,
    pub alerts: crate::alerts::AlertSettings,
    pub poll: crate::jobs::poll_settings::PollSettings,
    pub demo: crate::demo::DemoSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Where to listen; unset means Leptos's site address (127.0.0.1:3000, or
    /// `LEPTOS_SITE_ADDR` as set by cargo-leptos).
    pub addr: Option<SocketAddr>,
    /// How long in-flight requests may finish after SIGINT/SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Requests running longer than this are answered 408.
    pub request_timeout_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            addr: None,
            shutdown_grace_secs: 10,
            request_timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite://…`; unset means SQLite under `data_dir`.
    pub url: Option<DatabaseUrl>,
    /// Folder of the default SQLite file.
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// How long to wait for a connection before giving up, at start and per request.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            data_dir: PathBuf::from("data"),
            max_connections: 10,
            connect_timeout_secs: 10,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketSettings {
    /// Refresh from the providers in the background; off, the app serves the shipped snapshot.
    pub enabled: bool,
    /// Shared cache for several replicas (`REDIS_URL`); unset means in-process.
    pub redis_url: Option<DatabaseUrl>,
    /// Providers' base URLs, timeouts, retries and refresh intervals.
    pub feed: market::MarketConfig,
}

impl Default for MarketSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            redis_url: None,
            feed: market::MarketConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// tracing `EnvFilter` directives; `RUST_LOG` wins when set.
    pub filter: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            filter: "info,sqlx=warn,tower_http=info".to_owned(),
            format: LogFormat::Pretty,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A configuration problem, worded for the operator: which key, which source, what is wrong.
#[derive(Debug)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// Loads every layer, the CLI last.
    pub fn load(cli: &Cli) -> Result<Self, ConfigError> {
        let file = cli.config.clone().or_else(|| {
            let default = Path::new(DEFAULT_CONFIG_FILE);
            default.exists().then(|| default.to_path_buf())
        });
        if let Some(path) = &file
            && !path.exists()
        {
            return Err(ConfigError(format!(
                "configuration file {} does not exist",
                path.display()
            )));
        }
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = &file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
            .merge(
                Env::raw()
                    .only(&["REDIS_URL"])
                    .map(|_| "market.redis_url".into()),
            )
            .merge(Env::prefixed("APP__").split("__"));
        if let Some(url) = &cli.database_url {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        if let Some(filter) = &cli.log {
            figment = figment.merge(Serialized::default("log.filter", filter));
        }
        if let Some(format) = &cli.log_format {
            figment = figment.merge(Serialized::default("log.format", format));
        }
        if let Some(addr) = cli.serve_args().and_then(|args| args.addr) {
            figment = figment.merge(Serialized::default("server.addr", addr));
        }
        figment.extract().map_err(describe)
    }
}

/// Figment can report several errors; the first is the one to fix, on one line.
fn describe(err: figment::Error) -> ConfigError {
    let Some(first) = err.into_iter().next() else {
        return ConfigError("invalid configuration".to_owned());
    };
    let key = if first.path.is_empty() {
        "(root)".to_owned()
    } else {
        first.path.join(".")
    };
    let from = match (&first.metadata, &first.profile) {
        (Some(meta), _) if meta.source.is_some() => {
            format!(
                " (from {} {})",
                meta.name,
                meta.source
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        }
        (Some(meta), _) if meta.name.contains("APP__") => {
            format!(
                " (from environment variable APP__{})",
                first.path.join("__").to_uppercase()
            )
        }
        (Some(meta), Some(profile)) => {
            format!(
                " (from {}: {})",
                meta.name,
                meta.interpolate(profile, &first.path)
            )
        }
        (Some(meta), None) => format!(" (from {})", meta.name),
        (None, _) => String::new(),
    };
    ConfigError(
        format!("invalid configuration key `{key}`{from}: {}", first.kind).replace('\n', " "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_the_password_only() {
        let url = DatabaseUrl::new("postgres://app:s3cret@db.example:5432/hashinsight");
        assert_eq!(
            url.redacted(),
            "postgres://app:***@db.example:5432/hashinsight"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            DatabaseUrl::new("sqlite://data/x.db").redacted(),
            "sqlite://data/x.db"
        );
    }
}
