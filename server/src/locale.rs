//! The reader's language for responses made outside a page render (downloads, plain-text
//! errors): the same rule as the pages — a stored choice first, then `Accept-Language`.

use app::i18n::{Locale, td_string};
use app::preferences::{LANGUAGE_COOKIE, find_cookie};
use axum::http::{HeaderMap, header};
use sheets::{BatchLabels, ErrorHeaders, ReasonLabels, ResultHeaders, SummaryLabels};

pub fn request_locale(headers: &HeaderMap) -> Locale {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(choice) =
        header(header::COOKIE).and_then(|cookies| find_cookie(cookies, LANGUAGE_COOKIE))
    {
        return language_locale(choice);
    }
    header(header::ACCEPT_LANGUAGE)
        .and_then(|accept| accept.split(',').next())
        .map_or(Locale::en, language_locale)
}

fn language_locale(tag: &str) -> Locale {
    if tag.trim().to_ascii_lowercase().starts_with("zh") {
        Locale::zh
    } else {
        Locale::en
    }
}

/// The batch workbook's texts in `locale`, from the same translations as the page.
pub fn batch_labels(locale: Locale) -> BatchLabels {
    macro_rules! t {
        ($key:ident) => {
            td_string!(locale, $key).to_owned()
        };
    }
    BatchLabels {
        title: t!(xlsx_title),
        results_sheet: t!(xlsx_results_sheet),
        summary_sheet: t!(xlsx_summary_sheet),
        errors_sheet: t!(xlsx_errors_sheet),
        results: ResultHeaders {
            row: t!(batch_row),
            model: t!(compare_model),
            quantity: t!(batch_quantity),
            hashrate_ths: t!(catalogue_hashrate),
            power_w: t!(catalogue_power),
            price_usd: t!(xlsx_price_usd),
            electricity_usd_per_kwh: t!(field_electricity_usd_kwh),
            decay_pct_per_month: t!(xlsx_decay),
            efficiency_j_th: t!(catalogue_efficiency),
            daily_btc: t!(out_daily_btc),
            daily_revenue_usd: t!(xlsx_daily_revenue),
            daily_electricity_usd: t!(xlsx_daily_electricity),
            daily_profit_usd: t!(compare_daily_profit),
            investment_usd: t!(field_investment_usd),
            total_profit_usd: t!(out_total_profit),
            payback_month: t!(compare_payback),
            roi_pct: t!(compare_roi),
        },
        summary: SummaryLabels {
            months: t!(xlsx_months),
            rows: t!(xlsx_rows),
            rows_in_error: t!(xlsx_rows_in_error),
            miners: t!(batch_miners),
            hashrate_ths: t!(batch_hashrate),
            power_kw: t!(batch_power),
            efficiency_j_th: t!(catalogue_efficiency),
            investment_usd: t!(field_investment_usd),
            daily_btc: t!(out_daily_btc),
            daily_revenue_usd: t!(xlsx_daily_revenue),
            daily_electricity_usd: t!(xlsx_daily_electricity),
            daily_profit_usd: t!(compare_daily_profit),
            total_profit_usd: t!(out_total_profit),
            payback_month: t!(compare_payback),
            roi_pct: t!(compare_roi),
        },
        errors: ErrorHeaders {
            row: t!(batch_row),
            column: t!(xlsx_column),
            reason: t!(xlsx_reason),
        },
        reasons: ReasonLabels {
            missing: t!(code_required),
            not_a_number: t!(code_not_a_number),
            not_a_whole_number: t!(code_not_a_whole_number),
            unknown_model: t!(code_unknown_model),
            not_finite: t!(code_not_finite),
            must_be_positive: t!(code_must_be_positive),
            must_be_non_negative: t!(code_must_be_non_negative),
            out_of_range: t!(code_out_of_range),
            too_large: t!(code_too_large),
        },
        payback_not_within_horizon: t!(xlsx_payback_never),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_stored_choice_wins_over_the_browser() {
        let h = headers(&[
            (header::COOKIE, "theme=dark; lang=zh"),
            (header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9"),
        ]);
        assert_eq!(request_locale(&h), Locale::zh);
    }

    #[test]
    fn the_workbook_speaks_the_readers_language() {
        assert_eq!(batch_labels(Locale::en).results.quantity, "Quantity");
        assert_eq!(batch_labels(Locale::zh).results.quantity, "数量");
        assert_eq!(batch_labels(Locale::zh).errors_sheet, "错误");
    }

    #[test]
    fn the_browser_decides_without_a_choice_and_english_is_the_default() {
        assert_eq!(
            request_locale(&headers(&[(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")])),
            Locale::zh
        );
        assert_eq!(request_locale(&HeaderMap::new()), Locale::en);
    }
}
