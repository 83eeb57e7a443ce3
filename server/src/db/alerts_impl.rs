//! `store::alerts::AlertStore` on either engine. The SQL is the same on both engines (`$n` placeholders, partial unique index as the conflict target).

use domain::fleet::{Alert, AlertKind, Severity};
use store::StoreError;

use crate::db::{SqlStore, exec, fleet_sql, store_error};

pub const LOAD_BOOK: &str = "select book, version from alert_book where site_id = $1";

pub const BOOK_VERSION: &str = "select version from alert_book where site_id = $1";

/// The first state of a site; no row when another writer created it first.
pub const CREATE_BOOK: &str = "
    insert into alert_book (site_id, book, version, updated_at_ms) values ($1, $2, 1, $3)
    on conflict (site_id) do nothing";

/// The next state, only over the version it was computed from.
pub const UPDATE_BOOK: &str = "
    update alert_book set book = $2, version = $4 + 1, updated_at_ms = $3
    where site_id = $1 and version = $4";

/// The miners whose readings the rules judge: active ones. A miner in maintenance is being
/// worked on (powered off, boards out, fans unplugged): its readings are stored but raise
/// nothing, and what is open stays open until it is back in service and reads well again.
pub const CONTEXT: &str = "
    select m.miner_id, l.last_seen_ms, a.hashrate_hs as nominal_hashrate_hs
    from miner m
    left join miner_live l on l.miner_id = m.miner_id
    left join asic_model a on a.asic_model_id = m.asic_model_id
    where m.site_id = $1 and m.status = 'active'";

pub const SILENT: &str = "
    select l.site_id, l.miner_id, l.last_seen_ms
    from miner_live l
    join miner m on m.miner_id = l.miner_id
    where l.taken_at_ms < $1 and m.approval = 'approved' and m.status = 'active'
    order by l.site_id, l.miner_id";

/// Opens an alert for a miner of the site; no row when the miner left the site, or when an
/// open alert of that kind exists already (the unique partial index).
pub const OPEN: &str = "
    insert into alert (site_id, miner_id, kind, severity, opened_at_ms, value, threshold)
    select $1, m.miner_id, $3, $4, $5, $6, $7 from miner m where m.miner_id = $2 and m.site_id = $1
    on conflict (miner_id, kind) where resolved_at_ms is null do nothing
    returning alert_id";

/// A new urgency needs a new look: the acknowledgement lapses and the mail goes out again.
pub const ESCALATE: &str = "
    update alert set severity = 'critical', escalated_at_ms = $4, value = $5, threshold = $6,
        acknowledged_by_user_id = null, acknowledged_at_ms = null, notified_at_ms = null
    where site_id = $1 and miner_id = $2 and kind = $3 and resolved_at_ms is null
    returning alert_id";

pub const RESOLVE: &str = "
    update alert set resolved_at_ms = $4
    where site_id = $1 and miner_id = $2 and kind = $3 and resolved_at_ms is null";

const COLUMNS: &str = "
    a.alert_id, a.site_id, a.miner_id, m.serial as miner_serial, m.ip as miner_ip, m.rack,
    a.kind, a.severity, a.opened_at_ms, a.escalated_at_ms, a.resolved_at_ms, a.value,
    a.threshold, u.email as acknowledged_by, a.acknowledged_at_ms, a.notified_at_ms";

const FROM: &str = "
    from alert a
    join miner m on m.miner_id = a.miner_id
    left join user_account u on u.user_id = a.acknowledged_by_user_id";

const FILTER: &str = "
    where ($1 is null or a.site_id = $1)
      and ($2 is null or m.customer_id = $2)
      and ($3 = 0 or a.resolved_at_ms is null)
      and ($4 is null or a.miner_id = $4)";

/// The page of alerts with how many match in all: one statement, so an alert opening meanwhile
/// is either in both or in neither.
pub fn list_sql() -> String {
    format!(
        "select {COLUMNS}, count(*) over () as total {FROM} {FILTER}
         order by case when a.resolved_at_ms is null then 0 else 1 end,
                  case when a.severity = 'critical' then 0 else 1 end,
                  coalesce(a.escalated_at_ms, a.opened_at_ms) desc, a.alert_id desc
         limit $5"
    )
}

/// How many match, for a page of no rows (a limit of 0), where the window has nothing to say.
pub fn count_sql() -> String {
    format!("select count(*) from alert a join miner m on m.miner_id = a.miner_id {FILTER}")
}

pub fn get_sql() -> String {
    format!("select {COLUMNS} {FROM} where a.alert_id = $1")
}

pub const COUNT_OPEN: &str = "
    select coalesce(sum(case when severity = 'warning' then 1 else 0 end), 0) as warning,
           coalesce(sum(case when severity = 'critical' then 1 else 0 end), 0) as critical
    from alert where site_id = $1 and resolved_at_ms is null";

/// [`COUNT_OPEN`] of every site with an open alert, at once (the site list).
pub const COUNT_OPEN_BY_SITE: &str = "
    select site_id,
           coalesce(sum(case when severity = 'warning' then 1 else 0 end), 0) as warning,
           coalesce(sum(case when severity = 'critical' then 1 else 0 end), 0) as critical
    from alert where resolved_at_ms is null
    group by site_id";

/// Acknowledges once: a second acknowledgement keeps the first one's name and time.
pub const ACKNOWLEDGE: &str = "
    update alert set acknowledged_by_user_id = $2, acknowledged_at_ms = $3
    where alert_id = $1 and resolved_at_ms is null and acknowledged_at_ms is null";

pub const UNNOTIFIED: &str = "
    select site_id, alert_id from alert
    where resolved_at_ms is null and notified_at_ms is null
      and coalesce(escalated_at_ms, opened_at_ms) < $1
    order by site_id, alert_id";

pub const RECIPIENTS: &str = "
    select u.email from site s join user_account u on u.user_id = s.owner_user_id
    where s.site_id = $1 and u.email is not null and u.disabled_at_ms is null";

/// An alert as stored, before its codes are checked.
#[derive(Debug, sqlx::FromRow)]
pub struct AlertRow {
    alert_id: i64,
    site_id: i64,
    miner_id: i64,
    miner_serial: String,
    miner_ip: String,
    rack: String,
    kind: String,
    severity: String,
    opened_at_ms: i64,
    escalated_at_ms: Option<i64>,
    resolved_at_ms: Option<i64>,
    value: f64,
    threshold: f64,
    acknowledged_by: Option<String>,
    acknowledged_at_ms: Option<i64>,
    notified_at_ms: Option<i64>,
}

/// A listed alert, with the number of alerts the list's filter matches.
#[derive(Debug, sqlx::FromRow)]
pub struct ListedRow {
    #[sqlx(flatten)]
    pub alert: AlertRow,
    pub total: i64,
}

impl TryFrom<AlertRow> for Alert {
    type Error = StoreError;

    fn try_from(row: AlertRow) -> Result<Self, StoreError> {
        let kind = AlertKind::from_code(&row.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("alert kind {:?}", row.kind)))?;
        let severity = Severity::from_code(&row.severity)
            .ok_or_else(|| StoreError::Corrupt(format!("alert severity {:?}", row.severity)))?;
        Ok(Self {
            alert_id: row.alert_id,
            site_id: row.site_id,
            miner_id: row.miner_id,
            miner_serial: row.miner_serial,
            miner_ip: row.miner_ip,
            rack: row.rack,
            kind,
            severity,
            opened_at_ms: row.opened_at_ms,
            escalated_at_ms: row.escalated_at_ms,
            resolved_at_ms: row.resolved_at_ms,
            value: row.value,
            threshold: row.threshold,
            acknowledged_by: row.acknowledged_by,
            acknowledged_at_ms: row.acknowledged_at_ms,
            notified_at_ms: row.notified_at_ms,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct ContextRow {
    pub miner_id: i64,
    pub last_seen_ms: Option<i64>,
    pub nominal_hashrate_hs: Option<f64>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct SilentRow {
    pub site_id: i64,
    pub miner_id: i64,
    pub last_seen_ms: Option<i64>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct CountRow {
    pub warning: i64,
    pub critical: i64,
}

impl From<CountRow> for domain::fleet::OpenAlertCounts {
    fn from(row: CountRow) -> Self {
        Self {
            warning: u32::try_from(row.warning).unwrap_or(u32::MAX),
            critical: u32::try_from(row.critical).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct SiteCountRow {
    pub site_id: i64,
    #[sqlx(flatten)]
    pub counts: CountRow,
}

#[async_trait::async_trait]
impl store::alerts::AlertStore for SqlStore {
    async fn load_alert_book(
        &self,
        site_id: i64,
    ) -> Result<Option<(String, i64)>, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        exec::query_as(sql::LOAD_BOOK)
            .bind(site_id)
            .fetch_optional(&self.db)
            .await
            .map_err(store_error)
    }

    async fn alert_book_version(&self, site_id: i64) -> Result<i64, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let version: Option<i64> = exec::query_scalar(sql::BOOK_VERSION)
            .bind(site_id)
            .fetch_optional(&self.db)
            .await
            .map_err(store_error)?;
        Ok(version.unwrap_or(0))
    }

    async fn alert_context(
        &self,
        site_id: i64,
    ) -> Result<Vec<store::alerts::AlertContext>, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let rows: Vec<sql::ContextRow> = exec::query_as(sql::CONTEXT)
            .bind(site_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|row| store::alerts::AlertContext {
                miner_id: row.miner_id,
                last_seen_ms: row.last_seen_ms,
                nominal_hashrate_hs: row.nominal_hashrate_hs,
            })
            .collect())
    }

    async fn silent_miners(
        &self,
        before_ms: i64,
    ) -> Result<Vec<store::alerts::SilentMiner>, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let rows: Vec<sql::SilentRow> = exec::query_as(sql::SILENT)
            .bind(before_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|row| store::alerts::SilentMiner {
                site_id: row.site_id,
                miner_id: row.miner_id,
                last_seen_ms: row.last_seen_ms,
            })
            .collect())
    }

    async fn record_alert_changes(
        &self,
        site_id: i64,
        changes: &[domain::fleet::AlertChange],
        book: &str,
        version: i64,
        now_ms: i64,
    ) -> Result<(Vec<i64>, i64), store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        use domain::fleet::AlertTransition;
        let mut tx = self.db.begin().await.map_err(store_error)?;
        // The state first: a writer that lost the race stops before any alert row.
        let written = if version == 0 {
            exec::query(sql::CREATE_BOOK)
                .bind(site_id)
                .bind(book)
                .bind(now_ms)
                .execute(&mut tx)
                .await
        } else {
            exec::query(sql::UPDATE_BOOK)
                .bind(site_id)
                .bind(book)
                .bind(now_ms)
                .bind(version)
                .execute(&mut tx)
                .await
        }
        .map_err(store_error)?
        .rows_affected();
        if written == 0 {
            return Err(store::StoreError::Conflict {
                constraint: "alert_book_version".to_owned(),
            });
        }
        let mut notify = Vec::new();
        for change in changes {
            let kind = change.kind.code();
            match change.transition {
                AlertTransition::Opened => {
                    let id: Option<i64> = exec::query_scalar(sql::OPEN)
                        .bind(site_id)
                        .bind(change.miner_id)
                        .bind(kind)
                        .bind(change.severity.code())
                        .bind(change.at_ms)
                        .bind(change.value)
                        .bind(change.threshold)
                        .fetch_optional(&mut tx)
                        .await
                        .map_err(store_error)?;
                    notify.extend(id);
                }
                AlertTransition::Escalated => {
                    let id: Option<i64> = exec::query_scalar(sql::ESCALATE)
                        .bind(site_id)
                        .bind(change.miner_id)
                        .bind(kind)
                        .bind(change.at_ms)
                        .bind(change.value)
                        .bind(change.threshold)
                        .fetch_optional(&mut tx)
                        .await
                        .map_err(store_error)?;
                    notify.extend(id);
                }
                AlertTransition::Resolved => {
                    exec::query(sql::RESOLVE)
                        .bind(site_id)
                        .bind(change.miner_id)
                        .bind(kind)
                        .bind(change.at_ms)
                        .execute(&mut tx)
                        .await
                        .map_err(store_error)?;
                }
            }
        }
        tx.commit().await.map_err(store_error)?;
        Ok((notify, version + 1))
    }

    async fn list_alerts(
        &self,
        query: &domain::fleet::AlertQuery,
    ) -> Result<domain::fleet::AlertList, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let open_only = i64::from(query.open_only);
        let limit = i64::from(query.limit.min(domain::fleet::alert::MAX_LISTED_ALERTS));
        let rows: Vec<sql::ListedRow> = exec::query_as(&sql::list_sql())
            .bind(query.site_id)
            .bind(query.customer_id)
            .bind(open_only)
            .bind(query.miner_id)
            .bind(limit)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        let total: i64 = match rows.first() {
            Some(row) => row.total,
            None if limit > 0 => 0,
            None => exec::query_scalar(&sql::count_sql())
                .bind(query.site_id)
                .bind(query.customer_id)
                .bind(open_only)
                .bind(query.miner_id)
                .fetch_one(&self.db)
                .await
                .map_err(store_error)?,
        };
        Ok(domain::fleet::AlertList {
            alerts: rows
                .into_iter()
                .map(|row| domain::fleet::Alert::try_from(row.alert))
                .collect::<Result<_, _>>()?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn open_alert_counts(
        &self,
        site_id: i64,
    ) -> Result<domain::fleet::OpenAlertCounts, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let row: sql::CountRow = exec::query_as(sql::COUNT_OPEN)
            .bind(site_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        Ok(row.into())
    }

    async fn open_alert_counts_by_site(
        &self,
    ) -> Result<std::collections::HashMap<i64, domain::fleet::OpenAlertCounts>, store::StoreError>
    {
        use crate::db::{alerts_impl as sql, store_error};
        let rows: Vec<sql::SiteCountRow> = exec::query_as(sql::COUNT_OPEN_BY_SITE)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|row| (row.site_id, row.counts.into()))
            .collect())
    }

    async fn get_alert(&self, alert_id: i64) -> Result<domain::fleet::Alert, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        let row: sql::AlertRow = exec::query_as(&sql::get_sql())
            .bind(alert_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?;
        row.try_into()
    }

    async fn acknowledge_alert(
        &self,
        alert_id: i64,
        user_id: i64,
        now_ms: i64,
    ) -> Result<domain::fleet::Alert, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        exec::query(sql::ACKNOWLEDGE)
            .bind(alert_id)
            .bind(user_id)
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map_err(store_error)?;
        let alert = self.get_alert(alert_id).await?;
        if !alert.is_open() {
            return Err(store::StoreError::Conflict {
                constraint: "alert_resolved".to_owned(),
            });
        }
        Ok(alert)
    }

    async fn mark_alerts_notified(
        &self,
        alert_ids: &[i64],
        now_ms: i64,
    ) -> Result<(), store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, placeholders};
        use store_error;
        for chunk in alert_ids.chunks(IN_LIST_CHUNK) {
            let sql = format!(
                "update alert set notified_at_ms = $1 where alert_id in ({})",
                placeholders(2, chunk.len())
            );
            let mut query = exec::query(&sql).persistent(false).bind(now_ms);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&self.db).await.map_err(store_error)?;
        }
        Ok(())
    }

    async fn unnotified_alerts(
        &self,
        before_ms: i64,
    ) -> Result<Vec<(i64, i64)>, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        exec::query_as(sql::UNNOTIFIED)
            .bind(before_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }

    async fn alert_recipients(&self, site_id: i64) -> Result<Vec<String>, store::StoreError> {
        use crate::db::{alerts_impl as sql, store_error};
        exec::query_scalar(sql::RECIPIENTS)
            .bind(site_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }
}
