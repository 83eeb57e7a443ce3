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
    /// Mining profitability of a machine or fleet: daily figures, break-evens and a monthly
    /// projection, computed by the same engine as the web calculator and the REST API.
    Calc(Box<CalcArgs>),
    /// Market and network data.
    #[command(subcommand)]
    Market(MarketCommand),
    /// Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Simulated stock Antminers on loopback addresses (one per miner, on the real ports 80 and
    /// 4028), for demos and tests of the collector; runs until Ctrl-C.
    Minersim(MinersimArgs),
    /// Standalone collector for a farm's network: polls the site's miners every interval and
    /// uploads to the server's ingest API, buffering on disk while the server is unreachable.
    Collect(CollectArgs),
    /// Hosting sites: create one, give its collector a key, import its miners.
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Create a site with a flat electricity price.
    Create(SiteCreateArgs),
    /// List the sites: id, name, location, capacity.
    List,
    /// Create a key for the site's standalone collector and print it (shown this once).
    Key(SiteKeyArgs),
    /// Import miners from a CSV or XLSX inventory; prints each refused row and why.
    Import(SiteImportArgs),
}

#[derive(Debug, Args)]
pub struct SiteCreateArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value = "")]
    pub location: String,
    #[arg(long, default_value_t = 0.0)]
    pub capacity_mw: f64,
    /// Flat electricity price, USD per kWh.
    #[arg(long, default_value_t = 0.05)]
    pub usd_kwh: f64,
    /// The account that owns the site (a site owner).
    #[arg(long)]
    pub owner_email: Option<String>,
}

#[derive(Debug, Args)]
pub struct SiteKeyArgs {
    #[arg(long)]
    pub site: i64,
    /// What the key is for, e.g. the collector machine's name.
    #[arg(long, default_value = "collector")]
    pub label: String,
}

#[derive(Debug, Args)]
pub struct SiteImportArgs {
    #[arg(long)]
    pub site: i64,
    /// The inventory: CSV (comma, semicolon or tab) or XLSX, with a header row.
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// Approve the imported miners at once, on behalf of this account (owner or admin).
    #[arg(long, value_name = "EMAIL")]
    pub approve_as: Option<String>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Base URL of the HashInsight server, e.g. https://hashinsight.example.com: https, or
    /// http only to a loopback address (the key travels with every batch); no user, query or
    /// redirect.
    #[arg(
        long,
        env = "HASHINSIGHT_SERVER",
        default_value = "http://127.0.0.1:3000"
    )]
    pub server: String,
    /// The site's collector key (hsc_…), as created on the site's page.
    #[arg(long, env = "HASHINSIGHT_COLLECTOR_KEY", hide_env_values = true)]
    pub key: String,
    /// The site this collector serves; checked against the key's site.
    #[arg(long)]
    pub site: Option<i64>,
    /// Where cycles wait for upload (created if missing).
    #[arg(long, value_name = "DIR", default_value = "./data/spool")]
    pub spool_dir: PathBuf,
    /// Seconds between the starts of two poll cycles.
    #[arg(long, default_value_t = 60)]
    pub interval_s: u64,
    /// Longest one miner may take per cycle, in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout_s: u64,
    /// Miners read at once.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    /// Stop after this many cycles (after trying to upload them); runs until Ctrl-C otherwise.
    #[arg(long)]
    pub cycles: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MinersimArgs {
    /// How many miners to serve.
    #[arg(long, default_value_t = 10)]
    pub count: u32,
    /// Address of the first miner; the others follow (127.1.0.1, 127.1.0.2, …). Must be
    /// loopback.
    #[arg(long, default_value = "127.1.0.1")]
    pub base: std::net::Ipv4Addr,
    /// Model name the miners report.
    #[arg(long, default_value = "Antminer S19 Pro")]
    pub model: String,
    /// Seed of every per-miner number (MAC, serial, noise), so runs repeat.
    #[arg(long, default_value_t = 0x5eed)]
    pub seed: u64,
    /// Hashrate lost per hour of uptime, percent.
    #[arg(long, value_name = "PCT", default_value_t = 0.0)]
    pub decay_pct_hour: f64,
    /// Miners (by number from 1, comma-separated) that run about 25 °C hot, to see
    /// temperature alerts.
    #[arg(long, value_name = "N,…", value_delimiter = ',')]
    pub overheat: Vec<u32>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account and print a one-time link to set its password. With --role owner and
    /// no --email on an empty database: print the first-run link to create the owner.
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    /// owner, admin, mining_site_owner, operator, client or guest.
    #[arg(long, value_parser = parse_role)]
    pub role: domain::access::Role,
    /// The person's e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// The name shown in the app [default: the e-mail's local part].
    #[arg(long)]
    pub name: Option<String>,
}

fn parse_role(text: &str) -> Result<domain::access::Role, String> {
    text.parse().map_err(|err| {
        format!("{err}; use owner, admin, mining_site_owner, operator, client or guest")
    })
}

#[derive(Debug, Subcommand)]
pub enum MarketCommand {
    /// Fill the daily network history (difficulty, hashrate, BTC price) from the providers'
    /// history endpoints. Resumable: only days not yet complete are fetched.
    Backfill(BackfillArgs),
}

#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// Number of days to fill, ending with --to-day.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Last day to fill, YYYY-MM-DD (UTC) [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to_day: Option<i64>,
}

fn parse_day(text: &str) -> Result<i64, String> {
    domain::market::day_from_iso(text)
        .ok_or_else(|| format!("{text:?} is not a date as YYYY-MM-DD"))
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

/// `hashinsight calc`: flag names follow `POST /api/v1/calculate`'s JSON fields.
#[derive(Debug, Default, Args)]
pub struct CalcArgs {
    /// Catalogue model, e.g. "Antminer S19 Pro" (fills hashrate and power; flags override).
    #[arg(long, allow_negative_numbers = true)]
    pub model: Option<String>,
    /// Number of miners [default: 1].
    #[arg(long, allow_negative_numbers = true)]
    pub count: Option<u64>,
    /// Hashrate of one miner, TH/s.
    #[arg(long, value_name = "THS", allow_negative_numbers = true)]
    pub hashrate_ths: Option<f64>,
    /// Power of one miner at the wall, W.
    #[arg(long, value_name = "W", allow_negative_numbers = true)]
    pub power_w: Option<f64>,
    /// Electricity price, USD per kWh.
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub electricity_usd_kwh: Option<f64>,
    /// BTC price, USD [default: the market's, live when a provider answers, else the shipped
    /// dated snapshot; stderr says which].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub btc_price_usd: Option<f64>,
    /// Network difficulty, raw (e.g. 119.12e12; never "T") [default: the market's, as for
    /// --btc-price-usd].
    #[arg(long, allow_negative_numbers = true)]
    pub difficulty: Option<f64>,
    /// Block subsidy, BTC [default: from the current height when known, else 3.125].
    #[arg(long, value_name = "BTC", allow_negative_numbers = true)]
    pub block_reward_btc: Option<f64>,
    /// Average transaction fees per block, BTC [default: the market's when the price or the
    /// difficulty comes from the market, else 0].
    #[arg(long, value_name = "BTC", allow_negative_numbers = true)]
    pub fees_per_block_btc: Option<f64>,
    /// Pool fee, percent [default: 2.5].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub pool_fee_pct: Option<f64>,
    /// Network hashrate, EH/s, for the network-share cross-check [default: implied by the
    /// difficulty].
    #[arg(long, value_name = "EHS", allow_negative_numbers = true)]
    pub network_hashrate_ehs: Option<f64>,
    /// Maintenance for the whole fleet, USD per month [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub maintenance_usd_month: Option<f64>,
    /// Up-front investment, USD [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub investment_usd: Option<f64>,
    /// Projection horizon, months, 1 to 120 [default: 36].
    #[arg(long, allow_negative_numbers = true)]
    pub months: Option<u32>,
    /// Difficulty growth per month, percent [default: 0].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub difficulty_growth_pct_month: Option<f64>,
    /// Share of the time the miners run, percent [default: 100].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub uptime_pct: Option<f64>,
    /// Site overhead factor (PUE), 1 to 3 [default: 1].
    #[arg(long, allow_negative_numbers = true)]
    pub pue: Option<f64>,
    /// Hashrate lost per month to ageing, percent [default: 0].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub hashrate_decay_pct_month: Option<f64>,
    /// Electricity price change per month, percent [default: 0].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub electricity_escalation_pct_month: Option<f64>,
    /// Resale value of the machines at the end, USD [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub resale_value_usd: Option<f64>,
    /// Discount rate for NPV, percent per year [default: 10].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub discount_rate_pct_year: Option<f64>,
    /// Hosting fee per miner per month, USD [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub hosting_usd_per_miner_month: Option<f64>,
    /// Hosting fee per contracted kW per month, USD [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub hosting_usd_per_kw_month: Option<f64>,
    /// Host side: markup on every kWh, USD/kWh [default: 0].
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub hosting_markup_usd_kwh: Option<f64>,
    /// Host side: the site's energy cost, USD/kWh; adds the host's figures to the answer.
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub host_site_cost_usd_kwh: Option<f64>,
    /// Print one JSON object (the REST API's response) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

impl CalcArgs {
    pub fn request(&self) -> domain::calculate::CalcRequest {
        domain::calculate::CalcRequest {
            model: self.model.clone(),
            count: self.count,
            hashrate_ths: self.hashrate_ths,
            power_w: self.power_w,
            electricity_usd_kwh: self.electricity_usd_kwh,
            btc_price_usd: self.btc_price_usd,
            difficulty: self.difficulty,
            block_reward_btc: self.block_reward_btc,
            fees_per_block_btc: self.fees_per_block_btc,
            pool_fee_pct: self.pool_fee_pct,
            network_hashrate_ehs: self.network_hashrate_ehs,
            maintenance_usd_month: self.maintenance_usd_month,
            investment_usd: self.investment_usd,
            months: self.months,
            difficulty_growth_pct_month: self.difficulty_growth_pct_month,
            uptime_pct: self.uptime_pct,
            pue: self.pue,
            hashrate_decay_pct_month: self.hashrate_decay_pct_month,
            electricity_escalation_pct_month: self.electricity_escalation_pct_month,
            resale_value_usd: self.resale_value_usd,
            discount_rate_pct_year: self.discount_rate_pct_year,
            hosting_usd_per_miner_month: self.hosting_usd_per_miner_month,
            hosting_usd_per_kw_month: self.hosting_usd_per_kw_month,
            hosting_markup_usd_kwh: self.hosting_markup_usd_kwh,
            host_site_cost_usd_kwh: self.host_site_cost_usd_kwh,
        }
    }
}
