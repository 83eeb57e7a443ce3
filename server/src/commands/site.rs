//! `hashinsight site …`: setting up a hosting site from the shell — create it, give its
//! collector a key, import its inventory — for operators who script their farms and for the
//! demo. The web pages call the same store functions.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, bail};
use domain::fleet::{Approval, NewSite, Tariff};
use store::Store;

use crate::cli::{SiteCommand, SiteCreateArgs, SiteImportArgs, SiteKeyArgs};
use crate::config::Settings;

pub async fn command(settings: &Settings, command: &SiteCommand) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(&settings.database).await?;
    let mut out = std::io::stdout().lock();
    let text = match command {
        SiteCommand::Create(args) => create(&*store, args).await?,
        SiteCommand::List => list(&*store).await?,
        SiteCommand::Key(args) => key(&*store, args).await?,
        SiteCommand::Import(args) => {
            let addresses = crate::addresses::policy_of_settings(settings);
            import(&*store, args, &addresses).await?
        }
    };
    std::io::Write::write_all(&mut out, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

async fn create(store: &dyn Store, args: &SiteCreateArgs) -> anyhow::Result<String> {
    let tariff = Tariff::Flat {
        usd_kwh: args.usd_kwh,
    };
    tariff
        .validate()
        .map_err(|e| anyhow::anyhow!("--usd-kwh: {e}"))?;
    let owner_user_id = match &args.owner_email {
        Some(email) => Some(account_id(store, email).await?),
        None => None,
    };
    let site = NewSite {
        name: args.name.trim().to_owned(),
        location: args.location.trim().to_owned(),
        capacity_mw: args.capacity_mw,
        tariff,
        owner_user_id,
    };
    if site.name.is_empty() || !(0.0..=10_000.0).contains(&site.capacity_mw) {
        bail!("a site needs a name and a capacity between 0 and 10,000 MW");
    }
    let site = store
        .create_site(&site, domain::clock::unix_now_ms())
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict { .. } => {
                anyhow::anyhow!("a site named {:?} exists already", args.name)
            }
            other => other.into(),
        })?;
    Ok(format!("site {} created: {}\n", site.site_id, site.name))
}

async fn list(store: &dyn Store) -> anyhow::Result<String> {
    let mut text = String::new();
    for site in store.list_sites(None).await? {
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{} MW",
            site.site_id, site.name, site.location, site.capacity_mw
        );
    }
    Ok(text)
}

async fn key(store: &dyn Store, args: &SiteKeyArgs) -> anyhow::Result<String> {
    let site = store
        .get_site(args.site)
        .await
        .with_context(|| format!("no site {}", args.site))?;
    let Some(label) = domain::account::bounded_label(&args.label, 80) else {
        bail!("--label must have 1 to 80 characters, none of them control characters");
    };
    let key = auth::token::new_collector_key();
    store
        .create_collector_key(
            site.site_id,
            &key.hash,
            &label,
            domain::clock::unix_now_ms(),
        )
        .await?;
    // The key is shown once, on stdout only: it is stored as a hash.
    Ok(format!("{}\n", key.plain))
}

async fn import(
    store: &dyn Store,
    args: &SiteImportArgs,
    addresses: &fleet::address::AddressPolicy,
) -> anyhow::Result<String> {
    let site = store
        .get_site(args.site)
        .await
        .with_context(|| format!("no site {}", args.site))?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let models = store.list_asic_models().await?;
    let customers = store.list_customers().await?;
    let catalogue = fleet::import::ModelCatalogue::new(models.iter().map(|m| m.name.clone()));
    let checked = fleet::import::import(fleet::import::InventoryFile::detect(&bytes), &catalogue)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let plan = crate::inventory::plan(&checked, &models, &customers, addresses);
    let now_ms = domain::clock::unix_now_ms();
    let outcomes = store
        .insert_miners(site.site_id, &plan.miners, now_ms)
        .await?;
    let (report, inserted) = crate::inventory::report(&checked, plan, &outcomes);
    let mut text = String::new();
    for problem in &report.problems {
        let _ = writeln!(
            text,
            "row {}, {}: {} ({:?})",
            problem.row,
            problem.column,
            problem.reason.code(),
            problem.value
        );
    }
    if report.problem_count > report.problems.len() {
        let _ = writeln!(
            text,
            "… and {} more problems",
            report.problem_count - report.problems.len()
        );
    }
    if let Some(email) = &args.approve_as {
        let approver = account_id(store, email).await?;
        for step in [Approval::Pending, Approval::Approved] {
            store
                .set_approval(site.site_id, &inserted, step, Some(approver), None, now_ms)
                .await?;
        }
    }
    let _ = writeln!(
        text,
        "{} of {} rows imported into site {} ({})",
        report.imported,
        report.total_rows,
        site.site_id,
        if args.approve_as.is_some() {
            "approved"
        } else {
            "drafts, waiting for approval"
        }
    );
    Ok(text)
}

/// The id of the account with `email`, found the way sign-in finds it (trimmed, lower-cased).
async fn account_id(store: &dyn Store, email: &str) -> anyhow::Result<i64> {
    let normalised = domain::account::normalise_email(email)
        .with_context(|| format!("{email:?} is not an e-mail address"))?;
    Ok(store
        .user_by_email(&normalised)
        .await
        .with_context(|| format!("no account with the e-mail {email}"))?
        .user_id)
}
