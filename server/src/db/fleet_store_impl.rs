//! The `FleetStore` methods, over the SQL in `fleet_sql` (helpers in `fleet_impl`).

use crate::db::{SqlStore, account_sql, exec, fleet_rows, fleet_sql, store_error};

#[async_trait::async_trait]
impl store::fleet::FleetStore for SqlStore {
    async fn create_site(
        &self,
        site: &domain::fleet::NewSite,
        now_ms: i64,
    ) -> Result<domain::fleet::Site, store::StoreError> {
        exec::query_as::<fleet_rows::SiteRow>(&fleet_sql::insert_site())
            .bind(site.name.as_str())
            .bind(site.location.as_str())
            .bind(site.capacity_mw)
            .bind(fleet_rows::tariff_json(&site.tariff)?)
            .bind(site.owner_user_id)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn update_site(
        &self,
        site_id: i64,
        site: &domain::fleet::NewSite,
        now_ms: i64,
    ) -> Result<domain::fleet::Site, store::StoreError> {
        exec::query_as::<fleet_rows::SiteRow>(&fleet_sql::update_site())
            .bind(site.name.as_str())
            .bind(site.location.as_str())
            .bind(site.capacity_mw)
            .bind(fleet_rows::tariff_json(&site.tariff)?)
            .bind(site.owner_user_id)
            .bind(now_ms)
            .bind(site_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn get_site(&self, site_id: i64) -> Result<domain::fleet::Site, store::StoreError> {
        exec::query_as::<fleet_rows::SiteRow>(&fleet_sql::select_site("site_id = $1"))
            .bind(site_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn list_sites(
        &self,
        owner_user_id: Option<i64>,
    ) -> Result<Vec<domain::fleet::Site>, store::StoreError> {
        let sql = fleet_sql::select_site(if owner_user_id.is_some() {
            "owner_user_id = $1"
        } else {
            "true"
        });
        let mut query = exec::query_as::<fleet_rows::SiteRow>(&sql);
        if let Some(owner) = owner_user_id {
            query = query.bind(owner);
        }
        query
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn delete_site(&self, site_id: i64) -> Result<(), store::StoreError> {
        exec::query(fleet_sql::DELETE_SITE)
            .bind(site_id)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn create_customer(
        &self,
        customer: &domain::fleet::NewCustomer,
        now_ms: i64,
    ) -> Result<domain::fleet::Customer, store::StoreError> {
        exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::insert_customer())
            .bind(customer.name.as_str())
            .bind(customer.contact_email.as_deref())
            .bind(customer.user_id)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn update_customer(
        &self,
        customer_id: i64,
        customer: &domain::fleet::NewCustomer,
        now_ms: i64,
    ) -> Result<domain::fleet::Customer, store::StoreError> {
        exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::update_customer())
            .bind(customer.name.as_str())
            .bind(customer.contact_email.as_deref())
            .bind(customer.user_id)
            .bind(now_ms)
            .bind(customer_id)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn get_customer(
        &self,
        customer_id: i64,
    ) -> Result<domain::fleet::Customer, store::StoreError> {
        exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::select_customer("customer_id = $1"))
            .bind(customer_id)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn list_customers(&self) -> Result<Vec<domain::fleet::Customer>, store::StoreError> {
        let rows = exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::select_customer("true"))
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn site_customers(
        &self,
        site_id: i64,
    ) -> Result<Vec<domain::fleet::Customer>, store::StoreError> {
        let rows = exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::select_customer(
            "customer_id in (select customer_id from miner where site_id = $1)",
        ))
        .bind(site_id)
        .fetch_all(&self.db)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn customer_for_user(
        &self,
        user_id: i64,
    ) -> Result<Option<domain::fleet::Customer>, store::StoreError> {
        let row =
            exec::query_as::<fleet_rows::CustomerRow>(&fleet_sql::select_customer("user_id = $1"))
                .bind(user_id)
                .fetch_optional(&self.db)
                .await
                .map_err(store_error)?;
        Ok(row.map(Into::into))
    }

    async fn delete_customer(&self, customer_id: i64) -> Result<(), store::StoreError> {
        exec::query(fleet_sql::DELETE_CUSTOMER)
            .bind(customer_id)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn insert_miners(
        &self,
        site_id: i64,
        miners: &[domain::fleet::NewMiner],
        now_ms: i64,
    ) -> Result<Vec<domain::fleet::InsertOutcome>, store::StoreError> {
        use crate::db::fleet_import as import;
        use domain::fleet::InsertOutcome;
        let mut screening = import::validate(miners);
        let wanted = import::candidates(miners, &screening);
        let mut tx = self
            .db
            .begin_with(self.dialect().begin_write())
            .await
            .map_err(store_error)?;
        exec::query_scalar::<i64>(fleet_sql::SITE_EXISTS)
            .bind(site_id)
            .fetch_one(&mut tx)
            .await
            .map_err(store_error)?;
        let taken = Self::fleet_taken(&mut tx, site_id, &wanted).await?;
        import::screen(miners, &mut screening, &taken);
        let rows = import::to_insert(&screening);
        let ids = Self::fleet_insert_rows(&mut tx, site_id, now_ms, miners, &rows).await?;
        let late: Vec<domain::fleet::NewMiner> = rows
            .iter()
            .filter(|&&i| !ids.contains_key(&miners[i].serial))
            .map(|&i| miners[i].clone())
            .collect();
        let late_taken = if late.is_empty() {
            import::Taken::default()
        } else {
            let wanted = import::candidates(&late, &vec![None; late.len()]);
            Self::fleet_taken(&mut tx, site_id, &wanted).await?
        };
        tx.commit().await.map_err(store_error)?;
        for index in rows {
            let miner = &miners[index];
            screening[index] = Some(match ids.get(&miner.serial) {
                Some(&miner_id) => InsertOutcome::Inserted { miner_id },
                None => InsertOutcome::Duplicate {
                    field: import::collision_field(miner, &late_taken),
                },
            });
        }
        screening
            .into_iter()
            .map(|outcome| {
                outcome.ok_or_else(|| {
                    store::StoreError::Corrupt("an import row was left unsettled".into())
                })
            })
            .collect()
    }

    async fn get_miner(&self, miner_id: i64) -> Result<domain::fleet::Miner, store::StoreError> {
        exec::query_as::<fleet_rows::MinerRecordRow>(&fleet_sql::select_miner())
            .bind(miner_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn update_miner(
        &self,
        miner_id: i64,
        miner: &domain::fleet::NewMiner,
        now_ms: i64,
    ) -> Result<domain::fleet::Miner, store::StoreError> {
        exec::query_as::<fleet_rows::MinerRecordRow>(&fleet_sql::update_miner())
            .bind(miner.customer_id)
            .bind(miner.asic_model_id)
            .bind(miner.model_name.as_str())
            .bind(miner.serial.as_str())
            .bind(miner.ip.as_str())
            .bind(miner.mac.as_deref())
            .bind(miner.rack.as_str())
            .bind(miner.status.code())
            .bind(now_ms)
            .bind(miner_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn delete_miners(
        &self,
        site_id: i64,
        miner_ids: &[i64],
    ) -> Result<u64, store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, delete_miners};
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let mut deleted = 0;
        for chunk in miner_ids.chunks(IN_LIST_CHUNK) {
            let sql = delete_miners(chunk.len());
            let mut query = exec::query(&sql).persistent(false).bind(site_id);
            for id in chunk {
                query = query.bind(*id);
            }
            deleted += query
                .execute(&mut tx)
                .await
                .map_err(store_error)?
                .rows_affected();
        }
        tx.commit().await.map_err(store_error)?;
        Ok(deleted)
    }

    async fn set_approval(
        &self,
        site_id: i64,
        miner_ids: &[i64],
        next: domain::fleet::Approval,
        actor_user_id: Option<i64>,
        note: Option<&str>,
        now_ms: i64,
    ) -> Result<domain::fleet::ApprovalReport, store::StoreError> {
        use domain::fleet::{Approval, ApprovalReport, RefusedApproval};
        use fleet_sql::{IN_LIST_CHUNK, set_approval};
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<i64> = miner_ids
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect();
        let reviewer = matches!(next, Approval::Approved | Approval::Rejected)
            .then_some(actor_user_id)
            .flatten();
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let mut moved = std::collections::HashSet::new();
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let sql = set_approval(next, chunk.len());
            let mut query = exec::query_scalar::<i64>(&sql)
                .persistent(false)
                .bind(next.as_str())
                .bind(note)
                .bind(reviewer)
                .bind(now_ms)
                .bind(site_id);
            for id in chunk {
                query = query.bind(*id);
            }
            moved.extend(query.fetch_all(&mut tx).await.map_err(store_error)?);
        }
        let (moved, refused): (Vec<i64>, Vec<i64>) =
            ids.into_iter().partition(|id| moved.contains(id));
        let states = Self::fleet_approvals(&mut tx, site_id, &refused).await?;
        tx.commit().await.map_err(store_error)?;
        let refused = refused
            .into_iter()
            .map(|miner_id| RefusedApproval {
                miner_id,
                current: states.get(&miner_id).copied(),
            })
            .collect();
        Ok(ApprovalReport { moved, refused })
    }

    async fn site_inventory(
        &self,
        site_id: i64,
    ) -> Result<Vec<(domain::fleet::Miner, Option<String>)>, store::StoreError> {
        exec::query_as::<fleet_rows::InventoryRow>(&fleet_sql::site_inventory())
            .bind(site_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|row| Ok((row.miner.try_into()?, row.customer_name)))
            .collect()
    }

    async fn list_miners(
        &self,
        query: &domain::fleet::MinerQuery,
        now_ms: i64,
    ) -> Result<domain::fleet::MinerPage, store::StoreError> {
        use fleet_sql::Arg;
        let sql = fleet_sql::miner_list(query, now_ms, self.dialect());
        let mut count = exec::query_scalar::<i64>(&sql.count);
        let mut page = exec::query_as::<fleet_rows::MinerListRow>(&sql.page);
        for arg in &sql.args {
            (count, page) = match arg {
                Arg::Int(value) => (count.bind(*value), page.bind(*value)),
                Arg::Text(text) => (count.bind(text.as_str()), page.bind(text.as_str())),
            };
        }
        let total = count.fetch_one(&self.db).await.map_err(store_error)?;
        let rows = page
            .bind(i64::from(query.limit()))
            .bind(i64::try_from(query.offset()).unwrap_or(i64::MAX))
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|row| row.into_row(now_ms))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(domain::fleet::MinerPage {
            rows,
            total: u64::try_from(total).unwrap_or(0),
            limits: domain::fleet::TemperatureLimits::default(),
        })
    }

    async fn miner_targets(
        &self,
        site_id: i64,
    ) -> Result<Vec<domain::fleet::MinerTarget>, store::StoreError> {
        let rows =
            exec::query_as::<(i64, String, Option<f64>, Option<f64>)>(fleet_sql::MINER_TARGETS)
                .bind(site_id)
                .fetch_all(&self.db)
                .await
                .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(miner_id, ip, power_w, hashrate_hs)| {
                domain::fleet::MinerTarget::new(miner_id, ip, power_w.zip(hashrate_hs))
            })
            .collect())
    }

    async fn sites_without_collector(&self) -> Result<Vec<i64>, store::StoreError> {
        exec::query_scalar::<i64>(fleet_sql::SITES_WITHOUT_COLLECTOR)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }

    async fn customer_site_ids(&self, customer_id: i64) -> Result<Vec<i64>, store::StoreError> {
        exec::query_scalar::<i64>(fleet_sql::CUSTOMER_SITE_IDS)
            .bind(customer_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)
    }

    async fn create_collector_key(
        &self,
        site_id: i64,
        key_hash: &str,
        label: &str,
        now_ms: i64,
    ) -> Result<domain::fleet::CollectorKey, store::StoreError> {
        exec::query_as::<fleet_rows::CollectorKeyRow>(&fleet_sql::insert_key())
            .bind(key_hash)
            .bind(site_id)
            .bind(label)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn site_for_collector_key(
        &self,
        key_hash: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, store::StoreError> {
        use fleet_sql::{KEY_SITE, KEY_TOUCH_INTERVAL_MS, TOUCH_KEY};
        let found = exec::query_as::<(i64, Option<i64>)>(KEY_SITE)
            .bind(key_hash)
            .fetch_optional(&self.db)
            .await
            .map_err(store_error)?;
        let Some((site_id, last_used_at_ms)) = found else {
            return Ok(None);
        };
        if last_used_at_ms.is_none_or(|last| now_ms - last >= KEY_TOUCH_INTERVAL_MS) {
            exec::query(TOUCH_KEY)
                .bind(key_hash)
                .bind(now_ms)
                .execute(&self.db)
                .await
                .map_err(store_error)?;
        }
        Ok(Some(site_id))
    }

    async fn list_collector_keys(
        &self,
        site_id: i64,
    ) -> Result<Vec<domain::fleet::CollectorKey>, store::StoreError> {
        let rows = exec::query_as::<fleet_rows::CollectorKeyRow>(&fleet_sql::list_keys())
            .bind(site_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn revoke_collector_key(
        &self,
        site_id: i64,
        key_hash_prefix: &str,
        now_ms: i64,
    ) -> Result<(), store::StoreError> {
        use store::StoreError;
        let prefix = key_hash_prefix.trim().to_ascii_lowercase();
        if prefix.len() < domain::fleet::MIN_REVOKE_PREFIX_CHARS {
            return Err(StoreError::NotFound);
        }
        let pattern = account_sql::like_pattern(&prefix, true);
        let hashes = exec::query_scalar::<String>(fleet_sql::KEYS_BY_PREFIX)
            .bind(site_id)
            .bind(pattern)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        let [key_hash] = hashes.as_slice() else {
            return Err(if hashes.is_empty() {
                StoreError::NotFound
            } else {
                StoreError::Conflict {
                    constraint: "collector_key prefix matches several keys".into(),
                }
            });
        };
        exec::query(fleet_sql::REVOKE_KEY)
            .bind(key_hash.as_str())
            .bind(now_ms)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }
}
