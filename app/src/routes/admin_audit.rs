//! The audit log: who did what, when and from where, filtered by action, account and dates.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::access::{Access, Module};
use crate::account::{AuditFilter, AuditPage};
use crate::api::users::list_audit;
use crate::components::error_view::Refusal;
use crate::components::page_title::PageTitle;
use crate::components::session::RequireAccess;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::format_time;

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, audit_title) />
        <h1>{t!(i18n, audit_title)}</h1>
        <RequireAccess module=Module::Audit need=Access::Read>
            <AuditLog />
        </RequireAccess>
    }
}

/// The filter the address describes; a bad date or id is ignored rather than failing the page.
fn filter_from_query(get: impl Fn(&str) -> Option<String>) -> AuditFilter {
    let text = |key: &str| get(key).filter(|v| !v.trim().is_empty());
    AuditFilter {
        action: text("action").map(|a| a.trim().to_owned()),
        actor_user_id: text("actor").and_then(|v| v.trim().parse().ok()),
        subject_user_id: text("subject").and_then(|v| v.trim().parse().ok()),
        since_ms: text("since").and_then(|d| crate::market::day_from_iso(d.trim())),
        until_ms: text("until")
            .and_then(|d| crate::market::day_from_iso(d.trim()))
            .map(|day| day + crate::market::DAY_MS),
        page: text("page").and_then(|p| p.parse().ok()).unwrap_or(0),
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let value = move |key: &'static str| move || query.read().get(key).unwrap_or_default();
    let filter = move || filter_from_query(|key| query.read().get(key));
    let entries = Resource::new(filter, list_audit);
    view! {
        <form method="get" action="/admin/audit" class="form-grid audit-filter" id="audit-filter">
            <label>
                {t!(i18n, audit_action)}
                <input type="text" name="action" prop:value=value("action") placeholder="login" />
            </label>
            <label>
                {t!(i18n, audit_user)}
                <input type="number" name="subject" min="1" prop:value=value("subject") />
            </label>
            <label>
                {t!(i18n, audit_since)}
                <input type="date" name="since" prop:value=value("since") />
            </label>
            <label>
                {t!(i18n, audit_until)}
                <input type="date" name="until" prop:value=value("until") />
            </label>
            <button type="submit" class="button">{t!(i18n, audit_filter)}</button>
        </form>
        <Transition fallback=|| ()>
            {move || {
                entries
                    .get()
                    .map(|found| match found {
                        Err(error) => view! { <Refusal error /> }.into_any(),
                        Ok(page) => view! { <AuditTable page /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AuditTable(page: AuditPage) -> impl IntoView {
    let i18n = use_i18n();
    if page.entries.is_empty() {
        return view! { <p class="muted" id="audit-none">{t!(i18n, audit_none)}</p> }.into_any();
    }
    let total = page.total;
    let pages = u32::try_from((total + i64::from(page.per_page) - 1) / i64::from(page.per_page))
        .unwrap_or(1)
        .max(1);
    let current = page.page;
    let location = leptos_router::hooks::use_location();
    let link = move |to: u32| {
        let search = location.search.get();
        let kept: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
            .collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        format!("/admin/audit?{query}page={to}")
    };
    let rows = page
        .entries
        .into_iter()
        .map(|entry| {
            view! {
                <tr data-action=entry.action.clone()>
                    <td>{format_time(entry.at_ms)}</td>
                    <td><code>{entry.action.clone()}</code></td>
                    <td>{entry.outcome.clone()}</td>
                    <td>{entry.actor.clone().unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{entry.subject_user_id.map(|id| id.to_string()).unwrap_or_default()}</td>
                    <td>{entry.ip.clone().unwrap_or_default()}</td>
                    <td class="small"><code>{entry.detail.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let display_page = current + 1;
    view! {
        <p class="muted" id="audit-total">{t!(i18n, audit_total, count = total)}</p>
        <div class="table-scroll">
            <table class="data-table" id="audit-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, audit_when)}</th>
                        <th scope="col">{t!(i18n, audit_action)}</th>
                        <th scope="col">{t!(i18n, audit_outcome)}</th>
                        <th scope="col">{t!(i18n, audit_actor)}</th>
                        <th scope="col">{t!(i18n, audit_subject)}</th>
                        <th scope="col">{t!(i18n, audit_from)}</th>
                        <th scope="col">{t!(i18n, audit_detail)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, audit_title)>
            {(current > 0).then(|| view! { <a class="button" href=link(current - 1)>{t!(i18n, page_prev)}</a> })}
            <span>{t!(i18n, page_of, page = display_page, pages)}</span>
            {(current + 1 < pages).then(|| view! { <a class="button" href=link(current + 1)>{t!(i18n, page_next)}</a> })}
        </nav>
    }
        .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_becomes_a_filter_and_bad_values_are_ignored() {
        let pairs = [
            ("action", "login"),
            ("subject", "7"),
            ("since", "2026-11-01"),
            ("until", "2026-11-02"),
            ("actor", "x"),
        ];
        let filter = filter_from_query(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        });
        assert_eq!(filter.action.as_deref(), Some("login"));
        assert_eq!(filter.subject_user_id, Some(7));
        assert_eq!(filter.actor_user_id, None);
        assert_eq!(filter.since_ms, crate::market::day_from_iso("2026-11-01"));
        assert_eq!(filter.until_ms, crate::market::day_from_iso("2026-11-03"));
    }
}
