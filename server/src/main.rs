//! `hashinsight`: one binary for the web server and every command around it.

use clap::Parser;
use server::cli::{Cli, Command, MarketCommand, UserCommand};
use server::{config::Settings, db, logging, startup::Application};

/// Reading thousands of miners a minute is allocation after allocation (JSON replies, HTTP
/// buffers) on every worker thread; mimalloc does that work in about half the CPU time of
/// glibc's allocator (docs/performance.md, "poll cycle").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli) {
        Ok(settings) => settings,
        Err(err) => {
            // One line naming the key, as the operator needs to fix it.
            eprintln!("error: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    logging::init(&settings.log);
    let outcome = match cli.command.unwrap_or_default() {
        Command::Serve(_) => async { Application::build(settings).await?.run().await }
            .await
            .map(|()| std::process::ExitCode::SUCCESS),
        Command::Migrate => db::migrate_only(&settings.database)
            .await
            .map(|()| std::process::ExitCode::SUCCESS),
        Command::Calc(args) => server::commands::calc::command(&settings, &args).await,
        Command::Market(MarketCommand::Backfill(args)) => {
            let last_day_ms = args
                .to_day
                .unwrap_or_else(|| domain::market::day_start_ms(market::now_ms()));
            server::market::backfill::run(&settings, args.days, last_day_ms).await
        }
        Command::User(UserCommand::Create(args)) => {
            server::commands::user::command(&settings, &args).await
        }
        Command::Minersim(args) => server::commands::minersim::command(&args).await,
        Command::Collect(args) => server::collect::command(&args).await,
        Command::Site(command) => server::commands::site::command(&settings, &command).await,
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
