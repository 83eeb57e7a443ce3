//! The ASIC catalogue, rendered on the server so it reads without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::catalogue::{AsicModel, Cooling};
use crate::components::with_catalogue::WithCatalogue;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, catalogue_title) />
        <h1>{t!(i18n, catalogue_title)}</h1>
        <WithCatalogue render=|models| view! { <CatalogueTable models /> } />
    }
}

#[component]
fn CatalogueTable(models: Vec<AsicModel>) -> impl IntoView {
    let i18n = use_i18n();
    let count = models.len();
    let rows = models
        .into_iter()
        .map(|model| {
            let cooling = move || match model.cooling {
                Cooling::Air => t_string!(i18n, cooling_air),
                Cooling::Hydro => t_string!(i18n, cooling_hydro),
                Cooling::Immersion => t_string!(i18n, cooling_immersion),
            };
            view! {
                <tr>
                    <th scope="row">{model.name.clone()}</th>
                    <td>{model.manufacturer.clone()}</td>
                    <td class="num">{format!("{:.1}", model.hashrate_hs / 1e12)}</td>
                    <td class="num">{format!("{:.0}", model.power_w)}</td>
                    <td class="num">{format!("{:.2}", model.efficiency_j_per_th())}</td>
                    <td>{cooling}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" id="catalogue-count">{t!(i18n, catalogue_count, count)}</p>
        <div class="table-scroll">
            <table class="data-table" id="catalogue-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, catalogue_model)}</th>
                        <th scope="col">{t!(i18n, catalogue_manufacturer)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_hashrate)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_power)}</th>
                        <th scope="col" class="num">{t!(i18n, catalogue_efficiency)}</th>
                        <th scope="col">{t!(i18n, catalogue_cooling)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
