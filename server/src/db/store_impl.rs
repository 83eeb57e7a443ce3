//! The catalogue, scenario and network-day SQL both engines share. The text is portable (`$n`
//! placeholders, `returning`, `on conflict`), so each statement is written once and runs on
//! either engine through `exec`.

use crate::db::{SqlStore, exec, rows, store_error};

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

pub const CREATE_ASIC_MODEL: &str = "
    insert into asic_model (name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd)
    values ($1, $2, $3, $4, $5, $6, $7)
    returning asic_model_id, name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd";

pub const UPDATE_ASIC_MODEL: &str = "
    update asic_model set
        name = $1, manufacturer = $2, hashrate_hs = $3, power_w = $4, cooling = $5,
        release_date = $6, price_usd = $7
    where asic_model_id = $8
    returning asic_model_id, name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd";

pub const DELETE_ASIC_MODEL: &str = "delete from asic_model where asic_model_id = $1";

pub const LIST_SAVED_SCENARIOS: &str = "
    select scenario_id, name, query, updated_at_ms
    from saved_scenario
    where user_id = $1
    order by lower(name), scenario_id";

pub const INSERT_SAVED_SCENARIO: &str = "
    insert into saved_scenario (user_id, name, query, created_at_ms, updated_at_ms)
    values ($1, $2, $3, $4, $4)
    returning scenario_id, name, query, updated_at_ms";

pub const REPLACE_SAVED_SCENARIO: &str = "
    insert into saved_scenario (user_id, name, query, created_at_ms, updated_at_ms)
    values ($1, $2, $3, $4, $4)
    on conflict (user_id, name) do update set
        query = excluded.query,
        updated_at_ms = excluded.updated_at_ms
    returning scenario_id, name, query, updated_at_ms";

pub const RENAME_SAVED_SCENARIO: &str = "
    update saved_scenario set name = $1, updated_at_ms = $2
    where scenario_id = $3 and user_id = $4
    returning scenario_id, name, query, updated_at_ms";

pub const DELETE_SAVED_SCENARIO: &str =
    "delete from saved_scenario where scenario_id = $1 and user_id = $2";

pub const UPSERT_NETWORK_DAY: &str = "
    insert into network_day (day_ms, difficulty, hashrate_hs, price_usd, source, updated_at_ms)
    values ($1, $2, $3, $4, $5, $6)
    on conflict (day_ms) do update set
        difficulty = coalesce(excluded.difficulty, network_day.difficulty),
        hashrate_hs = coalesce(excluded.hashrate_hs, network_day.hashrate_hs),
        price_usd = coalesce(excluded.price_usd, network_day.price_usd),
        source = excluded.source,
        updated_at_ms = excluded.updated_at_ms";

pub const LIST_NETWORK_DAYS: &str = "
    select day_ms, difficulty, hashrate_hs, price_usd, source, updated_at_ms
    from network_day
    where day_ms >= $1
    order by day_ms";

#[async_trait::async_trait]
impl store::Store for SqlStore {
    async fn ping(&self) -> Result<(), store::StoreError> {
        exec::query(PING)
            .execute(&self.db)
            .await
            .map(drop)
            .map_err(store_error)
    }

    fn engine(&self) -> &'static str {
        self.db.engine().name()
    }

    async fn list_asic_models(
        &self,
    ) -> Result<Vec<domain::catalogue::AsicModel>, store::StoreError> {
        exec::query_as::<rows::AsicModelRow>(LIST_ASIC_MODELS)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn get_asic_model(
        &self,
        name: &str,
    ) -> Result<domain::catalogue::AsicModel, store::StoreError> {
        exec::query_as::<rows::AsicModelRow>(GET_ASIC_MODEL)
            .bind(name)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn upsert_asic_model(
        &self,
        model: &domain::catalogue::NewAsicModel,
    ) -> Result<domain::catalogue::AsicModel, store::StoreError> {
        exec::query_as::<rows::AsicModelRow>(UPSERT_ASIC_MODEL)
            .bind(&model.name)
            .bind(&model.manufacturer)
            .bind(model.hashrate_hs)
            .bind(model.power_w)
            .bind(model.cooling.as_str())
            .bind(&model.release_date)
            .bind(model.price_usd)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn create_asic_model(
        &self,
        model: &domain::catalogue::NewAsicModel,
    ) -> Result<domain::catalogue::AsicModel, store::StoreError> {
        exec::query_as::<rows::AsicModelRow>(CREATE_ASIC_MODEL)
            .bind(&model.name)
            .bind(&model.manufacturer)
            .bind(model.hashrate_hs)
            .bind(model.power_w)
            .bind(model.cooling.as_str())
            .bind(&model.release_date)
            .bind(model.price_usd)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn update_asic_model(
        &self,
        asic_model_id: i64,
        model: &domain::catalogue::NewAsicModel,
    ) -> Result<domain::catalogue::AsicModel, store::StoreError> {
        exec::query_as::<rows::AsicModelRow>(UPDATE_ASIC_MODEL)
            .bind(&model.name)
            .bind(&model.manufacturer)
            .bind(model.hashrate_hs)
            .bind(model.power_w)
            .bind(model.cooling.as_str())
            .bind(&model.release_date)
            .bind(model.price_usd)
            .bind(asic_model_id)
            .fetch_one(&self.db)
            .await
            .map_err(store_error)?
            .try_into()
    }

    async fn list_saved_scenarios(
        &self,
        user_id: i64,
    ) -> Result<Vec<domain::saved_scenario::SavedScenario>, store::StoreError> {
        let rows = exec::query_as::<rows::SavedScenarioRow>(LIST_SAVED_SCENARIOS)
            .bind(user_id)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn save_scenario(
        &self,
        user_id: i64,
        name: &str,
        query: &str,
        replace: bool,
        now_ms: i64,
    ) -> Result<domain::saved_scenario::SavedScenario, store::StoreError> {
        let sql = if replace {
            REPLACE_SAVED_SCENARIO
        } else {
            INSERT_SAVED_SCENARIO
        };
        exec::query_as::<rows::SavedScenarioRow>(sql)
            .bind(user_id)
            .bind(name)
            .bind(query)
            .bind(now_ms)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn rename_saved_scenario(
        &self,
        user_id: i64,
        scenario_id: i64,
        name: &str,
        now_ms: i64,
    ) -> Result<domain::saved_scenario::SavedScenario, store::StoreError> {
        exec::query_as::<rows::SavedScenarioRow>(RENAME_SAVED_SCENARIO)
            .bind(name)
            .bind(now_ms)
            .bind(scenario_id)
            .bind(user_id)
            .fetch_one(&self.db)
            .await
            .map(Into::into)
            .map_err(store_error)
    }

    async fn delete_saved_scenario(
        &self,
        user_id: i64,
        scenario_id: i64,
    ) -> Result<(), store::StoreError> {
        exec::query(DELETE_SAVED_SCENARIO)
            .bind(scenario_id)
            .bind(user_id)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn delete_asic_model(&self, asic_model_id: i64) -> Result<(), store::StoreError> {
        exec::query(DELETE_ASIC_MODEL)
            .bind(asic_model_id)
            .execute(&self.db)
            .await
            .map_err(store_error)?
            .found()
    }

    async fn upsert_network_days(
        &self,
        days: &[domain::market::NetworkDay],
    ) -> Result<usize, store::StoreError> {
        let mut tx = self.db.begin().await.map_err(store_error)?;
        for day in days {
            exec::query(UPSERT_NETWORK_DAY)
                .bind(day.day_ms)
                .bind(day.difficulty)
                .bind(day.hashrate_hs)
                .bind(day.price_usd)
                .bind(&day.source)
                .bind(day.updated_at_ms)
                .execute(&mut tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(days.len())
    }

    async fn list_network_days(
        &self,
        since_day_ms: i64,
    ) -> Result<Vec<domain::market::NetworkDay>, store::StoreError> {
        let rows = exec::query_as::<rows::NetworkDayRow>(LIST_NETWORK_DAYS)
            .bind(since_day_ms)
            .fetch_all(&self.db)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
