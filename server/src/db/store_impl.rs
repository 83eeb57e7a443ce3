//! The SQL both engines share. The text is portable (`$n` placeholders, `returning`,
//! `on conflict`), so one macro implements `Store` for each pool type and the engines can only
//! diverge where a file says so.

pub const PING: &str = "select 1";

pub const LIST_ASIC_MODELS: &str = "
    select asic_model_id, name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd
    from asic_model
    order by power_w / hashrate_hs, name";

pub const GET_ASIC_MODEL: &str = "
    select asic_model_id, name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd
    from asic_model
    where name = $1";

pub const UPSERT_ASIC_MODEL: &str = "
    insert into asic_model (name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd)
    values ($1, $2, $3, $4, $5, $6, $7)
    on conflict (name) do update set
        manufacturer = excluded.manufacturer,
        hashrate_hs = excluded.hashrate_hs,
        power_w = excluded.power_w,
        cooling = excluded.cooling,
        release_date = excluded.release_date,
        price_usd = excluded.price_usd
    returning asic_model_id, name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd";

pub const DELETE_ASIC_MODEL: &str = "delete from asic_model where asic_model_id = $1";

/// Implements `app::ssr::Store` for a struct with a `pool` field of the given sqlx pool type.
macro_rules! impl_store {
    ($store:ty, $engine:literal) => {
        #[async_trait::async_trait]
        impl app::ssr::Store for $store {
            async fn ping(&self) -> Result<(), app::ssr::StoreError> {
                sqlx::query($crate::db::store_impl::PING)
                    .execute(&self.pool)
                    .await
                    .map(drop)
                    .map_err($crate::db::store_error)
            }

            fn engine(&self) -> &'static str {
                $engine
            }

            async fn list_asic_models(
                &self,
            ) -> Result<Vec<app::catalogue::AsicModel>, app::ssr::StoreError> {
                sqlx::query_as::<_, $crate::db::rows::AsicModelRow>(
                    $crate::db::store_impl::LIST_ASIC_MODELS,
                )
                .fetch_all(&self.pool)
                .await
                .map_err($crate::db::store_error)?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn get_asic_model(
                &self,
                name: &str,
            ) -> Result<app::catalogue::AsicModel, app::ssr::StoreError> {
                sqlx::query_as::<_, $crate::db::rows::AsicModelRow>(
                    $crate::db::store_impl::GET_ASIC_MODEL,
                )
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::db::store_error)?
                .try_into()
            }

            async fn upsert_asic_model(
                &self,
                model: &app::catalogue::NewAsicModel,
            ) -> Result<app::catalogue::AsicModel, app::ssr::StoreError> {
                sqlx::query_as::<_, $crate::db::rows::AsicModelRow>(
                    $crate::db::store_impl::UPSERT_ASIC_MODEL,
                )
                .bind(&model.name)
                .bind(&model.manufacturer)
                .bind(model.hashrate_hs)
                .bind(model.power_w)
                .bind(model.cooling.as_str())
                .bind(&model.release_date)
                .bind(model.price_usd)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::db::store_error)?
                .try_into()
            }

            async fn delete_asic_model(
                &self,
                asic_model_id: i64,
            ) -> Result<(), app::ssr::StoreError> {
                let done = sqlx::query($crate::db::store_impl::DELETE_ASIC_MODEL)
                    .bind(asic_model_id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::db::store_error)?;
                if done.rows_affected() == 0 {
                    return Err(app::ssr::StoreError::NotFound);
                }
                Ok(())
            }
        }
    };
}

pub(crate) use impl_store;
