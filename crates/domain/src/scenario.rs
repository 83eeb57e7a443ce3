//! The calculator's inputs as the user types them and as the URL carries them, so a link
//! reproduces a scenario. Text in, a `CalcRequest` out, with unparsable numbers reported by field.

use crate::calculate::{CalcFieldError, CalcRequest};
use crate::number::{parse_number, trim_number};

/// Every input of the calculator page: URL key and default text. Empty hashrate and power mean
/// "take them from the model".
pub const FIELDS: [(&str, &str); 18] = [
    ("model", "Antminer S21 XP"),
    ("count", "1"),
    ("hashrate_ths", ""),
    ("power_w", ""),
    ("electricity_usd_kwh", "0.06"),
    ("btc_price_usd", "90000"),
    ("difficulty", "1.5e14"),
    ("fees_per_block_btc", "0.02"),
    ("pool_fee_pct", "2.5"),
    ("months", "36"),
    ("difficulty_growth_pct_month", "2"),
    ("investment_usd", "4500"),
    ("maintenance_usd_month", "0"),
    ("uptime_pct", "100"),
    ("hosting_usd_per_miner_month", "0"),
    ("hosting_usd_per_kw_month", "0"),
    ("hosting_markup_usd_kwh", "0"),
    ("host_site_cost_usd_kwh", ""),
];

/// Fields only the host side sees (`Module::HostFigures`): what the host pays for energy and
/// the markup it adds. An empty site cost means "no host view".
pub const HOST_FIELDS: [&str; 2] = ["hosting_markup_usd_kwh", "host_site_cost_usd_kwh"];

/// The longest value one field of a saved or linked scenario may hold, characters.
const MAX_VALUE_CHARS: usize = 100;

/// Fields prefilled from live market data when the address does not set them.
pub const MARKET_FIELDS: [&str; 4] = [
    "btc_price_usd",
    "difficulty",
    "fees_per_block_btc",
    "difficulty_growth_pct_month",
];

/// The text of each field, in [`FIELDS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub values: Vec<String>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            values: FIELDS
                .iter()
                .map(|(_, default)| (*default).to_owned())
                .collect(),
        }
    }
}

impl Scenario {
    /// Reads the fields a URL query carries; the others keep their defaults.
    pub fn from_query<'a>(get: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Self {
            values: FIELDS
                .iter()
                .map(|(key, default)| get(key).unwrap_or_else(|| (*default).to_owned()))
                .collect(),
        }
    }

    /// Reads the fields a URL query carries; the others take `prefill` (live market values)
    /// when it has one, else their defaults.
    pub fn from_query_or<'a>(
        get: impl Fn(&str) -> Option<String> + 'a,
        prefill: impl Fn(&str) -> Option<String> + 'a,
    ) -> Self {
        Self {
            values: FIELDS
                .iter()
                .map(|(key, default)| {
                    get(key)
                        .or_else(|| prefill(key))
                        .unwrap_or_else(|| (*default).to_owned())
                })
                .collect(),
        }
    }

    /// The query string of the fields that differ from their defaults, and always of the
    /// market values (which change over time), so that a link reproduces the scenario.
    pub fn to_query(&self) -> String {
        FIELDS
            .iter()
            .zip(&self.values)
            .filter(|((key, default), value)| {
                MARKET_FIELDS.contains(key) || value.as_str() != *default
            })
            .map(|((key, _), value)| format!("{key}={}", percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a query string (`a=1&b=2`, percent-encoded) strictly: `None` when it names a field
    /// the calculator does not have, names one twice, or holds an overlong value. Used for saved
    /// scenarios, which must reproduce exactly what was saved.
    pub fn parse_query(query: &str) -> Option<Self> {
        let mut scenario = Self::default();
        let mut seen = [false; FIELDS.len()];
        for pair in query.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let index = FIELDS.iter().position(|(k, _)| *k == key)?;
            let value = percent_decode(value)?;
            if seen[index] || value.chars().count() > MAX_VALUE_CHARS {
                return None;
            }
            seen[index] = true;
            scenario.values[index] = value;
        }
        Some(scenario)
    }

    /// The scenario as a client of a hosting provider sees it: the markup folded into the
    /// electricity price they pay, the host's site cost removed. Their own figures stay the
    /// same (the markup is a cost per kWh either way); only the host's are gone. The flag says
    /// whether anything host-side was there.
    pub fn into_client_view(mut self) -> (Self, bool) {
        let markup = parse_number(self.get("hosting_markup_usd_kwh")).unwrap_or(0.0);
        let had_host_fields =
            markup != 0.0 || !self.get("host_site_cost_usd_kwh").trim().is_empty();
        if markup != 0.0
            && let Some(electricity) = parse_number(self.get("electricity_usd_kwh"))
        {
            self.set("electricity_usd_kwh", trim_number(electricity + markup));
        }
        for key in HOST_FIELDS {
            let default = FIELDS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("", |(_, d)| *d);
            self.set(key, default.to_owned());
        }
        (self, had_host_fields)
    }

    pub fn set(&mut self, key: &str, value: String) {
        if let Some(i) = FIELDS.iter().position(|(k, _)| *k == key) {
            self.values[i] = value;
        }
    }

    pub fn get(&self, key: &str) -> &str {
        FIELDS
            .iter()
            .position(|(k, _)| *k == key)
            .map_or("", |i| self.values[i].as_str())
    }

    /// Parses the text into a request; every field that is not a number is reported.
    pub fn to_request(&self) -> Result<CalcRequest, Vec<CalcFieldError>> {
        let mut errors = Vec::new();
        let mut number = |key: &str| -> Option<f64> {
            let text = self.get(key).trim().replace([',', ' ', '_'], "");
            if text.is_empty() {
                return None;
            }
            if let Ok(value) = text.parse::<f64>() {
                Some(value)
            } else {
                errors.push(CalcFieldError {
                    field: key.to_owned(),
                    code: "not_a_number".to_owned(),
                    message: format!("{key} is not a number"),
                });
                None
            }
        };
        let request = CalcRequest {
            model: Some(self.get("model").to_owned()).filter(|m| !m.trim().is_empty()),
            count: number("count").map(whole),
            hashrate_ths: number("hashrate_ths"),
            power_w: number("power_w"),
            electricity_usd_kwh: number("electricity_usd_kwh"),
            btc_price_usd: number("btc_price_usd"),
            difficulty: number("difficulty"),
            fees_per_block_btc: number("fees_per_block_btc"),
            pool_fee_pct: number("pool_fee_pct"),
            months: number("months").map(|m| u32::try_from(whole(m)).unwrap_or(u32::MAX)),
            difficulty_growth_pct_month: number("difficulty_growth_pct_month"),
            investment_usd: number("investment_usd"),
            maintenance_usd_month: number("maintenance_usd_month"),
            uptime_pct: number("uptime_pct"),
            hosting_usd_per_miner_month: number("hosting_usd_per_miner_month"),
            hosting_usd_per_kw_month: number("hosting_usd_per_kw_month"),
            hosting_markup_usd_kwh: number("hosting_markup_usd_kwh"),
            host_site_cost_usd_kwh: number("host_site_cost_usd_kwh"),
            ..CalcRequest::default()
        };
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(errors)
        }
    }
}

/// Decodes `%XX` escapes and `+` (a space in form encoding); `None` on a broken escape or
/// bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A count or a month number typed as text: negative and fractional values become 0 or are
/// truncated, and the engine's range checks report them.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // saturating by design
fn whole(value: f64) -> u64 {
    if value.is_finite() && value >= 0.0 {
        value as u64
    } else {
        0
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, for query values and
/// `data:` URLs.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_make_a_query_of_the_market_values_only_and_a_valid_request() {
        let scenario = Scenario::default();
        assert_eq!(
            scenario.to_query(),
            "btc_price_usd=90000&difficulty=1.5e14&fees_per_block_btc=0.02\
             &difficulty_growth_pct_month=2"
        );
        let request = scenario.to_request().unwrap();
        assert_eq!(request.model.as_deref(), Some("Antminer S21 XP"));
        assert_eq!(request.hashrate_ths, None);
        assert_eq!(request.months, Some(36));
    }

    #[test]
    fn changed_fields_round_trip_through_the_query() {
        let mut scenario = Scenario::default();
        scenario.values[0] = "Antminer S19 Pro".into();
        scenario.values[4] = "0.045".into();
        let query = scenario.to_query();
        assert_eq!(
            query,
            "model=Antminer%20S19%20Pro&electricity_usd_kwh=0.045\
             &btc_price_usd=90000&difficulty=1.5e14&fees_per_block_btc=0.02\
             &difficulty_growth_pct_month=2"
        );
        let pairs: Vec<(String, String)> = vec![
            ("model".into(), "Antminer S19 Pro".into()),
            ("electricity_usd_kwh".into(), "0.045".into()),
        ];
        let back = Scenario::from_query(|key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        });
        assert_eq!(back, scenario);
    }

    #[test]
    fn market_values_fill_only_what_the_address_leaves_out() {
        let scenario = Scenario::from_query_or(
            |key| (key == "btc_price_usd").then(|| "70000".to_owned()),
            |key| match key {
                "btc_price_usd" => Some("95000".to_owned()),
                "difficulty" => Some("1.4930e14".to_owned()),
                _ => None,
            },
        );
        assert_eq!(scenario.get("btc_price_usd"), "70000");
        assert_eq!(scenario.get("difficulty"), "1.4930e14");
        assert_eq!(scenario.get("fees_per_block_btc"), "0.02");
    }

    #[test]
    fn text_that_is_not_a_number_is_named() {
        let mut scenario = Scenario::default();
        scenario.values[5] = "ninety k".into();
        scenario.values[6] = "1e14x".into();
        let errors = scenario.to_request().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["btc_price_usd", "difficulty"]);
        assert!(errors.iter().all(|e| e.code == "not_a_number"));
    }

    #[test]
    fn a_query_parses_strictly_and_round_trips() {
        let mut scenario = Scenario::default();
        scenario.set("model", "Whatsminer M60S".into());
        scenario.set("electricity_usd_kwh", "0.045".into());
        let back = Scenario::parse_query(&scenario.to_query()).unwrap();
        assert_eq!(back, scenario);
        assert_eq!(
            Scenario::parse_query("model=Antminer+S19+Pro")
                .unwrap()
                .get("model"),
            "Antminer S19 Pro"
        );
        assert_eq!(Scenario::parse_query(""), Some(Scenario::default()));
        assert_eq!(Scenario::parse_query("colour=red"), None);
        assert_eq!(Scenario::parse_query("count=1&count=2"), None);
        assert_eq!(Scenario::parse_query("model=%ZZ"), None);
        let long = format!("model={}", "x".repeat(101));
        assert_eq!(Scenario::parse_query(&long), None);
    }

    #[test]
    fn the_client_view_folds_the_markup_into_the_price_and_drops_the_site_cost() {
        let mut scenario = Scenario::default();
        scenario.set("electricity_usd_kwh", "0.06".into());
        scenario.set("hosting_markup_usd_kwh", "0.01".into());
        scenario.set("host_site_cost_usd_kwh", "0.045".into());
        let host_request = scenario.to_request().unwrap();
        let (client, changed) = scenario.into_client_view();
        assert!(changed);
        assert_eq!(client.get("electricity_usd_kwh"), "0.07");
        assert_eq!(client.get("hosting_markup_usd_kwh"), "0");
        assert_eq!(client.get("host_site_cost_usd_kwh"), "");
        let client_request = client.to_request().unwrap();
        assert_eq!(client_request.host_site_cost_usd_kwh, None);
        // What the client pays per kWh is the same either way.
        let paid = |r: &CalcRequest| {
            r.electricity_usd_kwh.unwrap() + r.hosting_markup_usd_kwh.unwrap_or(0.0)
        };
        assert!((paid(&host_request) - paid(&client_request)).abs() < 1e-12);
        let (_, changed) = Scenario::default().into_client_view();
        assert!(!changed);
    }

    #[test]
    fn thousands_separators_are_accepted() {
        let mut scenario = Scenario::default();
        scenario.values[5] = "90,000".into();
        assert_eq!(scenario.to_request().unwrap().btc_price_usd, Some(90_000.0));
    }
}
