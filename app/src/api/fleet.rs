//! Reading the hosting fleet: the sites a caller may see with their overview, and one page of
//! the miner table. Who sees what is decided here, once, in `ssr` (`site_owner_filter`,
//! `scoped_query`): staff (owner, admin, operator) see every site; a site owner only the sites
//! they own; a client only their own miners, on whatever site they stand, and never a site's
//! totals.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::fleet::{
    Approval, ApprovalReport, CustomerTotals, MinerPage, MinerSort, OpenAlertCounts, Site,
};
use crate::telemetry::SiteOverview;

/// A site with its live figures, as the sites page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSummary {
    pub site: Site,
    pub overview: SiteOverview,
    pub alerts: OpenAlertCounts,
}

/// Which miners the table shows, as the page sends it. Empty text and `None` filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MinerFilter {
    /// A site, or every site the caller may see (clients: all of their own miners).
    pub site_id: Option<i64>,
    pub search: String,
    pub online: Option<bool>,
    /// Where the miners stand in the approval workflow.
    pub approval: Option<Approval>,
    pub sort: MinerSort,
    pub descending: bool,
    /// From 1.
    pub page: u32,
}

/// The sites the caller may see, by name, each with its overview (live rows and the last 24 h).
#[server(endpoint = "list_sites")]
pub async fn list_sites() -> Result<Vec<SiteSummary>, AppError> {
    use crate::access::{Access, Module};
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Read)?;
    let store = crate::ssr::store()?;
    let sites = store.list_sites(ssr::site_owner_filter(&caller)?).await?;
    let now_ms = crate::market::unix_now_ms();
    let limits = crate::ssr::temperature_limits();
    // Four reads for the whole list, whatever its length (one per site before).
    let site_ids: Vec<i64> = sites.iter().map(|site| site.site_id).collect();
    let overviews = store.site_overviews(&site_ids, now_ms, limits).await?;
    let mut alerts = store.open_alert_counts_by_site().await?;
    Ok(sites
        .into_iter()
        .zip(overviews)
        .map(|(site, overview)| SiteSummary {
            alerts: alerts.remove(&site.site_id).unwrap_or_default(),
            site,
            overview,
        })
        .collect())
}

/// One page of the miner table. Clients get their own miners only, whatever they ask for.
#[server(endpoint = "list_site_miners")]
pub async fn list_site_miners(
    #[server(default)] filter: MinerFilter,
) -> Result<MinerPage, AppError> {
    use crate::access::{Access, Module};
    let caller = crate::ssr::auth::guard(Module::StatusMonitor, Access::Read)?;
    let store = crate::ssr::store()?;
    let Some(query) = ssr::scoped_query(&*store, &caller, &filter).await? else {
        return Ok(MinerPage::default());
    };
    let page = store
        .list_miners(&query, crate::market::unix_now_ms())
        .await?;
    Ok(MinerPage {
        limits: crate::ssr::temperature_limits(),
        ..page
    })
}

/// The most miners one approval step may move: one page of the table at its largest.
pub const MAX_REVIEWED: usize = crate::fleet::query::MAX_PER_PAGE as usize;
/// The longest review note (a rejection's reason, say).
pub const MAX_REVIEW_NOTE_CHARS: usize = 500;

/// One approval step for the ticked miners of a site: submit drafts for review, approve or
/// reject pending ones (with an optional note, the reason of a rejection), take rejected ones
/// back to draft. The step is taken where the workflow allows it; the other miners are
/// reported with their state and left as they were. Site owners review their own sites only.
#[server(endpoint = "review_miners")]
pub async fn review_miners(
    site_id: i64,
    #[server(default)] miner_ids: Vec<i64>,
    step: Approval,
    #[server(default)] note: String,
) -> Result<ApprovalReport, AppError> {
    use crate::access::{Access, Module};
    use crate::error::Rejection;
    let caller = crate::ssr::auth::guard(Module::SiteManagement, Access::Full)?;
    let member = caller.member()?;
    let store = crate::ssr::store()?;
    managed_site(&*store, &caller, site_id).await?;
    let mut miner_ids = miner_ids;
    miner_ids.sort_unstable();
    miner_ids.dedup();
    if miner_ids.is_empty() || miner_ids.len() > MAX_REVIEWED {
        return Err(AppError::Rejected(Rejection::MinersNotChosen));
    }
    let note = note.trim();
    let note = if note.is_empty() {
        // A rejection tells the submitter what to fix.
        if step == Approval::Rejected {
            return Err(AppError::Rejected(Rejection::ReviewNoteInvalid));
        }
        None
    } else {
        Some(
            crate::account::bounded_label(note, MAX_REVIEW_NOTE_CHARS)
                .ok_or(AppError::Rejected(Rejection::ReviewNoteInvalid))?,
        )
    };
    let now_ms = crate::market::unix_now_ms();
    let report = store
        .set_approval(
            site_id,
            &miner_ids,
            step,
            Some(member.user_id),
            note.as_deref(),
            now_ms,
        )
        .await?;
    if !report.moved.is_empty() {
        crate::ssr::tell_pages(site_id, crate::telemetry::SiteChange::Inventory);
    }
    Ok(report)
}

/// The caller's own hosting customer in sum: their miners, what answers, hashrate, power,
/// today's estimated earnings, and the last 24 hours' uptime and energy used. `NotFound` for
/// an account that speaks for no customer.
#[server(endpoint = "my_fleet_totals")]
pub async fn my_fleet_totals() -> Result<CustomerTotals, AppError> {
    use crate::access::{Access, Module};
    use crate::fleet::{MinerQuery, query::MAX_PER_PAGE};
    let caller = crate::ssr::auth::guard(Module::StatusMonitor, Access::Read)?;
    let member = caller.member()?;
    let store = crate::ssr::store()?;
    let customer = store
        .customer_for_user(member.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now_ms = crate::market::unix_now_ms();
    let mut totals = CustomerTotals {
        customer_name: customer.name,
        ..CustomerTotals::default()
    };
    // Every page of the client's own miners (a client has tens or hundreds, a page is 500).
    let mut query = MinerQuery {
        customer_id: Some(customer.customer_id),
        per_page: MAX_PER_PAGE,
        ..MinerQuery::default()
    };
    loop {
        let page = store.list_miners(&query, now_ms).await?;
        totals.add(&page.rows);
        if page.rows.is_empty() || totals.miners >= page.total {
            break;
        }
        query.page += 1;
    }
    let market = use_context::<std::sync::Arc<dyn crate::ssr::MarketFeed>>()
        .map(|feed| feed.now())
        .unwrap_or_default();
    totals.earnings = crate::fleet::totals::earnings(totals.hashrate_hs, &market);
    // The closed 5-minute buckets of the last 24 hours (the open one is not rolled up yet).
    let to_ms = now_ms - now_ms.rem_euclid(crate::telemetry::FIVE_MINUTES_MS);
    totals.last_day = store
        .customer_span(
            customer.customer_id,
            to_ms - crate::telemetry::DAY_MS,
            to_ms,
        )
        .await?;
    Ok(totals)
}

/// What a miner's page shows: the inventory record, the newest reading, the chart points of
/// `range` and its alerts (open first, then the latest resolved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinerOverview {
    pub miner: crate::fleet::Miner,
    pub site_name: String,
    pub live: Option<crate::telemetry::LiveReading>,
    /// Whether it answered within the offline time of `to_ms`.
    pub online: bool,
    pub range: crate::telemetry::ChartRange,
    pub resolution: crate::telemetry::Resolution,
    pub from_ms: i64,
    pub to_ms: i64,
    pub points: Vec<crate::telemetry::HistoryPoint>,
    pub alerts: crate::fleet::AlertList,
}

/// One miner's page. A miner the caller may not see (another client's, another owner's site)
/// is `NotFound`, as one that does not exist.
#[server(endpoint = "miner_detail")]
pub async fn miner_detail(
    miner_id: i64,
    #[server(default)] range: crate::telemetry::ChartRange,
) -> Result<MinerOverview, AppError> {
    use crate::access::{Access, Module};
    use crate::fleet::AlertQuery;
    use crate::telemetry::Resolution;
    let caller = crate::ssr::auth::guard(Module::StatusMonitor, Access::Read)?;
    let store = crate::ssr::store()?;
    let miner = store.get_miner(miner_id).await?;
    let site = ssr::visible_site(&*store, &caller, &miner).await?;
    let to_ms = crate::market::unix_now_ms();
    let from_ms = to_ms - range.span_ms();
    let resolution = Resolution::for_span(range.span_ms());
    let points = store
        .miner_history(miner_id, from_ms, to_ms, resolution)
        .await?;
    let live = store.miner_live(miner_id).await?;
    let online = live
        .as_ref()
        .and_then(|l| l.last_seen_ms)
        .is_some_and(|seen| to_ms - seen <= crate::telemetry::OFFLINE_AFTER_MS);
    let alerts = store
        .list_alerts(&AlertQuery {
            miner_id: Some(miner_id),
            open_only: false,
            limit: 50,
            ..AlertQuery::default()
        })
        .await?;
    Ok(MinerOverview {
        miner,
        site_name: site.name,
        live,
        online,
        range,
        resolution,
        from_ms,
        to_ms,
        points,
        alerts,
    })
}

/// The site, when the caller may manage it (their role has passed the site-management guard):
/// staff any, a site owner only their own. `NotFound` otherwise, the same answer as a site
/// that does not exist.
#[cfg(feature = "ssr")]
pub async fn managed_site(
    store: &dyn crate::ssr::Store,
    caller: &crate::ssr::auth::Caller,
    site_id: i64,
) -> Result<Site, AppError> {
    use crate::access::Role;
    let member = caller.member()?;
    let site = store.get_site(site_id).await?;
    match member.role {
        Role::MiningSiteOwner if site.owner_user_id != Some(member.user_id) => {
            Err(AppError::NotFound)
        }
        // The guard let no client through; this keeps a mistake in a route from showing a
        // client another customer's inventory.
        Role::Client => Err(AppError::NotFound),
        _ => Ok(site),
    }
}

/// The sites whose changes the caller may hear of on the live stream: `None` for every site
/// (staff), a site owner's own sites, or the sites where a client's customer has miners (none
/// for a client linked to no customer).
#[cfg(feature = "ssr")]
pub async fn visible_site_ids(
    store: &dyn crate::ssr::Store,
    caller: &crate::ssr::auth::Caller,
) -> Result<Option<Vec<i64>>, AppError> {
    use crate::access::Role;
    let member = caller.member()?;
    match member.role {
        Role::Client => Ok(Some(
            match store.customer_for_user(member.user_id).await? {
                Some(customer) => store.customer_site_ids(customer.customer_id).await?,
                None => Vec::new(),
            },
        )),
        Role::MiningSiteOwner => Ok(Some(
            store
                .list_sites(Some(member.user_id))
                .await?
                .into_iter()
                .map(|site| site.site_id)
                .collect(),
        )),
        _ => Ok(None),
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::MinerFilter;
    use crate::access::Role;
    use crate::error::AppError;
    use crate::fleet::MinerQuery;
    use crate::ssr::Store;
    use crate::ssr::auth::Caller;

    /// The miner's site, when the caller may see the miner: staff any, a site owner those of
    /// their sites, a client their own customer's; `NotFound` otherwise.
    pub async fn visible_site(
        store: &dyn Store,
        caller: &Caller,
        miner: &crate::fleet::Miner,
    ) -> Result<crate::fleet::Site, AppError> {
        let member = caller.member()?;
        let site = store.get_site(miner.site_id).await?;
        let visible = match member.role {
            Role::Client => {
                let customer = store.customer_for_user(member.user_id).await?;
                customer.is_some_and(|c| Some(c.customer_id) == miner.customer_id)
            }
            Role::MiningSiteOwner => site.owner_user_id == Some(member.user_id),
            _ => true,
        };
        if visible {
            Ok(site)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The longest search text the table sends on.
    const MAX_SEARCH_CHARS: usize = 100;

    /// Whose sites the caller sees: `None` for every site, `Some(user)` for a site owner's own.
    /// Roles without site access never get here (the guard refused them).
    pub fn site_owner_filter(caller: &Caller) -> Result<Option<i64>, AppError> {
        let member = caller.member()?;
        Ok((member.role == Role::MiningSiteOwner).then_some(member.user_id))
    }

    /// The store query for `filter` as the caller may ask it, or `None` when the caller can see
    /// no miner at all (a client account not linked to a hosting customer). A site the caller
    /// may not see is `NotFound`, the same answer as a site that does not exist.
    pub async fn scoped_query(
        store: &dyn Store,
        caller: &Caller,
        filter: &MinerFilter,
    ) -> Result<Option<MinerQuery>, AppError> {
        let member = caller.member()?;
        let mut query = MinerQuery {
            site_id: filter.site_id,
            search: Some(filter.search.chars().take(MAX_SEARCH_CHARS).collect()),
            online: filter.online,
            approval: filter.approval,
            sort: filter.sort,
            descending: filter.descending,
            page: filter.page.max(1),
            ..MinerQuery::default()
        };
        match member.role {
            Role::Client => match store.customer_for_user(member.user_id).await? {
                Some(customer) => query.customer_id = Some(customer.customer_id),
                None => return Ok(None),
            },
            Role::MiningSiteOwner => {
                // A site owner always names one of their sites.
                let site_id = filter.site_id.ok_or(AppError::NotFound)?;
                let site = store.get_site(site_id).await?;
                if site.owner_user_id != Some(member.user_id) {
                    return Err(AppError::NotFound);
                }
            }
            _ => {
                if let Some(site_id) = filter.site_id {
                    store.get_site(site_id).await?;
                }
            }
        }
        Ok(Some(query))
    }
}
