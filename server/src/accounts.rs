//! Accounts outside a request: the first-run owner link `serve` prints, and the account
//! creation `hashinsight user create` (`commands::user`) runs.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use app::ssr::identity::{self, AuthServices};
use domain::access::Role;
use store::Store;
use store::accounts::{NewUser, TokenPurpose};

/// The origin links are built on outside a request: the configured public URL, else the address
/// the server listens on.
pub fn origin(services: &AuthServices, addr: SocketAddr) -> String {
    services.settings.public_url.as_deref().map_or_else(
        || format!("http://{addr}"),
        |url| url.trim_end_matches('/').to_owned(),
    )
}

/// On an empty database, issues a one-time link to create the owner and shows it on the
/// terminal: the only way in, and only for whoever sits at the server's console. Logs are read
/// by more people (and kept longer) than a console, so they get a redacted form; with no
/// terminal (a service manager that sends stderr to its journal) no link is made at all and the
/// log says how to make one.
pub async fn announce_setup(
    store: &dyn Store,
    services: &AuthServices,
    origin: &str,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if store.count_users().await? > 0 {
        return Ok(());
    }
    if !std::io::stderr().is_terminal() {
        tracing::warn!(
            "no accounts yet: run `hashinsight user create --role owner` on the server to get \
             the one-time link that creates the owner"
        );
        return Ok(());
    }
    let link = setup_link(store, services, origin).await?;
    let hours = services.settings.setup_ttl_secs / 3600;
    tracing::warn!(
        link = %redacted(&link),
        "no accounts yet: the link to create the owner is on the terminal (valid {hours} h, once)"
    );
    eprintln!(
        "\n  No accounts yet. Create the owner account, within {hours} hours, at:\n\n    {link}\n"
    );
    Ok(())
}

/// A link with its secret cut to the first four characters, enough to tell two links apart.
pub fn redacted(link: &str) -> String {
    match link.split_once("token=") {
        Some((base, token)) => format!("{base}token={}…", token.get(..4).unwrap_or_default()),
        None => link.to_owned(),
    }
}

async fn setup_link(
    store: &dyn Store,
    services: &AuthServices,
    origin: &str,
) -> anyhow::Result<String> {
    identity::issue_link(
        store,
        services,
        TokenPurpose::SetupOwner,
        None,
        None,
        origin,
    )
    .await
    .map_err(|err| anyhow::anyhow!("issuing the setup link: {err}"))
}

/// `hashinsight user create`: without an e-mail on an empty database, the first-run owner link;
/// with an e-mail, the account with a link to set its password.
pub async fn create_user(
    store: &dyn Store,
    services: &AuthServices,
    origin: &str,
    role: Role,
    email: Option<&str>,
    display_name: Option<&str>,
) -> anyhow::Result<String> {
    let Some(email) = email else {
        if role != Role::Owner {
            bail!("give --email for an account with the {role} role");
        }
        if store.count_users().await? > 0 {
            bail!("accounts exist already: give --email to add another owner");
        }
        return setup_link(store, services, origin).await;
    };
    let email = domain::account::normalise_email(email)
        .with_context(|| format!("{email:?} is not an e-mail address"))?;
    let display_name = display_name
        .map_or_else(
            || email.split('@').next().map(str::to_owned),
            domain::account::normalise_display_name,
        )
        .context("the display name must have 1 to 80 characters")?;
    let user = store
        .create_user(&NewUser {
            email: Some(email.clone()),
            display_name,
            password_hash: None,
            role,
            email_verified_at_ms: None,
            access_expires_at_ms: None,
            created_at_ms: identity::now_ms(),
        })
        .await
        .with_context(|| format!("creating {email} (is the address taken?)"))?;
    let link = identity::issue_link(
        store,
        services,
        TokenPurpose::ResetPassword,
        Some(user.user_id),
        Some(&email),
        origin,
    )
    .await
    .map_err(|err| anyhow::anyhow!("issuing the password link: {err}"))?;
    store
        .record_audit(&store::accounts::NewAuditEvent {
            at_ms: identity::now_ms(),
            action: "user.create".to_owned(),
            outcome: "ok",
            actor_user_id: None,
            actor: Some("command line".to_owned()),
            subject_user_id: Some(user.user_id),
            ip: None,
            user_agent: None,
            detail: serde_json::json!({ "email": email, "role": role }).to_string(),
        })
        .await?;
    Ok(link)
}
