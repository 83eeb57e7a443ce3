//! Command-line interface. Flags given here override every other configuration layer.
// The doc comments below are clap's --help text, read as plain text by operators: no Markdown.
#![allow(clippy::doc_markdown)]

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// HashInsight: open, self-hostable Bitcoin mining management.
///
/// Configuration is layered: built-in defaults, then the TOML file (--config), then
/// environment variables (DATABASE_URL, and APP__SECTION__KEY such as APP__SERVER__ADDR),
/// then the flags below.
#[derive(Debug, Parser)]
#[command(name = "hashinsight", version, about, long_about)]
pub struct Cli {
    /// TOML configuration file (default: ./hashinsight.toml when it exists).
    #[arg(long, global = true, value_name = "FILE", env = "APP_CONFIG")]
    pub config: Option<PathBuf>,

    /// Database: postgres://user@host/db for PostgreSQL, sqlite://path.db for SQLite.
    /// Unset: SQLite in ./data/hashinsight.db.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Log filter in tracing's EnvFilter syntax, e.g. "info,server=debug".
    #[arg(long, global = true, value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format: "pretty" for people, "json" for log collectors.
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default when no command is given).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
}

impl Default for Command {
    fn default() -> Self {
        Self::Serve(ServeArgs::default())
    }
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:3000 (port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    pub addr: Option<SocketAddr>,
}

impl Cli {
    pub fn serve_args(&self) -> Option<&ServeArgs> {
        match &self.command {
            Some(Command::Serve(args)) => Some(args),
            _ => None,
        }
    }
}
