//! The calculation every surface shares: a `CalcRequest` resolved against the catalogue and
//! evaluated with `domain::calculate`, so the CLI (`hashinsight calc`) and the REST API
//! (`POST /api/v1/calculate`) cannot disagree.

use std::sync::Arc;

use domain::calculate::{CalcContext, CalcFieldError, CalcRequest, CalcResponse, find_in, resolve};
use store::Store;

/// Resolves against the catalogue (read only when the request names a model) and evaluates.
pub async fn run(
    request: &CalcRequest,
    store: Option<&Arc<dyn Store>>,
    context: CalcContext,
) -> anyhow::Result<Result<CalcResponse, Vec<CalcFieldError>>> {
    let catalogue = match (&request.model, store) {
        (Some(_), Some(store)) => store.list_asic_models().await?,
        _ => Vec::new(),
    };
    let specs: Vec<(&str, (f64, f64))> = catalogue
        .iter()
        .map(|m| (m.name.as_str(), (m.hashrate_hs, m.power_w)))
        .collect();
    let find = |name: &str| find_in(specs.iter().copied(), name);
    Ok(
        resolve(request, context, &find)
            .and_then(|resolved| domain::calculate::evaluate(&resolved)),
    )
}
