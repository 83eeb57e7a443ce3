//! The connection-level helpers of `FleetStore` (see `fleet_store_impl`): they take the open
//! transaction, so that an import's checks and writes run in one.

use crate::db::{SqlStore, exec, fleet_import, fleet_rows, fleet_sql, store_error};

impl SqlStore {
    /// Those of `values` that `prefix` (a query ending in `column in`) finds, with
    /// `fixed` bound first when given.
    pub(super) async fn fleet_texts_in(
        conn: &mut exec::Tx,
        prefix: &str,
        fixed: Option<i64>,
        values: &std::collections::HashSet<String>,
    ) -> Result<std::collections::HashSet<String>, store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, placeholders};
        let values: Vec<&String> = values.iter().collect();
        let first = 1 + usize::from(fixed.is_some());
        let mut found = std::collections::HashSet::new();
        for chunk in values.chunks(IN_LIST_CHUNK) {
            let sql = format!("{prefix} ({})", placeholders(first, chunk.len()));
            let mut query = exec::query_scalar::<String>(&sql).persistent(false);
            if let Some(id) = fixed {
                query = query.bind(id);
            }
            for value in chunk {
                query = query.bind(value.as_str());
            }
            found.extend(query.fetch_all(&mut *conn).await.map_err(store_error)?);
        }
        Ok(found)
    }

    /// Those of `ids` that `prefix` (a query ending in `column in`) finds.
    pub(super) async fn fleet_ids_in(
        conn: &mut exec::Tx,
        prefix: &str,
        ids: &std::collections::HashSet<i64>,
    ) -> Result<std::collections::HashSet<i64>, store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, placeholders};
        let ids: Vec<i64> = ids.iter().copied().collect();
        let mut found = std::collections::HashSet::new();
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let sql = format!("{prefix} ({})", placeholders(1, chunk.len()));
            let mut query = exec::query_scalar::<i64>(&sql).persistent(false);
            for id in chunk {
                query = query.bind(*id);
            }
            found.extend(query.fetch_all(&mut *conn).await.map_err(store_error)?);
        }
        Ok(found)
    }

    /// What the database holds among `wanted`: serials, IPs and MACs taken in the site
    /// (another site's, another host's perhaps, are none of the import's business), and
    /// the customers and models that exist.
    pub(super) async fn fleet_taken(
        conn: &mut exec::Tx,
        site_id: i64,
        wanted: &fleet_import::Taken,
    ) -> Result<fleet_import::Taken, store::StoreError> {
        Ok(fleet_import::Taken {
            serials: Self::fleet_texts_in(
                conn,
                "select serial from miner where site_id = $1 and serial in",
                Some(site_id),
                &wanted.serials,
            )
            .await?,
            ips: Self::fleet_texts_in(
                conn,
                "select ip from miner where site_id = $1 and ip in",
                Some(site_id),
                &wanted.ips,
            )
            .await?,
            macs: Self::fleet_texts_in(
                conn,
                "select mac from miner where site_id = $1 and mac in",
                Some(site_id),
                &wanted.macs,
            )
            .await?,
            customer_ids: Self::fleet_ids_in(
                conn,
                "select customer_id from customer where customer_id in",
                &wanted.customer_ids,
            )
            .await?,
            asic_model_ids: Self::fleet_ids_in(
                conn,
                "select asic_model_id from asic_model where asic_model_id in",
                &wanted.asic_model_ids,
            )
            .await?,
        })
    }

    /// Writes the rows at `indexes` as drafts; returns the new ids by serial (a row
    /// missing from the answer lost a unique value to another writer).
    pub(super) async fn fleet_insert_rows(
        conn: &mut exec::Tx,
        site_id: i64,
        now_ms: i64,
        miners: &[domain::fleet::NewMiner],
        indexes: &[usize],
    ) -> Result<std::collections::HashMap<String, i64>, store::StoreError> {
        use fleet_sql::{INSERT_CHUNK_ROWS, insert_miners};
        let mut ids = std::collections::HashMap::with_capacity(indexes.len());
        for chunk in indexes.chunks(INSERT_CHUNK_ROWS) {
            let sql = insert_miners(chunk.len());
            let mut query = exec::query_as::<(i64, String)>(&sql)
                .persistent(false)
                .bind(site_id)
                .bind(now_ms);
            for &index in chunk {
                let miner = &miners[index];
                query = query
                    .bind(miner.customer_id)
                    .bind(miner.asic_model_id)
                    .bind(miner.model_name.as_str())
                    .bind(miner.serial.as_str())
                    .bind(miner.ip.as_str())
                    .bind(miner.mac.as_deref())
                    .bind(miner.rack.as_str())
                    .bind(miner.status.code());
            }
            let rows = query.fetch_all(&mut *conn).await.map_err(store_error)?;
            ids.extend(
                rows.into_iter()
                    .map(|(miner_id, serial)| (serial, miner_id)),
            );
        }
        Ok(ids)
    }

    /// The approval state of those of `ids` that are the site's.
    pub(super) async fn fleet_approvals(
        conn: &mut exec::Tx,
        site_id: i64,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, domain::fleet::Approval>, store::StoreError> {
        use fleet_sql::{IN_LIST_CHUNK, approvals_of};
        let mut states = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let sql = approvals_of(chunk.len());
            let mut query = exec::query_as::<(i64, String)>(&sql)
                .persistent(false)
                .bind(site_id);
            for id in chunk {
                query = query.bind(*id);
            }
            for (miner_id, text) in query.fetch_all(&mut *conn).await.map_err(store_error)? {
                states.insert(miner_id, fleet_rows::approval(miner_id, &text)?);
            }
        }
        Ok(states)
    }
}
