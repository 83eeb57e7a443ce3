//! Alerts of the hosting fleet: listing them (status monitor, read) and acknowledging one
//! (status monitor, full). Scoped as the miner table is: staff see every site, a site owner
//! their own sites, a client only the alerts of their own miners and cannot acknowledge.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::fleet::{Alert, AlertList};

/// Which alerts the page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertFilter {
    /// A site, or every site the caller may see.
    pub site_id: Option<i64>,
    /// Resolved ones too (newest first, after the open ones).
    pub history: bool,
}

/// The most urgent alerts first: open before resolved, critical before warning, newest first;
/// at most [`crate::fleet::alert::MAX_LISTED_ALERTS`], with the total that matched.
#[server(endpoint = "list_alerts")]
pub async fn list_alerts(#[server(default)] filter: AlertFilter) -> Result<AlertList, AppError> {
    use crate::access::{Access, Module};
    let caller = crate::ssr::auth::guard(Module::StatusMonitor, Access::Read)?;
    let store = crate::ssr::store()?;
    let Some(query) = ssr::scoped_query(&*store, &caller, &filter).await? else {
        return Ok(AlertList::default());
    };
    Ok(store.list_alerts(&query).await?)
}

/// Marks an open alert as seen by the caller. It still resolves by itself; an escalation asks
/// for a new look. An alert the caller may not see is `NotFound`.
#[server(endpoint = "acknowledge_alert")]
pub async fn acknowledge_alert(alert_id: i64) -> Result<Alert, AppError> {
    use crate::access::{Access, Module, Role};
    use crate::error::Rejection;
    use crate::ssr::StoreError;
    let caller = crate::ssr::auth::guard(Module::StatusMonitor, Access::Full)?;
    let member = caller.member()?;
    let store = crate::ssr::store()?;
    let alert = store.get_alert(alert_id).await?;
    if member.role == Role::MiningSiteOwner {
        let site = store.get_site(alert.site_id).await?;
        if site.owner_user_id != Some(member.user_id) {
            return Err(AppError::NotFound);
        }
    }
    let now_ms = crate::market::unix_now_ms();
    match store
        .acknowledge_alert(alert_id, member.user_id, now_ms)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(AppError::Rejected(Rejection::AlertResolved)),
        other => {
            let acknowledged = other?;
            crate::ssr::tell_pages(acknowledged.site_id, crate::telemetry::SiteChange::Alerts);
            Ok(acknowledged)
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AlertFilter;
    use crate::api::fleet::{MinerFilter, ssr as fleet};
    use crate::error::AppError;
    use crate::fleet::AlertQuery;
    use crate::fleet::alert::MAX_LISTED_ALERTS;
    use crate::ssr::Store;
    use crate::ssr::auth::Caller;

    /// The store query for `filter` as the caller may ask it, by the miner table's rules
    /// (`None`: a client not linked to a customer sees nothing).
    pub async fn scoped_query(
        store: &dyn Store,
        caller: &Caller,
        filter: &AlertFilter,
    ) -> Result<Option<AlertQuery>, AppError> {
        let miners = MinerFilter {
            site_id: filter.site_id,
            ..MinerFilter::default()
        };
        let Some(scope) = fleet::scoped_query(store, caller, &miners).await? else {
            return Ok(None);
        };
        Ok(Some(AlertQuery {
            site_id: scope.site_id,
            customer_id: scope.customer_id,
            miner_id: None,
            open_only: !filter.history,
            limit: MAX_LISTED_ALERTS,
        }))
    }
}
