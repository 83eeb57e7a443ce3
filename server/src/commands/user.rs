//! `hashinsight user create`.

use std::net::SocketAddr;

use app::ssr::identity::AuthServices;

use crate::accounts::{create_user, origin};

/// `hashinsight user create`, printing the link on standard output for scripts.
pub async fn command(
    settings: &crate::config::Settings,
    args: &crate::cli::UserCreateArgs,
) -> anyhow::Result<std::process::ExitCode> {
    let store = crate::db::open(&settings.database).await?;
    let services = AuthServices::new(settings.auth.clone(), None)
        .map_err(|err| anyhow::anyhow!("[auth] password settings: {err}"))?;
    let addr = settings
        .server
        .addr
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
    let link = create_user(
        &*store,
        &services,
        &origin(&services, addr),
        args.role,
        args.email.as_deref(),
        args.name.as_deref(),
    )
    .await?;
    #[allow(clippy::print_stdout)] // the command's output, read by people and scripts
    {
        println!("{link}");
    }
    Ok(std::process::ExitCode::SUCCESS)
}
