//! Reading the ASIC catalogue.

use leptos::prelude::*;

use crate::catalogue::AsicModel;
use crate::error::AppError;

/// Every model of the catalogue, best efficiency first. Open to everyone who may use the
/// calculator, visitors included: the catalogue is reference data.
#[server(endpoint = "list_asic_models")]
pub async fn list_asic_models() -> Result<Vec<AsicModel>, AppError> {
    crate::ssr::auth::guard(
        crate::access::Module::Calculator,
        crate::access::Access::Read,
    )?;
    let store = crate::ssr::store()?;
    Ok(store.list_asic_models().await?)
}
