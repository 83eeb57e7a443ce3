//! Reading and editing the ASIC catalogue.

use leptos::prelude::*;

use crate::catalogue::{AsicModel, AsicModelForm};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access::{Access, Module},
    error::Rejection,
    ssr::auth::guard,
    ssr::identity,
};

/// Every model of the catalogue, best efficiency first. Open to everyone who may use the
/// calculator, visitors included: the catalogue is reference data.
#[server(endpoint = "list_asic_models")]
pub async fn list_asic_models() -> Result<Vec<AsicModel>, AppError> {
    guard(Module::Calculator, Access::Read)?;
    let store = crate::ssr::store()?;
    Ok(store.list_asic_models().await?)
}

/// Adds a model (owner and admin). A name already in the catalogue is refused, never
/// overwritten.
#[server(endpoint = "create_asic_model")]
pub async fn create_asic_model(form: AsicModelForm) -> Result<AsicModel, AppError> {
    let caller = guard(Module::Catalogue, Access::Full)?;
    let model = form.parse().map_err(AppError::Rejected)?;
    let store = crate::ssr::store()?;
    let created = store
        .create_asic_model(&model)
        .await
        .map_err(|err| crate::ssr::conflict_as(err, Rejection::ModelNameTaken))?;
    identity::audit(
        &*store,
        &caller,
        "catalogue.create",
        "ok",
        None,
        serde_json::json!({ "asic_model_id": created.asic_model_id, "name": created.name }),
    )
    .await?;
    Ok(created)
}

/// Replaces a model's fields, its name included (owner and admin). Scenarios and links that
/// name the old name no longer find it, as with a deleted model.
#[server(endpoint = "update_asic_model")]
pub async fn update_asic_model(
    asic_model_id: i64,
    form: AsicModelForm,
) -> Result<AsicModel, AppError> {
    let caller = guard(Module::Catalogue, Access::Full)?;
    let model = form.parse().map_err(AppError::Rejected)?;
    let store = crate::ssr::store()?;
    let updated = store
        .update_asic_model(asic_model_id, &model)
        .await
        .map_err(|err| crate::ssr::conflict_as(err, Rejection::ModelNameTaken))?;
    identity::audit(
        &*store,
        &caller,
        "catalogue.update",
        "ok",
        None,
        serde_json::json!({ "asic_model_id": asic_model_id, "name": updated.name }),
    )
    .await?;
    Ok(updated)
}

#[server(endpoint = "delete_asic_model")]
pub async fn delete_asic_model(asic_model_id: i64) -> Result<(), AppError> {
    let caller = guard(Module::Catalogue, Access::Full)?;
    let store = crate::ssr::store()?;
    store.delete_asic_model(asic_model_id).await?;
    identity::audit(
        &*store,
        &caller,
        "catalogue.delete",
        "ok",
        None,
        serde_json::json!({ "asic_model_id": asic_model_id }),
    )
    .await
}
