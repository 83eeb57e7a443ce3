//! Saved calculator scenarios: each signed-in user keeps their own, and nobody else's is
//! reachable — every query is scoped by the caller's user id, so another user's id answers
//! "not found".

use leptos::prelude::*;

use crate::error::AppError;
use crate::saved_scenario::SavedScenario;

#[cfg(feature = "ssr")]
use crate::{
    access::{Access, Module},
    error::Rejection,
    saved_scenario::{MAX_PER_USER, canonical_query, normalise_name},
    ssr::auth::guard,
    ssr::identity::now_ms,
};

/// The caller's user id and whether they see host figures; visitors must sign in.
#[cfg(feature = "ssr")]
fn scenario_owner() -> Result<(i64, bool), AppError> {
    let caller = guard(Module::Calculator, Access::Read)?;
    let member = caller.member()?;
    Ok((member.user_id, member.role.sees_host_figures()))
}

#[server(endpoint = "list_saved_scenarios")]
pub async fn list_saved_scenarios() -> Result<Vec<SavedScenario>, AppError> {
    let (user_id, _) = scenario_owner()?;
    Ok(crate::ssr::store()?.list_saved_scenarios(user_id).await?)
}

/// Saves the calculator's query under `name`. An existing name is refused unless `replace` is
/// set, so nothing is overwritten by accident.
#[server(endpoint = "save_scenario")]
pub async fn save_scenario(
    name: String,
    query: String,
    replace: bool,
) -> Result<SavedScenario, AppError> {
    let (user_id, sees_host_figures) = scenario_owner()?;
    let name = normalise_name(&name).ok_or(AppError::Rejected(Rejection::ScenarioNameInvalid))?;
    let query = canonical_query(&query, sees_host_figures)
        .ok_or(AppError::Rejected(Rejection::ScenarioInvalid))?;
    let store = crate::ssr::store()?;
    // A replacement does not add a row, so only new names count against the limit.
    let saved = store.list_saved_scenarios(user_id).await?;
    let exists = saved.iter().any(|s| s.name == name);
    if !exists && i64::try_from(saved.len()).unwrap_or(i64::MAX) >= MAX_PER_USER {
        return Err(AppError::Rejected(Rejection::ScenarioLimit));
    }
    store
        .save_scenario(user_id, &name, &query, replace, now_ms())
        .await
        .map_err(|err| crate::ssr::conflict_as(err, Rejection::ScenarioNameTaken))
}

#[server(endpoint = "rename_saved_scenario")]
pub async fn rename_saved_scenario(
    scenario_id: i64,
    name: String,
) -> Result<SavedScenario, AppError> {
    let (user_id, _) = scenario_owner()?;
    let name = normalise_name(&name).ok_or(AppError::Rejected(Rejection::ScenarioNameInvalid))?;
    crate::ssr::store()?
        .rename_saved_scenario(user_id, scenario_id, &name, now_ms())
        .await
        .map_err(|err| crate::ssr::conflict_as(err, Rejection::ScenarioNameTaken))
}

#[server(endpoint = "delete_saved_scenario")]
pub async fn delete_saved_scenario(scenario_id: i64) -> Result<(), AppError> {
    let (user_id, _) = scenario_owner()?;
    Ok(crate::ssr::store()?
        .delete_saved_scenario(user_id, scenario_id)
        .await?)
}
